package register

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

func reviewObject(id int64) string { return "review/" + strconv.FormatInt(id, 10) }

// Review returns one review.
func (s *Service) Review(ctx context.Context, id int64) (store.Review, error) {
	return s.st.GetReview(ctx, id)
}

// Reviews lists reviews.
func (s *Service) Reviews(ctx context.Context, f store.ReviewFilter) ([]store.Review, error) {
	return s.st.ListReviews(ctx, f)
}

// ReviewChanges is what changed in the system's model since the review
// before: the threat changes of the versions after SinceVersion (up to the
// reviewed version once done, up to the latest while open).
func (s *Service) ReviewChanges(ctx context.Context, id int64) ([]store.VersionChange, error) {
	r, err := s.st.GetReview(ctx, id)
	if err != nil {
		return nil, err
	}
	until := 0
	if r.State == store.ReviewDone {
		until = r.ModelVersion
	}
	return s.st.ListVersionChanges(ctx, r.SystemID, r.SinceVersion, until)
}

// CompleteReview records that the system's SRO reviewed its model. Done
// periodic reviews open the next one, due a review period from today.
func (s *Service) CompleteReview(ctx context.Context, by Actor, id, version int64, notes string) (store.Review, error) {
	var out store.Review
	if err := checkText("notes", notes, false); err != nil {
		return out, err
	}
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		r, err := tx.GetReview(ctx, id)
		if err != nil {
			return err
		}
		if r.Version != version {
			return &store.StaleError{Kind: "review", ID: strconv.FormatInt(id, 10), Version: version, Current: r}
		}
		if r.State != store.ReviewOpen {
			return transition("review %d is done already", id)
		}
		sys, err := tx.GetSystem(ctx, r.SystemID)
		if err != nil {
			return err
		}
		if sys.SRO == "" {
			return forbidden("system %s has no SRO to review its model: set one first", sys.ID)
		}
		if by.Name != sys.SRO {
			return forbidden("only the SRO of %s (%s) completes its reviews", sys.ID, sys.SRO)
		}
		if r.Kind == store.ReviewPeriodic {
			r.ModelVersion = sys.LatestVersion
		}
		r.State, r.Reviewer, r.CompletedAt, r.Notes = store.ReviewDone, by.Name, s.clock.Now(), notes
		if out, err = tx.UpdateReview(ctx, r); err != nil {
			return err
		}
		c.record(by, "review.complete", reviewObject(id), map[string]any{"kind": r.Kind, "model_version": r.ModelVersion,
			"since_version": r.SinceVersion, "notes": notes})
		if r.Kind == store.ReviewPeriodic {
			pol, err := tx.GetPolicy(ctx)
			if err != nil {
				return err
			}
			next, err := tx.CreateReview(ctx, store.Review{SystemID: sys.ID, Kind: store.ReviewPeriodic, State: store.ReviewOpen,
				ModelVersion: sys.LatestVersion, SinceVersion: r.ModelVersion, Due: addDays(s.today(), reviewDays(pol, sys)),
				Reviewer: sys.SRO})
			if err != nil {
				return err
			}
			c.record(SystemActor, "review.open", reviewObject(next.ID), next)
		}
		return nil
	})
	return out, err
}

// Overdue lists what is past its date.
type Overdue struct {
	// Reviews are open reviews past their due date.
	Reviews []store.Review `json:"reviews"`
	// Acceptances are accepted acceptances past their expiry (until the
	// sweep expires them) or waiting for a re-review.
	Acceptances []store.Acceptance `json:"acceptances"`
	// Exceptions are approved exceptions past their review date.
	Exceptions []store.Exception `json:"exceptions"`
	// Treatments are open or mitigating threats past their due date (the
	// first 1,000; TreatmentsTotal counts them all).
	Treatments      []store.Threat `json:"treatments"`
	TreatmentsTotal int            `json:"treatments_total"`
	// Unmodelled are systems whose tier must be modelled and that have no
	// model version yet.
	Unmodelled []store.System `json:"unmodelled"`
}

// Overdue lists overdue reviews, acceptances, exceptions and treatments,
// for one system or (systemID "") all.
func (s *Service) Overdue(ctx context.Context, systemID string) (Overdue, error) {
	o, err := s.overdueDecisions(ctx, systemID)
	if err != nil {
		return o, err
	}
	f := store.ThreatFilter{SystemID: systemID, Status: []model.TreatmentStatus{"open", "mitigating"}, DueBefore: s.today(), Sort: "due", Limit: 1000}
	if o.Treatments, err = s.st.ListThreats(ctx, f); err != nil {
		return o, err
	}
	if o.TreatmentsTotal, err = s.st.CountThreats(ctx, f); err != nil {
		return o, err
	}
	return o, nil
}

// overdueDecisions fills Overdue but for its treatments.
func (s *Service) overdueDecisions(ctx context.Context, systemID string) (Overdue, error) {
	var o Overdue
	today := s.today()
	var err error
	if o.Reviews, err = allReviews(ctx, s.st, store.ReviewFilter{SystemID: systemID,
		State: []store.ReviewState{store.ReviewOpen}, DueBefore: today}); err != nil {
		return o, err
	}
	accepted, err := s.st.ListAcceptances(ctx, store.AcceptanceFilter{SystemID: systemID,
		State: []store.AcceptanceState{store.AcceptanceAccepted}, Limit: 1000})
	if err != nil {
		return o, err
	}
	o.Acceptances = []store.Acceptance{}
	for _, a := range accepted {
		if a.Expires < today || a.NeedsReview {
			o.Acceptances = append(o.Acceptances, a)
		}
	}
	if o.Exceptions, err = s.st.ListExceptions(ctx, store.ExceptionFilter{SystemID: systemID,
		State: []store.ExceptionState{store.ExceptionApproved}, ReviewBefore: today, Limit: 1000}); err != nil {
		return o, err
	}
	if o.Unmodelled, err = s.unmodelled(ctx, systemID); err != nil {
		return o, err
	}
	return o, nil
}

// unmodelled lists systems of tiers that must be modelled that have no model yet.
func (s *Service) unmodelled(ctx context.Context, systemID string) ([]store.System, error) {
	pol, err := s.st.GetPolicy(ctx)
	if err != nil {
		return nil, err
	}
	must := map[string]bool{}
	for _, t := range pol.Tiers {
		must[t.Name] = t.MustModel
	}
	out := []store.System{}
	for offset := 0; ; offset += 1000 {
		systems, err := s.st.ListSystems(ctx, 1000, offset)
		if err != nil {
			return nil, err
		}
		for _, sys := range systems {
			if (systemID == "" || sys.ID == systemID) && must[sys.Tier] && sys.LatestVersion == 0 {
				out = append(out, sys)
			}
		}
		if len(systems) < 1000 {
			return out, nil
		}
	}
}

// Swept is what one sweep did.
type Swept struct {
	Expired  []int64 `json:"expired"`
	Warned   []int64 `json:"warned"`
	Opened   []int64 `json:"opened_reviews"`
	Reminded int     `json:"reminders"`
}

// Sweep expires acceptances past their expiry (their threats re-open),
// warns of acceptances expiring within the policy's warning period, opens
// the periodic review of systems that have none open, and sends reminders
// of overdue reviews and exceptions, and records the day's open risk in
// the risk history. Background jobs run it periodically (hourly);
// it is safe to run again.
func (s *Service) Sweep(ctx context.Context) (Swept, error) {
	var out Swept
	pol, err := s.st.GetPolicy(ctx)
	if err != nil {
		return out, err
	}
	today := s.today()
	due, err := s.st.ListAcceptances(ctx, store.AcceptanceFilter{State: []store.AcceptanceState{store.AcceptanceAccepted},
		ExpiresBefore: addDays(today, pol.AcceptanceWarningDays+1), Limit: 1000})
	if err != nil {
		return out, err
	}
	for _, a := range due {
		switch {
		case a.Expires < today:
			if err := s.expire(ctx, a); err != nil {
				return out, err
			}
			out.Expired = append(out.Expired, a.ID)
		case a.WarnedAt.IsZero():
			if err := s.warn(ctx, a); err != nil {
				return out, err
			}
			out.Warned = append(out.Warned, a.ID)
		}
	}
	if out.Opened, err = s.openPeriodicReviews(ctx, pol); err != nil {
		return out, err
	}
	if out.Reminded, err = s.remind(ctx, today); err != nil {
		return out, err
	}
	if err := s.RecordRiskHistory(ctx); err != nil {
		return out, err
	}
	return out, nil
}

func (s *Service) expire(ctx context.Context, a store.Acceptance) error {
	return s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		cur, err := tx.GetAcceptance(ctx, a.ID)
		if err != nil {
			return err
		}
		if cur.State != store.AcceptanceAccepted || cur.Expires >= s.today() {
			return nil // another node got there first, or it was extended
		}
		cur.State = store.AcceptanceExpired
		if _, err := tx.UpdateAcceptance(ctx, cur); err != nil {
			return err
		}
		if err := s.setThreats(ctx, tx, SystemActor, cur, "open", 0, fmt.Sprintf("acceptance %d expired on %s: open again", cur.ID, cur.Expires)); err != nil {
			return err
		}
		sys, err := tx.GetSystem(ctx, cur.SystemID)
		if err != nil {
			return err
		}
		c.record(SystemActor, "acceptance.expire", acceptanceObject(cur.ID), map[string]any{"expires": cur.Expires})
		c.notify(NotifyArgs{Event: "acceptance.expired", Object: acceptanceObject(cur.ID), SystemID: cur.SystemID,
			To: nonEmpty(cur.RequestedBy, sys.RiskOwner, sys.SRO), Text: fmt.Sprintf(
				"Acceptance %d of %s expired on %s: its %d threats are open again; extending it needs a new decision",
				cur.ID, cur.SystemID, cur.Expires, len(cur.Threats))})
		return nil
	})
}

func (s *Service) warn(ctx context.Context, a store.Acceptance) error {
	return s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		cur, err := tx.GetAcceptance(ctx, a.ID)
		if err != nil {
			return err
		}
		if cur.State != store.AcceptanceAccepted || !cur.WarnedAt.IsZero() {
			return nil
		}
		cur.WarnedAt = s.clock.Now()
		if _, err := tx.UpdateAcceptance(ctx, cur); err != nil {
			return err
		}
		sys, err := tx.GetSystem(ctx, cur.SystemID)
		if err != nil {
			return err
		}
		c.record(SystemActor, "acceptance.warn", acceptanceObject(cur.ID), map[string]any{"expires": cur.Expires})
		c.notify(NotifyArgs{Event: "acceptance.expiring", Object: acceptanceObject(cur.ID), SystemID: cur.SystemID,
			To: nonEmpty(cur.RequestedBy, sys.RiskOwner, sys.SRO), Text: fmt.Sprintf("Acceptance %d of %s expires on %s",
				cur.ID, cur.SystemID, cur.Expires)})
		return nil
	})
}

// openPeriodicReviews opens a periodic review for each modelled system
// without an open one, due a review period after its last review (or its
// first model version).
func (s *Service) openPeriodicReviews(ctx context.Context, pol store.Policy) ([]int64, error) {
	open, err := allReviews(ctx, s.st, store.ReviewFilter{Kind: store.ReviewPeriodic, State: []store.ReviewState{store.ReviewOpen}})
	if err != nil {
		return nil, err
	}
	has := map[string]bool{}
	for _, r := range open {
		has[r.SystemID] = true
	}
	var opened []int64
	for offset := 0; ; offset += 1000 {
		systems, err := s.st.ListSystems(ctx, 1000, offset)
		if err != nil {
			return nil, err
		}
		for _, sys := range systems {
			if has[sys.ID] || sys.LatestVersion == 0 {
				continue
			}
			id, err := s.openPeriodic(ctx, pol, sys)
			if err != nil {
				return nil, err
			}
			if id != 0 {
				opened = append(opened, id)
			}
		}
		if len(systems) < 1000 {
			return opened, nil
		}
	}
}

func (s *Service) openPeriodic(ctx context.Context, pol store.Policy, sys store.System) (int64, error) {
	var id int64
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		existing, err := tx.ListReviews(ctx, store.ReviewFilter{SystemID: sys.ID, Kind: store.ReviewPeriodic,
			State: []store.ReviewState{store.ReviewOpen}, Limit: 1})
		if err != nil || len(existing) > 0 {
			return err
		}
		done, err := allReviews(ctx, tx, store.ReviewFilter{SystemID: sys.ID, State: []store.ReviewState{store.ReviewDone}})
		if err != nil {
			return err
		}
		var base time.Time
		since := 0
		for _, r := range done {
			if r.CompletedAt.After(base) {
				base, since = r.CompletedAt, r.ModelVersion
			}
		}
		if base.IsZero() {
			first, err := tx.GetModelVersion(ctx, sys.ID, 1)
			if err != nil {
				return err
			}
			base = first.PushedAt
		}
		r, err := tx.CreateReview(ctx, store.Review{SystemID: sys.ID, Kind: store.ReviewPeriodic, State: store.ReviewOpen,
			ModelVersion: sys.LatestVersion, SinceVersion: since,
			Due: addDays(base.UTC().Format(time.DateOnly), reviewDays(pol, sys)), Reviewer: sys.SRO})
		if err != nil {
			return err
		}
		id = r.ID
		c.record(SystemActor, "review.open", reviewObject(r.ID), r)
		return nil
	})
	return id, err
}

// remind enqueues one reminder per overdue review and exception.
func (s *Service) remind(ctx context.Context, today string) (int, error) {
	o, err := s.Overdue(ctx, "")
	if err != nil {
		return 0, err
	}
	var jobs []NotifyArgs
	for _, r := range o.Reviews {
		jobs = append(jobs, NotifyArgs{Event: "review.overdue", Object: reviewObject(r.ID), SystemID: r.SystemID,
			To: nonEmpty(r.Reviewer), Text: fmt.Sprintf("The %s review of %s was due on %s", r.Kind, r.SystemID, r.Due)})
	}
	for _, e := range o.Exceptions {
		jobs = append(jobs, NotifyArgs{Event: "exception.overdue", Object: exceptionObject(e.ID), SystemID: e.SystemID,
			To: nonEmpty(e.DecidedBy, e.RequestedBy), Text: fmt.Sprintf("Exception %d (%s) was due for review on %s",
				e.ID, e.Title, e.ReviewDate)})
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	err = s.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		for _, j := range jobs {
			j.Day = today
			if err := tx.Enqueue(ctx, j, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}); err != nil {
				return err
			}
		}
		return nil
	})
	return len(jobs), err
}
