package threatcomposer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// tagDescribed marks the components and flows import builds from the
// workspace's architecture and data flow descriptions: the descriptions
// themselves are what an export writes back.
const tagDescribed = "threat-composer:described"

// described holds what the workspace's descriptions say about the
// system's parts: its components by name and by the phrase of the
// inference table that names them.
type described struct {
	byName map[string]string // normalised name -> component id
	byKey  map[string]string // table phrase -> component id
}

var (
	// bulletName is a list item that starts with a bold name:
	// "- **[Amazon S3](https://...)**: Stores the knowledge base data."
	bulletName = regexp.MustCompile(`^\s*[-*]\s+\*\*(.+?)\*\*\s*[:\-–]?\s*(.*)$`)
	// bulletFlow is a list item naming a flow by its identifier:
	// "- A1 - User device browser /GET to Amazon CloudFront".
	bulletFlow = regexp.MustCompile(`^\s*[-*]\s+([A-Za-z]{1,4}\d{1,3})\s*[-:–]\s*(.+)$`)
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// plainText takes Markdown emphasis, links and code quotes out of a phrase.
func plainText(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = strings.NewReplacer("**", "", "__", "", "`", "", "_", " ").Replace(s)
	return oneLine(strings.TrimRight(strings.TrimSpace(s), ":.,;"))
}

func normName(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), " ")
}

// key is the table phrase a name is known by: its longest mention.
func key(ms []infer.Mention) (infer.Mention, bool) {
	var best infer.Mention
	for _, m := range ms {
		if len(strings.Fields(m.Key)) > len(strings.Fields(best.Key)) {
			best = m
		}
	}
	return best, best.Key != ""
}

// workspace builds components and flows from the architecture and data
// flow descriptions: the entity and data flow tables, the bold names of
// list items that name parts the inference table knows, the flows listed
// by identifier, and, when the descriptions have no entity or flow table,
// the parts the architecture's prose names.
// Each is a warning the user can accept or correct.
func (im *importer) workspace(root foreign.Obj) {
	im.desc = described{byName: map[string]string{}, byKey: map[string]string{}}
	type section struct {
		name string
		text string
		at   *yaml.Node
		path string
	}
	var secs []section
	for _, k := range []string{"architecture", "dataflow"} {
		o, ok := root.Obj(k)
		if !ok || !o.Present() {
			continue
		}
		if t := o.Str("description", false); strings.TrimSpace(t) != "" {
			secs = append(secs, section{k, t, o.At("description"), o.KeyPath("description")})
		}
	}
	for _, s := range secs {
		for _, tb := range tables(s.text) {
			im.table(tb, s.at, s.path, s.name)
		}
	}
	listed := len(im.m.Components) > 0
	for _, s := range secs {
		for _, line := range strings.Split(s.text, "\n") {
			if m := bulletName.FindStringSubmatch(line); m != nil && s.name == "architecture" && productName(plainText(m[1])) {
				im.describedComponent(plainText(m[1]), plainText(m[2]), false, s.at, s.path, s.name)
			}
		}
	}
	if !listed {
		for _, s := range secs {
			if s.name != "architecture" {
				continue
			}
			for _, m := range infer.Mentions(plainText(s.text)) {
				im.describedComponent(m.Text, "", false, s.at, s.path, s.name)
			}
		}
	}
	for _, s := range secs {
		if s.name != "dataflow" {
			continue
		}
		for _, line := range strings.Split(s.text, "\n") {
			m := bulletFlow.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			text := plainText(m[2])
			for _, mn := range infer.Mentions(text) {
				im.describedComponent(mn.Text, "", false, s.at, s.path, s.name)
			}
			ends := im.inOrder(text)
			if len(ends) >= 2 {
				im.describedFlow(m[1]+" "+text, ends[0], ends[1], nil, s.at, s.path)
			}
		}
	}
}

// productName reports whether a list item's bold name names a part (a
// product or kind of component the table knows, which makes up at least
// half of its words: "Amazon S3", "Application Load Balancer") rather than
// a heading ("Static Website Only").
func productName(name string) bool {
	m, ok := key(infer.Mentions(name))
	return ok && 2*len(strings.Fields(m.Key)) >= len(strings.Fields(normName(name)))
}

// tables returns the Markdown tables of a text: rows of cells, header first,
// without the separator row.
func tables(text string) [][][]string {
	var out [][][]string
	var cur [][]string
	flush := func() {
		if len(cur) > 1 {
			out = append(out, cur)
		}
		cur = nil
	}
	for _, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(line)
		if !strings.HasPrefix(l, "|") {
			flush()
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		sep := true
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
			sep = sep && strings.Trim(cells[i], "-: ") == ""
		}
		if !sep {
			cur = append(cur, cells)
		}
	}
	flush()
	return out
}

// table reads an entity table (Entity | Description) into components and
// a data flow table (Flow | Description | Source | Target | Assets) into
// flows; other tables say nothing about the parts.
func (im *importer) table(rows [][]string, at *yaml.Node, path, section string) {
	col := map[string]int{}
	for i, h := range rows[0] {
		l := strings.ToLower(h)
		for _, k := range []string{"entity", "description", "source", "target", "asset", "flow", "boundary"} {
			if _, seen := col[k]; !seen && strings.Contains(l, k) {
				col[k] = i
			}
		}
	}
	cell := func(r []string, k string) string {
		if i, ok := col[k]; ok && i < len(r) {
			return plainText(r[i])
		}
		return ""
	}
	_, hasSource := col["source"]
	_, hasTarget := col["target"]
	_, isBoundary := col["boundary"]
	switch {
	case isBoundary:
	case hasSource && hasTarget:
		if _, ok := col["flow"]; !ok {
			return
		}
		for _, r := range rows[1:] {
			from := im.describedComponent(cell(r, "source"), "", true, at, path, section)
			to := im.describedComponent(cell(r, "target"), "", true, at, path, section)
			if from == "" || to == "" || from == to {
				continue
			}
			var data []string
			for _, a := range strings.FieldsFunc(cell(r, "asset"), func(r rune) bool { return r == ',' || r == '+' }) {
				if a = strings.TrimSpace(a); a != "" {
					data = appendUnique(data, im.asset(a, nil, 0))
				}
			}
			id := ""
			if i, ok := col["flow"]; ok && i < len(r) {
				id = plainText(r[i])
			}
			name := strings.TrimSpace(id + " " + cell(r, "description"))
			if id == cell(r, "description") {
				name = id
			}
			im.describedFlow(name, from, to, data, at, path)
		}
	case col["entity"] == 0 && len(rows[0]) > 0 && strings.Contains(strings.ToLower(rows[0][0]), "entity"):
		for _, r := range rows[1:] {
			if len(r) > 0 {
				im.describedComponent(plainText(r[0]), cell(r, "description"), true, at, path, section)
			}
		}
	}
}

// describedComponent returns the component a description names name,
// creating it when it is new: known by its name, or by the table phrase
// its name holds. A name no table phrase is in makes a component only
// when listed (a table's entity); otherwise it is "".
func (im *importer) describedComponent(name, desc string, listed bool, at *yaml.Node, path, section string) string {
	name = oneLine(name)
	n := normName(name)
	if n == "" {
		return ""
	}
	if id := im.desc.byName[n]; id != "" {
		return id
	}
	m, known := key(infer.Mentions(name))
	if known {
		if id := im.desc.byKey[m.Key]; id != "" {
			im.desc.byName[n] = id
			return id
		}
	}
	if !known && !listed {
		return ""
	}
	c := model.Component{ID: im.ids.Take("component", foreign.Slug(name)), Name: name, Description: desc, Type: "process",
		Tags: []string{tagDescribed}}
	said := "type process (its name says no more)"
	if known {
		c.Type = m.Type
		said = fmt.Sprintf("type %s (from '%s')", m.Type, m.Key)
	}
	if tech := infer.Component(&c, name); tech != "" {
		said += " and " + tech
	}
	c.SetPos(im.d.Pos(at), path)
	im.m.Components = append(im.m.Components, c)
	im.desc.byName[n] = c.ID
	if known {
		im.desc.byKey[m.Key] = c.ID
	}
	im.d.Problems = append(im.d.Problems, model.Problem{Pos: im.d.Pos(at), Path: path, Severity: source.Warning, Code: source.CodeInferred,
		Message: fmt.Sprintf("component '%s' (%s) read from the %s description: %s", c.ID, name, section, said),
		Hint:    "correct the component in the model, or remove it if the description does not mean it"})
	return c.ID
}

// describedFlow adds a flow a data flow description lists.
func (im *importer) describedFlow(name, from, to string, data []string, at *yaml.Node, path string) {
	f := model.Flow{ID: im.ids.Take("flow", foreign.Slug(name)), Name: name, From: from, To: to, Protocol: "other",
		DataSent: data, Tags: []string{tagDescribed}}
	f.SetPos(im.d.Pos(at), path)
	im.m.Flows = append(im.m.Flows, f)
	for _, id := range []string{from, to} {
		c := im.componentByID(id)
		for _, d := range data {
			if c.Type.Kind() == model.KindDataStore {
				c.Stores = appendUnique(c.Stores, d)
			} else {
				c.Processes = appendUnique(c.Processes, d)
			}
		}
	}
	im.d.Problems = append(im.d.Problems, model.Problem{Pos: im.d.Pos(at), Path: path, Severity: source.Warning, Code: source.CodeInferred,
		Message: fmt.Sprintf("flow '%s' from '%s' to '%s' read from the dataflow description", f.ID, from, to),
		Hint:    "correct the flow in the model, or remove it if the description does not mean it"})
}

// located returns the components a threat names in its impacted assets
// and statement: those whose name or table phrase the text holds.
func (im *importer) located(texts ...string) []string {
	hit := map[string]bool{}
	for _, t := range texts {
		for _, m := range infer.Mentions(t) {
			if id := im.desc.byKey[m.Key]; id != "" {
				hit[id] = true
			}
		}
		lt := " " + normName(t) + " "
		for n, id := range im.desc.byName {
			if strings.Contains(lt, " "+n+" ") {
				hit[id] = true
			}
		}
	}
	var out []string
	for _, c := range im.m.Components {
		if hit[c.ID] {
			out = append(out, c.ID)
		}
	}
	return out
}

// inOrder returns the components a text names (by name or table phrase),
// in the order it first names them; at each word the longest name wins,
// so "user device browser" names the browser, not the user.
func (im *importer) inOrder(text string) []string {
	phrases := map[string]string{}
	longest := 1
	for _, known := range []map[string]string{im.desc.byKey, im.desc.byName} {
		for p, id := range known {
			if _, ok := phrases[p]; !ok {
				phrases[p] = id
				longest = max(longest, len(strings.Fields(p)))
			}
		}
	}
	ws := strings.Fields(normName(text))
	var out []string
	for i := 0; i < len(ws); {
		n := 0
		for j := min(len(ws), i+longest); j > i; j-- {
			if id := phrases[strings.Join(ws[i:j], " ")]; id != "" {
				n = j - i
				if !slices.Contains(out, id) {
					out = append(out, id)
				}
				break
			}
		}
		i += max(n, 1)
	}
	return out
}

// locateThreats finds the components each threat (not one Rampart's
// rules raised) names.
func (im *importer) locateThreats() {
	im.threatComps = map[string][]string{}
	if len(im.m.Components) == 0 {
		return
	}
	for _, e := range im.threatOrder {
		if e.rule != "" {
			continue
		}
		o := e.obj
		texts := append([]string{o.Str("statement", false), o.Str("threatAction", false)}, o.Strs("impactedAssets")...)
		im.threatComps[e.tcID] = im.located(texts...)
	}
}

// unlocated reports whether a threat or mitigation names no component,
// so that the component standing for the whole application is needed.
func (im *importer) unlocated() bool {
	if len(im.m.Components) == 0 {
		return true
	}
	for _, e := range im.threatOrder {
		if e.rule == "" && len(im.threatComps[e.tcID]) == 0 {
			return true
		}
	}
	for _, e := range im.mitOrder {
		if !e.derived && len(im.mitigationComps(e)) == 0 {
			return true
		}
	}
	return false
}

// mitigationComps returns the components the threats a mitigation is
// linked to name, in model order.
func (im *importer) mitigationComps(e *entity) []string {
	hit := map[string]bool{}
	for _, tid := range im.mitThreats[e.tcID] {
		for _, id := range im.threatComps[tid] {
			hit[id] = true
		}
	}
	var out []string
	for _, c := range im.m.Components {
		if hit[c.ID] {
			out = append(out, c.ID)
		}
	}
	return out
}
