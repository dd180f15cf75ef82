// Package analysis runs Rampart's main job as one pure function: identify
// threats in a model, score them, apply the risk register, compare them with
// the risk appetite and find attack paths. Writers in internal/report turn
// the Result into JSON, Markdown, SARIF, CSV, HTML, PDF and XLSX.
package analysis

import (
	"github.com/rampart-sec/rampart/internal/graph"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/risk"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/treatment"
)

// FormatVersion is the version of the JSON result format (docs/analysis-json.md).
const FormatVersion = "2.0"

// Result is everything one analysis found. It is deterministic: the same
// model, rules and date give the same Result.
type Result struct {
	// FormatVersion is the JSON format version.
	FormatVersion string `json:"format_version"`
	// Tool is "rampart" and its version.
	Tool string `json:"tool"`
	// AsOf is the date (YYYY-MM-DD) acceptances and due dates were checked against.
	AsOf   string     `json:"as_of"`
	System SystemInfo `json:"system"`
	// Files lists the model files, root first.
	Files    []string     `json:"files"`
	Counts   ModelCounts  `json:"model"`
	Appetite AppetiteInfo `json:"appetite"`
	Matrix   risk.Matrix  `json:"matrix"`
	Summary  Summary      `json:"summary"`
	Findings []Finding    `json:"threats"`
	Paths    []AttackPath `json:"attack_paths"`
	// Stride is the STRIDE-per-element matrix: each element and applicable
	// category with the threats found and whether they are addressed.
	Stride   []threats.StrideCell `json:"stride"`
	Warnings model.Problems       `json:"warnings"`
	// Reviews are the review deadlines due as of AsOf: the model's own
	// review (system.reviewed plus settings.review_interval_days, default
	// 365) and acceptances that expire within 30 days.
	Reviews model.Problems `json:"reviews"`
	// ModelWarnings are findings about the model's quality (an incomplete
	// model, data or components with no purpose, wrong boundary or link
	// content): they are not threats, so they are not counted, rated or gated.
	ModelWarnings []ModelWarning `json:"model_warnings"`
	// Policy says which central policy governed the analysis, which rules
	// the model disables, and where the model asked for a looser appetite
	// or matrix than the policy allows (the policy's value applied).
	Policy policy.Info `json:"policy"`

	// Model is the analysed model, for writers that draw or list it.
	Model *model.Model `json:"-"`
}

// SystemInfo identifies the analysed system.
type SystemInfo struct {
	ID             string               `json:"id"`
	Name           string               `json:"name"`
	Owner          string               `json:"owner,omitempty"`
	RiskOwner      string               `json:"risk_owner,omitempty"`
	Classification model.Classification `json:"classification,omitempty"`
}

// ModelCounts sizes the model.
type ModelCounts struct {
	Components      int `json:"components"`
	Flows           int `json:"flows"`
	Data            int `json:"data_assets"`
	TrustBoundaries int `json:"trust_boundaries"`
	Controls        int `json:"controls"`
	Treatments      int `json:"treatments"`
}

// AppetiteInfo is the appetite the analysis applied.
type AppetiteInfo struct {
	MaxSeverity model.Severity            `json:"max_severity"`
	ByCategory  map[string]model.Severity `json:"by_category,omitempty"`
	// Declared is false when the model sets no appetite and the default applied.
	Declared bool `json:"declared"`
}

// Summary counts findings.
type Summary struct {
	Threats int `json:"threats"`
	// BySeverity counts residual severities of all threats.
	BySeverity map[model.Severity]int `json:"by_severity"`
	// OpenBySeverity counts residual severities of untreated threats.
	OpenBySeverity map[model.Severity]int `json:"open_by_severity"`
	ByStatus       map[string]int         `json:"by_status"`
	ByStride       map[model.STRIDE]int   `json:"by_stride"`
	// ByLINDDUN counts threats by LINDDUN privacy category.
	ByLINDDUN map[model.LINDDUN]int `json:"by_linddun"`
	Open      int                   `json:"open"`
	// Breaches counts untreated threats above the appetite.
	Breaches int `json:"breaches"`
	// ExpiredAcceptances counts acceptances past their expiry.
	ExpiredAcceptances int `json:"expired_acceptances"`
	Overdue            int `json:"overdue"`
	// Heatmap[l-1][i-1] counts untreated threats by residual likelihood and impact.
	Heatmap [5][5]int `json:"heatmap"`
	// Coverage counts STRIDE-per-element cells by category and state
	// (open, mitigated, no-threat).
	Coverage map[model.STRIDE]map[string]int `json:"stride_coverage"`
}

// Finding is one threat with its risk and register state.
type Finding struct {
	*threats.Threat
	Inherent  risk.Score      `json:"inherent"`
	Residual  risk.Score      `json:"residual"`
	Factors   []string        `json:"factors"`
	Treatment treatment.State `json:"treatment"`
	// Limit is the appetite that applies to this threat.
	Limit model.Severity `json:"appetite_limit"`
	// Breach is set when the threat's residual severity exceeds Limit and it
	// is open or only mitigated by controls (see treatment.State.Gated).
	Breach bool `json:"breach"`
}

// AttackPath is a ranked path from an entry point to valuable data, with the
// untreated threats met on the way.
type AttackPath struct {
	Rank int `json:"rank"`
	graph.AttackPath
	Threats []string `json:"threats"`
}

// ModelWarning is a finding about the model itself rather than the system.
type ModelWarning struct {
	// ID is the stable id, as for threats: rule@elements.
	ID          string    `json:"id"`
	Rule        string    `json:"rule"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Targets     []string  `json:"targets"`
	Pos         model.Pos `json:"position"`
}
