package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

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
}

// auditTrail lists the trail oldest first, a page at a time after a
// sequence number, and with ?verify=1 checks the whole hash chain.
func (u *UI) auditTrail(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := p.Check(rbac.ReadAudit, rbac.Resource{}); err != nil {
		u.failFor(w, r, err)
		return
	}
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			u.failFor(w, r, fmt.Errorf("%w: after %q: want a sequence number", register.ErrInvalid, v))
			return
		}
		after = n
	}
	es, err := u.reg.Store().ListAudit(r.Context(), store.AuditFilter{After: after, Limit: auditPage})
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	v := auditView{Entries: es}
	if len(es) == auditPage {
		v.Next = "/audit?after=" + strconv.FormatInt(es[len(es)-1].Seq, 10)
	}
	if r.URL.Query().Get("verify") != "" {
		rep, err := audit.Verify(r.Context(), u.reg.Store())
		if err != nil && !errors.Is(err, audit.ErrTampered) {
			u.failFor(w, r, err)
			return
		}
		v.Report = &rep
	}
	u.render(w, r, http.StatusOK, "audit", page{Title: "Audit trail", Data: v})
}
