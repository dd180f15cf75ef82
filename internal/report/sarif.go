package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// SARIF 2.1.0 types: only the parts Rampart fills.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool         `json:"tool"`
	Language          string            `json:"language"`
	NewlineSequences  []string          `json:"newlineSequences"`
	AutomationDetails *sarifAutomation  `json:"automationDetails,omitempty"`
	Results           []sarifResult     `json:"results"`
	Properties        map[string]any    `json:"properties,omitempty"`
	OriginalURIBases  map[string]sarURI `json:"originalUriBaseIds,omitempty"`
	Invocations       []sarifInvocation `json:"invocations,omitempty"`
}

// sarifInvocation reports the run's configuration notifications.
type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolConfigurationNotifications,omitempty"`
	// Execution are the conditions found while running: the review
	// deadlines due (SARIF 2.1.0 §3.20.21).
	Execution []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Locations  []sarifLocation `json:"locations,omitempty"`
	Level      string          `json:"level"`
	Message    sarifText       `json:"message"`
	Descriptor sarifDescriptor `json:"descriptor"`
}

type sarifDescriptor struct {
	ID string `json:"id"`
}

type sarURI struct {
	URI string `json:"uri"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Language       string      `json:"language"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Kind                string             `json:"kind,omitempty"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// SARIFSchema is the schema URI written into SARIF output.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// securitySeverity is the numeric severity code-scanning UIs sort by.
var securitySeverity = map[model.Severity]string{"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}

func sarifLevel(s model.Severity) string {
	switch s {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	}
	return "note"
}

// SARIF writes a SARIF 2.1.0 log: one result per threat, located at the
// YAML line of the element it concerns, treated threats as suppressions.
func SARIF(w io.Writer, r *analysis.Result) error {
	fs := sorted(r)
	ruleIndex := map[string]int{}
	var rules []sarifRule
	// Rules in id order so that indexes are stable.
	byRule := map[string]*analysis.Finding{}
	for i := range fs {
		key := sarifRuleID(&fs[i])
		if _, ok := byRule[key]; !ok {
			byRule[key] = &fs[i]
		}
	}
	ids := make([]string, 0, len(byRule))
	for id := range byRule {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		ruleIndex[id] = len(rules)
		rules = append(rules, ruleFor(id, byRule[id]))
	}
	results := make([]sarifResult, 0, len(fs))
	for i := range fs {
		f := &fs[i]
		id := sarifRuleID(f)
		res := sarifResult{
			RuleID:    id,
			RuleIndex: ruleIndex[id],
			Level:     sarifLevel(f.Residual.Severity),
			Message:   sarifText{Text: sarifMessage(f)},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: artifact(f.Pos.File),
				Region:           region(f.Pos),
			}}},
			PartialFingerprints: map[string]string{"rampartThreatId/v1": f.ID},
			Properties: map[string]any{
				"threatId":          f.ID,
				"severity":          f.Residual.Severity,
				"likelihood":        f.Residual.Likelihood,
				"impact":            f.Residual.Impact,
				"inherentSeverity":  f.Inherent.Severity,
				"status":            f.Treatment.Status,
				"breach":            f.Breach,
				"security-severity": securitySeverity[f.Residual.Severity],
			},
		}
		if len(f.Related) > 0 {
			res.Properties["related"] = f.RelatedIDs()
		}
		if len(f.STRIDE) > 0 {
			res.Properties["stride"] = f.STRIDE
		}
		if len(f.LINDDUN) > 0 {
			res.Properties["linddun"] = f.LINDDUN
		}
		if !f.Treatment.Open() {
			res.Suppressions = []sarifSuppression{{Kind: "inSource", Status: "accepted",
				Justification: suppressionText(f)}}
		}
		results = append(results, res)
	}
	// Model warnings are results of their own kind, informational (SARIF
	// then wants level none), under rules of their own: no threat has that
	// level, so a SARIF consumer can tell them from even the lowest threat.
	for _, mw := range r.ModelWarnings {
		id := "model/" + mw.Rule
		if _, ok := ruleIndex[id]; !ok {
			ruleIndex[id] = len(rules)
			rules = append(rules, sarifRule{ID: id, Name: pascal(mw.Rule), ShortDescription: sarifText{Text: mw.Title},
				FullDescription:      sarifText{Text: mw.Title + " (a finding about the model, not a threat)"},
				Help:                 sarifText{Text: "Complete or correct the model; model warnings are not rated or gated."},
				DefaultConfiguration: sarifConfig{Level: "none"}, Properties: map[string]any{"category": "model"}})
		}
		results = append(results, sarifResult{
			RuleID: id, RuleIndex: ruleIndex[id], Level: "none", Kind: "informational", Message: sarifText{Text: mw.Description},
			Locations:           []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(mw.Pos.File), Region: region(mw.Pos)}}},
			PartialFingerprints: map[string]string{"rampartThreatId/v1": mw.ID},
			Properties:          map[string]any{"threatId": mw.ID, "modelWarning": true},
		})
	}
	log := sarifLog{
		Schema:  SARIFSchema,
		Version: "2.1.0",
		Runs: []sarifRun{{
			Language:         "en-US",
			NewlineSequences: []string{"\r\n", "\n"},
			Tool: sarifTool{Driver: sarifDriver{Name: "Rampart", Language: "en-US", Version: toolVersion(r.Tool),
				InformationURI: "https://github.com/rampart-sec/rampart", Rules: rules}},
			AutomationDetails: &sarifAutomation{ID: "rampart/" + r.System.ID + "/"},
			Results:           results,
			Properties:        runProperties(r),
			Invocations:       invocations(r),
		}},
	}
	if rules == nil {
		log.Runs[0].Tool.Driver.Rules = []sarifRule{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

// runProperties are the run's properties: the system, date and breaches,
// and how the analysis was governed (policy, disabled rules, loosened
// appetites), so that code-scanning views show what was not looked for.
func runProperties(r *analysis.Result) map[string]any {
	props := map[string]any{"system": r.System.ID, "asOf": r.AsOf, "breaches": r.Summary.Breaches,
		"disabledRules": r.Policy.DisabledRules}
	if r.Policy.File != "" {
		props["policy"] = r.Policy.File
	}
	if len(r.Policy.Refused) > 0 {
		props["refusedDisables"] = r.Policy.Refused
	}
	if len(r.Policy.Loosened) > 0 {
		props["loosenedAppetites"] = r.Policy.Loosened
	}
	return props
}

// invocations carries one tool configuration notification per governance
// line (see governance) and one tool execution notification, a warning at
// its place in the model, per review deadline due (analysis.Result.Reviews),
// or nothing when there are neither.
func invocations(r *analysis.Result) []sarifInvocation {
	g := governance(r)
	if len(g) == 0 && len(r.Reviews) == 0 {
		return nil
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, line := range g {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "note", Message: sarifText{Text: line},
			Descriptor: sarifDescriptor{ID: "governance"}})
	}
	for _, p := range r.Reviews {
		n := sarifNotification{Level: "warning", Message: sarifText{Text: p.Message}, Descriptor: sarifDescriptor{ID: "review"}}
		if p.Hint != "" {
			n.Message.Text += " (" + p.Hint + ")"
		}
		if p.Pos.File != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(p.Pos.File), Region: region(p.Pos)}}}
		}
		inv.Execution = append(inv.Execution, n)
	}
	return []sarifInvocation{inv}
}

// sarifRuleID is the rule id in SARIF: the rule, or the manual threat id.
func sarifRuleID(f *analysis.Finding) string {
	if f.Origin == threats.OriginManual {
		return "manual/" + f.ID
	}
	return f.Rule
}

func ruleFor(id string, f *analysis.Finding) sarifRule {
	rule := sarifRule{
		ID:                   id,
		Name:                 pascal(f.Title),
		ShortDescription:     sarifText{Text: f.Title},
		FullDescription:      sarifText{Text: f.Title},
		DefaultConfiguration: sarifConfig{Level: "warning"},
	}
	var help strings.Builder
	tags := []string{"security", "threat-model"}
	own := f.Threat.Own() // the rule's own view, without findings folded in
	for _, s := range own.STRIDE {
		tags = append(tags, "stride/"+string(s))
	}
	for _, c := range own.LINDDUN {
		tags = append(tags, "linddun/"+string(c))
	}
	if r, ok := builtin.Lookup(f.Rule); ok && f.Origin == threats.OriginRule {
		rule.FullDescription = sarifText{Text: r.Why}
		fmt.Fprintf(&help, "%s\n\nTriggered when: %s\n\nMitigation: %s", r.Why, r.Trigger, r.Mitigation)
		rule.DefaultConfiguration.Level = sarifLevel(defaultSeverity(r.Likelihood, r.Impact))
		for _, ref := range r.References {
			if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
				rule.HelpURI = ref
				break
			}
		}
	} else {
		help.WriteString(f.Description)
	}
	for _, c := range own.CWE {
		tags = append(tags, "external/cwe/"+strings.ToLower(c.ID))
	}
	rule.Help = sarifText{Text: help.String()}
	rule.Properties = map[string]any{"tags": tags, "security-severity": securitySeverity[defaultSeverity(f.Likelihood, f.Impact)]}
	return rule
}

func defaultSeverity(l, i int) model.Severity {
	switch p := l * i; {
	case p <= 4:
		return "low"
	case p <= 9:
		return "medium"
	case p <= 16:
		return "high"
	}
	return "critical"
}

func sarifMessage(f *analysis.Finding) string {
	msg := fmt.Sprintf("%s (%s, residual %d×%d). %s", f.Title, f.Residual.Severity, f.Residual.Likelihood, f.Residual.Impact, f.Description)
	for _, rel := range f.Related {
		msg += " Same concern (" + rel.ID + "): " + rel.Title + "."
	}
	if len(f.Mitigations) > 0 {
		msg += " Recommended controls: " + strings.Join(f.Mitigations, ", ") + "."
	}
	msg += " Threat id: " + f.ID
	return msg
}

func suppressionText(f *analysis.Finding) string {
	t := f.Treatment
	s := string(t.Status)
	if t.Source == "controls" {
		s += " by controls " + strings.Join(f.InPlace, ", ")
	}
	if t.AcceptedBy != "" {
		s += " by " + t.AcceptedBy
	}
	if t.Expires != "" {
		s += " until " + t.Expires
	}
	if t.Justification != "" {
		s += ": " + t.Justification
	}
	return s
}

func artifact(file string) sarifArtifact {
	if file == "" {
		return sarifArtifact{URI: "rampart.yaml", URIBaseID: "%SRCROOT%"}
	}
	if filepath.IsAbs(file) {
		return sarifArtifact{URI: "file://" + filepath.ToSlash(file)}
	}
	return sarifArtifact{URI: filepath.ToSlash(filepath.Clean(file)), URIBaseID: "%SRCROOT%"}
}

func region(p model.Pos) *sarifRegion {
	if p.Line <= 0 {
		return nil
	}
	return &sarifRegion{StartLine: p.Line, StartColumn: max(p.Column, 1)}
}

func toolVersion(tool string) string {
	if _, v, ok := strings.Cut(tool, " "); ok {
		return v
	}
	return ""
}

func pascal(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 32
			}
			b.WriteRune(r)
			up = false
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}
