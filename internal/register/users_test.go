package register_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// TestUserGuards: an admin cannot demote or disable themselves, the last
// enabled admin keeps the role whoever asks, and a second admin lifts it.
func TestUserGuards(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := register.Actor{Name: "ada"}
		ada := ok[store.User](t)(e.svc.CreateUser(e.ctx, admin, store.User{Name: "ada", Grants: []store.Grant{{Role: "admin"}}}))
		viewer := []store.Grant{{Role: "viewer"}}
		cases := []struct {
			name string
			by   register.Actor
			ch   register.UserChange
		}{
			{"self demote", admin, register.UserChange{Grants: viewer}},
			{"self disable", admin, register.UserChange{Grants: ada.Grants, Disabled: true}},
			{"last admin demoted by another", register.Actor{Name: "ops"}, register.UserChange{Grants: viewer}},
			{"last admin disabled by another", register.Actor{Name: "ops"}, register.UserChange{Grants: ada.Grants, Disabled: true}},
			{"team admin grant is not admin", register.Actor{Name: "ops"}, register.UserChange{Grants: []store.Grant{{Role: "admin", Scope: "team:x"}}}},
		}
		for _, c := range cases {
			c.ch.Version = ada.Version
			if _, err := e.svc.UpdateUser(e.ctx, c.by, "ada", c.ch); !errors.Is(err, register.ErrTransition) {
				t.Errorf("%s: %v, want ErrTransition", c.name, err)
			}
		}
		ok[store.User](t)(e.svc.CreateUser(e.ctx, admin, store.User{Name: "bo", Grants: []store.Grant{{Role: "admin"}}, Disabled: true}))
		if _, err := e.svc.UpdateUser(e.ctx, register.Actor{Name: "ops"}, "ada", register.UserChange{Grants: viewer, Version: ada.Version}); !errors.Is(err, register.ErrTransition) {
			t.Fatalf("a disabled admin counted as another admin: %v", err)
		}
		bo := ok[store.User](t)(e.st.GetUserByName(e.ctx, "bo"))
		ok[store.User](t)(e.svc.UpdateUser(e.ctx, admin, "bo", register.UserChange{Grants: bo.Grants, Version: bo.Version}))
		got := ok[store.User](t)(e.svc.UpdateUser(e.ctx, register.Actor{Name: "bo"}, "ada", register.UserChange{Grants: viewer, Version: ada.Version}))
		if got.Grants[0].Role != "viewer" || got.Version != ada.Version+1 {
			t.Fatalf("ada after bo's change = %+v", got)
		}
		es := ok[[]store.AuditEntry](t)(e.st.ListAudit(e.ctx, store.AuditFilter{Action: "user"}))
		if len(es) != 4 || es[3].Actor != "bo" || es[3].Object != "user/ada" || es[3].Action != "user.update" {
			t.Fatalf("user audit entries = %+v", es)
		}
	})
}

// TestUserGuardsConcurrent: two admins demote (or disable) each other at
// the same moment, many times over; exactly one of the two changes wins
// each time, the other is refused as the last admin's, and an enabled
// admin always remains.
func TestUserGuardsConcurrent(t *testing.T) {
	const rounds = 40
	each(t, func(t *testing.T, e *env) {
		admin := []store.Grant{{Role: "admin"}}
		for _, n := range []string{"ada", "bo"} {
			ok[store.User](t)(e.svc.CreateUser(e.ctx, register.Actor{Name: "setup"}, store.User{Name: n, Grants: admin}))
		}
		changes := []struct {
			name string
			ch   func(u store.User) register.UserChange
		}{
			{"demote", func(u store.User) register.UserChange {
				return register.UserChange{Grants: []store.Grant{{Role: "viewer"}}, Version: u.Version}
			}},
			{"disable", func(u store.User) register.UserChange {
				return register.UserChange{Grants: u.Grants, Disabled: true, Version: u.Version}
			}},
		}
		for round := range rounds {
			c := changes[round%len(changes)]
			pair := [2]string{"ada", "bo"}
			var errs [2]error
			var ready, wg sync.WaitGroup
			gate := make(chan struct{})
			for i := range pair {
				by, target := pair[i], pair[1-i]
				u := ok[store.User](t)(e.st.GetUserByName(e.ctx, target))
				ready.Add(1)
				wg.Go(func() {
					ready.Done()
					<-gate
					_, errs[i] = e.svc.UpdateUser(e.ctx, register.Actor{Name: by}, target, c.ch(u))
				})
			}
			ready.Wait()
			close(gate)
			wg.Wait()
			won := -1
			for i, err := range errs {
				switch {
				case err == nil:
					won = i
				case !errors.Is(err, register.ErrTransition):
					t.Fatalf("round %d (%s): %s's change: %v, want success or ErrTransition", round, c.name, pair[i], err)
				}
			}
			if won < 0 || errs[1-won] == nil {
				t.Fatalf("round %d (%s): errors %v, want exactly one change to succeed", round, c.name, errs)
			}
			us := ok[[]store.User](t)(e.st.ListUsers(e.ctx))
			enabled := 0
			for _, u := range us {
				if !u.Disabled && len(u.Grants) > 0 && u.Grants[0].Role == "admin" {
					enabled++
				}
			}
			if enabled != 1 {
				t.Fatalf("round %d (%s): %d enabled admins after the race, want 1: %+v", round, c.name, enabled, us)
			}
			loser := ok[store.User](t)(e.st.GetUserByName(e.ctx, pair[1-won]))
			ok[store.User](t)(e.svc.UpdateUser(e.ctx, register.Actor{Name: pair[won]}, loser.Name,
				register.UserChange{Grants: admin, Version: loser.Version}))
		}
	})
}

// TestDirectAdminGrant: from the database, the admin role is granted
// while no enabled admin exists, or by breaking glass, and the audit entry
// says which; otherwise it is refused.
func TestDirectAdminGrant(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cli := register.Direct{Actor: register.Actor{Name: "cli"}}
		glass := register.Direct{Actor: cli.Actor, BreakGlass: true}
		admin := []store.Grant{{Role: "admin"}}
		steps := []struct {
			by     register.Direct
			user   string
			grants []store.Grant
			err    error
			direct string
		}{
			{cli, "root", admin, nil, "the register had no enabled admin"},
			{cli, "dev", []store.Grant{{Role: "developer"}}, nil, ""},
			{cli, "eve", admin, register.ErrForbidden, ""},
			{glass, "eve", admin, nil, "break glass over the enabled admins root"},
		}
		for _, s := range steps {
			if _, err := e.svc.CreateUserDirect(e.ctx, s.by, store.User{Name: s.user, Grants: s.grants}); !errors.Is(err, s.err) {
				t.Fatalf("create %s (break glass %v): %v, want %v", s.user, s.by.BreakGlass, err, s.err)
			}
			if s.err != nil {
				continue
			}
			es := ok[[]store.AuditEntry](t)(e.st.ListAudit(e.ctx, store.AuditFilter{Object: "user/" + s.user}))
			if len(es) != 1 || !strings.Contains(string(es[0].Data), s.direct) ||
				(s.direct == "") == strings.Contains(string(es[0].Data), "direct_admin") {
				t.Fatalf("audit of %s = %+v, want direct_admin %q", s.user, es, s.direct)
			}
		}
		dev := ok[store.User](t)(e.st.GetUserByName(e.ctx, "dev"))
		if _, err := e.svc.UpdateUserDirect(e.ctx, cli, "dev", register.UserChange{Grants: admin, Version: dev.Version}); !errors.Is(err, register.ErrForbidden) {
			t.Fatalf("promoting dev from the database without breaking glass: %v", err)
		}
	})
}

// TestResetPassword: a reset sets the hash, clears the failed sign-ins and
// the lock, and is audited; an unknown user is not found.
func TestResetPassword(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u := ok[store.User](t)(e.svc.CreateUser(e.ctx, register.Actor{Name: "cli"}, store.User{Name: "dev", PasswordHash: "old"}))
		u.FailedLogins, u.LockedUntil = 5, start.Add(time.Hour)
		ok[store.User](t)(e.st.UpdateUser(e.ctx, u))
		if err := e.svc.ResetPassword(e.ctx, register.Actor{Name: "cli"}, "dev", "new"); err != nil {
			t.Fatal(err)
		}
		got := ok[store.User](t)(e.st.GetUserByName(e.ctx, "dev"))
		if got.PasswordHash != "new" || got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
			t.Fatalf("after the reset: %+v", got)
		}
		if err := e.svc.ResetPassword(e.ctx, register.Actor{Name: "cli"}, "ghost", "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("resetting an unknown user: %v", err)
		}
		es := ok[[]store.AuditEntry](t)(e.st.ListAudit(e.ctx, store.AuditFilter{Action: "user.password"}))
		if len(es) != 1 || es[0].Object != "user/dev" || es[0].Actor != "cli" {
			t.Fatalf("password audit entries = %+v", es)
		}
	})
}
