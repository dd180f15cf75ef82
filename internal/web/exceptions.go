package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

type exceptionRow struct {
	Exception store.Exception
	System    store.System
	CanDecide bool
}

type exceptionsPage struct {
	Rows []exceptionRow
	// Requestable are the systems p may request an exception for.
	Requestable []store.System
	DefaultDate string
}

// exceptions lists the policy exceptions of the systems p may read, newest
// first, with the request form for the systems p may ask one for and the
// SRO's decision on submitted ones.
func (u *UI) exceptions(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	systems, err := u.visibleSystems(r, p)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	byID := map[string]store.System{}
	ep := exceptionsPage{DefaultDate: u.opts.Now().AddDate(0, 6, 0).Format(time.DateOnly)}
	for _, s := range systems {
		byID[s.ID] = s
		if p.Allowed(rbac.RequestException, resource(s)) {
			ep.Requestable = append(ep.Requestable, s)
		}
	}
	es, err := u.reg.Exceptions(r.Context(), store.ExceptionFilter{Limit: 1000})
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	for _, e := range es {
		sys, ok := byID[e.SystemID]
		if !ok {
			continue
		}
		ep.Rows = append(ep.Rows, exceptionRow{Exception: e, System: sys,
			CanDecide: e.State == store.ExceptionSubmitted && e.RequestedBy != p.User && p.Allowed(rbac.DecideException, resource(sys))})
	}
	slices.SortFunc(ep.Rows, func(a, b exceptionRow) int { return int(b.Exception.ID - a.Exception.ID) })
	u.render(w, r, http.StatusOK, "exceptions", page{Title: "Policy exceptions", Data: ep})
}

// requestException records a request for an exception to the policy and
// submits it to the SRO.
func (u *UI) requestException(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := form(w, r); err != nil {
		u.failFor(w, r, err)
		return
	}
	sys, err := u.systemFor(r, p, r.PostFormValue("system"), rbac.RequestException)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	var mitigations []string
	for _, l := range strings.Split(r.PostFormValue("mitigations"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			mitigations = append(mitigations, l)
		}
	}
	if mitigations == nil {
		mitigations = []string{}
	}
	e, err := u.reg.RequestException(r.Context(), actor(p), store.Exception{SystemID: sys.ID,
		Title: strings.TrimSpace(r.PostFormValue("title")), Reason: r.PostFormValue("reason"), Risk: r.PostFormValue("risk"),
		Mitigations: mitigations, Difficulties: r.PostFormValue("difficulties"), ReviewDate: r.PostFormValue("review_date")})
	if err == nil {
		_, err = u.reg.SubmitException(r.Context(), actor(p), e.ID, e.Version)
	}
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	http.Redirect(w, r, "/exceptions?done=exception-requested", http.StatusSeeOther)
}

// decideException approves or rejects a submitted exception (the SRO,
// never its requester: the register refuses that).
func (u *UI) decideException(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	decision := r.PathValue("decision")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || (decision != "approve" && decision != "reject") {
		u.fail(w, r, http.StatusNotFound, errors.New("no such page"))
		return
	}
	e, err := u.reg.Exception(r.Context(), id)
	if err == nil {
		_, err = u.systemFor(r, p, e.SystemID, rbac.DecideException)
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
	if _, err := u.reg.DecideException(r.Context(), actor(p), id, version,
		register.Decision{Accept: decision == "approve", Note: r.PostFormValue("note")}); err != nil {
		u.failFor(w, r, err)
		return
	}
	http.Redirect(w, r, "/exceptions?done=exception-"+decision, http.StatusSeeOther)
}
