// Package infer reads what the names and labels of an imported model say
// in words: the component type, technology and protocol that "MySQL
// database", "Browser", "Mobile App" or a flow labelled "Websocket Secure"
// name, from one table (table.yaml) matched on whole words. Importers of
// formats that carry such facts only in names (Threat Dragon, OTM, Threat
// Composer) run Model on what they read; every inference is a warning at
// the element's position that the user can accept or correct, and is
// recorded on the element as a tag, so that Revert can take it back before
// an export: a foreign file exported again says only what it said.
package infer

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// Tags that record an inference on an element. A user who keeps the
// inferred value removes the tag; Revert undoes the inferences whose tags
// remain.
const (
	// TagType records an inferred component type: inferred-type=<type the file gave>.
	TagType = "inferred-type="
	// TagTechnology records an inferred technology (the file gave none).
	TagTechnology = "inferred-technology"
	// TagProtocol records an inferred flow protocol: inferred-protocol=<protocol the file gave>.
	TagProtocol = "inferred-protocol="
	// TagData marks the data asset added because the file models none.
	TagData = model.TagInferredData
	// TagInternetFacing records that a component was inferred to face the
	// internet (the file said nothing about it).
	TagInternetFacing = "inferred-internet-facing"
	// TagAuthentication records an inferred flow authentication (the file
	// gave none).
	TagAuthentication = "inferred-authentication"
)

//go:embed table.yaml
var tableYAML []byte

type row struct {
	Words          []string             `yaml:"words"`
	Type           model.ComponentType  `yaml:"type"`
	Technology     string               `yaml:"technology"`
	Protocol       model.Protocol       `yaml:"protocol"`
	Authentication model.Authentication `yaml:"authentication"`
	phrases        [][]string
}

type table struct {
	Components     []row                                  `yaml:"components"`
	Protocols      []row                                  `yaml:"protocols"`
	Authentication []row                                  `yaml:"authentication"`
	Endpoints      map[model.ComponentType]model.Protocol `yaml:"endpoints"`
}

// theTable is the inference table, with each component type's own name
// as a row of its own after the table's rows.
var theTable = func() *table {
	var t table
	if err := yaml.Unmarshal(tableYAML, &t); err != nil {
		panic("infer: table.yaml: " + err.Error())
	}
	for _, v := range model.ComponentType("").Values() {
		switch v {
		case "process", "datastore", "external-entity":
			continue // the generic kinds say nothing
		}
		t.Components = append(t.Components, row{Words: []string{strings.ReplaceAll(v, "-", " ")}, Type: model.ComponentType(v)})
	}
	for _, rows := range [][]row{t.Components, t.Protocols, t.Authentication} {
		for i := range rows {
			for _, w := range rows[i].Words {
				rows[i].phrases = append(rows[i].phrases, words(w))
			}
		}
	}
	return &t
}()

// words splits a text into lower-case words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// match is a row whose phrase occurs in a text: the longest phrase of the
// row found, and where.
type match struct {
	row   *row
	words int
	at    int
	text  string
}

// phraseIndex maps each phrase of a list of rows (words joined by
// spaces) onto the rows holding it, in table order.
type phraseIndex struct {
	rows    map[string][]int
	longest int
}

func indexPhrases(rows []row) phraseIndex {
	ix := phraseIndex{rows: map[string][]int{}, longest: 1}
	for i := range rows {
		for _, p := range rows[i].phrases {
			k := strings.Join(p, " ")
			if n := len(ix.rows[k]); n == 0 || ix.rows[k][n-1] != i {
				ix.rows[k] = append(ix.rows[k], i)
			}
			ix.longest = max(ix.longest, len(p))
		}
	}
	return ix
}

var (
	componentPhrases = indexPhrases(theTable.Components)
	protocolPhrases  = indexPhrases(theTable.Protocols)
	authPhrases      = indexPhrases(theTable.Authentication)
)

// find returns the rows of rows (indexed by ix) with a phrase in text,
// each with its longest phrase found, longest first (then earliest in the
// text, then table order).
func find(rows []row, ix phraseIndex, text string) []match {
	ws := words(text)
	best := map[int]*match{}
	var order []int
	for at := range ws {
		for n := 1; n <= ix.longest && at+n <= len(ws); n++ {
			for _, r := range ix.rows[strings.Join(ws[at:at+n], " ")] {
				m := best[r]
				if m == nil {
					m = &match{row: &rows[r], at: at}
					best[r] = m
					order = append(order, r)
				}
				if n > m.words {
					m.words, m.at, m.text = n, at, strings.Join(ws[at:at+n], " ")
				}
			}
		}
	}
	slices.Sort(order)
	out := make([]match, 0, len(order))
	for _, r := range order {
		out = append(out, *best[r])
	}
	slices.SortStableFunc(out, func(a, b match) int {
		if a.words != b.words {
			return b.words - a.words
		}
		return a.at - b.at
	})
	return out
}

// generic reports whether a component type says no more than its DFD
// kind: the types importers give when the file says nothing else.
func generic(t model.ComponentType) bool {
	return t == "" || t == "process" || t == "datastore" || t == "external-entity"
}

// allowed reports whether a component of the type an import gave may be
// inferred to be of type to: a data store stays a data store; a process
// stays a process; an external entity may be a person, a third party or a
// client people use (a browser, an app, a device).
func allowed(from, to model.ComponentType) bool {
	switch from.Kind() {
	case model.KindExternalEntity:
		return to.Kind() == model.KindExternalEntity || to == "browser" || to == "mobile-app" || to == "desktop-app" || to == "iot-device"
	default:
		return to.Kind() == from.Kind()
	}
}

// Component infers the type (when the import gave a generic one) and the
// technology (when it gave none) of c from text, the words the file says
// about it (its name, a shape or stencil type). It returns what it
// inferred, in words, or "" when nothing.
func Component(c *model.Component, text string) string { return component(c, text, false) }

// component is Component; anyKind lets the type be of another kind.
func component(c *model.Component, text string, anyKind bool) string {
	var said []string
	ms := find(theTable.Components, componentPhrases, text)
	if generic(c.Type) {
		for _, m := range ms {
			if m.row.Type != "" && m.row.Type != c.Type && (anyKind || allowed(c.Type, m.row.Type)) {
				c.Tags = append(c.Tags, TagType+string(c.Type))
				said = append(said, fmt.Sprintf("type %s (from '%s')", m.row.Type, m.text))
				c.Type = m.row.Type
				break
			}
		}
	}
	if c.Technology == "" {
		for _, m := range ms {
			if m.row.Technology != "" && m.row.Type.Kind() == c.Type.Kind() {
				c.Technology = m.row.Technology
				c.Tags = append(c.Tags, TagTechnology)
				said = append(said, fmt.Sprintf("technology %s (from '%s')", m.row.Technology, m.text))
				break
			}
		}
	}
	return strings.Join(said, " and ")
}

// Flow infers the protocol of f (when the import gave none it knows, i.e.
// "other") from text, its label, or else from the component it reaches
// (to), or the one it comes from (from: the answer of a database is sql).
func Flow(f *model.Flow, text string, to, from *model.Component) string {
	if f.Protocol != "other" && f.Protocol != "" {
		return ""
	}
	for _, m := range find(theTable.Protocols, protocolPhrases, text) {
		f.Tags = append(f.Tags, TagProtocol+string(f.Protocol))
		f.Protocol = m.row.Protocol
		return fmt.Sprintf("protocol %s (from '%s')", m.row.Protocol, m.text)
	}
	for i, end := range []*model.Component{to, from} {
		if end == nil {
			continue
		}
		if p, ok := theTable.Endpoints[end.Type]; ok {
			f.Tags = append(f.Tags, TagProtocol+string(f.Protocol))
			f.Protocol = p
			how := "reaches"
			if i == 1 {
				how = "comes from"
			}
			return fmt.Sprintf("protocol %s (it %s the %s '%s')", p, how, end.Type, nameOf(end.Name, end.ID))
		}
	}
	return ""
}

// Authentication infers how the caller of f proves who it is (when the
// import gave nothing) from text, its label and description ("Customer
// logs into the site", "OAuth"). It returns what it inferred, in words, or
// "" when nothing.
func Authentication(f *model.Flow, text string) string {
	if f.Authentication != "" {
		return ""
	}
	ms := find(theTable.Authentication, authPhrases, text)
	if len(ms) == 0 {
		return ""
	}
	// A mechanism named wins over the mere mention of a login: the table
	// lists the mechanisms first.
	m := slices.MinFunc(ms, func(a, b match) int { return rowIndex(a.row) - rowIndex(b.row) })
	f.Authentication = m.row.Authentication
	f.Tags = append(f.Tags, TagAuthentication)
	return fmt.Sprintf("authentication %s (from '%s')", m.row.Authentication, m.text)
}

// rowIndex returns the place of an authentication row in the table.
func rowIndex(r *row) int {
	for i := range theTable.Authentication {
		if &theTable.Authentication[i] == r {
			return i
		}
	}
	return len(theTable.Authentication)
}

func nameOf(name, id string) string {
	if s := strings.Join(strings.Fields(name), " "); s != "" {
		return s
	}
	return id
}

// Hints is what an import knows besides the names.
type Hints struct {
	// Texts gives the words a file says about each element, by id,
	// besides its name (e.g. the OTM type of a component).
	Texts map[string]string
	// AnyKind names the components whose kind the import guessed (an OTM
	// type it does not know): inference may give them a type of any kind.
	AnyKind map[string]bool
}

// Model infers, on every component and flow of m, what its name (and the
// extra text of h) says, and adds a data asset when m models none, so
// that analysis has something at stake. It returns one warning per
// element inferred about, at the element's position, naming what was
// inferred and how to accept or correct it.
func Model(m *model.Model, h Hints) model.Problems {
	var out model.Problems
	warn := func(s model.Source, what, id, said, hint string) {
		out = append(out, model.Problem{Pos: s.Pos, Path: s.Path, Severity: source.Warning, Code: source.CodeInferred, Hint: hint,
			Message: fmt.Sprintf("%s '%s': inferred %s", what, id, said)})
	}
	for i := range m.Components {
		c := &m.Components[i]
		if said := component(c, c.Name+" "+h.Texts[c.ID], h.AnyKind[c.ID]); said != "" {
			warn(c.Source, "component", c.ID, said, "keep it by removing the inferred-* tags, or correct the type and technology in the model")
		}
	}
	comps := make(map[string]*model.Component, len(m.Components))
	for i := range m.Components {
		comps[m.Components[i].ID] = &m.Components[i]
	}
	for i := range m.Flows {
		f := &m.Flows[i]
		text := f.Name + " " + f.Description + " " + h.Texts[f.ID]
		if said := Flow(f, f.Name+" "+h.Texts[f.ID], comps[f.To], comps[f.From]); said != "" {
			warn(f.Source, "flow", f.ID, said, "keep it by removing the inferred-protocol tag, or correct the protocol in the model")
		}
		if said := Authentication(f, text); said != "" {
			warn(f.Source, "flow", f.ID, said, "keep it by removing the inferred-authentication tag, or correct the authentication in the model")
		}
	}
	out = append(out, storeTypes(m, comps)...)
	out = append(out, internetFacing(m, comps)...)
	if len(m.Data) == 0 && len(m.Components) > 0 {
		out = append(out, defaultData(m)...)
	}
	m.Reindex()
	return out
}

// storeTypes infers, for each data store of the generic type, the type the
// protocol of the flows reaching it names (a store queried over sql is a
// database), and its technology from those flows' labels ("mySQL
// connection"): the file names the store only by what talks to it.
func storeTypes(m *model.Model, comps map[string]*model.Component) model.Problems {
	var out model.Problems
	for _, f := range m.Flows {
		for _, end := range []*model.Component{comps[f.To], comps[f.From]} {
			if end == nil || end.Type != "datastore" || f.Protocol != "sql" {
				continue
			}
			end.Tags = append(end.Tags, TagType+string(end.Type))
			end.Type = "database"
			said := fmt.Sprintf("type database (the flow '%s' to it speaks sql)", nameOf(f.Name, f.ID))
			if end.Technology == "" {
				for _, mt := range find(theTable.Components, componentPhrases, f.Name) {
					if mt.row.Type == "database" && mt.row.Technology != "" {
						end.Technology = mt.row.Technology
						end.Tags = append(end.Tags, TagTechnology)
						said += fmt.Sprintf(" and technology %s (from '%s')", mt.row.Technology, mt.text)
						break
					}
				}
			}
			out = append(out, model.Problem{Pos: end.Pos, Path: end.Path, Severity: source.Warning, Code: source.CodeInferred,
				Hint:    "keep it by removing the inferred-* tags, or correct the type and technology in the model",
				Message: fmt.Sprintf("component '%s': inferred %s", end.ID, said)})
		}
	}
	return out
}

// clientTypes are the clients people use: what they call directly is
// reached from wherever the people are.
var clientTypes = []model.ComponentType{"browser", "mobile-app", "desktop-app"}

// internetFacing marks, in a model that says of no component that it
// faces the internet, the components a client people use (a browser, a
// mobile or desktop app) calls directly.
func internetFacing(m *model.Model, comps map[string]*model.Component) model.Problems {
	for _, c := range m.Components {
		if c.InternetFacing {
			return nil
		}
	}
	var out model.Problems
	for _, f := range m.Flows {
		from, to := comps[f.From], comps[f.To]
		if from == nil || to == nil || !slices.Contains(clientTypes, from.Type) || slices.Contains(clientTypes, to.Type) ||
			to.Type.Kind() == model.KindExternalEntity || to.InternetFacing {
			continue
		}
		to.InternetFacing = true
		to.Tags = append(to.Tags, TagInternetFacing)
		out = append(out, model.Problem{Pos: to.Pos, Path: to.Path, Severity: source.Warning, Code: source.CodeInferred,
			Hint:    "keep it by removing the inferred-internet-facing tag, or set internet_facing: false in the model",
			Message: fmt.Sprintf("component '%s': inferred internet-facing (the %s '%s' calls it directly)", to.ID, from.Type, nameOf(from.Name, from.ID))})
	}
	return out
}

// defaultData adds the data asset of a model that models none: data of
// the application, confidential, kept by every data store, handled by
// every other component and carried by every flow.
func defaultData(m *model.Model) model.Problems {
	id := "application-data"
	for taken := true; taken; {
		taken = false
		for _, c := range m.Components {
			taken = taken || c.ID == id
		}
		for _, f := range m.Flows {
			taken = taken || f.ID == id
		}
		for _, b := range m.TrustBoundaries {
			taken = taken || b.ID == id
		}
		if taken {
			id += "-inferred"
		}
	}
	d := model.DataAsset{ID: id, Name: "Application data", Classification: "confidential", Tags: []string{TagData},
		Description: "The data the system handles: the file models no data assets, so one stands for all of them."}
	if m.System.Pos.Line == 0 {
		// A file with no system part: the warnings point at its start.
		m.System.Pos = model.Pos{File: m.Components[0].Pos.File, Line: 1, Column: 1}
	}
	d.SetPos(m.System.Pos, m.System.Path)
	m.Data = append(m.Data, d)
	for i := range m.Components {
		c := &m.Components[i]
		if c.Type.Kind() == model.KindDataStore {
			c.Stores = append(c.Stores, id)
		} else {
			c.Processes = append(c.Processes, id)
		}
	}
	for i := range m.Flows {
		m.Flows[i].DataSent = append(m.Flows[i].DataSent, id)
	}
	out := model.Problems{{Pos: m.System.Pos, Path: m.System.Path, Severity: source.Warning, Code: source.CodeInferred,
		Message: fmt.Sprintf("the file models no data assets: inferred one, '%s' (confidential), stored by every data store, processed by every other component and sent on every flow", id),
		Hint:    "model the data assets and their classification, or keep this one by removing its inferred-data tag"}}
	return append(out, credentials(m, id+"-credentials")...)
}

// TagStoresCredentials is the tag importers give a component the file
// says stores credentials (Threat Dragon's storesCredentials).
const TagStoresCredentials = "stores-credentials"

// credentials adds, when components are said to store credentials, a
// restricted data asset of credentials they store, the flows reading
// them carry and the readers handle.
func credentials(m *model.Model, id string) model.Problems {
	holders := map[string]bool{}
	for i := range m.Components {
		if c := &m.Components[i]; slices.Contains(c.Tags, TagStoresCredentials) {
			holders[c.ID] = true
			c.Stores = append(c.Stores, id)
		}
	}
	if len(holders) == 0 {
		return nil
	}
	d := model.DataAsset{ID: id, Name: "Credentials", Classification: "confidential", Tags: []string{TagData},
		Description: "The credentials the file says its stores hold."}
	d.SetPos(m.System.Pos, m.System.Path)
	m.Data = append(m.Data, d)
	readers := map[string]bool{}
	for i := range m.Flows {
		f := &m.Flows[i]
		switch {
		case holders[f.From]:
			f.DataSent = append(f.DataSent, id)
			readers[f.To] = true
		case holders[f.To]:
			f.DataReceived = append(f.DataReceived, id)
			readers[f.From] = true
		}
	}
	for i := range m.Components {
		if c := &m.Components[i]; readers[c.ID] && !holders[c.ID] {
			c.Processes = append(c.Processes, id)
		}
	}
	return model.Problems{{Pos: m.System.Pos, Path: m.System.Path, Severity: source.Warning, Code: source.CodeInferred,
		Message: fmt.Sprintf("inferred the data asset '%s' (confidential), stored by the %d components the file says store credentials", id, len(holders)),
		Hint:    "model the credentials as a data asset, or keep this one by removing its inferred-data tag"}}
}

// Revert returns m with every inference whose tag remains undone: the
// types and protocols the file gave, no inferred technology or
// authentication, and no
// inferred data asset or reference to it. m is not changed; when there is
// nothing to undo, Revert returns m itself.
func Revert(m *model.Model) *model.Model {
	if !inferred(m) {
		return m
	}
	out := *m
	out.Reindex()
	drop := map[string]bool{}
	out.Data = nil
	for _, d := range m.Data {
		if slices.Contains(d.Tags, TagData) {
			drop[d.ID] = true
			continue
		}
		out.Data = append(out.Data, d)
	}
	keep := func(ids []string) []string {
		if len(drop) == 0 {
			return ids
		}
		var k []string
		for _, id := range ids {
			if !drop[id] {
				k = append(k, id)
			}
		}
		return k
	}
	out.Components = make([]model.Component, len(m.Components))
	for i, c := range m.Components {
		c.Tags = slices.Clone(c.Tags)
		c.Tags = slices.DeleteFunc(c.Tags, func(t string) bool {
			switch {
			case strings.HasPrefix(t, TagType):
				c.Type = model.ComponentType(strings.TrimPrefix(t, TagType))
			case t == TagTechnology:
				c.Technology = ""
			case t == TagInternetFacing:
				c.InternetFacing = false
			default:
				return false
			}
			return true
		})
		if len(c.Tags) == 0 {
			c.Tags = nil
		}
		c.Processes, c.Stores = keep(c.Processes), keep(c.Stores)
		out.Components[i] = c
	}
	out.Flows = make([]model.Flow, len(m.Flows))
	for i, f := range m.Flows {
		f.Tags = slices.Clone(f.Tags)
		f.Tags = slices.DeleteFunc(f.Tags, func(t string) bool {
			if p, ok := strings.CutPrefix(t, TagProtocol); ok {
				f.Protocol = model.Protocol(p)
				return true
			}
			if t == TagAuthentication {
				f.Authentication = ""
				return true
			}
			return false
		})
		if len(f.Tags) == 0 {
			f.Tags = nil
		}
		f.DataSent, f.DataReceived = keep(f.DataSent), keep(f.DataReceived)
		out.Flows[i] = f
	}
	return &out
}

// Note is the comment line for the top of an imported model that holds
// inferences, saying how to keep or correct them; "" when there are none.
func Note(m *model.Model) string {
	if !inferred(m) {
		return ""
	}
	return "Values read from names and labels carry an inferred-* tag: remove the tag to keep a value, or correct it; exports leave out what is still tagged."
}

func inferred(m *model.Model) bool {
	for _, d := range m.Data {
		if slices.Contains(d.Tags, TagData) {
			return true
		}
	}
	for _, c := range m.Components {
		for _, t := range c.Tags {
			if strings.HasPrefix(t, TagType) || t == TagTechnology || t == TagInternetFacing {
				return true
			}
		}
	}
	for _, f := range m.Flows {
		for _, t := range f.Tags {
			if strings.HasPrefix(t, TagProtocol) || t == TagAuthentication {
				return true
			}
		}
	}
	return false
}

// Mention is a component phrase of the table found in a text.
type Mention struct {
	// Key is the phrase as the table writes it ("api gateway").
	Key string
	// Text is the phrase as the text writes it ("API Gateway").
	Text string
	// Type is the component type the phrase names.
	Type model.ComponentType
}

// phraseRows maps each component phrase of the table onto its first row.
var phraseRows = func() map[string]*row {
	out := map[string]*row{}
	for i := range theTable.Components {
		r := &theTable.Components[i]
		for _, p := range r.phrases {
			if k := strings.Join(p, " "); out[k] == nil {
				out[k] = r
			}
		}
	}
	return out
}()

// Mentions returns the component phrases text names, in the order it
// names them; at each word the longest phrase wins.
func Mentions(text string) []Mention {
	orig := strings.FieldsFunc(text, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	lower := make([]string, len(orig))
	for i, w := range orig {
		lower[i] = strings.ToLower(w)
	}
	var out []Mention
	for i := 0; i < len(lower); {
		n := 0
		var r *row
		for j := min(len(lower), i+4); j > i; j-- {
			if r = phraseRows[strings.Join(lower[i:j], " ")]; r != nil {
				n = j - i
				break
			}
		}
		if r == nil {
			i++
			continue
		}
		out = append(out, Mention{Key: strings.Join(lower[i:i+n], " "), Text: strings.Join(orig[i:i+n], " "), Type: r.Type})
		i += n
	}
	return out
}
