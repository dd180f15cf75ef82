package register

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// AcceptanceRequest asks to accept the risk of one or more threats of a
// system in one decision.
type AcceptanceRequest struct {
	SystemID  string   `json:"system_id"`
	ThreatIDs []string `json:"threat_ids"`
	// Justification says why the risk is acceptable.
	Justification string `json:"justification"`
	// Expires is the last day the acceptance holds (YYYY-MM-DD).
	Expires string `json:"expires"`
	// Extends names an expired acceptance this one renews; its threats are
	// taken when ThreatIDs is empty. The renewal is decided afresh.
	Extends int64 `json:"extends,omitempty"`
}

// MaxBulk is the most threats one acceptance may cover.
const MaxBulk = 500

// Acceptance returns one acceptance.
func (s *Service) Acceptance(ctx context.Context, id int64) (store.Acceptance, error) {
	return s.st.GetAcceptance(ctx, id)
}

// Acceptances lists acceptances.
func (s *Service) Acceptances(ctx context.Context, f store.AcceptanceFilter) ([]store.Acceptance, error) {
	return s.st.ListAcceptances(ctx, f)
}

func acceptanceObject(id int64) string { return "acceptance/" + strconv.FormatInt(id, 10) }

// RequestAcceptance creates a draft acceptance recording the threats' risk
// as it is now.
func (s *Service) RequestAcceptance(ctx context.Context, by Actor, req AcceptanceRequest) (store.Acceptance, error) {
	var out store.Acceptance
	if err := checkText("justification", req.Justification, true); err != nil {
		return out, err
	}
	if err := validDate("expires", req.Expires); err != nil {
		return out, err
	}
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		pol, err := tx.GetPolicy(ctx)
		if err != nil {
			return err
		}
		today := s.today()
		if req.Expires <= today {
			return invalid("expires %s is not after today (%s)", req.Expires, today)
		}
		if limit := addDays(today, pol.MaxAcceptanceDays); req.Expires > limit {
			return invalid("expires %s is later than the policy allows (%d days: %s)", req.Expires, pol.MaxAcceptanceDays, limit)
		}
		if _, err := tx.GetSystem(ctx, req.SystemID); err != nil {
			return err
		}
		ids := req.ThreatIDs
		if req.Extends != 0 {
			old, err := tx.GetAcceptance(ctx, req.Extends)
			if err != nil {
				return err
			}
			if old.SystemID != req.SystemID {
				return invalid("acceptance %d is for system %s, not %s", old.ID, old.SystemID, req.SystemID)
			}
			if old.State != store.AcceptanceExpired {
				return transition("acceptance %d is %s: only an expired acceptance is extended", old.ID, old.State)
			}
			if len(ids) == 0 {
				for _, t := range old.Threats {
					ids = append(ids, t.ThreatID)
				}
			}
		}
		if len(ids) == 0 {
			return invalid("an acceptance covers at least one threat")
		}
		if len(ids) > MaxBulk {
			return invalid("an acceptance covers at most %d threats, not %d", MaxBulk, len(ids))
		}
		a := store.Acceptance{SystemID: req.SystemID, State: store.AcceptanceDraft, Justification: req.Justification,
			Expires: req.Expires, RequestedBy: by.Name, Extends: req.Extends}
		if a.Threats, err = snapshot(ctx, tx, req.SystemID, ids); err != nil {
			return err
		}
		if out, err = tx.CreateAcceptance(ctx, a); err != nil {
			return err
		}
		c.record(by, "acceptance.request", acceptanceObject(out.ID), out)
		return nil
	})
	return out, err
}

// snapshot records the current risk of threats for an acceptance.
func snapshot(ctx context.Context, r store.Repo, systemID string, ids []string) ([]store.AcceptedThreat, error) {
	seen := map[string]bool{}
	var out []store.AcceptedThreat
	for _, id := range ids {
		if seen[id] {
			return nil, invalid("threat %s is named twice", id)
		}
		seen[id] = true
		t, err := r.GetThreat(ctx, systemID, id)
		if err != nil {
			return nil, err
		}
		if t.Gone {
			return nil, invalid("threat %s is gone from the latest model version", id)
		}
		out = append(out, store.AcceptedThreat{ThreatID: id, Risk: t.Risk, ModelVersion: t.LastSeen})
	}
	slices.SortFunc(out, func(a, b store.AcceptedThreat) int {
		switch {
		case a.ThreatID < b.ThreatID:
			return -1
		case a.ThreatID > b.ThreatID:
			return 1
		}
		return 0
	})
	return out, nil
}

// loadAcceptance reads an acceptance and checks its version.
func loadAcceptance(ctx context.Context, r store.Repo, id, version int64) (store.Acceptance, error) {
	a, err := r.GetAcceptance(ctx, id)
	if err != nil {
		return a, err
	}
	if a.Version != version {
		return a, &store.StaleError{Kind: "acceptance", ID: strconv.FormatInt(id, 10), Version: version, Current: a}
	}
	return a, nil
}

// SubmitAcceptance sends a draft to the system's risk owner and SRO. Only
// its requester submits it.
func (s *Service) SubmitAcceptance(ctx context.Context, by Actor, id, version int64) (store.Acceptance, error) {
	var out store.Acceptance
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		a, err := loadAcceptance(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if a.State != store.AcceptanceDraft {
			return transition("acceptance %d is %s, not a draft", id, a.State)
		}
		if a.RequestedBy != by.Name {
			return forbidden("acceptance %d is %s's request: only they submit it", id, a.RequestedBy)
		}
		sys, err := tx.GetSystem(ctx, a.SystemID)
		if err != nil {
			return err
		}
		a.State = store.AcceptanceSubmitted
		if out, err = tx.UpdateAcceptance(ctx, a); err != nil {
			return err
		}
		c.record(by, "acceptance.submit", acceptanceObject(id), map[string]any{"state": out.State})
		c.notify(NotifyArgs{Event: "acceptance.submitted", Object: acceptanceObject(id), SystemID: a.SystemID,
			To: nonEmpty(sys.RiskOwner, sys.SRO), Text: fmt.Sprintf("%s asks to accept the risk of %d threats of %s until %s",
				a.RequestedBy, len(a.Threats), a.SystemID, a.Expires)})
		return nil
	})
	return out, err
}

// approver checks that by may decide on the risk of sys: its risk owner or
// SRO, and not the person who asked (separation of duties).
func approver(sys store.System, by Actor, requestedBy string) error {
	if sys.RiskOwner == "" && sys.SRO == "" {
		return forbidden("system %s has no risk owner or SRO to decide on its risk: set them first", sys.ID)
	}
	if by.Name == "" || (by.Name != sys.RiskOwner && by.Name != sys.SRO) {
		return forbidden("only the risk owner (%s) or SRO (%s) of %s decide on its risk", orNone(sys.RiskOwner), orNone(sys.SRO), sys.ID)
	}
	if by.Name == requestedBy {
		return forbidden("%s asked for this acceptance and cannot also decide it (separation of duties)", by.Name)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Decision is an approver's answer.
type Decision struct {
	Accept bool   `json:"accept"`
	Note   string `json:"note"`
}

// DecideAcceptance accepts or rejects a submitted acceptance. On
// acceptance its threats become "accepted" and the risk decided on is
// recorded as it is at the decision.
func (s *Service) DecideAcceptance(ctx context.Context, by Actor, id, version int64, d Decision) (store.Acceptance, error) {
	var out store.Acceptance
	if err := checkText("note", d.Note, false); err != nil {
		return out, err
	}
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		a, err := loadAcceptance(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if a.State != store.AcceptanceSubmitted {
			return transition("acceptance %d is %s: only a submitted acceptance is decided", id, a.State)
		}
		sys, err := tx.GetSystem(ctx, a.SystemID)
		if err != nil {
			return err
		}
		if err := approver(sys, by, a.RequestedBy); err != nil {
			return err
		}
		if a.Expires <= s.today() {
			return transition("acceptance %d would expire on %s, which is not after today: ask again with a later expiry", id, a.Expires)
		}
		a.DecidedBy, a.DecidedAt, a.DecisionNote, a.NeedsReview = by.Name, s.clock.Now(), d.Note, false
		if !d.Accept {
			a.State = store.AcceptanceRejected
			if out, err = tx.UpdateAcceptance(ctx, a); err != nil {
				return err
			}
			c.record(by, "acceptance.reject", acceptanceObject(id), map[string]any{"note": d.Note})
			c.notify(NotifyArgs{Event: "acceptance.rejected", Object: acceptanceObject(id), SystemID: a.SystemID,
				To: nonEmpty(a.RequestedBy), Text: fmt.Sprintf("%s rejected acceptance %d: %s", by.Name, id, d.Note)})
			return nil
		}
		ids := make([]string, len(a.Threats))
		for i, t := range a.Threats {
			ids[i] = t.ThreatID
		}
		if a.Threats, err = snapshot(ctx, tx, a.SystemID, ids); err != nil {
			return err
		}
		a.State = store.AcceptanceAccepted
		if out, err = tx.UpdateAcceptance(ctx, a); err != nil {
			return err
		}
		if err := s.setThreats(ctx, tx, by, a, "accepted", a.ID, fmt.Sprintf("accepted by %s until %s (acceptance %d)", by.Name, a.Expires, id)); err != nil {
			return err
		}
		c.record(by, "acceptance.accept", acceptanceObject(id), map[string]any{"note": d.Note, "threats": out.Threats,
			"expires": out.Expires})
		c.notify(NotifyArgs{Event: "acceptance.accepted", Object: acceptanceObject(id), SystemID: a.SystemID,
			To: nonEmpty(a.RequestedBy), Text: fmt.Sprintf("%s accepted the risk of %d threats of %s until %s", by.Name,
				len(a.Threats), a.SystemID, a.Expires)})
		return nil
	})
	return out, err
}

// setThreats moves the threats an acceptance covers to status, with an
// event in each history. Threats that a different acceptance covers are
// left alone when re-opening, and refused when accepting.
func (s *Service) setThreats(ctx context.Context, tx store.Tx, by Actor, a store.Acceptance, status string, accID int64, text string) error {
	var evs []store.ThreatEvent
	for _, at := range a.Threats {
		t, err := tx.GetThreat(ctx, a.SystemID, at.ThreatID)
		if err != nil {
			return err
		}
		if status == "accepted" {
			if t.Status == "accepted" && t.AcceptanceID != a.ID && t.AcceptanceID != 0 {
				return transition("threat %s is already accepted by acceptance %d", t.ID, t.AcceptanceID)
			}
		} else if t.AcceptanceID != a.ID {
			continue
		}
		t.Status, t.AcceptanceID = model.TreatmentStatus(status), accID
		if status == "open" {
			t.Due = s.today() // back in treatment, and already due
		}
		if _, err := tx.UpdateThreat(ctx, t); err != nil {
			return err
		}
		evs = append(evs, store.ThreatEvent{SystemID: a.SystemID, ThreatID: t.ID, At: s.clock.Now(), Actor: by.Name,
			Kind: "acceptance", Text: text})
	}
	return tx.AddThreatEvents(ctx, evs)
}

// RevokeAcceptance ends an accepted acceptance before its expiry; its
// threats re-open. Only the system's risk owner or SRO revokes.
func (s *Service) RevokeAcceptance(ctx context.Context, by Actor, id, version int64, note string) (store.Acceptance, error) {
	var out store.Acceptance
	if err := checkText("note", note, true); err != nil {
		return out, err
	}
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		a, err := loadAcceptance(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if a.State != store.AcceptanceAccepted {
			return transition("acceptance %d is %s: only an accepted acceptance is revoked", id, a.State)
		}
		sys, err := tx.GetSystem(ctx, a.SystemID)
		if err != nil {
			return err
		}
		if err := approver(sys, by, ""); err != nil {
			return err
		}
		a.State, a.DecisionNote = store.AcceptanceRevoked, note
		if out, err = tx.UpdateAcceptance(ctx, a); err != nil {
			return err
		}
		if err := s.setThreats(ctx, tx, by, a, "open", 0, fmt.Sprintf("acceptance %d revoked by %s: %s", id, by.Name, note)); err != nil {
			return err
		}
		c.record(by, "acceptance.revoke", acceptanceObject(id), map[string]any{"note": note})
		c.notify(NotifyArgs{Event: "acceptance.revoked", Object: acceptanceObject(id), SystemID: a.SystemID,
			To: nonEmpty(a.RequestedBy), Text: fmt.Sprintf("%s revoked acceptance %d: %s", by.Name, id, note)})
		return nil
	})
	return out, err
}

// ConfirmAcceptance answers a re-review: the approver keeps an accepted
// acceptance whose risk changed, which records the new risk. (To end it
// instead, revoke it.)
func (s *Service) ConfirmAcceptance(ctx context.Context, by Actor, id, version int64, note string) (store.Acceptance, error) {
	var out store.Acceptance
	if err := checkText("note", note, false); err != nil {
		return out, err
	}
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		a, err := loadAcceptance(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if a.State != store.AcceptanceAccepted || !a.NeedsReview {
			return transition("acceptance %d does not need a review (state %s)", id, a.State)
		}
		sys, err := tx.GetSystem(ctx, a.SystemID)
		if err != nil {
			return err
		}
		if err := approver(sys, by, a.RequestedBy); err != nil {
			return err
		}
		ids := make([]string, 0, len(a.Threats))
		for _, t := range a.Threats {
			ids = append(ids, t.ThreatID)
		}
		before := a.Threats
		if a.Threats, err = snapshot(ctx, tx, a.SystemID, ids); err != nil {
			return err
		}
		a.NeedsReview, a.DecidedBy, a.DecidedAt, a.DecisionNote = false, by.Name, s.clock.Now(), note
		if out, err = tx.UpdateAcceptance(ctx, a); err != nil {
			return err
		}
		c.record(by, "acceptance.confirm", acceptanceObject(id), map[string]any{"note": note, "before": before, "after": out.Threats})
		return nil
	})
	return out, err
}

// flagReReview marks accepted acceptances whose threats' risk changed in a
// new version as needing review, and tells their approvers.
func (s *Service) flagReReview(ctx context.Context, tx store.Tx, c *changes, systemID string, chs []store.VersionChange) ([]int64, error) {
	after := map[string]store.VersionChange{}
	for _, ch := range chs {
		if ch.Change == store.ChangeChanged || ch.Change == store.ChangeGone {
			after[ch.ThreatID] = ch
		}
	}
	if len(after) == 0 {
		return nil, nil
	}
	accepted, err := tx.ListAcceptances(ctx, store.AcceptanceFilter{SystemID: systemID,
		State: []store.AcceptanceState{store.AcceptanceAccepted}, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var flagged []int64
	for _, a := range accepted {
		var why []string
		for _, t := range a.Threats {
			ch, ok := after[t.ThreatID]
			if !ok || ch.After == t.Risk {
				continue
			}
			why = append(why, fmt.Sprintf("%s: %s → %s", t.ThreatID, describe(t.Risk), describe(ch.After)))
		}
		if len(why) == 0 || a.NeedsReview {
			continue
		}
		a.NeedsReview = true
		if _, err := tx.UpdateAcceptance(ctx, a); err != nil {
			return nil, err
		}
		flagged = append(flagged, a.ID)
		c.record(SystemActor, "acceptance.needs-review", acceptanceObject(a.ID), map[string]any{"changes": why})
		sys, err := tx.GetSystem(ctx, systemID)
		if err != nil {
			return nil, err
		}
		c.notify(NotifyArgs{Event: "acceptance.needs-review", Object: acceptanceObject(a.ID), SystemID: systemID,
			To: nonEmpty(sys.RiskOwner, sys.SRO), Text: fmt.Sprintf("The risk accepted in acceptance %d changed: %v", a.ID, why)})
	}
	return flagged, nil
}

func describe(r store.RiskRating) string {
	if r.Severity == "" {
		return "gone"
	}
	return fmt.Sprintf("%s (likelihood %d, impact %d)", r.Severity, r.Likelihood, r.Impact)
}
