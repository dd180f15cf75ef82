// Package link ties detection to the threat model: alerts to the
// components whose events they are about (the components' detection
// sections) and to the modelled threats whose ATT&CK techniques the rule
// detects; and, for a rule set, which modelled threats some rule would
// detect and which none would (detection coverage).
package link

import (
	"slices"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/detect/stream"
	"github.com/rampart-sec/rampart/internal/model"
)

// Threat is a modelled threat as detection sees it.
type Threat struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Severity   string   `json:"severity,omitempty"`
	Targets    []string `json:"targets"`
	Techniques []string `json:"techniques"`
}

// Threats returns the analysis findings with their ATT&CK techniques.
func Threats(res *analysis.Result) []Threat {
	var out []Threat
	for _, f := range res.Findings {
		t := Threat{ID: f.ID, Title: f.Title, Targets: f.Targets, Severity: string(f.Residual.Severity)}
		for _, r := range f.ATTACK {
			t.Techniques = append(t.Techniques, strings.ToUpper(r.ID))
		}
		sort.Strings(t.Techniques)
		out = append(out, t)
	}
	return out
}

// Overlap tells whether two technique lists share a technique, a
// sub-technique counting for its parent and the parent for it.
func Overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y || strings.HasPrefix(x, y+".") || strings.HasPrefix(y, x+".") {
				return true
			}
		}
	}
	return false
}

// Linker names the components and threats of alerts.
type Linker struct {
	components []component
	threats    []Threat
}

type component struct {
	id     string
	hosts  []string
	svcs   []string
	srcs   []model.DetectionLogSource
	fields map[string][]string
}

// hostFields and serviceFields are where events name their host and
// service.
var (
	hostFields    = []string{"Computer", "Hostname", "ComputerName", "host.name", "host.hostname", "hostname", "host", "Event.System.Computer"}
	serviceFields = []string{"service.name", "ServiceName", "service", "app", "application"}
)

// New builds a linker from a model and the threats of its analysis.
func New(m *model.Model, threats []Threat) *Linker {
	l := &Linker{threats: threats}
	for _, c := range m.Components {
		d := c.Detection
		if d == nil {
			continue
		}
		lc := component{id: c.ID, srcs: d.LogSources, fields: map[string][]string{}}
		for _, h := range d.Hosts {
			lc.hosts = append(lc.hosts, strings.ToLower(h))
		}
		for _, s := range d.Services {
			lc.svcs = append(lc.svcs, strings.ToLower(s))
		}
		for f, vs := range d.Fields {
			for _, v := range vs {
				lc.fields[f] = append(lc.fields[f], strings.ToLower(v))
			}
		}
		l.components = append(l.components, lc)
	}
	return l
}

func matchAny(patterns []string, v string) bool {
	v = strings.ToLower(v)
	for _, p := range patterns {
		if p == v || strings.Contains(p, "*") && wildcard(p, v) {
			return true
		}
	}
	return false
}

// wildcard matches s against p, where * stands for any run of characters
// and everything else, backslashes included, is literal.
func wildcard(p, s string) bool {
	parts := strings.Split(p, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return len(parts) > 1 && strings.HasSuffix(s, last) || len(parts) == 1 && s == ""
}

func fieldMatches(ev *event.Event, names, patterns []string) bool {
	if len(patterns) == 0 {
		return false
	}
	for _, f := range ev.Fields {
		if slices.Contains(names, f.Name) && matchAny(patterns, f.Value) {
			return true
		}
	}
	return false
}

// Components returns the ids of the components the event (matched by a
// rule of log source ls) belongs to.
func (l *Linker) Components(ev *event.Event, ls sigma.LogSource) []string {
	var out []string
	for _, c := range l.components {
		if c.belongs(ev, ls) {
			out = append(out, c.id)
		}
	}
	return out
}

func (c *component) belongs(ev *event.Event, ls sigma.LogSource) bool {
	if fieldMatches(ev, hostFields, c.hosts) || fieldMatches(ev, serviceFields, c.svcs) {
		return true
	}
	for _, s := range c.srcs {
		if (s.Product == "" || s.Product == ls.Product) && (s.Category == "" || s.Category == ls.Category) && (s.Service == "" || s.Service == ls.Service) {
			return true
		}
	}
	for f, vals := range c.fields {
		if fieldMatches(ev, []string{f}, vals) {
			return true
		}
	}
	return false
}

// ThreatsFor returns the ids of the modelled threats a rule with these
// techniques detects; when components are known, only threats to them.
func (l *Linker) ThreatsFor(techniques, components []string) []string {
	var out []string
	for _, t := range l.threats {
		if !Overlap(techniques, t.Techniques) {
			continue
		}
		if len(components) > 0 && !slices.ContainsFunc(t.Targets, func(id string) bool { return slices.Contains(components, id) }) {
			continue
		}
		out = append(out, t.ID)
	}
	return out
}

// Alerter returns the function that links an alert of a rule set's rule.
func (l *Linker) Alerter(rules []*sigma.Rule) func(a *stream.Alert, ev *event.Event) {
	byKey := map[string]*sigma.Rule{}
	for _, r := range rules {
		byKey[r.ID+"\x00"+r.Title] = r
	}
	return func(a *stream.Alert, ev *event.Event) {
		var ls sigma.LogSource
		if r := byKey[a.RuleID+"\x00"+a.Title]; r != nil {
			ls = r.LogSource
		}
		a.Component = l.Components(ev, ls)
		a.Threats = l.ThreatsFor(a.Attack, a.Component)
	}
}

// Coverage is, for each modelled threat, the rules that would detect it.
type Coverage struct {
	Threats []ThreatCoverage `json:"threats"`
	// Uncovered lists the threats with techniques and no rule: the rules
	// to write.
	Uncovered []string `json:"uncovered"`
	// NoTechniques lists threats without ATT&CK techniques, which no rule
	// can be matched to.
	NoTechniques []string            `json:"no_techniques"`
	Techniques   []TechniqueCoverage `json:"techniques"`
}

// ThreatCoverage is one threat and its rules.
type ThreatCoverage struct {
	Threat
	Rules []RuleRef `json:"rules"`
}

// RuleRef names a rule.
type RuleRef struct {
	ID    string `json:"id,omitempty"`
	Title string `json:"title"`
	Level string `json:"level,omitempty"`
}

// TechniqueCoverage is one technique of the model and its rule count.
type TechniqueCoverage struct {
	ID      string   `json:"id"`
	Rules   int      `json:"rules"`
	Threats []string `json:"threats"`
}

// Compute matches the threats against the rules by technique.
func Compute(threats []Threat, rules []*sigma.Rule) *Coverage {
	c := &Coverage{Uncovered: []string{}, NoTechniques: []string{}}
	type rt struct {
		ref  RuleRef
		tech []string
	}
	var rts []rt
	for _, r := range rules {
		if r.Kind == sigma.FilterRule {
			continue
		}
		if t := stream.Techniques(r.Tags); len(t) > 0 {
			rts = append(rts, rt{RuleRef{ID: r.ID, Title: r.Title, Level: r.Level}, t})
		}
	}
	techs := map[string]*TechniqueCoverage{}
	for _, t := range threats {
		tc := ThreatCoverage{Threat: t, Rules: []RuleRef{}}
		for _, r := range rts {
			if Overlap(r.tech, t.Techniques) {
				tc.Rules = append(tc.Rules, r.ref)
			}
		}
		sort.Slice(tc.Rules, func(i, j int) bool { return tc.Rules[i].Title < tc.Rules[j].Title })
		switch {
		case len(t.Techniques) == 0:
			c.NoTechniques = append(c.NoTechniques, t.ID)
		case len(tc.Rules) == 0:
			c.Uncovered = append(c.Uncovered, t.ID)
		}
		for _, id := range t.Techniques {
			tcov := techs[id]
			if tcov == nil {
				tcov = &TechniqueCoverage{ID: id}
				for _, r := range rts {
					if Overlap(r.tech, []string{id}) {
						tcov.Rules++
					}
				}
				techs[id] = tcov
			}
			tcov.Threats = append(tcov.Threats, t.ID)
		}
		c.Threats = append(c.Threats, tc)
	}
	for _, t := range techs {
		c.Techniques = append(c.Techniques, *t)
	}
	sort.Slice(c.Techniques, func(i, j int) bool { return c.Techniques[i].ID < c.Techniques[j].ID })
	return c
}

// Layer is an ATT&CK Navigator layer (format 4.5).
type Layer struct {
	Name         string            `json:"name"`
	Versions     map[string]string `json:"versions"`
	Domain       string            `json:"domain"`
	Description  string            `json:"description"`
	Techniques   []LayerTechnique  `json:"techniques"`
	Legend       []LegendItem      `json:"legendItems"`
	HideDisabled bool              `json:"hideDisabled"`
}

// LayerTechnique is one coloured technique of a layer.
type LayerTechnique struct {
	TechniqueID string `json:"techniqueID"`
	Score       int    `json:"score"`
	Color       string `json:"color"`
	Comment     string `json:"comment"`
	Enabled     bool   `json:"enabled"`
}

// LegendItem explains a colour.
type LegendItem struct {
	Label string `json:"label"`
	Color string `json:"color"`
}

// Colours of the layer.
const (
	coveredColor   = "#66bb6a"
	uncoveredColor = "#ef5350"
)

// Navigator returns the layer of the model's techniques, green when some
// rule detects them and red when none does; the score is the rule count.
func (c *Coverage) Navigator(name string) *Layer {
	l := &Layer{
		Name:     name,
		Versions: map[string]string{"layer": "4.5", "navigator": "5.1.0", "attack": "16"},
		Domain:   "enterprise-attack",
		Description: "Techniques of the modelled threats: green where a Sigma rule of the rule set detects them, red where none does. " +
			"The score is the number of rules.",
		Legend:     []LegendItem{{"detected by a rule", coveredColor}, {"no rule", uncoveredColor}},
		Techniques: []LayerTechnique{},
	}
	for _, t := range c.Techniques {
		color := coveredColor
		if t.Rules == 0 {
			color = uncoveredColor
		}
		l.Techniques = append(l.Techniques, LayerTechnique{TechniqueID: t.ID, Score: t.Rules, Color: color, Enabled: true,
			Comment: "threats: " + strings.Join(t.Threats, ", ")})
	}
	return l
}
