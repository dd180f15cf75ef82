package foreign

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// Threat is a threat to export: a manual threat of the model or one the
// rules identified, with its register state.
type Threat struct {
	ID          string
	Rule        string // "" for manual threats
	Title       string
	Description string
	STRIDE      []model.STRIDE
	Targets     []string
	Likelihood  int
	Impact      int
	CWE         []int
	// Mitigations are control ids (the model's own or catalog ids).
	Mitigations []string
	// MitigationText says how to mitigate, in words.
	MitigationText string
	Status         model.TreatmentStatus
	Treatment      *model.Treatment
	Pos            model.Pos
}

// DiagramTag reports whether a tag keeps how Threat Dragon draws an
// element (its cell id, position, route...): meaningful to that format's
// exporter only, so the other exporters leave it out.
func DiagramTag(t string) bool { return strings.HasPrefix(t, "threat-dragon:") }

// Manual reports whether the threat was written by hand.
func (t *Threat) Manual() bool { return t.Rule == "" }

// Threats lists the model's manual threats (in model order) followed by
// the identified rule threats in found (sorted by id), each with its treatment.
func Threats(m *model.Model, found []threats.Threat) []Threat {
	treat := map[string]*model.Treatment{}
	for i := range m.Treatments {
		t := &m.Treatments[i]
		if _, dup := treat[t.Threat]; !dup {
			treat[t.Threat] = t
		}
	}
	ix := m.Index()
	var out []Threat
	for i := range m.Threats {
		mt := &m.Threats[i]
		t := Threat{ID: mt.ID, Title: mt.Title, Description: mt.Description, STRIDE: mt.STRIDE, Targets: mt.Targets,
			Likelihood: mt.Likelihood, Impact: mt.Impact, CWE: mt.CWE, Mitigations: mt.Mitigations, Pos: mt.Pos}
		var texts []string
		for _, cid := range mt.Mitigations {
			texts = append(texts, ControlText(ix, cid))
		}
		t.MitigationText = strings.Join(texts, "\n\n")
		out = append(out, withStatus(t, treat))
	}
	rules := append([]threats.Threat(nil), found...)
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	for _, f := range rules {
		if f.Origin == threats.OriginManual {
			continue
		}
		t := Threat{ID: f.ID, Rule: f.Rule, Title: f.Title, Description: f.Description, STRIDE: f.STRIDE, Targets: f.Targets,
			Likelihood: f.Likelihood, Impact: f.Impact, Mitigations: f.Mitigations, Pos: f.Pos}
		for _, r := range f.CWE {
			if n, err := strconv.Atoi(strings.TrimPrefix(r.ID, "CWE-")); err == nil {
				t.CWE = append(t.CWE, n)
			}
		}
		if r, ok := builtin.Lookup(f.Rule); ok {
			t.MitigationText = r.Mitigation
		}
		out = append(out, withStatus(t, treat))
	}
	return out
}

func withStatus(t Threat, treat map[string]*model.Treatment) Threat {
	t.Status = "open"
	if tr := treat[t.ID]; tr != nil {
		t.Treatment = tr
		if tr.Status != "" {
			t.Status = tr.Status
		}
	}
	return t
}

// ControlText describes a control in words: an own control's description
// or name, or a catalog control's name.
func ControlText(ix *model.Index, id string) string {
	if c := ix.Controls[id]; c != nil {
		switch {
		case c.Description != "":
			return c.Description
		case c.Name != "":
			return c.Name
		}
	}
	if c, ok := catalog.LookupControl(id); ok {
		return c.Name
	}
	return id
}

// Warn builds a warning about what an export drops.
func Warn(pos model.Pos, path, hint, msg string) model.Problem {
	return model.Problem{Pos: pos, Path: path, Message: msg, Hint: hint, Severity: source.Warning}
}

// ComponentFields lists the names of a component's non-empty fields, as
// written in the model, except those in carried.
func ComponentFields(c *model.Component, carried ...string) []string {
	all := []struct {
		name string
		set  bool
	}{
		{"description", c.Description != ""}, {"technology", c.Technology != ""}, {"internet_facing", c.InternetFacing},
		{"hosting", c.Hosting != ""}, {"processes", len(c.Processes) > 0}, {"stores", len(c.Stores) > 0},
		{"controls", len(c.Controls) > 0}, {"authentication", c.Authentication != ""},
		{"encryption_at_rest", c.EncryptionAtRest != ""}, {"data_formats", len(c.DataFormats) > 0},
		{"custom_code", c.CustomCode}, {"human_use", c.HumanUse}, {"admin_interface", c.AdminInterface},
		{"multi_tenant", c.MultiTenant}, {"out_of_scope", c.OutOfScope}, {"owner", c.Owner != ""},
		{"runtime", c.Runtime != ""}, {"tags", len(c.Tags) > 0},
	}
	return missing(all, carried)
}

// FlowFields lists the names of a flow's non-empty fields except those in carried.
func FlowFields(f *model.Flow, carried ...string) []string {
	all := []struct {
		name string
		set  bool
	}{
		{"description", f.Description != ""}, {"authentication", f.Authentication != ""},
		{"authorization", f.Authorization != ""}, {"encryption", f.Encryption != ""},
		{"data_sent", len(f.DataSent) > 0}, {"data_received", len(f.DataReceived) > 0}, {"vpn", f.VPN},
		{"readonly", f.Readonly}, {"ip_filtered", f.IPFiltered}, {"usage", f.Usage != ""},
		{"controls", len(f.Controls) > 0}, {"tags", len(f.Tags) > 0},
	}
	return missing(all, carried)
}

func missing(all []struct {
	name string
	set  bool
}, carried []string) []string {
	keep := map[string]bool{}
	for _, c := range carried {
		keep[c] = true
	}
	var out []string
	for _, f := range all {
		if f.set && !keep[f.name] {
			out = append(out, f.name)
		}
	}
	return out
}

// ModelLosses warns about model sections a format has no place for.
func ModelLosses(m *model.Model, format string, carried ...string) model.Problems {
	keep := map[string]bool{}
	for _, c := range carried {
		keep[c] = true
	}
	var ps model.Problems
	add := func(section string, set bool, what string) {
		if set && !keep[section] {
			ps = append(ps, Warn(m.At(section, -1), section, "", format+" has no place for "+what+"; not exported"))
		}
	}
	add("risk_appetite", m.RiskAppetite != nil, "the risk appetite")
	add("settings", m.Settings != nil, "analysis settings")
	var data []string
	for _, d := range m.Data {
		data = append(data, d.ID)
	}
	add("data", len(data) > 0, "data assets ("+strings.Join(data, ", ")+")")
	return ps
}

// Severity names a likelihood and impact as High, Medium or Low ("" when unknown).
func Severity(likelihood, impact int) string {
	if likelihood == 0 || impact == 0 {
		return ""
	}
	switch s := likelihood * impact; {
	case s >= 16:
		return "High"
	case s >= 9:
		return "Medium"
	}
	return "Low"
}

// EncodeJSON renders an export document as indented JSON without HTML
// escaping (model text such as "<script>" stays readable), ending in a newline.
func EncodeJSON(doc any, what string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode %s: %w", what, err)
	}
	return buf.Bytes(), nil
}
