package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// pageSize is how many threats a register page lists.
const pageSize = 50

type signinData struct {
	Next string
	OIDC bool
}

func (u *UI) signinPage(w http.ResponseWriter, r *http.Request) {
	msg := ""
	if r.URL.Query().Get("expired") != "" {
		msg = "Your session has ended; sign in again."
	}
	u.render(w, r, http.StatusOK, "signin", page{Title: "Sign in", Flash: msg,
		Data: signinData{Next: safeNext(r.URL.Query().Get("next")), OIDC: u.opts.OIDC}})
}

func (u *UI) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		u.fail(w, r, http.StatusBadRequest, errors.New("the sign-in form could not be read"))
		return
	}
	next := safeNext(r.PostFormValue("next"))
	user, err := u.auth.Login(r.Context(), auth.ClientAddress(r), r.PostFormValue("user"), r.PostFormValue("password"))
	if err != nil {
		status := http.StatusUnauthorized
		switch {
		case errors.Is(err, auth.ErrRateLimited):
			status = http.StatusTooManyRequests
		case errors.Is(err, auth.ErrLocked):
			status = http.StatusLocked
		case !errors.Is(err, auth.ErrBadCredentials):
			u.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		u.render(w, r, status, "signin", page{Title: "Sign in", Error: err.Error(), Data: signinData{Next: next, OIDC: u.opts.OIDC}})
		return
	}
	c, err := u.auth.StartSession(r.Context(), user)
	if err != nil {
		u.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (u *UI) signout(w http.ResponseWriter, r *http.Request) {
	value := ""
	if c, err := r.Cookie(auth.SessionCookie); err == nil {
		value = c.Value
	}
	c, err := u.auth.EndSession(r.Context(), value)
	if err != nil {
		u.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, "/signin?done=signedout", http.StatusSeeOther)
}

// visibleSystems lists the systems p may read.
func (u *UI) visibleSystems(r *http.Request, p *rbac.Principal) ([]store.System, error) {
	all, err := u.reg.Systems(r.Context(), 0, 0)
	if err != nil {
		return nil, err
	}
	return rbac.Visible(p, all, resource), nil
}

// visibleIDs lists the systems p may read as the register's filters take
// them: nil when p reads every system there is.
func (u *UI) visibleIDs(r *http.Request, p *rbac.Principal) ([]store.System, []string, error) {
	all, err := u.reg.Systems(r.Context(), 0, 0)
	if err != nil {
		return nil, nil, err
	}
	vis := rbac.Visible(p, all, resource)
	if len(vis) == len(all) {
		return vis, nil, nil
	}
	ids := make([]string, len(vis))
	for i, s := range vis {
		ids[i] = s.ID
	}
	return vis, ids, nil
}

// severities in display order, worst first.
var severities = []model.Severity{"critical", "high", "medium", "low"}

type systemRow struct {
	System store.System
	Open   map[model.Severity]int
	Breach bool
}

type dashboard struct {
	Tiers []tierCount
	// Systems is one page of the systems table; SystemsFrom..SystemsTo of
	// SystemsTotal.
	Systems                              []systemRow
	SystemsFrom, SystemsTo, SystemsTotal int
	PrevSystems, NextSystems             string
	Breaches                             []systemRow
	Overdue                              register.Overdue
	// OverdueTreatments counts the open and mitigating threats past due.
	OverdueTreatments int
	Expiring          []store.Acceptance
	Heatmap           heatmap
	Severities        []model.Severity
	Appetite          model.Severity
	Trend             trend
}

type tierCount struct {
	Tier  string
	Count int
}

// dashboard is the portfolio: every count comes from one aggregate query
// over the systems p may read, whatever their number.
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	ctx := r.Context()
	pg := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			u.failFor(w, r, fmt.Errorf("%w: page %q: want a number from 1", register.ErrInvalid, v))
			return
		}
		pg = n
	}
	systems, ids, err := u.visibleIDs(r, p)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	pol, err := u.reg.Policy(ctx)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	pf, err := u.reg.Portfolio(ctx, ids)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	appetite := pol.Appetite
	d := dashboard{Severities: severities, Appetite: appetite}
	rows := map[string]*systemRow{}
	visible := map[string]bool{}
	tiers := map[string]int{}
	for _, s := range systems {
		visible[s.ID] = true
		tiers[cmpOr(s.Tier, "untiered")]++
		rows[s.ID] = &systemRow{System: s, Open: map[model.Severity]int{}}
	}
	for _, c := range pf.Risk.BySystem {
		row := rows[c.SystemID]
		if row == nil {
			continue
		}
		row.Open[c.Severity] += c.Count
		if appetite != "" && c.Severity.Rank() > appetite.Rank() {
			row.Breach = true
		}
	}
	var cells [6][6]int
	for _, c := range pf.Risk.Matrix {
		if l, i := c.Likelihood, c.Impact; l >= 1 && l <= 5 && i >= 1 && i <= 5 {
			cells[l][i] += c.Count
		}
	}
	d.OverdueTreatments = pf.Risk.Overdue
	first := (pg - 1) * pageSize
	for i, s := range systems {
		if i >= first && i < first+pageSize {
			d.Systems = append(d.Systems, *rows[s.ID])
		}
		if rows[s.ID].Breach {
			d.Breaches = append(d.Breaches, *rows[s.ID])
		}
	}
	d.SystemsTotal = len(systems)
	if len(d.Systems) > 0 {
		d.SystemsFrom, d.SystemsTo = first+1, first+len(d.Systems)
	}
	if pg > 1 {
		d.PrevSystems = "/?page=" + strconv.Itoa(pg-1) + "#systems"
	}
	if first+pageSize < len(systems) {
		d.NextSystems = "/?page=" + strconv.Itoa(pg+1) + "#systems"
	}
	for t, n := range tiers {
		d.Tiers = append(d.Tiers, tierCount{t, n})
	}
	slices.SortFunc(d.Tiers, func(a, b tierCount) int { return strings.Compare(a.Tier, b.Tier) })
	d.Heatmap = newHeatmap(cells)
	if d.Trend, err = u.riskTrend(ctx, ids, openBySeverity(pf.Risk.BySystem)); err != nil {
		u.failFor(w, r, err)
		return
	}

	o := pf.Overdue
	keep := func(id string) bool { return visible[id] }
	o.Reviews = slices.DeleteFunc(o.Reviews, func(x store.Review) bool { return !keep(x.SystemID) })
	o.Acceptances = slices.DeleteFunc(o.Acceptances, func(x store.Acceptance) bool { return !keep(x.SystemID) })
	o.Exceptions = slices.DeleteFunc(o.Exceptions, func(x store.Exception) bool { return x.SystemID != "" && !keep(x.SystemID) })
	o.Unmodelled = slices.DeleteFunc(o.Unmodelled, func(x store.System) bool { return !keep(x.ID) })
	d.Overdue = o

	soon := u.opts.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	exp, err := u.reg.Acceptances(ctx, store.AcceptanceFilter{State: []store.AcceptanceState{store.AcceptanceAccepted}, ExpiresBefore: soon})
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	d.Expiring = slices.DeleteFunc(exp, func(x store.Acceptance) bool { return !keep(x.SystemID) })
	u.render(w, r, http.StatusOK, "dashboard", page{Title: "Portfolio", Data: d})
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// threatQuery is a register view's filters, sort and page, read from the
// query string and checked.
type threatQuery struct {
	System, Owner, Rule, Sort string
	// Category is a STRIDE or rule category (one of categories).
	Category string
	Status   string
	Severity string
	// Overdue keeps open and mitigating threats past their due date (Today).
	Overdue bool
	Today   string
	Page    int
}

var sorts = []string{"-severity", "severity", "id", "-id", "due", "-due", "updated", "-updated"}

var statuses = []string{"open", "mitigating", "mitigated", "accepted", "transferred", "avoided", "false-positive"}

func readQuery(q url.Values) (threatQuery, error) {
	tq := threatQuery{System: q.Get("system"), Owner: q.Get("owner"), Rule: q.Get("rule"), Sort: cmpOr(q.Get("sort"), "-severity"),
		Status: q.Get("status"), Severity: q.Get("severity"), Category: q.Get("category"), Overdue: q.Get("overdue") != "", Page: 1}
	if !slices.Contains(sorts, tq.Sort) {
		return tq, fmt.Errorf("%w: sort %q: want one of %s", register.ErrInvalid, tq.Sort, strings.Join(sorts, ", "))
	}
	if tq.Status != "" && !slices.Contains(statuses, tq.Status) {
		return tq, fmt.Errorf("%w: status %q: want one of %s", register.ErrInvalid, tq.Status, strings.Join(statuses, ", "))
	}
	if tq.Severity != "" && !slices.Contains(severities, model.Severity(tq.Severity)) {
		return tq, fmt.Errorf("%w: severity %q: want critical, high, medium or low", register.ErrInvalid, tq.Severity)
	}
	if tq.Category != "" && !slices.Contains(categories, tq.Category) {
		return tq, fmt.Errorf("%w: category %q: want one of %s", register.ErrInvalid, tq.Category, strings.Join(categories, ", "))
	}
	if len(tq.Owner) > 64 || len(tq.Rule) > 100 || len(tq.System) > 100 {
		return tq, fmt.Errorf("%w: a filter is too long", register.ErrInvalid)
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			return tq, fmt.Errorf("%w: page %q: want a number from 1", register.ErrInvalid, v)
		}
		tq.Page = n
	}
	return tq, nil
}

func (q threatQuery) filter() store.ThreatFilter {
	f := store.ThreatFilter{SystemID: q.System, Owner: q.Owner, Rule: q.Rule, Category: q.Category, Sort: q.Sort,
		Limit: pageSize, Offset: (q.Page - 1) * pageSize}
	if q.Status != "" {
		f.Status = []model.TreatmentStatus{model.TreatmentStatus(q.Status)}
	}
	if q.Severity != "" {
		f.Severity = []model.Severity{model.Severity(q.Severity)}
	}
	if q.Overdue {
		f.DueBefore = q.Today
		if q.Status == "" {
			f.Status = []model.TreatmentStatus{"open", "mitigating"}
		}
	}
	return f
}

// link returns the register URL of this view with one value changed.
func (q threatQuery) link(base, key, value string) string {
	v := url.Values{}
	for k, s := range map[string]string{"system": q.System, "owner": q.Owner, "rule": q.Rule, "status": q.Status,
		"severity": q.Severity, "category": q.Category} {
		if s != "" && k != "system" || (k == "system" && s != "" && base == "/threats") {
			v.Set(k, s)
		}
	}
	if q.Sort != "-severity" {
		v.Set("sort", q.Sort)
	}
	if q.Overdue {
		v.Set("overdue", "1")
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	v.Set(key, value)
	if key != "page" {
		v.Del("page")
	}
	return base + "?" + v.Encode()
}

type threatList struct {
	Query threatQuery
	Base  string
	// Self is this view's URL (where a bulk action comes back to); Export
	// is the export of it without the format.
	Self, Export string
	Categories   []string
	// CanBulk shows the selection and the bulk actions: p may change the
	// register, or request acceptances, of some listed system.
	CanBulk, CanRequest bool
	DefaultExp          string
	Threats             []store.Threat
	Total               int
	Prev, Next          string
	SortLinks           map[string]string
	Systems             []store.System
	Statuses            []string
	Severities          []model.Severity
	NeedSystem          bool
	From, To            int
}

// list fills a register view. A caller who may read every system sees the
// register across systems; one whose grants are narrower picks a system.
func (u *UI) list(r *http.Request, p *rbac.Principal, base string, q threatQuery, systems []store.System) (threatList, error) {
	l := threatList{Query: q, Base: base, Systems: systems, Statuses: statuses, Severities: severities,
		SortLinks: map[string]string{}, Categories: categories,
		DefaultExp: u.opts.Now().AddDate(0, 3, 0).Format(time.DateOnly)}
	l.Self = q.link(base, "page", strconv.Itoa(q.Page))
	eq := q
	if base != "/threats" {
		eq.System = ""
	}
	l.Export = eq.link("/threats/export", "system", q.System)
	for _, s := range systems {
		if p.Allowed(rbac.UpdateRegister, resource(s)) {
			l.CanBulk = true
		}
		if p.Allowed(rbac.RequestAcceptance, resource(s)) {
			l.CanBulk, l.CanRequest = true, true
		}
	}
	for _, key := range []string{"id", "severity", "due", "updated"} {
		dir := key
		if q.Sort == key {
			dir = "-" + key
		}
		l.SortLinks[key] = q.link(base, "sort", dir)
	}
	if q.System == "" && !p.Allowed(rbac.ReadSystem, rbac.Resource{}) {
		l.NeedSystem = true
		return l, nil
	}
	if q.System != "" && !slices.ContainsFunc(systems, func(s store.System) bool { return s.ID == q.System }) {
		return l, store.ErrNotFound
	}
	f := q.filter()
	var err error
	if l.Threats, err = u.reg.Threats(r.Context(), f); err != nil {
		return l, err
	}
	if l.Total, err = u.reg.CountThreats(r.Context(), f); err != nil {
		return l, err
	}
	if len(l.Threats) > 0 {
		l.From, l.To = f.Offset+1, f.Offset+len(l.Threats)
	}
	if q.Page > 1 {
		l.Prev = q.link(base, "page", strconv.Itoa(q.Page-1))
	}
	if f.Offset+len(l.Threats) < l.Total {
		l.Next = q.link(base, "page", strconv.Itoa(q.Page+1))
	}
	return l, nil
}

func (u *UI) threats(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	q, err := readQuery(r.URL.Query())
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	q.Today = u.opts.Now().UTC().Format(time.DateOnly)
	systems, err := u.visibleSystems(r, p)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	l, err := u.list(r, p, "/threats", q, systems)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "threats", page{Title: "Threat register", Data: l})
}

type systemPage struct {
	System   store.System
	Versions []store.ModelVersion
	// Warnings are the latest version's model warnings.
	Warnings model.Problems
	// Diagram is the latest version's data-flow diagram (sanitised SVG);
	// DiagramError says why there is none when drawing failed.
	Diagram      template.HTML
	DiagramError string
	// Elements lists the threats of each element the diagram links.
	Elements []elementThreats
	// Paths are the latest version's attack paths, most likely first.
	Paths []analysis.AttackPath
	List  threatList
}

func (u *UI) system(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	sys, err := u.systemFor(r, p, r.PathValue("system"), rbac.ReadSystem)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	q, err := readQuery(r.URL.Query())
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	q.System = sys.ID
	q.Today = u.opts.Now().UTC().Format(time.DateOnly)
	vs, err := u.reg.Store().ListModelVersions(r.Context(), sys.ID)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	l, err := u.list(r, p, "/systems/"+url.PathEscape(sys.ID), q, []store.System{sys})
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	sp := systemPage{System: sys, Versions: vs, List: l}
	if sys.LatestVersion > 0 {
		v, err := u.reg.Store().GetModelVersion(r.Context(), sys.ID, sys.LatestVersion)
		if err == nil {
			err = u.systemModel(r.Context(), &sp, v)
		}
		if err != nil {
			u.failFor(w, r, err)
			return
		}
	}
	u.render(w, r, http.StatusOK, "system", page{Title: sys.Name, Data: sp})
}

type acceptanceView struct {
	Acceptance store.Acceptance
	CanDecide  bool
}

type threatPage struct {
	System      store.System
	Threat      store.Threat
	History     []store.ThreatEvent
	Acceptances []acceptanceView
	Statuses    []string
	CanUpdate   bool
	CanRequest  bool
	DefaultExp  string
}

func (u *UI) threat(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	ctx := r.Context()
	sys, err := u.systemFor(r, p, r.PathValue("system"), rbac.ReadSystem)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	t, err := u.reg.Threat(ctx, sys.ID, r.PathValue("threat"))
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	hist, err := u.reg.History(ctx, sys.ID, t.ID)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	accs, err := u.reg.Acceptances(ctx, store.AcceptanceFilter{SystemID: sys.ID, ThreatID: t.ID})
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	res := resource(sys)
	tp := threatPage{System: sys, Threat: t, History: hist, CanUpdate: p.Allowed(rbac.UpdateRegister, res),
		CanRequest: p.Allowed(rbac.RequestAcceptance, res) && t.Status != "accepted",
		DefaultExp: u.opts.Now().AddDate(0, 3, 0).Format(time.DateOnly),
		Statuses:   slices.DeleteFunc(slices.Clone(statuses), func(s string) bool { return s == "accepted" })}
	for _, a := range accs {
		tp.Acceptances = append(tp.Acceptances, acceptanceView{Acceptance: a,
			CanDecide: a.State == store.AcceptanceSubmitted && a.RequestedBy != p.User && p.Allowed(rbac.DecideAcceptance, res)})
	}
	u.render(w, r, http.StatusOK, "threat", page{Title: t.Title, Data: tp})
}

// form reads a bounded form body.
func form(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("%w: the form could not be read: %w", register.ErrInvalid, err)
	}
	return nil
}

func threatURL(system, threat string) string {
	return "/systems/" + url.PathEscape(system) + "/threats/" + url.PathEscape(threat)
}

func (u *UI) setStatus(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	sys, err := u.systemFor(r, p, r.PathValue("system"), rbac.UpdateRegister)
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
	st := model.TreatmentStatus(r.PostFormValue("status"))
	if st == "accepted" {
		u.failFor(w, r, fmt.Errorf("%w: a threat is accepted only through an approved acceptance", register.ErrInvalid))
		return
	}
	if _, err := u.reg.UpdateThreat(r.Context(), actor(p), sys.ID, r.PathValue("threat"), version,
		register.ThreatPatch{Status: &st, Comment: r.PostFormValue("comment")}); err != nil {
		u.failFor(w, r, err)
		return
	}
	http.Redirect(w, r, threatURL(sys.ID, r.PathValue("threat"))+"?done=status", http.StatusSeeOther)
}

func (u *UI) comment(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	sys, err := u.systemFor(r, p, r.PathValue("system"), rbac.UpdateRegister)
	if err == nil {
		err = form(w, r)
	}
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	if text == "" || len(text) > 10000 {
		u.failFor(w, r, fmt.Errorf("%w: a comment needs 1 to 10000 characters", register.ErrInvalid))
		return
	}
	if _, err := u.reg.Comment(r.Context(), actor(p), sys.ID, r.PathValue("threat"), text); err != nil {
		u.failFor(w, r, err)
		return
	}
	http.Redirect(w, r, threatURL(sys.ID, r.PathValue("threat"))+"?done=comment", http.StatusSeeOther)
}

func (u *UI) requestAcceptance(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	sys, err := u.systemFor(r, p, r.PathValue("system"), rbac.RequestAcceptance)
	if err == nil {
		err = form(w, r)
	}
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	threat := r.PathValue("threat")
	just := strings.TrimSpace(r.PostFormValue("justification"))
	if just == "" || len(just) > 10000 {
		u.failFor(w, r, fmt.Errorf("%w: a justification needs 1 to 10000 characters", register.ErrInvalid))
		return
	}
	a, err := u.reg.RequestAcceptance(r.Context(), actor(p), register.AcceptanceRequest{SystemID: sys.ID,
		ThreatIDs: []string{threat}, Justification: just, Expires: r.PostFormValue("expires")})
	if err == nil {
		_, err = u.reg.SubmitAcceptance(r.Context(), actor(p), a.ID, a.Version)
	}
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	http.Redirect(w, r, threatURL(sys.ID, threat)+"?done=requested", http.StatusSeeOther)
}

func (u *UI) decide(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	decision := r.PathValue("decision")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || (decision != "approve" && decision != "reject") {
		u.fail(w, r, http.StatusNotFound, errors.New("no such page"))
		return
	}
	a, err := u.reg.Acceptance(r.Context(), id)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	if _, err := u.systemFor(r, p, a.SystemID, rbac.DecideAcceptance); err != nil {
		u.failFor(w, r, err)
		return
	}
	if err := form(w, r); err != nil {
		u.failFor(w, r, err)
		return
	}
	version, err := formVersion(r)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	if _, err := u.reg.DecideAcceptance(r.Context(), actor(p), id, version,
		register.Decision{Accept: decision == "approve", Note: r.PostFormValue("note")}); err != nil {
		u.failFor(w, r, err)
		return
	}
	back := "/"
	if len(a.Threats) > 0 {
		back = threatURL(a.SystemID, a.Threats[0].ThreatID)
	}
	http.Redirect(w, r, back+"?done="+decision, http.StatusSeeOther)
}

// formVersion reads the version a form was rendered from, which the
// register compares with the current one so that a stale form changes
// nothing.
func formVersion(r *http.Request) (int64, error) {
	version, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: version missing", register.ErrInvalid)
	}
	return version, nil
}
