package threats

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"

	"github.com/rampart-sec/rampart/internal/model"
)

// Scope is the kind of element a rule inspects.
type Scope string

// Rule scopes.
const (
	ScopeComponent Scope = "component"
	ScopeFlow      Scope = "flow"
	ScopeData      Scope = "data"
	ScopeBoundary  Scope = "boundary"
	ScopeModel     Scope = "model"
)

// Meta is a rule's documentation and classification. docs/rules.md and
// 'rampart explain' are generated from it.
type Meta struct {
	ID     string         `json:"id"`
	Title  string         `json:"title"`
	STRIDE []model.STRIDE `json:"stride"`
	// LINDDUN lists the rule's privacy threat categories; a rule has
	// STRIDE categories, LINDDUN categories or both.
	LINDDUN []model.LINDDUN `json:"linddun,omitempty"`
	Scope   Scope           `json:"scope"`
	CWE     []int           `json:"cwe,omitempty"`
	CAPEC   []int           `json:"capec,omitempty"`
	// ATTACK lists MITRE ATT&CK technique ids, e.g. "T1190".
	ATTACK []string `json:"attack,omitempty"`
	// Likelihood and Impact are the rule's base ratings (1..5); risk scoring
	// adjusts them for exposure and for the data at stake.
	Likelihood int `json:"likelihood"`
	Impact     int `json:"impact"`
	// Mitigations lists catalog control ids that address the threat.
	Mitigations []string `json:"mitigations,omitempty"`
	// Threagile lists the Threagile rule ids this rule covers, so that
	// existing risk_tracking keys keep working.
	Threagile []string `json:"threagile,omitempty"`
	// Category groups rules for the appetite (e.g. "privacy"); empty means
	// by STRIDE only. CategoryModel marks rules about the model's quality,
	// whose findings are model warnings rather than threats.
	Category string `json:"category,omitempty"`
	// Concern names what the rule is about when other rules are about the
	// same thing (e.g. "authentication"): the findings of rules sharing a
	// concern on the same elements collapse into one threat (see Collapse).
	Concern string `json:"concern,omitempty"`
	// Trigger says what in a model raises the threat; Why says why it matters;
	// Mitigation says how to fix it.
	Trigger    string   `json:"trigger"`
	Why        string   `json:"why"`
	Mitigation string   `json:"mitigation"`
	References []string `json:"references,omitempty"`
}

// Applies reports whether the rule belongs to a methodology the model
// applies: STRIDE rules under stride, LINDDUN rules under linddun; rules
// about the model's quality always apply.
func (m *Meta) Applies(md *model.Model) bool {
	if m.Category == CategoryModel {
		return true
	}
	return len(m.STRIDE) > 0 && md.Applies(model.MethodSTRIDE) || len(m.LINDDUN) > 0 && md.Applies(model.MethodLINDDUN)
}

// Hit is one occurrence of a rule's threat found in a model.
type Hit struct {
	// Targets are element ids; the first is the element the threat is about.
	// They form the stable id: rule-id@targets[0]+targets[1]...
	Targets []string
	// Detail is the description specific to these elements.
	Detail string
	// Data lists data assets at stake; empty lets the engine derive them from the targets.
	Data []string
	// Likelihood and Impact override the rule's base ratings when set (1..5).
	Likelihood int
	Impact     int
}

// Rule is a built-in or custom threat rule.
type Rule struct {
	Meta
	// Check reports every hit of the rule in the environment's model.
	Check Check
	// Custom marks a rule loaded from a custom rule file.
	Custom bool
}

// CategoryModel is the category of rules that judge the model rather than
// the system: an incomplete model, data or components with no purpose,
// wrong boundary or link content, missing build infrastructure or identity
// store. Their findings are model warnings, kept apart from threats: not
// counted, not rated against the appetite, not in the STRIDE matrix.
const CategoryModel = "model"

// Check reports every hit of a rule in the environment's model.
type Check func(e *Env, emit func(Hit))

// Scopes lists the scopes a rule may have.
var Scopes = []Scope{ScopeComponent, ScopeFlow, ScopeData, ScopeBoundary, ScopeModel}

var (
	ruleIDPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	techniquePattern = regexp.MustCompile(`^(T[0-9]{4}(\.[0-9]{3})?|AML\.T[0-9]{4}(\.[0-9]{3})?)$`)
)

// ValidRuleID reports whether id is a well-formed rule id: lower-case
// letters, digits, dots, dashes and underscores, starting with a letter or digit.
func ValidRuleID(id string) bool { return ruleIDPattern.MatchString(id) }

// ValidTechnique reports whether id is an ATT&CK (T1190, T1552.001) or
// ATLAS (AML.T0051) technique id.
func ValidTechnique(id string) bool { return techniquePattern.MatchString(id) }

// Validate checks what every rule's metadata must satisfy, built-in and
// custom alike: a well-formed id, a title, known STRIDE categories, a known
// scope, ratings from 1 to 5, positive CWE and CAPEC numbers and well-formed
// technique ids. It returns every violation, joined.
func (m *Meta) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !ValidRuleID(m.ID) {
		bad("rule id %q is not a valid id (lower-case letters, digits and dashes)", m.ID)
	}
	if m.Title == "" {
		bad("rule %s: no title", m.ID)
	}
	if len(m.STRIDE) == 0 && len(m.LINDDUN) == 0 {
		bad("rule %s: no STRIDE or LINDDUN category", m.ID)
	}
	linddun := model.LINDDUN("").Values()
	for _, c := range m.LINDDUN {
		if !slices.Contains(linddun, string(c)) {
			bad("rule %s: unknown LINDDUN category %q", m.ID, c)
		}
	}
	strides := model.STRIDE("").Values()
	for _, s := range m.STRIDE {
		if !slices.Contains(strides, string(s)) {
			bad("rule %s: unknown STRIDE category %q", m.ID, s)
		}
	}
	if !slices.Contains(Scopes, m.Scope) {
		bad("rule %s: unknown scope %q", m.ID, m.Scope)
	}
	if m.Likelihood < 1 || m.Likelihood > 5 || m.Impact < 1 || m.Impact > 5 {
		bad("rule %s: likelihood and impact must be 1..5", m.ID)
	}
	for _, id := range append(slices.Clip(m.CWE), m.CAPEC...) {
		if id <= 0 {
			bad("rule %s: CWE and CAPEC ids must be positive numbers, found %d", m.ID, id)
		}
	}
	for _, t := range m.ATTACK {
		if !ValidTechnique(t) {
			bad("rule %s: %q is not an ATT&CK or ATLAS technique id", m.ID, t)
		}
	}
	return errors.Join(errs...)
}

// Documented checks what a built-in rule must carry on top of Validate:
// the trigger, why and mitigation texts, a reference, and a CWE, CAPEC or
// ATT&CK id unless it is a model-quality rule (a rule with no fitting
// weakness maps none rather than a wrong one).
func (m *Meta) Documented() error {
	switch {
	case m.Trigger == "" || m.Why == "" || m.Mitigation == "":
		return fmt.Errorf("rule %s: trigger, why and mitigation are required", m.ID)
	case len(m.CWE) == 0 && len(m.CAPEC) == 0 && len(m.ATTACK) == 0 && m.Category != CategoryModel:
		return fmt.Errorf("rule %s: no CWE, CAPEC or ATT&CK id (only model-quality rules may have none)", m.ID)
	case len(m.References) == 0:
		return fmt.Errorf("rule %s: no references", m.ID)
	}
	return nil
}

// Registry holds rules by id; each rule is validated when it is added.
type Registry struct {
	rules []Rule
	byID  map[string]int
}

// Add validates a rule and adds it. It refuses invalid metadata, a rule
// without a check and an id already registered.
func (r *Registry) Add(rule Rule) error {
	if err := rule.Validate(); err != nil {
		return err
	}
	if rule.Check == nil {
		return fmt.Errorf("rule %s: no check", rule.ID)
	}
	if _, dup := r.byID[rule.ID]; dup {
		return fmt.Errorf("rule %s: registered twice", rule.ID)
	}
	if r.byID == nil {
		r.byID = map[string]int{}
	}
	r.byID[rule.ID] = len(r.rules)
	r.rules = append(r.rules, rule)
	return nil
}

// Rules returns the registered rules, sorted by id.
func (r *Registry) Rules() []Rule {
	out := slices.Clone(r.rules)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the rule with the id.
func (r *Registry) Lookup(id string) (Rule, bool) {
	if i, ok := r.byID[id]; ok {
		return r.rules[i], true
	}
	return Rule{}, false
}

// RuleIDs returns the ids of the given rules.
func RuleIDs(rules []Rule) []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}
