package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// usersView is the users, roles and teams screen.
type usersView struct {
	Users []userRow
	Teams []teamRow
	// Roles are every role, for the grant form.
	Roles []rbac.Role
	// TeamRoles are the roles a team member may hold.
	TeamRoles  []rbac.Role
	Clearances []string
}

type userRow struct {
	store.User
	Grants []string
}

// teamRow is an owner team: the systems it owns and who holds a role on it.
type teamRow struct {
	Name    string
	Systems []string
	Members []teamMember
}

type teamMember struct {
	User, Grant string
	Version     int64
}

// adminOnly runs the shared check every users action makes first.
func adminOnly(p *rbac.Principal) error { return p.Check(rbac.ManageUsers, rbac.Resource{}) }

// users lists the users with their grants, and the teams (the owner teams
// of systems and of team-scoped grants) with their members.
func (u *UI) users(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := adminOnly(p); err != nil {
		u.failFor(w, r, err)
		return
	}
	us, err := u.reg.Store().ListUsers(r.Context())
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	systems, err := u.reg.Store().ListSystems(r.Context(), 0, 0)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	v := usersView{Roles: rbac.Roles(), Clearances: model.Classification("").Values()}
	for _, role := range rbac.Roles() {
		if (rbac.Grant{Role: role, Team: "t"}).Validate() == nil {
			v.TeamRoles = append(v.TeamRoles, role)
		}
	}
	teams := map[string]*teamRow{}
	team := func(name string) *teamRow {
		if teams[name] == nil {
			teams[name] = &teamRow{Name: name}
		}
		return teams[name]
	}
	for _, s := range systems {
		if s.OwnerTeam != "" {
			t := team(s.OwnerTeam)
			t.Systems = append(t.Systems, s.ID)
		}
	}
	for _, us := range us {
		row := userRow{User: us}
		for _, g := range auth.Grants(us.Grants) {
			row.Grants = append(row.Grants, g.String())
			if g.Scope() == rbac.TeamScope {
				t := team(g.Team)
				t.Members = append(t.Members, teamMember{User: us.Name, Grant: g.String(), Version: us.Version})
			}
		}
		v.Users = append(v.Users, row)
	}
	for _, t := range teams {
		v.Teams = append(v.Teams, *t)
	}
	slices.SortFunc(v.Teams, func(a, b teamRow) int { return strings.Compare(a.Name, b.Name) })
	u.render(w, r, http.StatusOK, "users", page{Title: "Users, roles and teams", Data: v})
}

// createUser adds a local user with one role (or none) and a clearance.
func (u *UI) createUser(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := adminOnly(p); err != nil {
		u.failFor(w, r, err)
		return
	}
	if err := form(w, r); err != nil {
		u.failFor(w, r, err)
		return
	}
	var gs []rbac.Grant
	if g := r.PostFormValue("grant"); g != "" {
		pg, err := rbac.ParseGrant(g)
		if err != nil {
			u.failFor(w, r, fmt.Errorf("%w: %w", register.ErrInvalid, err))
			return
		}
		gs = append(gs, pg)
	}
	nu, err := u.auth.PrepareUser(auth.NewUser{Name: strings.TrimSpace(r.PostFormValue("name")),
		Password: r.PostFormValue("password"), Grants: gs, Clearance: model.Classification(r.PostFormValue("clearance"))})
	if err != nil {
		u.userFail(w, r, err)
		return
	}
	if _, err := u.reg.CreateUser(r.Context(), actor(p), nu); err != nil {
		u.userFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/users?done=user-created", http.StatusSeeOther)
}

// changeUser is every change to an existing user: grant or revoke a role,
// disable or enable the account. The form names the user's version.
func (u *UI) changeUser(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := adminOnly(p); err != nil {
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
	name := r.PathValue("name")
	cur, err := u.reg.Store().GetUserByName(r.Context(), name)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	gs := auth.Grants(cur.Grants)
	ch := register.UserChange{Clearance: cur.Clearance, Disabled: cur.Disabled, Version: version}
	done := ""
	switch r.PathValue("change") {
	case "grant", "revoke":
		g, err := rbac.ParseGrant(grantField(r))
		if err != nil {
			u.failFor(w, r, fmt.Errorf("%w: %w", register.ErrInvalid, err))
			return
		}
		if r.PathValue("change") == "grant" {
			if !slices.Contains(gs, g) {
				gs = append(gs, g)
			}
			done = "granted"
		} else {
			gs = slices.DeleteFunc(gs, func(o rbac.Grant) bool { return o == g })
			done = "revoked-grant"
		}
	case "disable":
		ch.Disabled, done = true, "disabled"
	case "enable":
		ch.Disabled, done = false, "enabled"
	default:
		u.fail(w, r, http.StatusNotFound, errors.New("no such change"))
		return
	}
	ch.Grants = auth.StoreGrants(gs)
	if _, err := u.reg.UpdateUser(r.Context(), actor(p), name, ch); err != nil {
		u.userFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/users?done="+done, http.StatusSeeOther)
}

// grantField reads the grant a form names: whole (grant=ROLE@team:X), or as
// a role with an optional team or system.
func grantField(r *http.Request) string {
	if g := r.PostFormValue("grant"); g != "" {
		return g
	}
	g := r.PostFormValue("role")
	if t := strings.TrimSpace(r.PostFormValue("team")); t != "" {
		g += "@team:" + t
	} else if s := strings.TrimSpace(r.PostFormValue("system")); s != "" {
		g += "@system:" + s
	}
	return g
}

// addMember grants a user a role on a team, which is what membership is.
func (u *UI) addMember(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := adminOnly(p); err != nil {
		u.failFor(w, r, err)
		return
	}
	if err := form(w, r); err != nil {
		u.failFor(w, r, err)
		return
	}
	name := r.PostFormValue("user")
	cur, err := u.reg.Store().GetUserByName(r.Context(), name)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	g, err := rbac.ParseGrant(r.PostFormValue("role") + "@team:" + strings.TrimSpace(r.PostFormValue("team")))
	if err != nil {
		u.failFor(w, r, fmt.Errorf("%w: %w", register.ErrInvalid, err))
		return
	}
	gs := auth.Grants(cur.Grants)
	if !slices.Contains(gs, g) {
		gs = append(gs, g)
	}
	if _, err := u.reg.UpdateUser(r.Context(), actor(p), name, register.UserChange{Grants: auth.StoreGrants(gs),
		Clearance: cur.Clearance, Disabled: cur.Disabled, Version: cur.Version}); err != nil {
		u.userFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/users?done=member-added#team-"+url.PathEscape(g.Team), http.StatusSeeOther)
}

// userFail maps the sign-in service's refusals of bad input as the API does.
func (u *UI) userFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, auth.ErrInvalid) {
		u.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	u.failFor(w, r, err)
}
