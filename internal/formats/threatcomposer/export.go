package threatcomposer

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// The export document, in Threat Composer's own key order.
type document struct {
	Schema          int              `json:"schema"`
	ApplicationInfo appInfo          `json:"applicationInfo"`
	Architecture    imageInfo        `json:"architecture"`
	Dataflow        imageInfo        `json:"dataflow"`
	Assumptions     []assumption     `json:"assumptions"`
	Mitigations     []mitigation     `json:"mitigations"`
	AssumptionLinks []assumptionLink `json:"assumptionLinks"`
	MitigationLinks []mitigationLink `json:"mitigationLinks"`
	Threats         []threat         `json:"threats"`
}

type appInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

type imageInfo struct {
	Description string `json:"description,omitempty"`
}

type metadata struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

type assumption struct {
	ID           string     `json:"id"`
	NumericID    int        `json:"numericId"`
	DisplayOrder int        `json:"displayOrder"`
	Metadata     []metadata `json:"metadata,omitempty"`
	Content      string     `json:"content"`
}

type mitigation struct {
	ID           string     `json:"id"`
	NumericID    int        `json:"numericId"`
	DisplayOrder int        `json:"displayOrder"`
	Metadata     []metadata `json:"metadata,omitempty"`
	Tags         []string   `json:"tags,omitempty"`
	Content      string     `json:"content"`
	Status       string     `json:"status"`
}

type assumptionLink struct {
	Type         string `json:"type"`
	AssumptionID string `json:"assumptionId"`
	LinkedID     string `json:"linkedId"`
}

type mitigationLink struct {
	MitigationID string `json:"mitigationId"`
	LinkedID     string `json:"linkedId"`
}

type threat struct {
	ID             string     `json:"id"`
	NumericID      int        `json:"numericId"`
	DisplayOrder   int        `json:"displayOrder"`
	Metadata       []metadata `json:"metadata,omitempty"`
	Tags           []string   `json:"tags,omitempty"`
	ThreatSource   string     `json:"threatSource,omitempty"`
	Prerequisites  string     `json:"prerequisites,omitempty"`
	ThreatAction   string     `json:"threatAction,omitempty"`
	ThreatImpact   string     `json:"threatImpact,omitempty"`
	ImpactedGoal   []string   `json:"impactedGoal,omitempty"`
	ImpactedAssets []string   `json:"impactedAssets,omitempty"`
	Statement      string     `json:"statement"`
	Status         string     `json:"status"`
}

// Field lengths Threat Composer's import schema accepts.
const (
	maxTag       = 30
	maxField     = 200     // threat statement parts, application name
	maxStatement = 7 * 200 // the rendered statement
	maxComment   = 1000    // comments, mitigation and assumption content
	maxText      = 100000  // application, architecture and data flow descriptions
)

// limit shortens s to n characters, warning that the rest is dropped.
func (ex *exporter) limit(s string, n int, what string) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	ex.warn(ex.m.System.Pos, "", "%s is longer than the %d characters Threat Composer accepts; cut to %d", what, n, n)
	return string(r[:n-1]) + "…"
}

var strideLetter = map[model.STRIDE]string{
	model.Spoofing: "S", model.Tampering: "T", model.Repudiation: "R",
	model.InformationDisclosure: "I", model.DenialOfService: "D", model.ElevationOfPrivilege: "E",
}

// strideGoal is the security property each STRIDE category breaks.
var strideGoal = map[model.STRIDE]string{
	model.Spoofing: "authenticity", model.Tampering: "integrity", model.Repudiation: "non-repudiation",
	model.InformationDisclosure: "confidentiality", model.DenialOfService: "availability", model.ElevationOfPrivilege: "authorization",
}

type exporter struct {
	m        *model.Model
	ix       *model.Index
	doc      document
	problems model.Problems
	asm      map[string]string // Rampart assumption id (A-n) -> uuid
	uuids    map[string]string // Rampart id -> the uuid it had in the imported file
}

// uuid is an entity's id: the one it had in the Threat Composer file it was
// imported from, else one derived from its Rampart id.
func (ex *exporter) uuid(kind, id string) string {
	if u, ok := ex.uuids[id]; ok {
		return u
	}
	return foreign.UUID(kind, id)
}

func (ex *exporter) warn(pos model.Pos, path, format string, args ...any) {
	ex.problems = append(ex.problems, foreign.Warn(pos, path, "", fmt.Sprintf(format, args...)))
}

// Export writes the model's manual threats and the identified threats as a
// Threat Composer export, in threat-grammar form, with the controls as
// mitigations; components, flows and boundaries become the architecture
// and data flow descriptions.
func Export(ctx context.Context, m *model.Model, found []threats.Threat) ([]byte, model.Problems, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	m = infer.Revert(m) // what was inferred on import stays out of the file
	ex := &exporter{m: m, ix: m.Index(), asm: map[string]string{}}
	ex.build(found)
	out, err := foreign.EncodeJSON(ex.doc, "Threat Composer export")
	if err != nil {
		return nil, ex.problems, err
	}
	ex.problems.Sort()
	return out, ex.problems, ctx.Err()
}

// numbering hands out numeric ids: "T-7" keeps 7, others get the next free one.
type numbering struct {
	prefix string
	used   map[int]bool
	next   int
}

func newNumbering(prefix string, ids []string) *numbering {
	n := &numbering{prefix: prefix + "-", used: map[int]bool{}, next: 1}
	for _, id := range ids {
		if k, ok := n.own(id); ok {
			n.used[k] = true
		}
	}
	return n
}

func (n *numbering) own(id string) (int, bool) {
	if !strings.HasPrefix(id, n.prefix) {
		return 0, false
	}
	k, err := strconv.Atoi(strings.TrimPrefix(id, n.prefix))
	return k, err == nil && k > 0
}

func (n *numbering) number(id string, claimed map[int]bool) int {
	if k, ok := n.own(id); ok && !claimed[k] {
		claimed[k] = true
		return k
	}
	for n.used[n.next] || claimed[n.next] {
		n.next++
	}
	claimed[n.next] = true
	return n.next
}

func (ex *exporter) build(found []threats.Threat) {
	m := ex.m
	app, arch, flow, asms, uuids := systemSections(m.System.Description)
	ex.uuids = uuids
	ex.doc = document{Schema: SchemaVersion,
		ApplicationInfo: appInfo{Name: ex.limit(m.System.Name, maxField, "the application name"), Description: ex.limit(app, maxText, "the application description")},
		Assumptions:     []assumption{}, Mitigations: []mitigation{}, AssumptionLinks: []assumptionLink{}, MitigationLinks: []mitigationLink{}, Threats: []threat{}}
	ex.problems = append(ex.problems, foreign.ModelLosses(m, "Threat Composer", "data")...)
	if arch == "" {
		arch = ex.architectureText()
	}
	if flow == "" {
		flow = ex.dataflowText()
	}
	ex.doc.Architecture.Description = ex.limit(arch, maxText, "the architecture description")
	ex.doc.Dataflow.Description = ex.limit(flow, maxText, "the data flow description")
	if ex.modelled() {
		ex.warn(m.System.Pos, "", "Threat Composer has no model elements; components, trust boundaries and flows are written as the architecture and data flow descriptions")
	}
	// Assumptions.
	var asmIDs []string
	for _, a := range asms {
		asmIDs = append(asmIDs, a.id)
	}
	an := newNumbering("A", asmIDs)
	claimed := map[int]bool{}
	for i, a := range asms {
		uuid := ex.uuid("assumption", a.id)
		ex.asm[a.id] = uuid
		n := an.number(a.id, claimed)
		ex.doc.Assumptions = append(ex.doc.Assumptions, assumption{ID: uuid, NumericID: n, DisplayOrder: i + 1, Content: ex.limit(a.content, maxComment, "assumption "+a.id)})
	}
	list := foreign.Threats(m, found)
	ex.mitigations(list)
	var tids []string
	for _, t := range list {
		tids = append(tids, t.ID)
	}
	tn := newNumbering("T", tids)
	claimed = map[int]bool{}
	for i, t := range list {
		ex.threat(t, tn.number(t.ID, claimed), i+1)
	}
}

// modelled reports whether the model has elements besides those an import
// from Threat Composer made: the component standing for the whole
// application and the parts its descriptions list.
func (ex *exporter) modelled() bool {
	if len(ex.m.TrustBoundaries) > 0 {
		return true
	}
	for _, f := range ex.m.Flows {
		if !hasTag(f.Tags, tagDescribed) {
			return true
		}
	}
	for _, c := range ex.m.Components {
		if !hasTag(c.Tags, tagApplication) && !hasTag(c.Tags, tagDescribed) {
			return true
		}
	}
	return false
}

func hasTag(tags []string, t string) bool {
	for _, x := range tags {
		if x == t {
			return true
		}
	}
	return false
}

func (ex *exporter) architectureText() string {
	if !ex.modelled() {
		return ""
	}
	var b strings.Builder
	b.WriteString("Components:\n")
	for _, c := range ex.m.Components {
		fmt.Fprintf(&b, "\n- **%s** (%s", cmp.Or(c.Name, c.ID), c.Type)
		if c.Technology != "" {
			b.WriteString(", " + c.Technology)
		}
		if p := ex.ix.Parent[c.ID]; p != "" {
			b.WriteString(", in " + p)
		}
		b.WriteString(")")
		if c.Description != "" {
			b.WriteString(": " + oneLine(c.Description))
		}
	}
	if len(ex.m.TrustBoundaries) > 0 {
		b.WriteString("\n\nTrust boundaries:\n")
		for _, tb := range ex.m.TrustBoundaries {
			fmt.Fprintf(&b, "\n- **%s** (%s): %s", cmp.Or(tb.Name, tb.ID), tb.Type, strings.Join(tb.Contains, ", "))
		}
	}
	return b.String()
}

func (ex *exporter) dataflowText() string {
	if len(ex.m.Flows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Data flows:\n")
	for _, f := range ex.m.Flows {
		fmt.Fprintf(&b, "\n- **%s**: %s → %s over %s", cmp.Or(f.Name, f.ID), f.From, f.To, f.Protocol)
		if data := append(append([]string(nil), f.DataSent...), f.DataReceived...); len(data) > 0 {
			b.WriteString(", carrying " + strings.Join(data, ", "))
		}
	}
	return b.String()
}

// mitigations writes the model's own controls and every control the
// exported threats name.
func (ex *exporter) mitigations(list []foreign.Threat) {
	var ids []string
	seen := map[string]bool{}
	for _, c := range ex.m.Controls {
		if !seen[c.ID] {
			seen[c.ID] = true
			ids = append(ids, c.ID)
		}
	}
	var extra []string
	for _, t := range list {
		for _, id := range t.Mitigations {
			if !seen[id] {
				seen[id] = true
				extra = append(extra, id)
			}
		}
	}
	sort.Strings(extra)
	ids = append(ids, extra...)
	mn := newNumbering("M", ids)
	claimed := map[int]bool{}
	for i, id := range ids {
		mi := mitigation{ID: ex.uuid("mitigation", id), NumericID: mn.number(id, claimed), DisplayOrder: i + 1, Status: "mitigationIdentified"}
		if c := ex.ix.Controls[id]; c != nil {
			p := parseDescription(c.Description)
			mi.Content = cmp.Or(c.Name, id)
			if cc, ok := catalog.LookupControl(id); ok && c.Name == "" {
				mi.Content = cc.Name
			}
			if p.text != "" {
				mi.Metadata = []metadata{{Key: "Comments", Value: ex.limit(p.text, maxComment, "the description of control "+id)}}
			}
			mi.Tags = tags(p.tags)
			if c.Status == "implemented" {
				mi.Status = "mitigationResolved"
			}
			for _, a := range p.assumptions {
				if uuid, ok := ex.asm[a]; ok {
					ex.doc.AssumptionLinks = append(ex.doc.AssumptionLinks, assumptionLink{Type: "Mitigation", AssumptionID: uuid, LinkedID: mi.ID})
				}
			}
		} else if cc, ok := catalog.LookupControl(id); ok {
			mi.Content = cc.Name
		} else {
			mi.Content = id
		}
		mi.Content = ex.limit(mi.Content, maxComment, "the name of control "+id)
		ex.doc.Mitigations = append(ex.doc.Mitigations, mi)
	}
}

func tags(list []string) []string {
	var out []string
	for _, t := range list {
		if r := []rune(t); len(r) > maxTag {
			t = string(r[:maxTag])
		}
		if t != "" {
			out = appendUnique(out, t)
		}
	}
	return out
}

func (ex *exporter) threat(t foreign.Threat, numeric, order int) {
	p := parseDescription(t.Description)
	g := p.grammar
	statement := t.Title
	if g.empty() {
		g = ex.synthesise(t, p.text)
		statement = g.statement()
	}
	field := func(v, name string) string { return ex.limit(v, maxField, "the "+name+" of threat "+t.ID) }
	fields := func(vs []string, name string) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = field(v, name)
		}
		return out
	}
	tt := threat{ID: ex.uuid("threat", t.ID), NumericID: numeric, DisplayOrder: order, ThreatSource: field(g.Source, "threat source"),
		Prerequisites: field(g.Prereq, "prerequisites"), ThreatAction: field(g.Action, "threat action"), ThreatImpact: field(g.Impact, "threat impact"),
		ImpactedGoal: fields(g.Goals, "impacted goal"), ImpactedAssets: fields(g.Assets, "impacted assets"),
		Statement: ex.limit(statement, maxStatement, "the statement of threat "+t.ID)}
	if pr := foreign.Severity(t.Likelihood, t.Impact); pr != "" {
		tt.Metadata = append(tt.Metadata, metadata{Key: "Priority", Value: pr})
	}
	if len(t.STRIDE) > 0 {
		letters := []string{}
		for _, s := range t.STRIDE {
			letters = append(letters, strideLetter[s])
		}
		tt.Metadata = append(tt.Metadata, metadata{Key: "STRIDE", Value: letters})
	}
	comments := p.text
	if !t.Manual() && !strings.Contains(comments, t.ID) {
		comments = joinText(comments, fmt.Sprintf(ruleMarker, t.Rule, t.ID))
	}
	if comments != "" {
		tt.Metadata = append(tt.Metadata, metadata{Key: "Comments", Value: ex.limit(comments, maxComment, "the comments of threat "+t.ID)})
	}
	tt.Tags = tags(p.tags)
	if !t.Manual() {
		tt.Tags = tags(append(tt.Tags, t.Rule))
	}
	switch t.Status {
	case "mitigated":
		tt.Status = "threatResolved"
	case "false-positive":
		tt.Status = "threatResolvedNotUseful"
	case "avoided", "transferred":
		tt.Status = "threatResolved"
		ex.warn(t.Pos, "", "threat '%s' is %s; Threat Composer has no such status, written as resolved", t.ID, t.Status)
	case "accepted":
		tt.Status = "threatIdentified"
		ex.warn(t.Pos, "", "threat '%s' is accepted; Threat Composer has no such status, written as identified", t.ID)
	default:
		tt.Status = "threatIdentified"
	}
	if t.Treatment != nil && (t.Treatment.Owner != "" || t.Treatment.Due != nil || t.Treatment.Ticket != "" ||
		(t.Treatment.Justification != "" && t.Treatment.Justification != notUseful)) {
		ex.warn(t.Treatment.Pos, t.Treatment.Path, "the register entry of '%s' keeps only its status in Threat Composer", t.ID)
	}
	for _, id := range t.Mitigations {
		ex.doc.MitigationLinks = append(ex.doc.MitigationLinks, mitigationLink{MitigationID: ex.uuid("mitigation", id), LinkedID: tt.ID})
	}
	for _, a := range p.assumptions {
		if uuid, ok := ex.asm[a]; ok {
			ex.doc.AssumptionLinks = append(ex.doc.AssumptionLinks, assumptionLink{Type: "Threat", AssumptionID: uuid, LinkedID: tt.ID})
		}
	}
	ex.doc.Threats = append(ex.doc.Threats, tt)
}

// synthesise writes a threat that was not written in the threat grammar
// (a rule's threat, or a manual one) in grammar form.
func (ex *exporter) synthesise(t foreign.Threat, text string) grammar {
	g := grammar{Source: "threat actor", Action: lowerFirst(strings.TrimSuffix(t.Title, "."))}
	var names []string
	for _, id := range t.Targets {
		names = append(names, ex.name(id))
	}
	if len(names) > 0 {
		g.Prereq = "with access to " + joinAnd(names)
	}
	if first, _, _ := strings.Cut(oneLine(text), ". "); first != "" && first != t.Title {
		g.Impact = lowerFirst(strings.TrimSuffix(first, "."))
	}
	for _, s := range t.STRIDE {
		g.Goals = appendUnique(g.Goals, strideGoal[s])
	}
	for _, id := range t.Targets {
		if d := ex.ix.Data[id]; d != nil {
			g.Assets = appendUnique(g.Assets, cmp.Or(d.Name, d.ID))
		}
	}
	if len(g.Assets) == 0 {
		g.Assets = names
	}
	return g
}

func (ex *exporter) name(id string) string {
	switch {
	case ex.ix.Components[id] != nil:
		return cmp.Or(ex.ix.Components[id].Name, id)
	case ex.ix.Flows[id] != nil:
		return cmp.Or(ex.ix.Flows[id].Name, id)
	case ex.ix.Data[id] != nil:
		return cmp.Or(ex.ix.Data[id].Name, id)
	case ex.ix.Boundaries[id] != nil:
		return cmp.Or(ex.ix.Boundaries[id].Name, id)
	}
	return id
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s // an acronym: keep it
	}
	return strings.ToLower(string(r[0])) + string(r[1:])
}
