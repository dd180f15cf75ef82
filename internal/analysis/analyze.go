package analysis

import (
	"fmt"
	"runtime"
	"sort"
	"time"

	"github.com/rampart-sec/rampart/internal/graph"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/parallel"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/risk"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
	"github.com/rampart-sec/rampart/internal/treatment"
)

// Options control an analysis.
type Options struct {
	// Rules to run; nil means the built-in library.
	Rules []threats.Rule
	// Now decides expired acceptances and overdue actions; zero means today (UTC).
	Now time.Time
	// Tool names the producing tool and version, e.g. "rampart 1.2.0".
	Tool string
	// PathsPerEntry is how many attack paths to keep per entry point;
	// zero means graph.DefaultPathsPerEntry.
	PathsPerEntry int
	// Policy is the central risk policy governing the model; nil for none.
	// Its appetite and matrix apply where the model's are looser, and the
	// rules it requires run even if the model disables them. The policy's
	// problems (policy.Apply) are the loader's to report, not the result's.
	Policy *policy.Policy
}

// Analyze runs the whole analysis of a validated model.
func Analyze(m *model.Model, opts Options) *Result {
	governed := policy.Apply(m, opts.Policy)
	m = governed.Model
	if opts.Rules == nil {
		opts.Rules = builtin.Rules()
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if opts.Tool == "" {
		opts.Tool = "rampart"
	}

	env := threats.NewEnv(m)
	found, ws := env.IdentifyApart(opts.Rules)
	warnings := modelWarnings(ws)
	found = threats.Collapse(found)
	reach := graph.New(m, graph.Options{Client: env.IsClient, Guard: env.Guard}).Reachable()
	stride := make(chan []threats.StrideCell, 1)
	go func() { stride <- env.StrideMatrix(found) }()
	assessed := assess(m, env, reach, found)
	matrix := risk.MatrixFor(m)
	register := treatment.NewRegister(m.Treatments, day)
	register.LimitAcceptances(m.MaxAcceptanceDays())

	r := &Result{
		FormatVersion: FormatVersion,
		Tool:          opts.Tool,
		AsOf:          day.Format(time.DateOnly),
		System: SystemInfo{ID: m.System.ID, Name: m.System.Name, Owner: m.System.Owner,
			RiskOwner: m.System.RiskOwner, Classification: m.System.Classification},
		Files: m.Files,
		Counts: ModelCounts{Components: len(m.Components), Flows: len(m.Flows), Data: len(m.Data),
			TrustBoundaries: len(m.TrustBoundaries), Controls: len(m.Controls), Treatments: len(m.Treatments)},
		Matrix:        matrix,
		Findings:      make([]Finding, 0, len(found)),
		Model:         m,
		Warnings:      append(model.Problems{}, env.Failures()...),
		ModelWarnings: warnings,
		Policy:        governed.Info,
	}
	if a := m.RiskAppetite; a != nil {
		r.Appetite = AppetiteInfo{MaxSeverity: a.MaxSeverity, ByCategory: a.ByCategory, Declared: true}
	} else {
		r.Appetite = AppetiteInfo{MaxSeverity: risk.DefaultAppetite}
		r.Warnings = append(r.Warnings, model.Problem{Pos: m.Pos, Severity: source.Warning,
			Message: fmt.Sprintf("the model declares no risk_appetite; the default (max_severity: %s) applies", risk.DefaultAppetite),
			Hint:    "add risk_appetite: {max_severity: ...} agreed with the risk owner"})
	}

	for i := range found {
		t, a := &found[i], assessed[i]
		st := register.Resolve(t.ID, aliases(t), t.Mitigated())
		if st.VerifiedMitigation() && !t.Mitigated() {
			// The mitigation is not modelled as a control: it counts as one
			// step, as an own control without a stated effect does.
			a.Residual = matrix.Rate(a.Residual.Likelihood-1, a.Residual.Impact)
			a.Factors = append(a.Factors, fmt.Sprintf("verified mitigation on the register (%s): likelihood -1", st.VerifiedBy))
		}
		f := Finding{Threat: t, Inherent: a.Inherent, Residual: a.Residual, Factors: a.Factors, Treatment: st,
			Limit: limit(m.RiskAppetite, t)}
		f.Breach = st.Gated() && risk.Exceeds(f.Residual.Severity, f.Limit)
		if st.Expired {
			r.Warnings = append(r.Warnings, model.Problem{Pos: t.Pos, Severity: source.Warning,
				Message: fmt.Sprintf("the acceptance of %s expired on %s; it counts as open again", t.ID, st.Expires),
				Hint:    "review it with the risk owner and renew or treat it"})
		}
		r.Findings = append(r.Findings, f)
	}
	foldedInto := map[string]string{}
	for i := range found {
		for _, id := range found[i].RelatedIDs() {
			foldedInto[id] = found[i].ID
		}
	}
	for _, t := range register.Unused(m.Treatments) {
		p := model.Problem{Pos: t.At("threat", -1), Path: t.KeyPath("threat", -1), Severity: source.Warning,
			Message: fmt.Sprintf("treatment for '%s' matches no identified threat", t.Threat),
			Hint:    "the threat may be gone after a model change; remove the entry or fix its id"}
		if lead, ok := foldedInto[t.Threat]; ok {
			p.Message = fmt.Sprintf("treatment for '%s' does not apply: that finding is reported as part of threat '%s', of the same concern", t.Threat, lead)
			p.Hint = "treat the concern as a whole: move the entry to " + lead
		}
		r.Warnings = append(r.Warnings, p)
	}
	r.Reviews = reviews(m, day)
	r.Summary = summarise(r.Findings)
	r.Paths = attackPaths(reach, opts.PathsPerEntry, r.Findings)
	r.Stride = <-stride
	r.Summary.Coverage = map[model.STRIDE]map[string]int{}
	for _, c := range r.Stride {
		if r.Summary.Coverage[c.Category] == nil {
			r.Summary.Coverage[c.Category] = map[string]int{threats.StrideOpen: 0, threats.StrideMitigated: 0, threats.StrideNoThreat: 0}
		}
		r.Summary.Coverage[c.Category][c.State]++
	}
	return r
}

// assess scores the threats on all cores, with one Assessor per goroutine.
func assess(m *model.Model, env *threats.Env, reach *graph.Reach, found []threats.Threat) []risk.Assessment {
	const batch = 256
	assessors := make([]*risk.Assessor, parallel.Workers(runtime.GOMAXPROCS(0), len(found), batch))
	for w := range assessors {
		assessors[w] = risk.NewAssessor(m, env, reach)
	}
	out := make([]risk.Assessment, len(found))
	parallel.For(len(assessors), len(found), batch, func(w, i int) { out[i] = assessors[w].Assess(&found[i]) })
	return out
}

// limit is the appetite that applies to a threat: risk.Limit over its
// STRIDE categories and rule category, tightened by a limit the appetite
// sets on one of its LINDDUN categories, and by those of the findings
// folded into it (threats.Collapse), so that collapsing never loosens the gate.
func limit(a *model.RiskAppetite, t *threats.Threat) model.Severity {
	l := risk.Limit(a, t.STRIDE, t.Category)
	for _, r := range t.Related {
		if o := risk.Limit(a, r.STRIDE, r.Category); o.Rank() < l.Rank() {
			l = o
		}
	}
	if a == nil {
		return l
	}
	for _, c := range t.LINDDUN {
		if s, ok := a.ByCategory[string(c)]; ok && s.Rank() < l.Rank() {
			l = s
		}
	}
	return l
}

// AcceptanceNotice is how many days before its expiry an acceptance is reported.
const AcceptanceNotice = 30

// reviews returns the review deadlines due on day: the model's review when
// system.reviewed is older than the review interval (or missing), and the
// acceptances that expire within AcceptanceNotice days.
func reviews(m *model.Model, day time.Time) model.Problems {
	out := model.Problems{}
	interval := m.ReviewIntervalDays()
	switch r := m.System.Reviewed; {
	case r == nil:
		out = append(out, model.Problem{Pos: m.System.Pos, Path: "system.reviewed", Severity: source.Warning,
			Message: "the model has never been reviewed", Hint: "review it with its owners and set system.reviewed to the date"})
	case r.After(day):
		out = append(out, model.Problem{Pos: m.System.At("reviewed", -1), Path: "system.reviewed", Severity: source.Warning,
			Message: fmt.Sprintf("the model's review date %s is after the date of the analysis (%s): its review deadline cannot be judged", r, day.Format(time.DateOnly)),
			Hint:    "set system.reviewed to the date the review took place"})
	case day.After(r.AddDate(0, 0, interval)):
		out = append(out, model.Problem{Pos: m.System.Pos, Path: "system.reviewed", Severity: source.Warning,
			Message: fmt.Sprintf("the model's review is overdue: last reviewed %s, due every %d days (since %s)",
				r, interval, r.AddDate(0, 0, interval).Format(time.DateOnly)),
			Hint: "review the model and update system.reviewed"})
	}
	for i := range m.Treatments {
		t := &m.Treatments[i]
		if t.Status != "accepted" || t.Expires == nil {
			continue
		}
		if maxDays := m.MaxAcceptanceDays(); t.Expires.After(day.AddDate(0, 0, maxDays)) {
			out = append(out, model.Problem{Pos: t.At("expires", -1), Path: t.KeyPath("expires", -1), Severity: source.Warning,
				Message: fmt.Sprintf("the acceptance of %s expires on %s, more than %d days (settings.max_acceptance_days) after %s: it runs too long, so it does not count and the threat is open",
					t.Threat, t.Expires, maxDays, day.Format(time.DateOnly)),
				Hint: "ask the risk owner to accept it again with an expiry within the limit"})
			continue
		}
		if left := int(t.Expires.Sub(day).Hours() / 24); left >= 0 && left <= AcceptanceNotice {
			out = append(out, model.Problem{Pos: t.At("expires", -1), Path: t.KeyPath("expires", -1), Severity: source.Warning,
				Message: fmt.Sprintf("the acceptance of %s expires on %s, in %d days", t.Threat, t.Expires, left),
				Hint:    "review it with the risk owner before then: renew it or treat the threat"})
		}
	}
	return out
}

// modelWarnings returns what a report says of the findings about the
// model's quality.
func modelWarnings(ws []threats.Threat) []ModelWarning {
	out := make([]ModelWarning, len(ws))
	for i := range ws {
		t := &ws[i]
		out[i] = ModelWarning{ID: t.ID, Rule: t.Rule, Title: t.Title, Description: t.Description, Targets: t.Targets, Pos: t.Pos}
	}
	return out
}

// aliases are the other register keys a threat may be known by: the same
// elements under the Threagile rule ids its own rule covers. The ids of
// findings folded into it (threats.Collapse) are not aliases: treating a
// minor view of a concern must not close the concern, so an entry under
// such an id is reported instead (see Analyze).
func aliases(t *threats.Threat) []string {
	var out []string
	for _, tg := range t.Own().Threagile {
		if tg != t.Rule {
			out = append(out, threats.ID(tg, t.Targets))
		}
	}
	return out
}

func summarise(fs []Finding) Summary {
	s := Summary{
		Threats:        len(fs),
		BySeverity:     map[model.Severity]int{},
		OpenBySeverity: map[model.Severity]int{},
		ByStatus:       map[string]int{},
		ByStride:       map[model.STRIDE]int{},
		ByLINDDUN:      map[model.LINDDUN]int{},
	}
	for _, sev := range model.Severity("").Values() {
		s.BySeverity[model.Severity(sev)] = 0
		s.OpenBySeverity[model.Severity(sev)] = 0
	}
	for i := range fs {
		f := &fs[i]
		s.BySeverity[f.Residual.Severity]++
		s.ByStatus[string(f.Treatment.Status)]++
		for _, c := range f.STRIDE {
			s.ByStride[c]++
		}
		for _, c := range f.LINDDUN {
			s.ByLINDDUN[c]++
		}
		if f.Treatment.Open() {
			s.Open++
			s.OpenBySeverity[f.Residual.Severity]++
			s.Heatmap[f.Residual.Likelihood-1][f.Residual.Impact-1]++
		}
		if f.Breach {
			s.Breaches++
		}
		if f.Treatment.Expired {
			s.ExpiredAcceptances++
		}
		if f.Treatment.Overdue {
			s.Overdue++
		}
	}
	return s
}

// attackPaths ranks the k best paths from each entry point to valuable
// data and lists the untreated threats on each path's components and flows.
func attackPaths(reach *graph.Reach, k int, fs []Finding) []AttackPath {
	onElement := map[string][]string{}
	for i := range fs {
		if !fs[i].Treatment.Open() {
			continue
		}
		for _, t := range fs[i].Targets {
			onElement[t] = append(onElement[t], fs[i].ID)
		}
	}
	var out []AttackPath
	for i, p := range reach.AttackPaths(k) {
		ap := AttackPath{Rank: i + 1, AttackPath: p, Threats: []string{}}
		seen := map[string]bool{}
		for _, list := range [][]string{p.Components, p.Flows} {
			for _, el := range list {
				for _, id := range onElement[el] {
					if !seen[id] {
						seen[id] = true
						ap.Threats = append(ap.Threats, id)
					}
				}
			}
		}
		sort.Strings(ap.Threats)
		out = append(out, ap)
	}
	if out == nil {
		out = []AttackPath{}
	}
	return out
}

// Breaches returns the findings above appetite, highest residual first.
func (r *Result) Breaches() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Breach {
			out = append(out, f)
		}
	}
	SortByRisk(out)
	return out
}

// SortByRisk orders findings by residual severity, score, then id.
func SortByRisk(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Residual, fs[j].Residual
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return fs[i].ID < fs[j].ID
	})
}
