// Package web is the register's user interface: server-rendered pages
// (html/template) with the templates and static assets embedded in the
// binary, progressively enhanced with one pinned copy of htmx, under a
// strict Content-Security-Policy, and working with JavaScript off.
//
// It reads and changes the register only through internal/register and
// signs people in only through internal/auth. Who may do what is decided by
// internal/rbac exactly as for the API: a page shows a button only when the
// same check the action runs would pass, and the action runs that check
// again, so hiding a button is comfort, never protection.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/diagram"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// CSP is the Content-Security-Policy of every page: only this origin's
// scripts, styles and images, no inline script or style, no framing, forms
// posting only here, and no request to anywhere else.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Options configure the UI.
type Options struct {
	// Logger receives errors (default slog.Default()).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// LoadModel loads a stored version's source for its diagram and diff
	// (the server's loader); without it the system page has neither.
	LoadModel ModelLoader
	// Analyze analyses a stored version again, for the diff (the server's,
	// under its central policy); without it, analysis.Analyze.
	Analyze Analyzer
	// OIDC offers sign-in through the server's OpenID Connect provider
	// (its /auth/oidc/login route) on the sign-in page.
	OIDC bool
}

// UI serves the pages.
type UI struct {
	reg      *register.Service
	auth     *auth.Service
	opts     Options
	pages    map[string]*template.Template
	mux      *http.ServeMux
	renderer *diagram.Renderer
	diagrams diagramCache
}

// New returns the UI over the register and sign-in services. Requests reach
// it authenticated (auth.PrincipalFrom) and already checked for cross-origin
// forgery by the server that mounts it. The templates are part of the
// binary, so a template that does not parse is a build defect: New panics
// on it, and the package's tests parse every one.
func New(reg *register.Service, authn *auth.Service, opts Options) *UI {
	u, err := build(reg, authn, opts)
	if err != nil {
		panic(fmt.Sprintf("web: embedded templates: %v", err))
	}
	return u
}

func build(reg *register.Service, authn *auth.Service, opts Options) (*UI, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	renderer, err := diagram.NewRenderer(context.Background())
	if err != nil {
		return nil, err
	}
	u := &UI{reg: reg, auth: authn, opts: opts, pages: map[string]*template.Template{}, mux: http.NewServeMux(), renderer: renderer}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "list" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/list.html", n)
		if err != nil {
			return nil, err
		}
		u.pages[base] = t
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	u.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	// Browsers ask for /favicon.ico on pages that name none (the API's).
	u.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, static, "favicon.svg")
	})
	u.mux.HandleFunc("GET /signin", u.signinPage)
	u.mux.HandleFunc("POST /signin", u.signin)
	u.mux.HandleFunc("POST /signout", u.signout)
	u.mux.HandleFunc("GET /{$}", u.signedIn(u.dashboard))
	u.mux.HandleFunc("GET /threats", u.signedIn(u.threats))
	u.mux.HandleFunc("GET /threats/export", u.signedIn(u.exportThreats))
	u.mux.HandleFunc("POST /threats/bulk", u.signedIn(u.bulk))
	u.mux.HandleFunc("GET /systems/{system}", u.signedIn(u.system))
	u.mux.HandleFunc("GET /systems/{system}/diff", u.signedIn(u.versionsDiff))
	u.mux.HandleFunc("GET /systems/{system}/threats/{threat}", u.signedIn(u.threat))
	u.mux.HandleFunc("POST /systems/{system}/threats/{threat}/status", u.signedIn(u.setStatus))
	u.mux.HandleFunc("POST /systems/{system}/threats/{threat}/comments", u.signedIn(u.comment))
	u.mux.HandleFunc("POST /systems/{system}/threats/{threat}/acceptances", u.signedIn(u.requestAcceptance))
	u.mux.HandleFunc("POST /acceptances/{id}/{decision}", u.signedIn(u.decide))
	u.mux.HandleFunc("GET /reviews", u.signedIn(u.reviews))
	u.mux.HandleFunc("GET /reviews/{id}", u.signedIn(u.review))
	u.mux.HandleFunc("POST /reviews/{id}/complete", u.signedIn(u.completeReview))
	u.mux.HandleFunc("GET /policy", u.signedIn(u.policy))
	u.mux.HandleFunc("POST /policy", u.signedIn(u.setPolicy))
	u.mux.HandleFunc("GET /audit", u.signedIn(u.auditTrail))
	u.mux.HandleFunc("GET /exceptions", u.signedIn(u.exceptions))
	u.mux.HandleFunc("POST /exceptions", u.signedIn(u.requestException))
	u.mux.HandleFunc("POST /exceptions/{id}/{decision}", u.signedIn(u.decideException))
	u.mux.HandleFunc("GET /tokens", u.signedIn(u.tokens))
	u.mux.HandleFunc("POST /tokens", u.signedIn(u.createToken))
	u.mux.HandleFunc("POST /tokens/{id}/revoke", u.signedIn(u.revokeToken))
	u.mux.HandleFunc("GET /users", u.signedIn(u.users))
	u.mux.HandleFunc("POST /users", u.signedIn(u.createUser))
	u.mux.HandleFunc("POST /users/{name}/{change}", u.signedIn(u.changeUser))
	u.mux.HandleFunc("POST /teams/members", u.signedIn(u.addMember))
	return u, nil
}

// SessionEnded handles a browser request whose session cookie no longer
// holds (expired, signed out elsewhere, or its account disabled): it clears
// the cookie and returns the request, now anonymous, marked so that a page
// that needs a session sends the browser to sign in again, and back after.
func SessionEnded(w http.ResponseWriter, r *http.Request) *http.Request {
	http.SetCookie(w, &http.Cookie{Name: auth.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: true, SameSite: http.SameSiteStrictMode})
	return r.WithContext(context.WithValue(r.Context(), endedKey{}, true))
}

type endedKey struct{}

// ServeHTTP serves a page with the UI's security headers.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		h.Set("Cache-Control", "no-store")
	}
	u.mux.ServeHTTP(w, r)
}

// page is what every template gets.
type page struct {
	Title string
	User  *rbac.Principal
	Nav   []navItem
	Path  string
	Flash string
	Error string
	Data  any
}

type navItem struct {
	Href, Label string
	Current     bool
}

// nav lists the pages the principal's grants open, marking the current one.
func nav(p *rbac.Principal, path string) []navItem {
	items := []navItem{{Href: "/", Label: "Portfolio"}, {Href: "/threats", Label: "Threat register"}}
	for _, g := range p.Grants {
		if g.Role == rbac.SRO {
			items = append(items, navItem{Href: "/reviews", Label: "Review queue"})
			break
		}
	}
	items = append(items, navItem{Href: "/exceptions", Label: "Exceptions"})
	if p.Allowed(rbac.ReadPolicy, rbac.Resource{}) {
		items = append(items, navItem{Href: "/policy", Label: "Policy"})
	}
	if p.Allowed(rbac.ReadAudit, rbac.Resource{}) {
		items = append(items, navItem{Href: "/audit", Label: "Audit trail"})
	}
	if p.Allowed(rbac.ManageUsers, rbac.Resource{}) {
		items = append(items, navItem{Href: "/users", Label: "Users and teams"})
	}
	items = append(items, navItem{Href: "/tokens", Label: "API tokens"})
	for i := range items {
		items[i].Current = items[i].Href == path
	}
	return items
}

func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, pg page) {
	t, ok := u.pages[name]
	if !ok {
		http.Error(w, "no such page", http.StatusInternalServerError)
		return
	}
	pg.User = auth.PrincipalFrom(r.Context())
	pg.Path = r.URL.Path
	if pg.User != nil {
		pg.Nav = nav(pg.User, r.URL.Path)
	}
	if pg.Flash == "" {
		pg.Flash = flashes[r.URL.Query().Get("done")]
	}
	var b strings.Builder
	if err := t.Execute(&b, pg); err != nil {
		u.opts.Logger.Error("render page", "page", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// flashes are the confirmations a redirect after a change may show
// (a fixed list: nothing from the query string reaches the page).
var flashes = map[string]string{
	"status":              "Status changed.",
	"comment":             "Comment added.",
	"requested":           "Acceptance requested and submitted for decision.",
	"approve":             "Acceptance approved.",
	"reject":              "Acceptance rejected.",
	"reviewed":            "Review completed.",
	"signedout":           "You are signed out.",
	"bulk-owner":          "Owner assigned to the selected threats.",
	"bulk-due":            "Due date set on the selected threats.",
	"bulk-accept":         "Acceptance requested and submitted for the selected threats.",
	"revoked":             "Token revoked.",
	"exception-requested": "Exception requested and submitted to the SRO.",
	"exception-approve":   "Exception approved.",
	"exception-reject":    "Exception rejected.",
	"policy":              "Policy saved.",
	"user-created":        "User created.",
	"granted":             "Role granted.",
	"revoked-grant":       "Role revoked.",
	"disabled":            "Account disabled.",
	"enabled":             "Account enabled.",
	"member-added":        "Member added to the team.",
}

// signedIn sends anonymous callers to the sign-in page, coming back here after.
func (u *UI) signedIn(h func(http.ResponseWriter, *http.Request, *rbac.Principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := auth.PrincipalFrom(r.Context())
		if p == nil {
			if ended, _ := r.Context().Value(endedKey{}).(bool); ended {
				next := "/"
				if r.Method == http.MethodGet {
					next = r.URL.RequestURI()
				}
				http.Redirect(w, r, "/signin?expired=1&next="+url.QueryEscape(next), http.StatusSeeOther)
				return
			}
			if r.Method != http.MethodGet {
				u.fail(w, r, http.StatusUnauthorized, errors.New("sign in first"))
				return
			}
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r, p)
	}
}

// fail renders an error page with status.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	msg := err.Error()
	if status >= 500 {
		u.opts.Logger.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "The register is unavailable; try again shortly."
	}
	u.render(w, r, status, "error", page{Title: http.StatusText(status), Error: msg})
}

// failFor maps a service error to a status as the API does.
func (u *UI) failFor(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, rbac.ErrForbidden), errors.Is(err, register.ErrForbidden):
		u.fail(w, r, http.StatusForbidden, err)
	case errors.Is(err, store.ErrNotFound):
		u.fail(w, r, http.StatusNotFound, errors.New("not found, or not yours to see"))
	case errors.Is(err, register.ErrInvalid):
		u.fail(w, r, http.StatusBadRequest, err)
	case errors.Is(err, register.ErrTransition), errors.Is(err, store.ErrStale), errors.Is(err, store.ErrExists):
		u.fail(w, r, http.StatusConflict, err)
	default:
		u.fail(w, r, http.StatusInternalServerError, err)
	}
}

// resource is the rbac view of a system, as the API uses it.
func resource(s store.System) rbac.Resource {
	return rbac.Resource{System: s.ID, Team: s.OwnerTeam, Classification: s.Classification}
}

// systemFor loads a system and checks p may do a on it.
func (u *UI) systemFor(r *http.Request, p *rbac.Principal, id string, a rbac.Action) (store.System, error) {
	sys, err := u.reg.System(r.Context(), id)
	if err != nil {
		return store.System{}, err
	}
	if err := p.Check(a, resource(sys)); err != nil {
		if a == rbac.ReadSystem {
			return store.System{}, store.ErrNotFound
		}
		return store.System{}, err
	}
	return sys, nil
}

func actor(p *rbac.Principal) register.Actor { return register.Actor{Name: p.User} }

// safeNext keeps a post-sign-in destination on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
