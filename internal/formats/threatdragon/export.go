package threatdragon

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// fileVersion is the Threat Dragon version written into exported files.
const fileVersion = "2.6.0"

// Threat Dragon's JSON, in the key order Threat Dragon itself writes.
type tdFile struct {
	Version string    `json:"version"`
	Summary tdSummary `json:"summary"`
	Detail  tdDetail  `json:"detail"`
}

type tdSummary struct {
	Title       string `json:"title"`
	Owner       string `json:"owner"`
	Description string `json:"description"`
	ID          int    `json:"id"`
}

type tdDetail struct {
	Contributors []tdContributor `json:"contributors"`
	Diagrams     []tdDiagram     `json:"diagrams"`
	DiagramTop   int             `json:"diagramTop"`
	Reviewer     string          `json:"reviewer"`
	ThreatTop    int             `json:"threatTop"`
}

type tdContributor struct {
	Name string `json:"name"`
}

type tdDiagram struct {
	ID          int      `json:"id"`
	Title       string   `json:"title"`
	DiagramType string   `json:"diagramType"`
	Placeholder string   `json:"placeholder"`
	Thumbnail   string   `json:"thumbnail"`
	Version     string   `json:"version"`
	Description string   `json:"description"`
	Cells       []tdCell `json:"cells"`
}

type tdXY struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

type tdSize struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

type tdEnd struct {
	Cell string   `json:"cell,omitempty"`
	Port string   `json:"port,omitempty"`
	X    *float64 `json:"x,omitempty"`
	Y    *float64 `json:"y,omitempty"`
}

type tdCell struct {
	Position  *tdXY   `json:"position,omitempty"`
	Size      *tdSize `json:"size,omitempty"`
	Attrs     any     `json:"attrs"`
	Visible   *bool   `json:"visible,omitempty"`
	Shape     string  `json:"shape"`
	ZIndex    int     `json:"zIndex"`
	ID        string  `json:"id"`
	Connector string  `json:"connector,omitempty"`
	Labels    []any   `json:"labels,omitempty"`
	Source    *tdEnd  `json:"source,omitempty"`
	Target    *tdEnd  `json:"target,omitempty"`
	Vertices  []tdXY  `json:"vertices,omitempty"`
	Data      tdData  `json:"data"`
}

type tdData struct {
	Name                   string     `json:"name"`
	Description            string     `json:"description"`
	Type                   string     `json:"type"`
	IsTrustBoundary        bool       `json:"isTrustBoundary"`
	OutOfScope             *bool      `json:"outOfScope,omitempty"`
	ReasonOutOfScope       *string    `json:"reasonOutOfScope,omitempty"`
	HasOpenThreats         bool       `json:"hasOpenThreats"`
	Threats                []tdThreat `json:"threats,omitempty"`
	ProvidesAuthentication *bool      `json:"providesAuthentication,omitempty"`
	HandlesCardPayment     *bool      `json:"handlesCardPayment,omitempty"`
	HandlesGoodsOrServices *bool      `json:"handlesGoodsOrServices,omitempty"`
	IsWebApplication       *bool      `json:"isWebApplication,omitempty"`
	PrivilegeLevel         *string    `json:"privilegeLevel,omitempty"`
	IsALog                 *bool      `json:"isALog,omitempty"`
	IsEncrypted            *bool      `json:"isEncrypted,omitempty"`
	IsSigned               *bool      `json:"isSigned,omitempty"`
	StoresCredentials      *bool      `json:"storesCredentials,omitempty"`
	StoresInventory        *bool      `json:"storesInventory,omitempty"`
	IsBidirectional        *bool      `json:"isBidirectional,omitempty"`
	IsPublicNetwork        *bool      `json:"isPublicNetwork,omitempty"`
	Protocol               *string    `json:"protocol,omitempty"`
}

type tdThreat struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	Severity    string `json:"severity"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Mitigation  string `json:"mitigation"`
	ModelType   string `json:"modelType"`
	Number      int    `json:"number"`
	Score       string `json:"score"`
}

func ptr[T any](v T) *T { return &v }

// Node sizes as Threat Dragon draws them.
func nodeSize(c *model.Component) (float64, float64) {
	switch c.Type.Kind() {
	case model.KindExternalEntity:
		return 160, 80
	case model.KindDataStore:
		return 160, 80
	}
	return 100, 100
}

var strideTD = map[model.STRIDE]string{
	model.Spoofing: "Spoofing", model.Tampering: "Tampering", model.Repudiation: "Repudiation",
	model.InformationDisclosure: "Information disclosure", model.DenialOfService: "Denial of service",
	model.ElevationOfPrivilege: "Elevation of privilege",
}

// Export writes the model as a Threat Dragon v2 file with one laid-out
// diagram; the manual threats and the identified threats are attached to
// the cells of their targets.
func Export(ctx context.Context, m *model.Model, found []threats.Threat) ([]byte, model.Problems, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	m = infer.Revert(m) // what was inferred on import stays out of the file
	ex := &exporter{m: m, ix: m.Index(), threats: map[string][]tdThreat{}}
	ex.problems = append(ex.problems, foreign.ModelLosses(m, "Threat Dragon")...)
	ex.version = cmp.Or(tagOr(m.System.Tags, tagVersion), fileVersion)
	ex.collectThreats(found)
	f := tdFile{Version: ex.version}
	f.Summary = tdSummary{Title: m.System.Name, Owner: m.System.Owner, Description: m.System.Description}
	f.Detail.Contributors = []tdContributor{}
	for _, t := range m.System.Tags {
		switch {
		case strings.HasPrefix(t, "contributor:"):
			f.Detail.Contributors = append(f.Detail.Contributors, tdContributor{Name: strings.TrimPrefix(t, "contributor:")})
		case strings.HasPrefix(t, "reviewer:"):
			f.Detail.Reviewer = strings.TrimPrefix(t, "reviewer:")
		}
	}
	cells := ex.cells()
	ex.texts(cells)
	f.Detail.Diagrams = []tdDiagram{}
	for _, n := range ex.diagramNumbers() {
		pre := tagDiagram + strconv.Itoa(n) + "-"
		typ := cmp.Or(tagOr(m.System.Tags, pre+"diagramType="), "STRIDE")
		dg := tdDiagram{ID: n, Title: cmp.Or(tagOr(m.System.Tags, pre+"title="), m.System.Name, "Main diagram"), DiagramType: typ,
			Placeholder: "New " + typ + " diagram description", Thumbnail: "./public/content/images/thumbnail." + strings.ToLower(typ) + ".jpg",
			Version: f.Version, Description: tagOr(m.System.Tags, pre+"description="), Cells: cells[n]}
		if id, err := strconv.Atoi(tagOr(m.System.Tags, pre+"id=")); err == nil {
			dg.ID = id
		}
		if dg.Cells == nil {
			dg.Cells = []tdCell{}
		}
		f.Detail.Diagrams = append(f.Detail.Diagrams, dg)
		f.Detail.DiagramTop = max(f.Detail.DiagramTop, dg.ID+1)
	}
	f.Detail.ThreatTop = ex.number
	out, err := foreign.EncodeJSON(f, "Threat Dragon model")
	if err != nil {
		return nil, ex.problems, err
	}
	ex.problems.Sort()
	return out, ex.problems, ctx.Err()
}

type exporter struct {
	m        *model.Model
	ix       *model.Index
	threats  map[string][]tdThreat // element id -> threats on its cell
	number   int
	version  string
	problems model.Problems
}

// tagOr is the value of the first tag with the prefix, or "".
func tagOr(tags []string, prefix string) string {
	v, _ := tagValue(tags, prefix)
	return v
}

// diagram is the number of the diagram an element is drawn in.
func diagram(tags []string) int {
	n, _ := strconv.Atoi(tagOr(tags, tagInDiagram))
	return n
}

// diagramNumbers lists the diagrams to write: those the import kept and
// those elements are drawn in, at least the first.
func (ex *exporter) diagramNumbers() []int {
	seen := map[int]bool{0: true}
	for _, t := range ex.m.System.Tags {
		if rest, ok := strings.CutPrefix(t, tagDiagram); ok {
			num, _, _ := strings.Cut(rest, "-")
			if n, err := strconv.Atoi(num); err == nil {
				seen[n] = true
			}
		}
	}
	for i := range ex.m.Components {
		seen[diagram(ex.m.Components[i].Tags)] = true
	}
	for i := range ex.m.TrustBoundaries {
		seen[diagram(ex.m.TrustBoundaries[i].Tags)] = true
	}
	for i := range ex.m.Flows {
		seen[diagram(ex.m.Flows[i].Tags)] = true
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// cellID is the id of an element's cell: the one it had in the imported
// file, else the element's id.
func cellID(id string, tags []string) string {
	return cmp.Or(tagOr(tags, tagCell), id)
}

// floats reads the comma-separated numbers of a layout tag.
func floats(s string, n int) ([]float64, bool) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, false
	}
	out := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// boxOf is the position and size the import kept, if any.
func boxOf(tags []string) (foreign.Rect, bool) {
	v, ok := floats(tagOr(tags, tagBox), 4)
	if !ok {
		return foreign.Rect{}, false
	}
	return foreign.Rect{X: v[0], Y: v[1], W: v[2], H: v[3]}, true
}

// route is the line route the import kept.
func route(tags []string) []tdXY {
	var out []tdXY
	for _, p := range strings.Split(tagOr(tags, tagRoute), ";") {
		if v, ok := floats(p, 2); ok {
			out = append(out, tdXY{v[0], v[1]})
		}
	}
	return out
}

// end is a line end: the cell it is attached to, or the loose point the
// import kept.
func (ex *exporter) end(tags []string, prefix, port, elem string) *tdEnd {
	if v, ok := floats(tagOr(tags, prefix), 2); ok {
		return &tdEnd{X: ptr(v[0]), Y: ptr(v[1])}
	}
	if elem == "" {
		return nil
	}
	e := &tdEnd{Cell: elem, Port: tagOr(tags, port)}
	if c := ex.ix.Components[elem]; c != nil {
		e.Cell = cellID(elem, c.Tags)
	}
	return e
}

func (ex *exporter) warn(pos model.Pos, path, hint, format string, args ...any) {
	ex.problems = append(ex.problems, foreign.Warn(pos, path, hint, fmt.Sprintf(format, args...)))
}

func (ex *exporter) collectThreats(found []threats.Threat) {
	for _, t := range foreign.Threats(ex.m, found) {
		ex.number++
		desc, line := splitLine(t.Description, threatPrefix)
		desc, category := splitLine(desc, categoryPrefix)
		desc, score := splitScore(desc)
		td := tdThreat{ID: t.ID, Title: t.Title, Description: desc, Mitigation: t.MitigationText, Score: score,
			ModelType: "STRIDE", Number: ex.number, Severity: severity(t.Likelihood, t.Impact)}
		keptThreatLine(&td, line)
		if category != "" {
			td.Type, td.ModelType = splitCategory(category, td.ModelType)
		}
		if len(t.STRIDE) > 0 && td.Type == "" {
			td.Type = strideTD[t.STRIDE[0]]
			if len(t.STRIDE) > 1 && t.Manual() {
				ex.warn(t.Pos, "", "", "threat '%s' has %d STRIDE categories; Threat Dragon keeps one, %s", t.ID, len(t.STRIDE), td.Type)
			}
		}
		td.Status = ex.status(t)
		if t.Treatment != nil {
			if lost := treatmentFields(t.Treatment); len(lost) > 0 {
				ex.warn(t.Treatment.Pos, t.Treatment.Path, "", "the register entry of '%s' keeps only its status in Threat Dragon; dropped: %s",
					t.ID, strings.Join(lost, ", "))
			}
		}
		var cells []string
		for _, id := range t.Targets {
			if ex.ix.Components[id] != nil || ex.ix.Flows[id] != nil || ex.ix.Boundaries[id] != nil {
				cells = append(cells, id)
			}
		}
		if len(cells) == 0 {
			ex.warn(t.Pos, "", "target a component, flow or trust boundary", "threat '%s' targets no diagram element (%s); not exported",
				t.ID, strings.Join(t.Targets, ", "))
			continue
		}
		if !t.Manual() {
			// An identified threat is about its first target; the others are context.
			cells = cells[:1]
		}
		for _, id := range cells {
			ex.threats[id] = append(ex.threats[id], td)
		}
	}
}

// severity is Threat Dragon's severity for a likelihood and impact: the
// importer reads Critical as 5 and 5.
func severity(likelihood, impact int) string {
	if likelihood == 5 && impact == 5 {
		return "Critical"
	}
	return foreign.Severity(likelihood, impact)
}

// splitLine takes back a paragraph the importer appended to a description.
func splitLine(desc, prefix string) (string, string) {
	for _, para := range strings.Split(desc, "\n\n") {
		if v, ok := strings.CutPrefix(para, prefix); ok && !strings.Contains(para, "\n") {
			rest := strings.Replace(desc, para, "", 1)
			rest = strings.Trim(strings.ReplaceAll(rest, "\n\n\n\n", "\n\n"), "\n")
			return rest, v
		}
	}
	return desc, ""
}

// keptThreatLine restores the id, number and model type the importer kept.
func keptThreatLine(td *tdThreat, line string) {
	for _, part := range strings.Split(line, ", ") {
		switch {
		case strings.HasPrefix(part, "id "):
			td.ID = strings.TrimPrefix(part, "id ")
		case part == "unnumbered":
			td.Number = 0
		case strings.HasPrefix(part, "number "):
			if n, err := strconv.Atoi(strings.TrimPrefix(part, "number ")); err == nil {
				td.Number = n
			}
		case strings.HasPrefix(part, "model type "):
			td.ModelType = strings.TrimPrefix(part, "model type ")
		}
	}
}

// splitCategory reads "Integrity (CIA)" as a threat type and model type.
func splitCategory(category, modelType string) (string, string) {
	if i := strings.LastIndex(category, " ("); i > 0 && strings.HasSuffix(category, ")") {
		return category[:i], category[i+2 : len(category)-1]
	}
	return category, modelType
}

// splitScore takes back the custom score the importer appended to a description.
func splitScore(desc string) (string, string) {
	if i := strings.LastIndex(desc, scorePrefix); i >= 0 && (i == 0 || strings.HasSuffix(desc[:i], "\n\n")) && !strings.Contains(desc[i:], "\n") {
		return strings.TrimSuffix(desc[:i], "\n\n"), desc[i+len(scorePrefix):]
	}
	return desc, ""
}

// status maps a register state onto the statuses of Threat Dragon 2.6
// (NA for files of earlier releases).
func (ex *exporter) status(t foreign.Threat) string {
	just := ""
	if t.Treatment != nil {
		just = t.Treatment.Justification
	}
	switch t.Status {
	case "mitigated":
		if just == eliminatedJustification {
			return "Eliminated"
		}
		return "Mitigated"
	case "false-positive":
		if just == naJustification || !ex.atLeast26() {
			return "NA"
		}
		return "NotApplicable"
	case "accepted":
		return "Accepted"
	case "transferred":
		return "Transferred"
	case "avoided":
		return "Avoided"
	case "open", "mitigating", "":
		return "Open"
	}
	ex.warn(t.Pos, "", "", "threat '%s' is %s; Threat Dragon has no such status, written as Open", t.ID, t.Status)
	return "Open"
}

// atLeast26 reports whether the file is for Threat Dragon 2.6 or later,
// which writes NotApplicable where earlier releases wrote NA.
func (ex *exporter) atLeast26() bool {
	var major, minor int
	fmt.Sscanf(ex.version, "%d.%d", &major, &minor)
	return major > 2 || major == 2 && minor >= 6
}

func treatmentFields(t *model.Treatment) []string {
	var out []string
	add := func(name string, set bool) {
		if set {
			out = append(out, name)
		}
	}
	add("owner", t.Owner != "")
	add("due", t.Due != nil)
	add("justification", t.Justification != "" && t.Justification != naJustification &&
		t.Justification != notApplicableJustification && t.Justification != eliminatedJustification)
	add("accepted_by", t.AcceptedBy != "")
	add("expires", t.Expires != nil)
	add("transferred_to", t.TransferredTo != "")
	add("ticket", t.Ticket != "")
	add("reviewed", t.Reviewed != nil)
	add("checked_by", t.CheckedBy != "")
	return out
}

func hasOpen(ts []tdThreat) bool {
	for _, t := range ts {
		if t.Status == "Open" {
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

func tagValue(tags []string, prefix string) (string, bool) {
	for _, x := range tags {
		if strings.HasPrefix(x, prefix) {
			return strings.TrimPrefix(x, prefix), true
		}
	}
	return "", false
}

// splitReason separates the out-of-scope reason the importer appended to a description.
func splitReason(desc string) (string, string) {
	if i := strings.LastIndex(desc, outOfScopePrefix); i >= 0 && (i == 0 || strings.HasSuffix(desc[:i], "\n\n")) {
		return strings.TrimSuffix(desc[:i], "\n\n"), desc[i+len(outOfScopePrefix):]
	}
	return desc, ""
}

// cells draws each diagram's cells, keyed by diagram number: where the
// import kept a cell's id, position, size and line route, as they were;
// elements new to the model where the layout places them.
func (ex *exporter) cells() map[int][]tdCell {
	lay := foreign.Arrange(ex.m, nodeSize)
	cells := map[int][]tdCell{}
	for _, b := range ex.m.TrustBoundaries {
		r, kept := boxOf(b.Tags)
		if !kept {
			r = lay.Boxes[b.ID]
		}
		name := cmp.Or(b.Name, b.ID)
		if hasTag(b.Tags, tagUnnamed) && b.Name == "" {
			name = ""
		}
		c := tdCell{Position: &tdXY{r.X, r.Y}, Size: &tdSize{r.W, r.H}, Visible: ptr(true), Shape: "trust-boundary-box", ZIndex: -1, ID: cellID(b.ID, b.Tags),
			Attrs: map[string]any{"label": map[string]any{"text": name}},
			Data:  tdData{Name: name, Description: b.Description, Type: "tm.BoundaryBox", IsTrustBoundary: true}}
		if src, dst := ex.end(b.Tags, tagSourceAt, tagSourcePort, ""), ex.end(b.Tags, tagTargetAt, tagTargetPort, ""); hasTag(b.Tags, "curve") && src != nil && dst != nil {
			c = tdCell{Attrs: map[string]any{"line": map[string]any{"targetMarker": "", "sourceMarker": ""}},
				Shape: "trust-boundary-curve", ZIndex: 10, ID: c.ID, Connector: "smooth", Labels: []any{flowLabel(name)},
				Source: src, Target: dst, Vertices: route(b.Tags), Data: tdData{Name: name, Description: b.Description, Type: "tm.Boundary", IsTrustBoundary: true}}
		}
		if ts := ex.threats[b.ID]; len(ts) > 0 {
			c.Data.Threats, c.Data.HasOpenThreats = ts, hasOpen(ts)
		}
		n := diagram(b.Tags)
		cells[n] = append(cells[n], c)
	}
	z := 1
	for i := range ex.m.Components {
		comp := &ex.m.Components[i]
		r, kept := boxOf(comp.Tags)
		if !kept {
			r = lay.Nodes[comp.ID]
		}
		desc, reason := splitReason(comp.Description)
		name := cmp.Or(comp.Name, comp.ID)
		if hasTag(comp.Tags, tagUnnamed) && comp.Name == "" {
			name = ""
		}
		d := tdData{Name: name, Description: desc, OutOfScope: ptr(comp.OutOfScope), ReasonOutOfScope: ptr(reason)}
		carried := []string{"description", "out_of_scope", "controls"}
		for _, f := range ex.ix.Incoming[comp.ID] {
			if hasTag(f.Tags, tagPublicNetwork) {
				carried = append(carried, "internet_facing")
			}
		}
		var shape string
		switch comp.Type.Kind() {
		case model.KindExternalEntity:
			shape, d.Type = "actor", "tm.Actor"
			d.ProvidesAuthentication = ptr(hasTag(comp.Tags, tagProvidesAuth) || comp.Type == "identity-provider")
		case model.KindDataStore:
			shape, d.Type = "store", "tm.Store"
			d.IsALog = ptr(comp.Type == "log-store")
			d.IsEncrypted = ptr(comp.EncryptionAtRest != "" && comp.EncryptionAtRest != "none")
			d.IsSigned = ptr(hasTag(comp.Tags, tagSigned))
			d.StoresCredentials = ptr(hasTag(comp.Tags, tagCredentials))
			d.StoresInventory = ptr(hasTag(comp.Tags, tagInventory))
			carried = append(carried, "encryption_at_rest")
		default:
			shape, d.Type = "process", "tm.Process"
			d.HandlesCardPayment = ptr(hasTag(comp.Tags, tagCardPayment))
			d.HandlesGoodsOrServices = ptr(hasTag(comp.Tags, tagGoods))
			d.IsWebApplication = ptr(comp.Type == "web-application")
			p, _ := tagValue(comp.Tags, tagPrivilege)
			d.PrivilegeLevel = ptr(p)
		}
		if ts := ex.threats[comp.ID]; len(ts) > 0 {
			d.Threats, d.HasOpenThreats = ts, hasOpen(ts)
		}
		if lost := foreign.ComponentFields(comp, carried...); len(lost) > 0 {
			if lost = withoutTagsCarried(lost, comp.Tags); len(lost) > 0 {
				ex.warn(comp.Pos, comp.Path, "", "Threat Dragon has no place for component '%s' %s; not exported", comp.ID, strings.Join(lost, ", "))
			}
		}
		if known := typeCarried(comp.Type); !known {
			ex.warn(comp.Pos, comp.Path, "", "component '%s' is a %s; Threat Dragon only knows its kind (%s)", comp.ID, comp.Type, d.Type)
		}
		n := diagram(comp.Tags)
		cells[n] = append(cells[n], tdCell{Position: &tdXY{r.X, r.Y}, Size: &tdSize{r.W, r.H}, Visible: ptr(true), Shape: shape, ZIndex: z,
			ID: cellID(comp.ID, comp.Tags), Attrs: map[string]any{"text": map[string]any{"text": d.Name}}, Data: d})
		z++
	}
	for i := range ex.m.Flows {
		f := &ex.m.Flows[i]
		if ex.ix.Components[f.From] == nil || ex.ix.Components[f.To] == nil {
			ex.warn(f.Pos, f.Path, "", "flow '%s' joins unknown components; not exported", f.ID)
			continue
		}
		desc, reason := splitReason(f.Description)
		proto, ok := tagValue(f.Tags, tagProtocol)
		if !ok && f.Protocol != "other" {
			proto = strings.ToUpper(string(f.Protocol))
		}
		name := cmp.Or(f.Name, f.ID)
		if hasTag(f.Tags, tagUnnamed) && f.Name == "" {
			name = ""
		}
		d := tdData{Name: name, Description: desc, Type: "tm.Flow",
			OutOfScope: ptr(hasTag(f.Tags, tagOutOfScope)), ReasonOutOfScope: ptr(reason),
			IsBidirectional: ptr(hasTag(f.Tags, tagBidirectional)), IsEncrypted: ptr(f.EffectiveEncryption() != "none"),
			IsPublicNetwork: ptr(hasTag(f.Tags, tagPublicNetwork)), Protocol: ptr(proto)}
		if ts := ex.threats[f.ID]; len(ts) > 0 {
			d.Threats, d.HasOpenThreats = ts, hasOpen(ts)
		}
		if lost := foreign.FlowFields(f, "description", "encryption", "controls"); len(lost) > 0 {
			if lost = withoutTagsCarried(lost, f.Tags); len(lost) > 0 {
				ex.warn(f.Pos, f.Path, "", "Threat Dragon has no place for flow '%s' %s; not exported", f.ID, strings.Join(lost, ", "))
			}
		}
		line := map[string]any{"stroke": "#333333", "strokeWidth": 1, "targetMarker": map[string]any{"name": "block"},
			"sourceMarker": map[string]any{"name": ""}, "strokeDasharray": nil}
		if *d.IsBidirectional {
			line["sourceMarker"] = map[string]any{"name": "block"}
		}
		n := diagram(f.Tags)
		cells[n] = append(cells[n], tdCell{Attrs: map[string]any{"line": line}, Shape: "flow", ZIndex: 10, ID: cellID(f.ID, f.Tags), Connector: "smooth",
			Labels: []any{flowLabel(d.Name)}, Source: ex.end(f.Tags, tagSourceAt, tagSourcePort, f.From), Target: ex.end(f.Tags, tagTargetAt, tagTargetPort, f.To),
			Vertices: route(f.Tags), Data: d})
	}
	return cells
}

// texts draws again the text blocks the import kept.
func (ex *exporter) texts(cells map[int][]tdCell) {
	for _, t := range ex.m.System.Tags {
		rest, ok := strings.CutPrefix(t, tagText)
		if !ok {
			continue
		}
		num, v, _ := strings.Cut(rest, "=")
		n, err := strconv.Atoi(num)
		id, v, _ := strings.Cut(v, " ")
		box, text, _ := strings.Cut(v, " ")
		b, ok := floats(box, 4)
		if err != nil || id == "" || !ok {
			continue
		}
		cells[n] = append(cells[n], tdCell{Position: &tdXY{b[0], b[1]}, Size: &tdSize{b[2], b[3]}, Visible: ptr(true), Shape: "td-text-block",
			ZIndex: 1, ID: id, Attrs: map[string]any{"label": map[string]any{"text": text}}, Data: tdData{Name: text, Type: "tm.Text"}})
	}
}

// withoutTagsCarried drops "tags" from lost when every tag is one the
// exporter turns back into a Threat Dragon flag.
func withoutTagsCarried(lost, tags []string) []string {
	for _, t := range tags {
		switch {
		case t == tagProvidesAuth, t == tagCardPayment, t == tagGoods, t == tagSigned, t == tagCredentials, t == tagInventory,
			t == tagPublicNetwork, t == tagBidirectional, t == tagOutOfScope, t == "curve",
			strings.HasPrefix(t, tagPrivilege), strings.HasPrefix(t, tagProtocol), strings.HasPrefix(t, "threat-dragon:"):
		default:
			return lost
		}
	}
	out := lost[:0:0]
	for _, l := range lost {
		if l != "tags" {
			out = append(out, l)
		}
	}
	return out
}

// typeCarried reports whether a component type survives the trip through
// Threat Dragon's three shapes and their flags.
func typeCarried(t model.ComponentType) bool {
	switch t {
	case "external-entity", "process", "web-application", "datastore", "log-store":
		return true
	}
	return false
}

func flowLabel(text string) map[string]any {
	return map[string]any{
		"markup": []any{map[string]any{"tagName": "ellipse", "selector": "labelBody"}, map[string]any{"tagName": "text", "selector": "labelText"}},
		"attrs": map[string]any{
			"labelText": map[string]any{"text": text, "textAnchor": "middle", "textVerticalAnchor": "middle"},
			"labelBody": map[string]any{"ref": "labelText", "refRx": "50%", "refRy": "60%", "fill": "#fff", "strokeWidth": 0},
		},
		"position": 0.5,
	}
}
