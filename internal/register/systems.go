package register

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/store"
)

// Policy returns the organisation's policy: the stored one, tightened by
// the policy file where that is stricter (WithFloor).
func (s *Service) Policy(ctx context.Context) (store.Policy, error) {
	p, err := s.st.GetPolicy(ctx)
	if err != nil {
		return p, fmt.Errorf("policy: %w", err)
	}
	p, _, _ = underFloor(s.floor, p)
	return p, nil
}

// FieldError is a policy value the register refuses: Field names it as
// the API's JSON does (sla_days.high, tiers[1].name, matrix.bands[2][3]),
// so that a form can show the message next to its field. It wraps ErrInvalid.
type FieldError struct {
	Field   string
	Message string
	// InUse, on a policy refused because systems use the tiers it drops,
	// lists those systems by tier, so that a caller can name only those
	// its reader may see (Named).
	InUse map[string][]string
}

// Named is the message naming only the systems visible says the reader
// may see, counting the others; without InUse, it is Message.
func (e *FieldError) Named(visible func(systemID string) bool) string {
	if e.InUse == nil {
		return e.Message
	}
	return inUseMessage(e.InUse, visible)
}

// inUseMessage says which systems use the tiers a policy drops, naming
// those visible and counting the others.
func inUseMessage(inUse map[string][]string, visible func(systemID string) bool) string {
	var used []string
	for _, tier := range slices.Sorted(maps.Keys(inUse)) {
		ids := inUse[tier]
		var shown []string
		for _, id := range ids {
			if visible(id) {
				shown = append(shown, id)
			}
		}
		var names []string
		if len(shown) > 0 {
			names = append(names, listSome(shown, 10))
		}
		if hidden := len(ids) - len(shown); hidden > 0 {
			names = append(names, fmt.Sprintf("%d you may not see", hidden))
		}
		used = append(used, fmt.Sprintf("tier %s is used by %d system(s) (%s)", tier, len(ids), strings.Join(names, " and ")))
	}
	return strings.Join(used, "; ") + ": keep it, rename it, or move them to another tier first"
}

func (e *FieldError) Error() string { return fmt.Sprintf("%v: %s", ErrInvalid, e.Message) }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func fieldInvalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ValidatePolicy checks a policy's values; the first it refuses is a *FieldError.
func ValidatePolicy(p store.Policy) error {
	if p.Appetite.Rank() == 0 {
		return fieldInvalid("appetite", "appetite %q is not a severity (low, medium, high, critical)", p.Appetite)
	}
	cats := slices.Sorted(maps.Keys(p.AppetiteByCategory))
	for _, cat := range cats {
		if sev := p.AppetiteByCategory[cat]; sev.Rank() == 0 {
			return fieldInvalid("appetite_by_category."+cat, "appetite for %q: %q is not a severity", cat, sev)
		}
	}
	for _, sev := range (model.Severity("")).Values() {
		if d, ok := p.SLADays[model.Severity(sev)]; !ok || d <= 0 || d > 3660 {
			return fieldInvalid("sla_days."+sev, "sla_days needs a number of days from 1 to 3660 for %s", sev)
		}
	}
	for sev := range p.SLADays {
		if sev.Rank() == 0 {
			return fieldInvalid("sla_days", "sla_days: %q is not a severity", sev)
		}
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"sro_review_days", p.SROReviewDays}, {"model_review_days", p.ModelReviewDays},
		{"max_acceptance_days", p.MaxAcceptanceDays}} {
		if f.v <= 0 || f.v > 3660 {
			return fieldInvalid(f.name, "%s must be between 1 and 3660 days, not %d", f.name, f.v)
		}
	}
	if p.AcceptanceWarningDays < 0 || p.AcceptanceWarningDays > p.MaxAcceptanceDays {
		return fieldInvalid("acceptance_warning_days", "acceptance_warning_days must be between 0 and max_acceptance_days")
	}
	seen := map[string]bool{}
	for n, t := range p.Tiers {
		if t.Name == "" || seen[t.Name] {
			return fieldInvalid(fmt.Sprintf("tiers[%d].name", n), "tier names must be present and unique (%q)", t.Name)
		}
		seen[t.Name] = true
		if t.ReviewDays < 0 || t.ReviewDays > 3660 {
			return fieldInvalid(fmt.Sprintf("tiers[%d].review_days", n), "tier %s: review_days must be from 0 (the policy's) to 3660", t.Name)
		}
	}
	for l := range 5 {
		for i := range 5 {
			if p.Matrix.Bands[l][i].Rank() == 0 {
				return fieldInvalid(fmt.Sprintf("matrix.bands[%d][%d]", l, i), "matrix band at likelihood %d, impact %d is not a severity", l+1, i+1)
			}
		}
	}
	return nil
}

// SetPolicy replaces the policy; p.Version must be the current one. A
// tier that systems use cannot be dropped: rename it with
// SetPolicyRenamingTiers, or move its systems first.
func (s *Service) SetPolicy(ctx context.Context, by Actor, p store.Policy) (store.Policy, error) {
	return s.SetPolicyRenamingTiers(ctx, by, p, nil)
}

// SetPolicyRenamingTiers is SetPolicy that also renames tiers: renames
// maps a tier's name in the current policy to its name in p. The systems
// of a renamed tier move to the new name in the same transaction, each
// with its system.update audit entry, so that no system is left on a tier
// the policy no longer has. A tier that p drops while systems use it is
// refused with a *FieldError (field "tiers") naming them: callers name to
// their reader only those the reader may see (FieldError.Named).
func (s *Service) SetPolicyRenamingTiers(ctx context.Context, by Actor, p store.Policy, renames map[string]string) (store.Policy, error) {
	if err := ValidatePolicy(p); err != nil {
		return p, err
	}
	if _, loosened, dropped := underFloor(s.floor, p); len(loosened) > 0 || len(dropped) > 0 {
		return p, &LooserError{File: s.floor.File, Loosened: loosened, Rules: dropped}
	}
	p.UpdatedBy = by.Name
	var out store.Policy
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		if err := tx.LockTiers(ctx); err != nil {
			return err
		}
		cur, err := tx.GetPolicy(ctx)
		if err != nil {
			return err
		}
		moves, err := tierMoves(ctx, tx, cur, p, renames)
		if err != nil {
			return err
		}
		if out, err = tx.PutPolicy(ctx, p); err != nil {
			return err
		}
		c.record(by, "policy.update", "policy", out)
		for _, sys := range moves {
			after, err := moveTier(ctx, tx, sys, renames[sys.Tier])
			if err != nil {
				return err
			}
			c.record(by, "system.update", "system/"+sys.ID, map[string]any{"before": sys, "after": after,
				"reason": fmt.Sprintf("tier %s renamed %s in the policy", sys.Tier, after.Tier)})
		}
		return nil
	})
	return out, err
}

// tierMoves checks renames against the current policy cur and the new
// one p, and returns the systems that move to a renamed tier. It refuses
// renames of tiers cur does not have or to tiers p does not have, and a
// p that leaves systems on a tier it no longer has.
func tierMoves(ctx context.Context, tx store.Tx, cur, p store.Policy, renames map[string]string) ([]store.System, error) {
	has := func(pol store.Policy, name string) bool {
		return slices.ContainsFunc(pol.Tiers, func(t store.Tier) bool { return t.Name == name })
	}
	for _, from := range slices.Sorted(maps.Keys(renames)) {
		if to := renames[from]; !has(cur, from) || !has(p, to) {
			return nil, fieldInvalid("tiers", "tier %s cannot be renamed %s: the policy has no tier %s (reload the page)", from, to, from)
		}
	}
	systems, err := tx.ListSystems(ctx, 0, 0)
	if err != nil {
		return nil, err
	}
	var moves []store.System
	stranded := map[string][]string{} // tier → systems
	for _, sys := range systems {
		switch {
		case sys.Tier == "":
		case renames[sys.Tier] != "":
			if renames[sys.Tier] != sys.Tier {
				moves = append(moves, sys)
			}
		case !has(p, sys.Tier):
			stranded[sys.Tier] = append(stranded[sys.Tier], sys.ID)
		}
	}
	if len(stranded) > 0 {
		return nil, &FieldError{Field: "tiers", InUse: stranded,
			Message: inUseMessage(stranded, func(string) bool { return true })}
	}
	return moves, nil
}

// moveTier puts sys on tier, on the current row if a push moved it meanwhile.
func moveTier(ctx context.Context, tx store.Tx, sys store.System, tier string) (store.System, error) {
	for range 3 {
		sys.Tier = tier
		out, err := tx.UpdateSystem(ctx, sys)
		var stale *store.StaleError
		if !errors.As(err, &stale) {
			return out, err
		}
		cur, ok := stale.Current.(store.System)
		if !ok {
			return out, err
		}
		sys = cur
	}
	return sys, fmt.Errorf("system %s kept changing while its tier was renamed; try again", sys.ID)
}

// listSome joins the first n of ids, and says how many more there are.
func listSome(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:n], ", "), len(ids)-n)
}

// reviewDays is how often a system's model is reviewed, by its tier.
func reviewDays(p store.Policy, sys store.System) int {
	for _, t := range p.Tiers {
		if t.Name == sys.Tier && t.ReviewDays > 0 {
			return t.ReviewDays
		}
	}
	return p.ModelReviewDays
}

func validateSystem(p store.Policy, sys store.System) error {
	if sys.ID == "" || len(sys.ID) > 200 || strings.ContainsAny(sys.ID, "/ \t\n") {
		return invalid("system id %q must be 1 to 200 characters without spaces or slashes", sys.ID)
	}
	if sys.Classification != "" && !slices.Contains(sys.Classification.Values(), string(sys.Classification)) {
		return invalid("classification %q is not one of %s", sys.Classification, strings.Join(sys.Classification.Values(), ", "))
	}
	if sys.Tier != "" && !slices.ContainsFunc(p.Tiers, func(t store.Tier) bool { return t.Name == sys.Tier }) {
		return invalid("tier %q is not one of the policy's tiers", sys.Tier)
	}
	return nil
}

// tierPolicy reads the policy to check sys against, first taking the
// tiers lock when sys names a tier: a concurrent rename then either
// finishes first (and sys is checked against the renamed tiers) or waits
// for sys, and moves it.
func tierPolicy(ctx context.Context, tx store.Tx, sys store.System) (store.Policy, error) {
	if sys.Tier != "" {
		if err := tx.LockTiers(ctx); err != nil {
			return store.Policy{}, err
		}
	}
	return tx.GetPolicy(ctx)
}

// CreateSystem registers a system before its first model version.
func (s *Service) CreateSystem(ctx context.Context, by Actor, sys store.System) (store.System, error) {
	var out store.System
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		p, err := tierPolicy(ctx, tx, sys)
		if err != nil {
			return err
		}
		if err := validateSystem(p, sys); err != nil {
			return err
		}
		if sys.Name == "" {
			sys.Name = sys.ID
		}
		sys.LatestVersion = 0
		if out, err = tx.CreateSystem(ctx, sys); err != nil {
			return err
		}
		c.record(by, "system.create", "system/"+sys.ID, out)
		return nil
	})
	return out, err
}

// UpdateSystem changes a system's owner team, risk owner, SRO,
// classification, tier or name; sys.Version must be the current one.
func (s *Service) UpdateSystem(ctx context.Context, by Actor, sys store.System) (store.System, error) {
	var out store.System
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		p, err := tierPolicy(ctx, tx, sys)
		if err != nil {
			return err
		}
		if err := validateSystem(p, sys); err != nil {
			return err
		}
		cur, err := tx.GetSystem(ctx, sys.ID)
		if err != nil {
			return err
		}
		sys.LatestVersion, sys.CreatedAt = cur.LatestVersion, cur.CreatedAt
		if out, err = tx.UpdateSystem(ctx, sys); err != nil {
			return err
		}
		c.record(by, "system.update", "system/"+sys.ID, map[string]any{"before": cur, "after": out})
		return nil
	})
	return out, err
}

// System returns one system.
func (s *Service) System(ctx context.Context, id string) (store.System, error) {
	return s.st.GetSystem(ctx, id)
}

// Systems lists systems.
func (s *Service) Systems(ctx context.Context, limit, offset int) ([]store.System, error) {
	return s.st.ListSystems(ctx, limit, offset)
}

// Push is one model version to store.
type Push struct {
	// Source is the model file as pushed.
	Source []byte
	// Result is its analysis.
	Result *analysis.Result
	// Ref names where it came from (a commit, a tag, a milestone).
	Ref string
}

// Pushed is what storing a model version did.
type Pushed struct {
	Version store.ModelVersion    `json:"version"`
	Changes []store.VersionChange `json:"changes"`
	// Review is the SRO review the version opened.
	Review store.Review `json:"review"`
	// ReReview lists accepted acceptances whose risk changed with this version.
	ReReview []int64 `json:"re_review"`
	// Created is set when the push registered the system.
	Created bool `json:"created"`
	// Policy is what the central policy did to the model: which file
	// governed it, the rules disabled, the disables refused and the
	// loosened appetites and matrix cells (as in the analysis).
	Policy policy.Info `json:"policy"`
	// Warnings are the analysis's policy problems (code policy_violation),
	// with the model's positions.
	Warnings model.Problems `json:"warnings"`
}

// fingerprint digests what makes a threat "changed" between versions.
func fingerprint(f analysis.Finding) string {
	h := sha256.New()
	targets := slices.Clone(f.Targets)
	slices.Sort(targets)
	stride := strs(f.STRIDE)
	slices.Sort(stride)
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%d\x00%s", f.Rule, f.Title, f.Category,
		strings.Join(targets, ","), strings.Join(stride, ","), f.Residual.Likelihood, f.Residual.Impact, f.Residual.Severity)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func strs[S ~string](in []S) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// PushVersion stores a model version with its analysis: it registers the
// system on its first push (name, owner team and classification from the
// model; the risk owner and SRO who decide on its risk are set on the
// server, never taken from a pushed file), records which threats are new,
// changed and gone, gives new threats a due date from the policy's SLA,
// flags acceptances whose risk changed for re-review and opens the SRO
// review due within the policy's period. The model's own treatments are not
// read: the server's register is the source of truth for decisions.
func (s *Service) PushVersion(ctx context.Context, by Actor, p Push) (Pushed, error) {
	var out Pushed
	if p.Result == nil || p.Result.System.ID == "" {
		return out, invalid("the pushed model has no system id")
	}
	if len(p.Ref) > 200 {
		return out, invalid("ref is longer than 200 characters")
	}
	result, err := json.Marshal(p.Result)
	if err != nil {
		return out, fmt.Errorf("encoding the analysis: %w", err)
	}
	sum := sha256.Sum256(p.Source)
	info := p.Result.System
	// Two pushes of one system at once: the second finds the system's
	// version moved, or the system created by the first, and starts again
	// on the new state.
	for attempt := 0; ; attempt++ {
		out, err = s.pushOnce(ctx, by, p, result, hex.EncodeToString(sum[:]), info)
		var se *store.StaleError
		if attempt < 4 && (errors.As(err, &se) && se.Kind == "system" || errors.Is(err, errCreatedMeanwhile)) {
			continue
		}
		return out, err
	}
}

// errCreatedMeanwhile marks a push whose system another push created first.
var errCreatedMeanwhile = errors.New("the system was created by a concurrent push")

func (s *Service) pushOnce(ctx context.Context, by Actor, p Push, result []byte, digest string, info analysis.SystemInfo) (Pushed, error) {
	var out Pushed
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		out = Pushed{}
		pol, err := tx.GetPolicy(ctx)
		if err != nil {
			return err
		}
		pol, _, _ = underFloor(s.floor, pol)
		if err := mandatory(pol, p.Result); err != nil {
			return err
		}
		sys, err := tx.GetSystem(ctx, info.ID)
		if err != nil {
			if !isNotFound(err) {
				return err
			}
			sys = store.System{ID: info.ID, Name: info.Name, OwnerTeam: info.Owner, Classification: info.Classification}
			if err := validateSystem(pol, sys); err != nil {
				return err
			}
			if sys, err = tx.CreateSystem(ctx, sys); errors.Is(err, store.ErrExists) {
				return fmt.Errorf("%w: %w", errCreatedMeanwhile, err)
			} else if err != nil {
				return err
			}
			out.Created = true
			c.record(by, "system.create", "system/"+sys.ID, sys)
		}
		// Moving the system's latest version first locks its row, so two
		// pushes of one system are serialised.
		seq := sys.LatestVersion + 1
		sys.LatestVersion = seq
		if sys, err = tx.UpdateSystem(ctx, sys); err != nil {
			return err
		}
		old, err := tx.SystemThreats(ctx, sys.ID)
		if err != nil {
			return err
		}
		changes, inserts, updates := diffThreats(sys.ID, seq, old, p.Result.Findings, pol, s.today())
		v := store.ModelVersion{SystemID: sys.ID, Digest: digest, Source: p.Source, Result: result,
			Ref: p.Ref, PushedBy: by.Name, PushedAt: s.clock.Now(), Threats: len(p.Result.Findings)}
		for _, ch := range changes {
			switch ch.Change {
			case store.ChangeNew:
				v.New++
			case store.ChangeChanged:
				v.Changed++
			case store.ChangeGone:
				v.Gone++
			}
		}
		if v, err = tx.AddModelVersion(ctx, v); err != nil {
			return err
		}
		if v.Seq != seq {
			return fmt.Errorf("system %s: version %d stored as %d: %w", sys.ID, seq, v.Seq, store.ErrStale)
		}
		if err := tx.AddVersionChanges(ctx, changes); err != nil {
			return err
		}
		if err := tx.InsertThreats(ctx, inserts); err != nil {
			return err
		}
		var evs []store.ThreatEvent
		if err := tx.UpdateThreatAnalysis(ctx, updates); err != nil {
			return err
		}
		for _, ch := range changes {
			evs = append(evs, store.ThreatEvent{SystemID: sys.ID, ThreatID: ch.ThreatID, At: s.clock.Now(), Actor: by.Name,
				Kind: "version", Text: fmt.Sprintf("%s in version %d", ch.Change, seq)})
		}
		if err := tx.AddThreatEvents(ctx, evs); err != nil {
			return err
		}
		if out.ReReview, err = s.flagReReview(ctx, tx, c, sys.ID, changes); err != nil {
			return err
		}
		since, err := lastReviewed(ctx, tx, sys.ID)
		if err != nil {
			return err
		}
		rv, err := tx.CreateReview(ctx, store.Review{SystemID: sys.ID, Kind: store.ReviewVersion, State: store.ReviewOpen,
			ModelVersion: seq, SinceVersion: since, Due: addDays(s.today(), pol.SROReviewDays), Reviewer: sys.SRO})
		if err != nil {
			return err
		}
		out.Version, out.Changes, out.Review = v, changes, rv
		out.Policy, out.Warnings = p.Result.Policy, policyWarnings(p.Result)
		c.record(by, "model.push", fmt.Sprintf("system/%s/version/%d", sys.ID, seq), map[string]any{
			"digest": v.Digest, "ref": v.Ref, "threats": v.Threats, "new": v.New, "changed": v.Changed, "gone": v.Gone,
			"review": rv.ID, "re_review": out.ReReview, "policy": out.Policy})
		c.notify(NotifyArgs{Event: "review.opened", Object: fmt.Sprintf("review/%d", rv.ID), SystemID: sys.ID,
			To: nonEmpty(sys.SRO), Text: fmt.Sprintf("Version %d of %s needs the SRO's review by %s", seq, sys.ID, rv.Due)})
		return nil
	})
	return out, err
}

// policyWarnings are the analysis's warnings about the central policy.
func policyWarnings(r *analysis.Result) model.Problems {
	out := model.Problems{}
	for _, p := range r.Warnings {
		if p.Code == source.CodePolicy {
			out = append(out, p)
		}
	}
	return out
}

// mandatory refuses a model that disables a rule the policy makes mandatory.
func mandatory(pol store.Policy, r *analysis.Result) error {
	if r.Model == nil || r.Model.Settings == nil {
		return nil
	}
	for _, id := range r.Model.Settings.DisabledRules {
		if slices.Contains(pol.MandatoryRules, id) {
			return invalid("the model disables rule %s, which the organisation's policy makes mandatory: "+
				"remove it from settings.disabled_rules, or ask for a policy exception", id)
		}
	}
	return nil
}

func nonEmpty(names ...string) []string {
	var out []string
	for _, n := range names {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// diffThreats compares a version's findings with the stored threats.
func diffThreats(sysID string, seq int, old []store.Threat, findings []analysis.Finding, pol store.Policy, today string) (
	changes []store.VersionChange, inserts, updates []store.Threat) {
	byID := make(map[string]store.Threat, len(old))
	for _, t := range old {
		byID[t.ID] = t
	}
	seen := make(map[string]bool, len(findings))
	for _, f := range findings {
		if seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		after := store.RiskRating{Likelihood: f.Residual.Likelihood, Impact: f.Residual.Impact, Severity: f.Residual.Severity}
		t := store.Threat{SystemID: sysID, ID: f.ID, Rule: f.Rule, Title: f.Title, Category: f.Category,
			STRIDE: f.STRIDE, Targets: f.Targets, Risk: after, Fingerprint: fingerprint(f), FirstSeen: seq, LastSeen: seq}
		prev, ok := byID[f.ID]
		switch {
		case !ok:
			t.Status = "open"
			if d := pol.SLADays[after.Severity]; d > 0 {
				t.Due = addDays(today, d)
			}
			inserts = append(inserts, t)
			changes = append(changes, store.VersionChange{SystemID: sysID, Seq: seq, ThreatID: f.ID, Change: store.ChangeNew, After: after})
		default:
			kind := store.ChangeUnchanged
			if prev.Gone {
				kind = store.ChangeNew // back after being gone
			} else if prev.Fingerprint != t.Fingerprint {
				kind = store.ChangeChanged
			}
			// The analysis part follows the new version; the register state
			// is not written (UpdateThreatAnalysis leaves it).
			t.FirstSeen = prev.FirstSeen
			if kind == store.ChangeUnchanged {
				continue // its LastSeen follows the system's latest version
			}
			changes = append(changes, store.VersionChange{SystemID: sysID, Seq: seq, ThreatID: f.ID, Change: kind,
				Before: prev.Risk, After: after})
			updates = append(updates, t)
		}
	}
	for _, t := range old {
		if seen[t.ID] || t.Gone {
			continue
		}
		changes = append(changes, store.VersionChange{SystemID: sysID, Seq: seq, ThreatID: t.ID, Change: store.ChangeGone, Before: t.Risk})
		t.Gone, t.LastSeen = true, seq-1
		updates = append(updates, t)
	}
	slices.SortFunc(changes, func(a, b store.VersionChange) int { return strings.Compare(a.ThreatID, b.ThreatID) })
	return changes, inserts, updates
}

// lastReviewed is the model version the system's last completed review covered.
func lastReviewed(ctx context.Context, r store.Repo, systemID string) (int, error) {
	done, err := allReviews(ctx, r, store.ReviewFilter{SystemID: systemID, State: []store.ReviewState{store.ReviewDone}})
	if err != nil {
		return 0, err
	}
	last := 0
	for _, rv := range done {
		last = max(last, rv.ModelVersion)
	}
	return last, nil
}

func allReviews(ctx context.Context, r store.Repo, f store.ReviewFilter) ([]store.Review, error) {
	var out []store.Review
	f.Limit = 1000
	for {
		page, err := r.ListReviews(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out, nil
		}
		f.Offset += len(page)
	}
}
