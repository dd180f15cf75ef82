package register_test

import (
	"errors"
	"testing"

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
