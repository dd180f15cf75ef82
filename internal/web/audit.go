package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/audit"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// auditPage is how many audit entries a page lists.
const auditPage = 100

type auditView struct {
	Entries []store.AuditEntry
	Next    string
	Report  *audit.Report
	// Filter is the filter the page shows, as typed.
	Filter auditFilterForm
}

// auditFilterForm is the filter form's fields, kept in the URL.
type auditFilterForm struct {
	Actor, Action, Object, From, To string
}

// Query is the filter as URL parameters, without the empty ones.
func (f auditFilterForm) Query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "object": f.Object, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// auditTrail lists the trail oldest first, filtered by actor, action,
// object and time as the API's export is, a page at a time after a
// sequence number, and with ?verify=1 checks the whole hash chain.
func (u *UI) auditTrail(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := p.Check(rbac.ReadAudit, rbac.Resource{}); err != nil {
		u.failFor(w, r, err)
		return
	}
	q := r.URL.Query()
	ff := auditFilterForm{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Object: strings.TrimSpace(q.Get("object")), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	f := store.AuditFilter{Limit: auditPage, Actor: ff.Actor, Action: ff.Action, Object: ff.Object}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			u.failFor(w, r, fmt.Errorf("%w: after %q: want a sequence number", register.ErrInvalid, v))
			return
		}
		f.After = n
	}
	var err error
	if f.From, err = audit.ParseBound(ff.From, false); err == nil {
		f.To, err = audit.ParseBound(ff.To, true)
	}
	if err != nil {
		u.failFor(w, r, fmt.Errorf("%w: %w", register.ErrInvalid, err))
		return
	}
	es, err := u.reg.Store().ListAudit(r.Context(), f)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	v := auditView{Entries: es, Filter: ff}
	if len(es) == auditPage {
		next := ff.Query()
		next.Set("after", strconv.FormatInt(es[len(es)-1].Seq, 10))
		v.Next = "/audit?" + next.Encode()
	}
	if q.Get("verify") != "" {
		rep, err := audit.Verify(r.Context(), u.reg.Store())
		if err != nil && !errors.Is(err, audit.ErrTampered) {
			u.failFor(w, r, err)
			return
		}
		v.Report = &rep
	}
	u.render(w, r, http.StatusOK, "audit", page{Title: "Audit trail", Data: v})
}
