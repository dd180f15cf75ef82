package threagile

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats"
)

// kv is one entry of an ordered mapping.
type kv struct {
	k string
	v any
}

// ordered is a YAML mapping written in insertion order.
type ordered []kv

// MarshalYAML writes the entries in order.
func (o ordered) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, e := range o {
		var kn, vn yaml.Node
		kn.SetString(e.k)
		if err := vn.Encode(e.v); err != nil {
			return nil, fmt.Errorf("%s: %w", e.k, err)
		}
		n.Content = append(n.Content, &kn, &vn)
	}
	return n, nil
}

type xAuthor struct {
	Name     string `yaml:"name"`
	Homepage string `yaml:"homepage"`
}

type xOverview struct {
	Description string   `yaml:"description"`
	Images      []string `yaml:"images"`
}

type xData struct {
	ID              string   `yaml:"id"`
	Description     string   `yaml:"description"`
	Usage           string   `yaml:"usage"`
	Tags            []string `yaml:"tags"`
	Origin          string   `yaml:"origin"`
	Owner           string   `yaml:"owner"`
	Quantity        string   `yaml:"quantity"`
	Confidentiality string   `yaml:"confidentiality"`
	Integrity       string   `yaml:"integrity"`
	Availability    string   `yaml:"availability"`
	Justification   string   `yaml:"justification_cia_rating"`
}

type xLink struct {
	Target         string   `yaml:"target"`
	Description    string   `yaml:"description"`
	Protocol       string   `yaml:"protocol"`
	Authentication string   `yaml:"authentication"`
	Authorization  string   `yaml:"authorization"`
	Tags           []string `yaml:"tags"`
	VPN            bool     `yaml:"vpn"`
	IPFiltered     bool     `yaml:"ip_filtered"`
	Readonly       bool     `yaml:"readonly"`
	Usage          string   `yaml:"usage"`
	DataSent       []string `yaml:"data_assets_sent"`
	DataReceived   []string `yaml:"data_assets_received"`
}

type xAsset struct {
	ID                      string   `yaml:"id"`
	Description             string   `yaml:"description"`
	Type                    string   `yaml:"type"`
	Usage                   string   `yaml:"usage"`
	UsedAsClientByHuman     bool     `yaml:"used_as_client_by_human"`
	OutOfScope              bool     `yaml:"out_of_scope"`
	JustificationOutOfScope string   `yaml:"justification_out_of_scope"`
	Size                    string   `yaml:"size"`
	Technology              string   `yaml:"technology"`
	Tags                    []string `yaml:"tags"`
	Internet                bool     `yaml:"internet"`
	Machine                 string   `yaml:"machine"`
	Encryption              string   `yaml:"encryption"`
	Owner                   string   `yaml:"owner"`
	Confidentiality         string   `yaml:"confidentiality"`
	Integrity               string   `yaml:"integrity"`
	Availability            string   `yaml:"availability"`
	JustificationCIA        string   `yaml:"justification_cia_rating"`
	MultiTenant             bool     `yaml:"multi_tenant"`
	Redundant               bool     `yaml:"redundant"`
	CustomDevelopedParts    bool     `yaml:"custom_developed_parts"`
	DataProcessed           []string `yaml:"data_assets_processed"`
	DataStored              []string `yaml:"data_assets_stored"`
	DataFormats             []string `yaml:"data_formats_accepted"`
	Links                   ordered  `yaml:"communication_links"`
}

type xBoundary struct {
	ID          string   `yaml:"id"`
	Description string   `yaml:"description"`
	Type        string   `yaml:"type"`
	Tags        []string `yaml:"tags"`
	Inside      []string `yaml:"technical_assets_inside"`
	Nested      []string `yaml:"trust_boundaries_nested"`
}

type xRuntime struct {
	ID          string   `yaml:"id"`
	Description string   `yaml:"description"`
	Tags        []string `yaml:"tags"`
	Running     []string `yaml:"technical_assets_running"`
}

type xRisk struct {
	Severity       string   `yaml:"severity"`
	Likelihood     string   `yaml:"exploitation_likelihood"`
	Impact         string   `yaml:"exploitation_impact"`
	Breach         string   `yaml:"data_breach_probability"`
	BreachAssets   []string `yaml:"data_breach_technical_assets"`
	DataAsset      string   `yaml:"most_relevant_data_asset"`
	TechnicalAsset string   `yaml:"most_relevant_technical_asset"`
	Link           string   `yaml:"most_relevant_communication_link"`
	Boundary       string   `yaml:"most_relevant_trust_boundary"`
	SharedRuntime  string   `yaml:"most_relevant_shared_runtime"`
}

type xCategory struct {
	ID             string  `yaml:"id"`
	Title          string  `yaml:"title"`
	Description    string  `yaml:"description"`
	Impact         string  `yaml:"impact"`
	ASVS           string  `yaml:"asvs"`
	CheatSheet     string  `yaml:"cheat_sheet"`
	Action         string  `yaml:"action"`
	Mitigation     string  `yaml:"mitigation"`
	Check          string  `yaml:"check"`
	Function       string  `yaml:"function"`
	STRIDE         string  `yaml:"stride"`
	DetectionLogic string  `yaml:"detection_logic"`
	RiskAssessment string  `yaml:"risk_assessment"`
	FalsePositives string  `yaml:"false_positives"`
	ModelFailure   bool    `yaml:"model_failure_possible_reason"`
	CWE            int     `yaml:"cwe"`
	Risks          ordered `yaml:"risks_identified"`
}

type xTracking struct {
	Status        string  `yaml:"status"`
	Justification string  `yaml:"justification"`
	Ticket        string  `yaml:"ticket"`
	Date          *string `yaml:"date"` // null when unknown (the schema allows a date or null)
	CheckedBy     string  `yaml:"checked_by"`
}

// exporter writes a Rampart model as a Threagile model.
type exporter struct {
	m        *model.Model
	ix       *model.Index
	problems model.Problems
	warned   map[string]bool
	ids      map[string]string // Rampart element id -> Threagile id
	used     map[string]map[string]bool
	links    map[string]string // flow id -> Threagile link id
	tags     map[string]bool
	manual   map[string]string // manual threat id -> Threagile risk id
}

// Export writes the model as a Threagile YAML model that Threagile accepts.
// Manual threats become custom risk categories, and their treatments
// risk_tracking entries. Treatments of threats Rampart's rules identify are
// written as commented-out risk_tracking entries keyed by the Threagile risk
// id: Threagile refuses tracking of a risk it does not raise itself, and
// only Threagile knows which of its risks it raises. Warnings name
// everything Threagile cannot carry.
func Export(ctx context.Context, m *model.Model, found []threats.Threat) ([]byte, model.Problems, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("export threagile: %w", err)
	}
	m = infer.Revert(m) // what was inferred on import stays out of the file
	e := &exporter{m: m, ix: m.Index(), warned: map[string]bool{}, ids: map[string]string{}, used: map[string]map[string]bool{},
		links: map[string]string{}, tags: map[string]bool{}, manual: map[string]string{}}
	doc, pending := e.document(found)
	var buf bytes.Buffer
	buf.WriteString("# Threagile model written by Rampart from the model of system '" + m.System.ID + "'.\n")
	if err := encodeYAML(&buf, doc); err != nil {
		return nil, e.problems, fmt.Errorf("export threagile: %w", err)
	}
	if len(pending) > 0 {
		if err := writePending(&buf, pending, !hasKey(doc, "risk_tracking")); err != nil {
			return nil, e.problems, fmt.Errorf("export threagile: %w", err)
		}
	}
	e.problems.Sort()
	return buf.Bytes(), e.problems, nil
}

func encodeYAML(buf *bytes.Buffer, v any) error {
	enc := yaml.NewEncoder(buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return enc.Close()
}

// writePending appends the risk_tracking entries of rule-identified risks
// as comments, each ready to be uncommented under risk_tracking (which is
// the last section, opened here when it holds nothing else).
func writePending(buf *bytes.Buffer, pending ordered, open bool) error {
	var tmp bytes.Buffer
	if err := encodeYAML(&tmp, ordered{{"risk_tracking", pending}}); err != nil {
		return err
	}
	if open {
		buf.WriteString("risk_tracking:\n")
	}
	buf.WriteString("  # Treatments of risks that Rampart's rules identify, keyed by Threagile's risk id. Threagile refuses\n" +
		"  # tracking of a risk it does not raise itself: remove the '#' of each entry whose id is in its risks.json.\n")
	lines := strings.Split(strings.TrimRight(tmp.String(), "\n"), "\n")
	for _, l := range lines[1:] {
		buf.WriteString("  #" + strings.TrimPrefix(l, "  ") + "\n")
	}
	return nil
}

// warn reports something Threagile cannot carry, once per kind.
func (e *exporter) warn(kind string, pos model.Pos, path, format string, args ...any) {
	if e.warned[kind] {
		return
	}
	e.warned[kind] = true
	e.problems = append(e.problems, model.Problem{Pos: pos, Path: path, Message: fmt.Sprintf(format, args...), Severity: source.Warning})
}

// id gives a Rampart element its Threagile id: letters, digits and hyphens,
// unique per kind.
func (e *exporter) id(kind, rid string, pos model.Pos) string {
	key := kind + "\x00" + rid
	if v, ok := e.ids[key]; ok {
		return v
	}
	if e.used[kind] == nil {
		e.used[kind] = map[string]bool{}
	}
	base := threagileSafe(rid)
	out := base
	for i := 2; e.used[kind][out]; i++ {
		out = fmt.Sprintf("%s-%d", base, i)
	}
	e.used[kind][out] = true
	e.ids[key] = out
	if out != rid {
		e.problems = append(e.problems, model.Problem{Pos: pos, Message: fmt.Sprintf("%s id '%s' is written as '%s': Threagile ids use only letters, digits and hyphens", kind, rid, out), Severity: source.Warning})
	}
	return out
}

func (e *exporter) tagList(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		if foreign.DiagramTag(t) {
			continue
		}
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" {
			continue
		}
		e.tags[t] = true
		out = append(out, t)
	}
	return out
}

// uniqueTitleBase is an element's title before de-duplication: its name, else its id.
func uniqueTitleBase(name, id string) string {
	if t := strings.TrimSpace(name); t != "" {
		return t
	}
	return id
}

// uniqueTitle makes element titles unique within a section (Threagile keys elements by title).
func uniqueTitle(seen map[string]bool, name, id string) string {
	t := strings.TrimSpace(name)
	if t == "" {
		t = id
	}
	if seen[t] {
		t = t + " (" + id + ")"
	}
	for i := 2; seen[t]; i++ {
		t = fmt.Sprintf("%s (%s %d)", strings.TrimSpace(name), id, i)
	}
	seen[t] = true
	return t
}

func splitMarker(desc, marker string) (string, string) {
	if i := strings.Index(desc, marker); i >= 0 && (i == 0 || strings.HasSuffix(desc[:i], "\n\n")) {
		rest := desc[i+len(marker):]
		end := strings.Index(rest, "\n\n")
		if end < 0 {
			end = len(rest)
		}
		before := strings.TrimSpace(desc[:i])
		after := strings.TrimSpace(rest[end:])
		return joinText(before, after), strings.TrimSpace(rest[:end])
	}
	return desc, ""
}

func (e *exporter) document(found []threats.Threat) (ordered, ordered) {
	m := e.m
	sys := m.System
	title := sys.Name
	if title == "" {
		title = sys.ID
	}
	author := sys.Owner
	if author == "" {
		author = sys.RiskOwner
	}
	if author == "" {
		author = "unknown"
	}
	doc := ordered{{"threagile_version", "1.0.0"}, {"title", title}}
	if sys.Reviewed != nil {
		doc = append(doc, kv{"date", sys.Reviewed.String()})
	}
	doc = append(doc, kv{"author", xAuthor{Name: author}})
	doc = append(doc, kv{"business_criticality", e.criticality()})
	doc = append(doc, kv{"business_overview", xOverview{Description: sys.Description, Images: []string{}}})
	doc = append(doc, kv{"technical_overview", xOverview{Images: []string{}}})
	if sys.RiskOwner != "" || len(sys.RiskAcceptors) > 0 || sys.Classification != "" {
		e.warn("system", sys.Pos, "system", "the system's risk owner, risk acceptors and classification are not carried: Threagile has no such fields")
	}
	if m.RiskAppetite != nil || m.Settings != nil {
		e.warn("appetite", m.Pos, "", "risk_appetite and settings are not carried: Threagile has no such sections")
	}
	if len(m.Controls) > 0 {
		e.warn("controls", m.Controls[0].Pos, "controls", "%d controls are not carried: Threagile has no controls", len(m.Controls))
	}
	data := e.dataAssets()
	assets := e.technicalAssets()
	boundaries := e.trustBoundaries()
	runtimes := e.sharedRuntimes()
	cats := e.categories()
	tracking, pending := e.tracking(found)
	tags := keysOf(e.tags)
	if tags == nil {
		tags = []string{}
	}
	doc = append(doc, kv{"tags_available", tags}, kv{"data_assets", data}, kv{"technical_assets", assets},
		kv{"trust_boundaries", boundaries}, kv{"shared_runtimes", runtimes}, kv{"custom_risk_categories", cats})
	if len(tracking) > 0 || len(pending) == 0 {
		doc = append(doc, kv{"risk_tracking", tracking})
	}
	if len(pending) > 0 {
		e.warn("pending tracking", e.m.System.Pos, "treatments", "%d treatments of threats Rampart's rules identify are written as commented-out risk_tracking entries: Threagile refuses tracking of risks it does not raise itself, so uncomment those in Threagile's risks.json", len(pending))
	}
	rules := 0
	for _, t := range found {
		if t.Origin != threats.OriginManual {
			rules++
		}
	}
	if rules > 0 {
		e.warn("found", m.System.Pos, "", "%d threats Rampart identified are not written: Threagile identifies risks with its own rules", rules)
	}
	return doc, pending
}

// criticality derives Threagile's business criticality from the most
// critical integrity or availability rating of the model's data.
func (e *exporter) criticality() string {
	best := model.Rating("")
	for _, d := range e.m.Data {
		for _, r := range []model.Rating{d.CIA.Integrity, d.CIA.Availability} {
			if r != "" && r.Score() > best.Score() || best == "" && r != "" {
				best = r
			}
		}
	}
	e.warn("criticality", e.m.System.Pos, "system", "business_criticality is derived from the data's highest integrity or availability rating")
	if best == "" {
		return "important"
	}
	return ratingOut[best]
}

func (e *exporter) dataAssets() ordered {
	out := ordered{}
	seen := map[string]bool{}
	for i := range e.m.Data {
		d := &e.m.Data[i]
		desc, just := splitMarker(d.Description, ciaMarker)
		if desc == "" {
			desc = uniqueTitleBase(d.Name, d.ID)
		}
		x := xData{ID: e.id("data asset", d.ID, d.Pos), Description: desc, Usage: "business", Tags: e.tagList(d.Tags), Owner: d.Owner,
			Quantity: string(d.Quantity), Justification: just}
		if x.Quantity == "" {
			x.Quantity = "few"
			e.warn("quantity", d.Pos, d.Path, "data assets without a quantity are written with quantity 'few' (Threagile requires one)")
		}
		if d.CIA.Confidentiality != "" {
			x.Confidentiality = confidentialityRatingOut[d.CIA.Confidentiality]
		} else {
			x.Confidentiality = classificationOut[d.Classification.Level()]
		}
		x.Integrity, x.Availability = ratingOut[d.CIA.Integrity], ratingOut[d.CIA.Availability]
		if x.Integrity == "" || x.Availability == "" {
			e.warn("cia", d.Pos, d.Path, "data assets without an integrity or availability rating are written as 'operational' (Threagile requires both)")
			if x.Integrity == "" {
				x.Integrity = "operational"
			}
			if x.Availability == "" {
				x.Availability = "operational"
			}
		}
		if d.Personal {
			e.warn("personal", d.Pos, d.Path, "personal: true on data assets is not carried: Threagile has no personal-data flag")
		}
		out = append(out, kv{uniqueTitle(seen, d.Name, d.ID), x})
	}
	return out
}

// maxData returns the highest Threagile CIA of the data a component handles.
func (e *exporter) maxData(c *model.Component) (conf, integ, avail string) {
	order := func(list []string, v string) int {
		for i, x := range list {
			if x == v {
				return i
			}
		}
		return -1
	}
	confs := []string{"public", "internal", "restricted", "confidential", "strictly-confidential"}
	ci, ii, ai := 0, 0, 0
	for _, id := range append(append([]string{}, c.Processes...), c.Stores...) {
		d := e.ix.Data[id]
		if d == nil {
			continue
		}
		cv := classificationOut[d.Classification.Level()]
		if d.CIA.Confidentiality != "" {
			cv = confidentialityRatingOut[d.CIA.Confidentiality]
		}
		ci = max(ci, order(confs, cv))
		ii = max(ii, order(criticality, ratingOut[d.CIA.Integrity]))
		ai = max(ai, order(criticality, ratingOut[d.CIA.Availability]))
	}
	return confs[ci], criticality[ii], criticality[ai]
}

func (e *exporter) technicalAssets() ordered {
	out := ordered{}
	seen := map[string]bool{}
	for i := range e.m.Components {
		c := &e.m.Components[i]
		desc, just := splitMarker(c.Description, outOfScopeMarker)
		if desc == "" {
			desc = uniqueTitleBase(c.Name, c.ID)
		}
		tech, exact := technologyOf(c)
		if c.Technology == "" && c.HumanUse && e.devopsClient(c) {
			// Threagile knows a developer's machine only by this technology
			// (its build-infrastructure rule looks for one).
			tech, exact = "devops-client", true
		}
		if !exact && c.Technology != "" {
			e.warn("tech "+c.Technology, c.Pos, c.Path+".technology", "technology '%s' is not a Threagile technology; written as '%s' from the component type", c.Technology, tech)
		}
		x := xAsset{ID: e.id("technical asset", c.ID, c.Pos), Description: desc, Type: c.Type.Kind(), Usage: "business",
			UsedAsClientByHuman: c.HumanUse, OutOfScope: c.OutOfScope, JustificationOutOfScope: just, Size: "component",
			Technology: tech, Tags: e.tagList(c.Tags), Internet: c.InternetFacing, Machine: "virtual",
			Encryption: encryptionOut[c.EncryptionAtRest], Owner: c.Owner, MultiTenant: c.MultiTenant,
			CustomDevelopedParts: c.CustomCode, DataProcessed: e.dataRefs(c.Processes), DataStored: e.dataRefs(c.Stores),
			DataFormats: []string{}, Links: ordered{}}
		x.Confidentiality, x.Integrity, x.Availability = e.maxData(c)
		x.JustificationCIA = "Derived from the data assets the component processes and stores."
		e.warn("asset cia", c.Pos, c.Path, "technical assets get the highest CIA rating of the data they handle, size 'component' and usage 'business' (Rampart has no such component fields)")
		switch c.Hosting {
		case "container":
			x.Machine = "container"
		case "serverless":
			x.Machine = "serverless"
		case "device", "on-premises":
			x.Machine = "physical"
		case "":
		default:
			e.warn("hosting "+string(c.Hosting), c.Pos, c.Path+".hosting", "hosting '%s' is written as machine 'virtual'", c.Hosting)
		}
		for _, f := range c.DataFormats {
			switch f {
			case "json", "xml", "serialization", "file", "csv":
				x.DataFormats = append(x.DataFormats, string(f))
			default:
				e.warn("format "+string(f), c.Pos, c.Path+".data_formats", "data format '%s' is not carried: Threagile knows json, xml, serialization, file and csv", f)
			}
		}
		if c.Authentication != "" || len(c.Controls) > 0 || c.AdminInterface || (c.Hosting != "" && c.Hosting != "container" && c.Hosting != "serverless") {
			e.warn("component extras", c.Pos, c.Path, "component authentication, controls, admin_interface and hosting (other than container and serverless) are not carried")
		}
		seenTitle := map[string]bool{}
		for _, f := range e.ix.Outgoing[c.ID] {
			e.link(c, f, x.ID, seenTitle, &x.Links)
		}
		out = append(out, kv{uniqueTitle(seen, c.Name, c.ID), x})
	}
	if len(e.m.Flows) > 0 {
		e.warn("flow ids", e.m.Flows[0].Pos, "flows", "flow ids are not carried: Threagile derives each link's id from its source asset and title")
	}
	return out
}

// devopsClient reports whether a human-used component reaches the build
// chain (a source repository, build pipeline or artifact registry) over a
// devops flow, as a developer's machine does.
func (e *exporter) devopsClient(c *model.Component) bool {
	for _, f := range e.ix.Outgoing[c.ID] {
		if to := e.ix.Components[f.To]; to != nil && f.Usage == "devops" {
			switch to.Type {
			case "source-repository", "build-pipeline", "artifact-registry":
				return true
			}
		}
	}
	return false
}

func (e *exporter) dataRefs(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if d := e.ix.Data[id]; d != nil {
			out = append(out, e.id("data asset", id, d.Pos))
		}
	}
	return out
}

func (e *exporter) link(c *model.Component, f *model.Flow, sourceTID string, seen map[string]bool, links *ordered) {
	to := e.ix.Components[f.To]
	if to == nil {
		return
	}
	title := strings.TrimSpace(f.Name)
	if title == "" {
		title = f.ID
	}
	norm := func(t string) string { return strings.SplitN(linkID("", t), ">", 2)[1] }
	base := title
	for i := 2; seen[norm(title)]; i++ {
		title = fmt.Sprintf("%s %d", base, i)
	}
	seen[norm(title)] = true
	// Certificate authentication of the caller only exists inside TLS.
	encrypted := f.Protocol.Encrypted() || f.Authentication == "mtls" || f.Authentication == "client-certificate"
	switch f.Encryption {
	case "tls", "mtls", "ssh", "application":
		encrypted = true
	case "none", "vpn":
		encrypted = f.Protocol.Encrypted()
	}
	pv, ok := protocolOut[f.Protocol]
	proto := "unknown-protocol"
	if ok {
		proto = pv[0]
		if encrypted {
			proto = pv[1]
		}
	}
	if !exactOut[f.Protocol] {
		e.warn("protocol "+string(f.Protocol), f.Pos, f.Path+".protocol", "protocol '%s' is written as Threagile protocol '%s'", f.Protocol, proto)
	}
	auth := authenticationOut[f.Authentication]
	if auth.approx {
		e.warn("auth "+string(f.Authentication), f.Pos, f.Path+".authentication", "authentication '%s' is written as '%s'", f.Authentication, auth.to)
	}
	authz := authorizationOut[f.Authorization]
	if authz.approx {
		e.warn("authz "+string(f.Authorization), f.Pos, f.Path+".authorization", "authorization '%s' is written as '%s'", f.Authorization, authz.to)
	}
	usage := string(f.Usage)
	if usage == "" {
		usage = "business"
	}
	if len(f.Controls) > 0 {
		e.warn("flow controls", f.Pos, f.Path+".controls", "controls on flows are not carried")
	}
	x := xLink{Target: e.id("technical asset", to.ID, to.Pos), Description: f.Description, Protocol: proto, Authentication: auth.to,
		Authorization: authz.to, Tags: e.tagList(f.Tags), VPN: f.VPN || f.Encryption == "vpn", IPFiltered: f.IPFiltered, Readonly: f.Readonly,
		Usage: usage, DataSent: e.dataRefs(f.DataSent), DataReceived: e.dataRefs(f.DataReceived)}
	e.links[f.ID] = linkID(sourceTID, title)
	*links = append(*links, kv{title, x})
}

func (e *exporter) trustBoundaries() ordered {
	out := ordered{}
	seen := map[string]bool{}
	members := map[string][]string{}
	for i := range e.m.Components {
		if c := &e.m.Components[i]; c.TrustBoundary != "" {
			members[c.TrustBoundary] = append(members[c.TrustBoundary], c.ID)
		}
	}
	for i := range e.m.TrustBoundaries {
		b := &e.m.TrustBoundaries[i]
		bt, ok := boundaryOut[b.Type]
		if !ok {
			bt = mapped{to: "network-virtual-lan", approx: true}
		}
		if bt.approx {
			e.warn("boundary "+string(b.Type), b.Pos, b.Path+".type", "trust boundary type '%s' is written as '%s'", b.Type, bt.to)
		}
		x := xBoundary{ID: e.id("trust boundary", b.ID, b.Pos), Description: b.Description, Type: bt.to, Tags: e.tagList(b.Tags),
			Inside: []string{}, Nested: []string{}}
		for _, id := range append(append([]string{}, b.Contains...), members[b.ID]...) {
			if c := e.ix.Components[id]; c != nil {
				x.Inside = append(x.Inside, e.id("technical asset", id, c.Pos))
			} else if nb := e.ix.Boundaries[id]; nb != nil {
				x.Nested = append(x.Nested, e.id("trust boundary", id, nb.Pos))
			}
		}
		out = append(out, kv{uniqueTitle(seen, b.Name, b.ID), x})
	}
	return out
}

func (e *exporter) sharedRuntimes() ordered {
	out := ordered{}
	byRuntime := map[string][]string{}
	var order []string
	for i := range e.m.Components {
		c := &e.m.Components[i]
		if c.Runtime == "" {
			continue
		}
		if _, ok := byRuntime[c.Runtime]; !ok {
			order = append(order, c.Runtime)
		}
		byRuntime[c.Runtime] = append(byRuntime[c.Runtime], e.id("technical asset", c.ID, c.Pos))
	}
	for _, rt := range order {
		out = append(out, kv{rt, xRuntime{ID: e.id("shared runtime", rt, model.Pos{}), Description: rt, Tags: []string{}, Running: byRuntime[rt]}})
	}
	return out
}

// likelihoodOut and impactOut map 1..5 ratings onto Threagile's scales.
func likelihoodOut(n int) (string, int) {
	switch {
	case n == 0 || n == 3:
		return "likely", 2
	case n <= 2:
		return "unlikely", 1
	case n == 4:
		return "very-likely", 3
	}
	return "frequent", 4
}

func impactOut(n int) (string, int) {
	switch {
	case n == 0 || n == 3:
		return "medium", 2
	case n <= 2:
		return "low", 1
	case n == 4:
		return "high", 3
	}
	return "very-high", 4
}

// severityOf is Threagile's severity for a likelihood and impact weight.
func severityOf(l, i int) string {
	switch p := l * i; {
	case p <= 1:
		return "low"
	case p <= 3:
		return "medium"
	case p <= 8:
		return "elevated"
	case p <= 12:
		return "high"
	}
	return "critical"
}

// categories writes manual threats as custom risk categories (Threagile 1.0
// reads custom_risk_categories, a list, and ignores the older
// individual_risk_categories mapping). A threat id of the form
// category:rest (as the importer writes them) rejoins its category; any
// other threat gets a category of its own.
func (e *exporter) categories() []xCategory {
	out := []xCategory{}
	index := map[string]int{}
	for i := range e.m.Threats {
		t := &e.m.Threats[i]
		catID := t.ID
		if j := strings.IndexByte(t.ID, ':'); j > 0 {
			catID = t.ID[:j]
		}
		catID = threagileSafe(catID)
		pos, ok := index[catID]
		if !ok {
			stride := "tampering"
			if len(t.STRIDE) > 0 {
				stride = string(t.STRIDE[0])
			} else {
				e.warn("stride", t.Pos, t.Path, "manual threats without a STRIDE category are written as 'tampering' (Threagile requires one)")
			}
			cwe := 0
			if len(t.CWE) > 0 {
				cwe = t.CWE[0]
			}
			cat := xCategory{ID: catID, Title: catID, Description: t.Description, Function: "architecture", STRIDE: stride, CWE: cwe, Risks: ordered{}}
			index[catID] = len(out)
			pos = len(out)
			out = append(out, cat)
		}
		if len(t.STRIDE) > 1 || len(t.CWE) > 1 || len(t.CAPEC) > 0 || len(t.ATTACK) > 0 || len(t.Mitigations) > 0 {
			e.warn("threat extras", t.Pos, t.Path, "a manual threat's further STRIDE categories and CWEs, its CAPEC and ATT&CK references and its mitigations are not carried")
		}
		cat := &out[pos]
		lik, lw := likelihoodOut(t.Likelihood)
		imp, iw := impactOut(t.Impact)
		r := xRisk{Severity: severityOf(lw, iw), Likelihood: lik, Impact: imp, Breach: "possible", BreachAssets: []string{}}
		for _, id := range t.Targets {
			switch {
			case e.ix.Components[id] != nil:
				tid := e.id("technical asset", id, e.ix.Components[id].Pos)
				if r.TechnicalAsset == "" {
					r.TechnicalAsset = tid
				}
				r.BreachAssets = append(r.BreachAssets, tid)
			case e.ix.Flows[id] != nil && r.Link == "":
				r.Link = e.links[id]
			case e.ix.Boundaries[id] != nil && r.Boundary == "":
				r.Boundary = e.id("trust boundary", id, e.ix.Boundaries[id].Pos)
			case e.ix.Data[id] != nil && r.DataAsset == "":
				r.DataAsset = e.id("data asset", id, e.ix.Data[id].Pos)
			}
		}
		syn := catID
		for _, p := range []string{r.TechnicalAsset, r.Link, r.Boundary, r.SharedRuntime, r.DataAsset} {
			if p != "" {
				syn += "@" + p
			}
		}
		title := t.Title
		for i := 2; hasKey(cat.Risks, title); i++ {
			title = fmt.Sprintf("%s (%d)", t.Title, i)
		}
		cat.Risks = append(cat.Risks, kv{title, r})
		e.manual[t.ID] = syn
	}
	return out
}

func hasKey(o ordered, k string) bool {
	for _, e := range o {
		if e.k == k {
			return true
		}
	}
	return false
}

// riskID builds the Threagile risk id of a Rampart threat from the rule's
// id shape; parts it cannot fill become wildcards, which Threagile accepts.
func (e *exporter) riskID(rm *RuleMapping, t *threats.Threat) string {
	var flows []*model.Flow
	var comps, data []string
	for _, id := range t.Targets {
		switch {
		case e.ix.Flows[id] != nil:
			flows = append(flows, e.ix.Flows[id])
		case e.ix.Components[id] != nil:
			comps = append(comps, id)
		case e.ix.Data[id] != nil:
			data = append(data, id)
		}
	}
	comp := func(id string) string {
		if c := e.ix.Components[id]; c != nil {
			return e.id("technical asset", id, c.Pos)
		}
		return "*"
	}
	link := func(f *model.Flow) string {
		if l := e.links[f.ID]; l != "" {
			return l
		}
		return "*"
	}
	// Over several hops, Threagile names the link into the asset at risk
	// (the last hop); its DoS rule names the first hop and appends '->' and
	// the forwarding link.
	var first, last *model.Flow
	if len(flows) > 0 {
		first, last = flows[0], flows[len(flows)-1]
	}
	forwarded := rm.Threagile == "dos-risky-access-across-trust-boundary" && len(flows) > 1
	parts := []string{rm.Threagile}
	ci := 0
	for _, p := range rm.Parts {
		v := "*"
		switch p {
		case PartLink:
			if forwarded {
				v = link(first) + "->" + link(last)
			} else if last != nil {
				v = link(last)
			}
		case PartFrom:
			if forwarded {
				v = comp(first.From)
			} else if last != nil {
				v = comp(last.From)
			}
		case PartTo:
			if last != nil {
				v = comp(last.To)
			} else if len(comps) > 0 {
				v = comp(comps[0])
			}
		case PartAsset, PartAny:
			if ci < len(comps) {
				v = comp(comps[ci])
				ci++
			} else if last != nil && p == PartAsset {
				v = comp(last.To)
			}
		case PartRuntime:
			for _, id := range t.Targets {
				if e.ix.Kind(id) == "" { // rules name a shared runtime by its id
					v = e.id("shared runtime", id, model.Pos{})
					break
				}
			}
		case PartData:
			if len(data) > 0 {
				v = e.id("data asset", data[0], e.ix.Data[data[0]].Pos)
			}
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "@")
}

// tracking writes the treatments as risk_tracking entries: those of manual
// threats (custom risks, which Threagile raises as written) live, those of
// rule-identified threats apart, to be written commented out.
func (e *exporter) tracking(found []threats.Threat) (live, pending ordered) {
	live, pending = ordered{}, ordered{}
	byID := map[string]*threats.Threat{}
	for i := range found {
		byID[found[i].ID] = &found[i]
	}
	for i := range e.m.Treatments {
		tr := &e.m.Treatments[i]
		key, manual := "", false
		if syn, ok := e.manual[tr.Threat]; ok {
			// Threagile lowercases risk ids before it matches tracking keys.
			manual = true
			key = strings.ToLower(syn)
		} else if t := byID[tr.Threat]; t != nil {
			var rm *RuleMapping
			for _, tid := range append(ThreagileRules(t.Rule), t.Threagile...) {
				if rm = byThreagile[tid]; rm != nil {
					break
				}
			}
			if rm == nil {
				e.problems = append(e.problems, model.Problem{Pos: tr.Pos, Path: tr.Path, Severity: source.Warning,
					Message: fmt.Sprintf("the treatment of '%s' is not carried: rule '%s' has no Threagile counterpart", tr.Threat, t.Rule)})
				continue
			}
			key = strings.ToLower(e.riskID(rm, t))
		} else {
			e.problems = append(e.problems, model.Problem{Pos: tr.Pos, Path: tr.Path, Severity: source.Warning,
				Message: fmt.Sprintf("the treatment of '%s' is not carried: Rampart does not identify that threat in this model", tr.Threat)})
			continue
		}
		if hasKey(live, key) || hasKey(pending, key) {
			e.problems = append(e.problems, model.Problem{Pos: tr.Pos, Path: tr.Path, Severity: source.Warning,
				Message: fmt.Sprintf("the treatment of '%s' is not carried: its Threagile risk id '%s' is already tracked", tr.Threat, key)})
			continue
		}
		st := statusOut[tr.Status]
		if st.approx {
			e.warn("status "+string(tr.Status), tr.Pos, tr.Path+".status", "status '%s' is written as '%s'", tr.Status, st.to)
		}
		x := xTracking{Status: st.to, Justification: tr.Justification, Ticket: tr.Ticket, CheckedBy: tr.CheckedBy}
		if x.CheckedBy == "" {
			x.CheckedBy = tr.AcceptedBy
		}
		if tr.Reviewed != nil {
			d := tr.Reviewed.String()
			x.Date = &d
		}
		if tr.Owner != "" || tr.Due != nil || tr.Expires != nil || tr.TransferredTo != "" {
			e.warn("treatment extras", tr.Pos, tr.Path, "treatment owners, due dates, expiry dates and transferred_to are not carried: Threagile's risk_tracking has no such fields")
		}
		if manual {
			live = append(live, kv{key, x})
		} else {
			pending = append(pending, kv{key, x})
		}
	}
	return live, pending
}
