package register

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// MaxText is the longest comment, justification or note accepted, in bytes.
const MaxText = 16 << 10

func checkText(field, v string, required bool) error {
	if required && strings.TrimSpace(v) == "" {
		return invalid("%s is required", field)
	}
	if len(v) > MaxText {
		return invalid("%s is longer than %d bytes", field, MaxText)
	}
	if !utf8.ValidString(v) {
		return invalid("%s is not valid UTF-8", field)
	}
	return nil
}

// MaxPage is the longest page a list returns.
const MaxPage = 1000

// ValidateThreatFilter checks a register filter's values, so that a wrong
// one is refused rather than quietly ignored or clamped.
func ValidateThreatFilter(f store.ThreatFilter) error {
	for _, st := range f.Status {
		if !slices.Contains(model.TreatmentStatus("").Values(), string(st)) {
			return invalid("status %q is not one of %s", st, strings.Join(model.TreatmentStatus("").Values(), ", "))
		}
	}
	for _, sev := range f.Severity {
		if sev.Rank() == 0 {
			return invalid("severity %q is not one of low, medium, high, critical", sev)
		}
	}
	if f.Sort != "" && !slices.Contains(strings.Split(store.ThreatSorts, ", "), f.Sort) {
		return invalid("sort %q is not one of %s", f.Sort, store.ThreatSorts)
	}
	if f.Limit < 0 || f.Limit > MaxPage {
		return invalid("limit %d is not between 1 and %d", f.Limit, MaxPage)
	}
	if f.Offset < 0 {
		return invalid("offset %d is negative", f.Offset)
	}
	if f.DueBefore != "" {
		return validDate("due_before", f.DueBefore)
	}
	return nil
}

// Threats lists the register.
func (s *Service) Threats(ctx context.Context, f store.ThreatFilter) ([]store.Threat, error) {
	if err := ValidateThreatFilter(f); err != nil {
		return nil, err
	}
	return s.st.ListThreats(ctx, f)
}

// CountThreats counts the register entries a filter selects.
func (s *Service) CountThreats(ctx context.Context, f store.ThreatFilter) (int, error) {
	if err := ValidateThreatFilter(f); err != nil {
		return 0, err
	}
	return s.st.CountThreats(ctx, f)
}

// Threat returns one register entry.
func (s *Service) Threat(ctx context.Context, systemID, threatID string) (store.Threat, error) {
	return s.st.GetThreat(ctx, systemID, threatID)
}

// History returns a threat's history, oldest first.
func (s *Service) History(ctx context.Context, systemID, threatID string) ([]store.ThreatEvent, error) {
	if _, err := s.st.GetThreat(ctx, systemID, threatID); err != nil {
		return nil, err
	}
	return s.st.ListThreatEvents(ctx, systemID, threatID)
}

// ThreatPatch changes a register entry; nil fields stay as they are.
type ThreatPatch struct {
	Status *model.TreatmentStatus `json:"status,omitempty"`
	Owner  *string                `json:"owner,omitempty"`
	Due    *string                `json:"due,omitempty"`
	// Comment is added to the history with the change.
	Comment string `json:"comment,omitempty"`
}

// settable are the statuses a register entry may be set to directly;
// "accepted" comes only from an accepted risk acceptance.
var settable = []model.TreatmentStatus{"open", "mitigating", "mitigated", "transferred", "avoided", "false-positive"}

// UpdateThreat changes a threat's status, owner or due date. version must
// be the entry's current Version; a stale one fails with *store.StaleError.
func (s *Service) UpdateThreat(ctx context.Context, by Actor, systemID, threatID string, version int64, p ThreatPatch) (store.Threat, error) {
	var out store.Threat
	if err := checkText("comment", p.Comment, false); err != nil {
		return out, err
	}
	if p.Status != nil && !slices.Contains(settable, *p.Status) {
		if *p.Status == "accepted" {
			return out, transition("a threat is accepted only through a risk acceptance decided by the system's risk owner or SRO")
		}
		return out, invalid("status %q is not one of %v", *p.Status, settable)
	}
	if p.Due != nil && *p.Due != "" {
		if err := validDate("due", *p.Due); err != nil {
			return out, err
		}
	}
	if p.Owner != nil {
		if err := checkText("owner", *p.Owner, false); err != nil {
			return out, err
		}
	}
	// A stale update is refused before it waits for a write transaction:
	// versions only grow, so one that differs now cannot match later.
	// Under contention most losers stop here (the check in the transaction
	// stays the one that counts).
	if t, err := s.st.GetThreat(ctx, systemID, threatID); err != nil {
		return out, err
	} else if t.Version != version {
		return out, &store.StaleError{Kind: "threat", ID: systemID + "/" + threatID, Version: version, Current: t}
	}
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		t, err := tx.GetThreat(ctx, systemID, threatID)
		if err != nil {
			return err
		}
		if t.Version != version {
			return &store.StaleError{Kind: "threat", ID: systemID + "/" + threatID, Version: version, Current: t}
		}
		var evs []store.ThreatEvent
		ev := func(kind, text string) {
			evs = append(evs, store.ThreatEvent{SystemID: systemID, ThreatID: threatID, At: s.clock.Now(), Actor: by.Name,
				Kind: kind, Text: text})
		}
		if p.Status != nil && *p.Status != t.Status {
			if t.Status == "accepted" {
				return transition("threat %s is covered by acceptance %d: revoke the acceptance to change its status",
					threatID, t.AcceptanceID)
			}
			ev("status", fmt.Sprintf("%s → %s", t.Status, *p.Status))
			t.Status = *p.Status
		}
		if p.Owner != nil && *p.Owner != t.Owner {
			ev("owner", fmt.Sprintf("%q → %q", t.Owner, *p.Owner))
			t.Owner = *p.Owner
		}
		if p.Due != nil && *p.Due != t.Due {
			ev("due", fmt.Sprintf("%q → %q", t.Due, *p.Due))
			t.Due = *p.Due
		}
		if p.Comment != "" {
			ev("comment", p.Comment)
		}
		if len(evs) == 0 {
			out = t
			return nil
		}
		if out, err = tx.UpdateThreat(ctx, t); err != nil {
			return err
		}
		if err := tx.AddThreatEvents(ctx, evs); err != nil {
			return err
		}
		c.record(by, "threat.update", "system/"+systemID+"/threat/"+threatID, map[string]any{
			"status": out.Status, "owner": out.Owner, "due": out.Due, "comment": p.Comment})
		return nil
	})
	return out, err
}

// Comment adds a comment to a threat's history.
func (s *Service) Comment(ctx context.Context, by Actor, systemID, threatID, text string) (store.ThreatEvent, error) {
	ev := store.ThreatEvent{SystemID: systemID, ThreatID: threatID, Actor: by.Name, Kind: "comment", Text: text}
	if err := checkText("comment", text, true); err != nil {
		return ev, err
	}
	ev.At = s.clock.Now()
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		if _, err := tx.GetThreat(ctx, systemID, threatID); err != nil {
			return err
		}
		if err := tx.AddThreatEvents(ctx, []store.ThreatEvent{ev}); err != nil {
			return err
		}
		c.record(by, "threat.comment", "system/"+systemID+"/threat/"+threatID, map[string]any{"text": text})
		return nil
	})
	return ev, err
}
