// Package threatcomposer reads and writes AWS Threat Composer workspace
// exports (JSON): application info, architecture and data flow
// descriptions, assumptions, threats written in the threat grammar,
// mitigations and the links between them.
//
// Threat Composer has no model elements, so import reads the parts of the
// system from the architecture and data flow descriptions (workspace.go:
// entity and data flow tables, list items naming parts, flows listed by
// identifier, tagged threat-composer:described) and makes one data asset
// per impacted asset. Each threat targets the components its statement
// and impacted assets name, and those assets; a threat that names no
// component targets one component standing for the whole application
// (tagged threat-composer:application), made only when needed. Then:
//
//   - threats → manual threats T-<numericId>: title from the statement,
//     STRIDE and priority (→ likelihood and impact) from the metadata, the
//     grammar fields, comments, tags and linked assumptions kept as labelled
//     paragraphs of the description; status → treatment (threatResolved →
//     mitigated, threatResolvedNotUseful → false-positive).
//   - mitigations → own controls M-<numericId> placed on the components
//     their threats target (mitigationResolved → implemented, otherwise
//     planned), linked to their threats.
//   - assumptions → a section of the system description, A-<numericId>.
//   - architecture and data flow descriptions → sections of the system
//     description; diagram images are dropped with a warning.
//
// Export reverses this; threats that were not written in the grammar
// (identified ones, hand-written ones) get a synthesised grammar, and the
// model's components, boundaries and flows are described in the
// architecture and data flow descriptions. Ids are UUIDs derived from the
// Rampart ids, so exports are reproducible.
package threatcomposer

import (
	"bytes"
	"context"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	"github.com/rampart-sec/rampart/internal/model"
)

// Name is the format's --from/--to name.
const Name = "threat-composer"

// SchemaVersion is the Threat Composer export schema this package reads and writes.
const SchemaVersion = 1

func init() {
	formats.Register(formats.Format{Name: Name, Title: "AWS Threat Composer JSON", Detect: Detect, Signature: "JSON object with a numeric schema and threats, mitigations, assumptions or applicationInfo", Import: Import, Export: Export})
}

var schemaRE = regexp.MustCompile(`"schema"\s*:\s*\d`)

// Detect reports whether data is a Threat Composer export: a JSON object
// with a numeric schema and Threat Composer sections.
func Detect(data []byte) bool {
	if !foreign.LooksJSON(data) {
		return false
	}
	if !schemaRE.Match(data) {
		return false
	}
	for _, k := range []string{`"threats"`, `"mitigations"`, `"assumptions"`, `"applicationInfo"`} {
		if bytes.Contains(data, []byte(k)) {
			return true
		}
	}
	return false
}

// Import converts a Threat Composer export into a Rampart model.
func Import(ctx context.Context, name string, data []byte, opts formats.Options) (*model.Model, model.Problems, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	d := foreign.Parse(name, data, opts.MaxExpansion)
	if d.Root == nil {
		return nil, d.Problems, nil
	}
	im := newImporter(d)
	im.run()
	if !d.HasErrors() && im.m != nil {
		d.Problems = append(d.Problems, infer.Model(im.m, infer.Hints{})...)
	}
	d.Problems.Sort()
	return im.m, d.Problems, ctx.Err()
}

// Text sections and lines that carry Threat Composer content Rampart has no
// field for, inside descriptions (and back on export).
const (
	headArchitecture = "### Architecture"
	headDataflow     = "### Data flow"
	headAssumptions  = "### Assumptions"
	headIDs          = "### Threat Composer ids"
	lineSource       = "Threat source: "
	linePrereq       = "Prerequisites: "
	lineAction       = "Threat action: "
	lineImpact       = "Threat impact: "
	lineGoal         = "Impacted goal: "
	lineAssets       = "Impacted assets: "
	lineTags         = "Tags: "
	lineAssumptions  = "Assumptions: "
	notUseful        = "Resolved as not useful in Threat Composer."
	// tagApplication marks the component standing for the whole application.
	tagApplication = "threat-composer:application"
)

// grammar is a threat in Threat Composer's threat grammar.
type grammar struct {
	Source, Prereq, Action, Impact string
	Goals, Assets                  []string
}

func (g grammar) empty() bool {
	return g.Source == "" && g.Prereq == "" && g.Action == "" && g.Impact == "" && len(g.Goals) == 0 && len(g.Assets) == 0
}

// block renders the grammar as one paragraph of labelled lines.
func (g grammar) block() string {
	var lines []string
	add := func(prefix, v string) {
		if v != "" {
			lines = append(lines, prefix+oneLine(v))
		}
	}
	add(lineSource, g.Source)
	add(linePrereq, g.Prereq)
	add(lineAction, g.Action)
	add(lineImpact, g.Impact)
	add(lineGoal, strings.Join(g.Goals, "; "))
	add(lineAssets, strings.Join(g.Assets, "; "))
	return strings.Join(lines, "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// statement renders the grammar the way Threat Composer does:
// "A <source> <prerequisites> can <action>, which leads to <impact>,
// resulting in reduced <goals> of <assets>".
func (g grammar) statement() string {
	var b strings.Builder
	src := g.Source
	if src == "" {
		src = "threat actor"
	}
	b.WriteString(article(src) + " " + src)
	if g.Prereq != "" {
		b.WriteString(" " + g.Prereq)
	}
	b.WriteString(" can " + g.Action)
	if g.Impact != "" {
		b.WriteString(", which leads to " + g.Impact)
	}
	if len(g.Goals) > 0 || len(g.Assets) > 0 {
		b.WriteString(", resulting in reduced")
		if len(g.Goals) > 0 {
			b.WriteString(" " + joinAnd(g.Goals))
		}
		if len(g.Assets) > 0 {
			b.WriteString(" of " + joinAnd(g.Assets))
		}
	}
	return b.String()
}

func article(s string) string {
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "An"
	}
	return "A"
}

func joinAnd(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

func splitSemi(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// parsed is a description taken apart into its plain text and the
// paragraphs the importer added.
type parsed struct {
	text        string
	grammar     grammar
	tags        []string
	assumptions []string
}

func parseDescription(desc string) parsed {
	var p parsed
	var kept []string
	for _, para := range strings.Split(desc, "\n\n") {
		switch {
		case strings.HasPrefix(para, lineSource) || strings.HasPrefix(para, lineAction):
			for _, line := range strings.Split(para, "\n") {
				switch {
				case strings.HasPrefix(line, lineSource):
					p.grammar.Source = strings.TrimPrefix(line, lineSource)
				case strings.HasPrefix(line, linePrereq):
					p.grammar.Prereq = strings.TrimPrefix(line, linePrereq)
				case strings.HasPrefix(line, lineAction):
					p.grammar.Action = strings.TrimPrefix(line, lineAction)
				case strings.HasPrefix(line, lineImpact):
					p.grammar.Impact = strings.TrimPrefix(line, lineImpact)
				case strings.HasPrefix(line, lineGoal):
					p.grammar.Goals = splitSemi(strings.TrimPrefix(line, lineGoal))
				case strings.HasPrefix(line, lineAssets):
					p.grammar.Assets = splitSemi(strings.TrimPrefix(line, lineAssets))
				}
			}
		case strings.HasPrefix(para, lineTags) && !strings.Contains(para, "\n"):
			p.tags = splitSemi(strings.TrimPrefix(para, lineTags))
		case strings.HasPrefix(para, lineAssumptions) && !strings.Contains(para, "\n"):
			for _, a := range strings.Split(strings.TrimPrefix(para, lineAssumptions), ",") {
				if a = strings.TrimSpace(a); a != "" {
					p.assumptions = append(p.assumptions, a)
				}
			}
		default:
			kept = append(kept, para)
		}
	}
	p.text = strings.Join(kept, "\n\n")
	return p
}

// systemSections splits a system description into the application
// description and the sections the importer appended to it.
func systemSections(desc string) (app, arch, flow string, assumptions []assumptionText, ids map[string]string) {
	rest, idText := cutSection(desc, headIDs)
	ids = map[string]string{}
	for _, line := range strings.Split(idText, "\n") {
		if id, uuid, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "- "), ": "); ok {
			ids[id] = uuid
		}
	}
	rest, asm := cutSection(rest, headAssumptions)
	rest, flow = cutSection(rest, headDataflow)
	app, arch = cutSection(rest, headArchitecture)
	for _, line := range strings.Split(asm, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "- ") {
			continue
		}
		id, content, ok := strings.Cut(strings.TrimPrefix(line, "- "), ": ")
		if ok {
			assumptions = append(assumptions, assumptionText{id: id, content: content})
		}
	}
	return app, arch, flow, assumptions, ids
}

// ruleMarker is how the exporter names the rule and threat id of a threat
// Rampart's rules identified, in its comments; the importer recognises it.
const ruleMarker = "Identified by Rampart rule %s as %s."

// ruleThreat returns the rule and threat id a comment names with
// ruleMarker, if any.
func ruleThreat(comments string) (rule, id string, ok bool) {
	const head = "Identified by Rampart rule "
	i := strings.LastIndex(comments, head)
	if i < 0 {
		return "", "", false
	}
	rest := comments[i+len(head):]
	rule, rest, ok = strings.Cut(rest, " as ")
	if !ok || strings.ContainsAny(rule, " \n") {
		return "", "", false
	}
	id, _, _ = strings.Cut(rest, "\n")
	id = strings.TrimSuffix(strings.TrimSpace(id), ".")
	if id == "" || strings.ContainsAny(id, " ") {
		return "", "", false
	}
	return rule, id, true
}

// cutSection removes the last section headed head (as the importer wrote
// it) from the end of desc.
func cutSection(desc, head string) (rest, body string) {
	marker := head + "\n\n"
	if i := strings.LastIndex(desc, "\n\n"+marker); i >= 0 {
		return desc[:i], desc[i+2+len(marker):]
	}
	if strings.HasPrefix(desc, marker) {
		return "", desc[len(marker):]
	}
	return desc, ""
}

type assumptionText struct{ id, content string }
