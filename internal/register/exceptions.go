package register

import (
	"context"
	"fmt"
	"strconv"

	"github.com/rampart-sec/rampart/internal/store"
)

func exceptionObject(id int64) string { return "exception/" + strconv.FormatInt(id, 10) }

// Exception returns one policy exception.
func (s *Service) Exception(ctx context.Context, id int64) (store.Exception, error) {
	return s.st.GetException(ctx, id)
}

// Exceptions lists policy exceptions.
func (s *Service) Exceptions(ctx context.Context, f store.ExceptionFilter) ([]store.Exception, error) {
	return s.st.ListExceptions(ctx, f)
}

func validateException(e store.Exception) error {
	for _, f := range []struct {
		name, v string
	}{{"title", e.Title}, {"reason", e.Reason}, {"risk", e.Risk}, {"difficulties", e.Difficulties}} {
		if err := checkText(f.name, f.v, true); err != nil {
			return err
		}
	}
	if len(e.Mitigations) > 200 {
		return invalid("at most 200 mitigations")
	}
	for _, m := range e.Mitigations {
		if err := checkText("mitigation", m, true); err != nil {
			return err
		}
	}
	return validDate("review_date", e.ReviewDate)
}

// RequestException creates a draft policy exception with what the policy
// asks of one: the reason, the risk of not following the policy, the
// mitigations that will not be implemented, the difficulties and a review
// date. SystemID may be empty for an exception not tied to one system.
func (s *Service) RequestException(ctx context.Context, by Actor, e store.Exception) (store.Exception, error) {
	var out store.Exception
	if err := validateException(e); err != nil {
		return out, err
	}
	if e.ReviewDate <= s.today() {
		return out, invalid("review_date %s is not after today", e.ReviewDate)
	}
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		if e.SystemID != "" {
			if _, err := tx.GetSystem(ctx, e.SystemID); err != nil {
				return err
			}
		}
		e.State, e.RequestedBy, e.DecidedBy, e.DecisionNote = store.ExceptionDraft, by.Name, "", ""
		var err error
		if out, err = tx.CreateException(ctx, e); err != nil {
			return err
		}
		c.record(by, "exception.request", exceptionObject(out.ID), out)
		return nil
	})
	return out, err
}

func loadException(ctx context.Context, r store.Repo, id, version int64) (store.Exception, error) {
	e, err := r.GetException(ctx, id)
	if err != nil {
		return e, err
	}
	if e.Version != version {
		return e, &store.StaleError{Kind: "exception", ID: strconv.FormatInt(id, 10), Version: version, Current: e}
	}
	return e, nil
}

// SubmitException sends a draft exception to the SRO; only its requester submits it.
func (s *Service) SubmitException(ctx context.Context, by Actor, id, version int64) (store.Exception, error) {
	return s.moveException(ctx, by, id, version, func(ctx context.Context, tx store.Tx, e *store.Exception, c *changes) error {
		if e.State != store.ExceptionDraft {
			return transition("exception %d is %s, not a draft", id, e.State)
		}
		if e.RequestedBy != by.Name {
			return forbidden("exception %d is %s's request: only they submit it", id, e.RequestedBy)
		}
		e.State = store.ExceptionSubmitted
		c.record(by, "exception.submit", exceptionObject(id), map[string]any{"state": e.State})
		return nil
	})
}

// exceptionApprover checks that by may decide an exception: the system's
// SRO for a system's exception (for an organisation-wide one, the caller
// has checked the SRO role), and never its requester.
func exceptionApprover(ctx context.Context, tx store.Repo, e store.Exception, by Actor) error {
	if by.Name == e.RequestedBy {
		return forbidden("%s asked for this exception and cannot also decide it (separation of duties)", by.Name)
	}
	if e.SystemID == "" {
		return nil
	}
	sys, err := tx.GetSystem(ctx, e.SystemID)
	if err != nil {
		return err
	}
	if sys.SRO == "" {
		return forbidden("system %s has no SRO to decide its exceptions: set one first", sys.ID)
	}
	if by.Name != sys.SRO {
		return forbidden("only the SRO of %s (%s) decides its exceptions", sys.ID, sys.SRO)
	}
	return nil
}

// DecideException approves or rejects a submitted exception.
func (s *Service) DecideException(ctx context.Context, by Actor, id, version int64, d Decision) (store.Exception, error) {
	if err := checkText("note", d.Note, false); err != nil {
		return store.Exception{}, err
	}
	return s.moveException(ctx, by, id, version, func(ctx context.Context, tx store.Tx, e *store.Exception, c *changes) error {
		if e.State != store.ExceptionSubmitted {
			return transition("exception %d is %s: only a submitted exception is decided", id, e.State)
		}
		if err := exceptionApprover(ctx, tx, *e, by); err != nil {
			return err
		}
		e.State, e.DecidedBy, e.DecidedAt, e.DecisionNote = store.ExceptionRejected, by.Name, s.clock.Now(), d.Note
		if d.Accept {
			e.State = store.ExceptionApproved
		}
		c.record(by, "exception.decide", exceptionObject(id), map[string]any{"state": e.State, "note": d.Note})
		c.notify(NotifyArgs{Event: "exception." + string(e.State), Object: exceptionObject(id), SystemID: e.SystemID,
			To: nonEmpty(e.RequestedBy), Text: fmt.Sprintf("%s %s exception %d (%s)", by.Name, e.State, id, e.Title)})
		return nil
	})
}

// RevokeException ends an approved exception (after its review, say).
func (s *Service) RevokeException(ctx context.Context, by Actor, id, version int64, note string) (store.Exception, error) {
	if err := checkText("note", note, true); err != nil {
		return store.Exception{}, err
	}
	return s.moveException(ctx, by, id, version, func(ctx context.Context, tx store.Tx, e *store.Exception, c *changes) error {
		if e.State != store.ExceptionApproved {
			return transition("exception %d is %s: only an approved exception is revoked", id, e.State)
		}
		if err := exceptionApprover(ctx, tx, store.Exception{SystemID: e.SystemID}, by); err != nil {
			return err
		}
		e.State, e.DecisionNote = store.ExceptionRevoked, note
		c.record(by, "exception.revoke", exceptionObject(id), map[string]any{"note": note})
		return nil
	})
}

// RenewException moves an approved exception's review date on after a
// review, keeping it approved. Only its approver role (as for decisions) renews.
func (s *Service) RenewException(ctx context.Context, by Actor, id, version int64, reviewDate, note string) (store.Exception, error) {
	if err := validDate("review_date", reviewDate); err != nil {
		return store.Exception{}, err
	}
	return s.moveException(ctx, by, id, version, func(ctx context.Context, tx store.Tx, e *store.Exception, c *changes) error {
		if e.State != store.ExceptionApproved {
			return transition("exception %d is %s: only an approved exception is renewed", id, e.State)
		}
		if reviewDate <= s.today() {
			return invalid("review_date %s is not after today", reviewDate)
		}
		if err := exceptionApprover(ctx, tx, *e, by); err != nil {
			return err
		}
		c.record(by, "exception.renew", exceptionObject(id), map[string]any{"from": e.ReviewDate, "to": reviewDate, "note": note})
		e.ReviewDate, e.DecidedBy, e.DecidedAt, e.DecisionNote = reviewDate, by.Name, s.clock.Now(), note
		return nil
	})
}

func (s *Service) moveException(ctx context.Context, by Actor, id, version int64,
	fn func(ctx context.Context, tx store.Tx, e *store.Exception, c *changes) error) (store.Exception, error) {
	var out store.Exception
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		e, err := loadException(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if err := fn(ctx, tx, &e, c); err != nil {
			return err
		}
		out, err = tx.UpdateException(ctx, e)
		return err
	})
	return out, err
}
