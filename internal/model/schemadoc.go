package model

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/docs"
)

// keyDocs is what docs/model.md says about each key and enum value: the
// one source of the schema's descriptions.
type keyDocs struct {
	// sections maps a top-level key to its introduction.
	sections map[string]string
	// keys maps "section.key" to the meaning column of the key's table row.
	keys map[string]string
	// values maps an enum value to what the reference says about it, first
	// mention first.
	values map[string][]string
	// meanings maps "section.key" to what each of its values means, from
	// the reference's value tables ("| `hosting` value | meaning |").
	meanings map[string]map[string]string
}

// value is the first thing the reference says about an enum value.
func (d keyDocs) value(v string) string {
	if l := d.values[v]; len(l) > 0 {
		return l[0]
	}
	return ""
}

// addValue records a mention of an enum value.
func (d keyDocs) addValue(v, text string) {
	if !slices.Contains(d.values[v], text) {
		d.values[v] = append(d.values[v], text)
	}
}

var (
	sectionRe = regexp.MustCompile("^## `([a-z_]+)`")
	rowRe     = regexp.MustCompile("^\\| ((?:`[a-z_]+`(?:, )?)+) \\|([^|]*)\\|([^|]*)(?:\\|(.*))?\\|\\s*$")
	headRe    = regexp.MustCompile("^### (.+)$")
	codeRe    = regexp.MustCompile("`([^`]+)`")
	linkRe    = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	bulletRe  = regexp.MustCompile("^- ([a-z ]+): (`.*)$")
	// A value table: "| `key` value | meaning |", then "| `value` | text |" rows.
	valueHeadRe = regexp.MustCompile("^\\| `([a-z_]+)` value \\| meaning \\|\\s*$")
	valueRowRe  = regexp.MustCompile("^\\| `([a-z0-9.-]+)` \\| (.+?) \\|\\s*$")
)

// parseKeyDocs reads the reference: the first paragraph under each
// "## `section`", the key tables under it and its subsections, and the
// lists of enum values ("- processes: `process`, `web-application`").
func parseKeyDocs(md string) keyDocs {
	d := keyDocs{sections: map[string]string{}, keys: map[string]string{}, values: map[string][]string{}, meanings: map[string]map[string]string{}}
	section := ""
	valueKey := "" // "section.key" of the value table being read
	intro := false
	var para []string
	var bullet string // the label of the bullet being continued
	heading, lead := "", ""
	for _, line := range strings.Split(md, "\n") {
		if m := sectionRe.FindStringSubmatch(line); m != nil {
			section, intro, para, heading, lead = m[1], true, nil, "", ""
			continue
		}
		if strings.HasPrefix(line, "## ") {
			section, intro = "", false
			continue
		}
		if intro {
			switch {
			case strings.TrimSpace(line) == "" && len(para) > 0,
				strings.HasPrefix(line, "|"), strings.HasPrefix(line, "#"), strings.HasPrefix(line, "```"):
				if len(para) > 0 {
					d.sections[section] = strings.Join(para, " ")
				}
				intro = false
			case strings.TrimSpace(line) != "":
				para = append(para, strings.TrimSpace(line))
			}
		}
		if section == "" {
			continue
		}
		if m := valueHeadRe.FindStringSubmatch(line); m != nil {
			valueKey = section + "." + m[1]
			d.meanings[valueKey] = map[string]string{}
			continue
		}
		if valueKey != "" {
			if m := valueRowRe.FindStringSubmatch(line); m != nil {
				d.meanings[valueKey][m[1]] = strings.TrimSpace(m[2])
				continue
			}
			if strings.HasPrefix(line, "| ---") {
				continue
			}
			valueKey = ""
		}
		if m := rowRe.FindStringSubmatch(line); m != nil {
			meaning := strings.TrimSpace(m[4])
			typ := strings.TrimSpace(m[2])
			req := strings.TrimSpace(m[3])
			if m[4] == "" {
				// A three-column table: key, type, meaning.
				meaning, req = req, ""
			}
			text := meaning
			if text == "" {
				text = typ
			}
			if strings.Contains(req, "required") {
				text = strings.TrimSuffix("Required. "+text, " ")
			}
			for _, k := range codeRe.FindAllStringSubmatch(m[1], -1) {
				if _, ok := d.keys[section+"."+k[1]]; !ok {
					d.keys[section+"."+k[1]] = text
				}
			}
			// Values listed in a row's meaning belong to that key.
			for _, v := range codeRe.FindAllStringSubmatch(meaning, -1) {
				d.addValue(v[1], firstKey(m[1])+": "+meaning)
			}
			bullet = ""
			continue
		}
		if m := headRe.FindStringSubmatch(line); m != nil {
			heading, lead = m[1], ""
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "```") {
			bullet, lead = "", ""
			continue
		}
		if m := bulletRe.FindStringSubmatch(line); m != nil {
			bullet = m[1]
			line = m[2]
		} else if !strings.HasPrefix(line, "  ") {
			bullet = ""
		}
		label := bullet
		if label == "" {
			// A paragraph listing values names them in its lead-in
			// ("Authentication (components and flows): `none`, ..."),
			// else under its heading.
			if lead == "" {
				lead, _, _ = strings.Cut(line, "`")
				lead = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(lead), ":"))
				if lead == "" {
					lead = heading
				}
			}
			label = lead
		}
		if label != "" {
			for _, v := range codeRe.FindAllStringSubmatch(line, -1) {
				d.addValue(v[1], label)
			}
		}
	}
	return d
}

func firstKey(keys string) string {
	if m := codeRe.FindStringSubmatch(keys); m != nil {
		return "`" + m[1] + "`"
	}
	return keys
}

// plain turns the reference's Markdown into plain text for editors that
// show no Markdown.
func plain(md string) string {
	s := linkRe.ReplaceAllString(md, "$1")
	s = strings.ReplaceAll(s, "**", "")
	return strings.ReplaceAll(s, "`", "")
}

var modelDocs = parseKeyDocs(docs.ModelReference)
