package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/store"
)

// queueDays is how far ahead the review queue looks: the policy's default
// SRO review period.
const queueDays = 21

type reviewRow struct {
	Review      store.Review
	System      store.System
	Overdue     bool
	CanComplete bool
}

type reviewQueue struct {
	Rows  []reviewRow
	Until string
}

// reviews lists the open reviews of the systems p may read that are due
// within queueDays or overdue, soonest first.
func (u *UI) reviews(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	today := u.opts.Now().UTC().Format(time.DateOnly)
	until := u.opts.Now().UTC().AddDate(0, 0, queueDays+1).Format(time.DateOnly)
	rs, err := u.reg.Reviews(r.Context(), store.ReviewFilter{State: []store.ReviewState{store.ReviewOpen}, DueBefore: until, Limit: 1000})
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	systems, err := u.visibleSystems(r, p)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	byID := map[string]store.System{}
	for _, s := range systems {
		byID[s.ID] = s
	}
	q := reviewQueue{Until: u.opts.Now().UTC().AddDate(0, 0, queueDays).Format(time.DateOnly)}
	for _, rv := range rs {
		sys, ok := byID[rv.SystemID]
		if !ok {
			continue
		}
		q.Rows = append(q.Rows, reviewRow{Review: rv, System: sys, Overdue: rv.Due < today,
			CanComplete: p.Allowed(rbac.CompleteReview, resource(sys))})
	}
	slices.SortStableFunc(q.Rows, func(a, b reviewRow) int {
		if a.Review.Due != b.Review.Due {
			if a.Review.Due < b.Review.Due {
				return -1
			}
			return 1
		}
		return int(a.Review.ID - b.Review.ID)
	})
	u.render(w, r, http.StatusOK, "reviews", page{Title: "Review queue", Data: q})
}

func (u *UI) completeReview(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		u.fail(w, r, http.StatusNotFound, fmt.Errorf("no review %q", r.PathValue("id")))
		return
	}
	rv, err := u.reg.Review(r.Context(), id)
	if err == nil {
		_, err = u.systemFor(r, p, rv.SystemID, rbac.CompleteReview)
	}
	if err == nil {
		err = form(w, r)
	}
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	version, err := formVersion(r)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	if _, err := u.reg.CompleteReview(r.Context(), actor(p), id, version, r.PostFormValue("notes")); err != nil {
		u.failFor(w, r, err)
		return
	}
	http.Redirect(w, r, "/reviews?done=reviewed", http.StatusSeeOther)
}

type reviewPage struct {
	Review      store.Review
	System      store.System
	Changes     []store.VersionChange
	CanComplete bool
}

// review shows one review with what changed in the system's threats since
// the review before it (for an annual review, the year's versions), and
// the sign-off for its SRO.
func (u *UI) review(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		u.fail(w, r, http.StatusNotFound, fmt.Errorf("no review %q", r.PathValue("id")))
		return
	}
	rv, err := u.reg.Review(r.Context(), id)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	sys, err := u.systemFor(r, p, rv.SystemID, rbac.ReadSystem)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	chs, err := u.reg.ReviewChanges(r.Context(), id)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "review", page{Title: fmt.Sprintf("Review of %s", sys.Name), Data: reviewPage{Review: rv, System: sys,
		Changes: chs, CanComplete: rv.State == store.ReviewOpen && p.Allowed(rbac.CompleteReview, resource(sys))}})
}
