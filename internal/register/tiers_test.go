package register_test

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// TestTierRename: renaming a tier moves its systems with it in the same
// transaction, each with an audit entry; dropping a tier systems use, or
// renaming one the policy does not have, is refused naming them, and
// nothing changes; a refused policy (stale version) moves no system.
func TestTierRename(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for id, tier := range map[string]string{"pay": "tier-1", "ledger": "tier-1", "wiki": "tier-3", "lab": ""} {
			ok[store.System](t)(e.svc.CreateSystem(e.ctx, ciso, store.System{ID: id, Tier: tier}))
		}
		tiers := func() map[string]string {
			out := map[string]string{}
			for _, s := range ok[[]store.System](t)(e.st.ListSystems(e.ctx, 0, 0)) {
				out[s.ID] = s.Tier
			}
			return out
		}
		renamed := func(p store.Policy, from, to string) store.Policy {
			p.Tiers = append([]store.Tier(nil), p.Tiers...)
			for i := range p.Tiers {
				if p.Tiers[i].Name == from {
					p.Tiers[i].Name = to
				}
			}
			return p
		}
		dropped := func(p store.Policy, name string) store.Policy {
			var ts []store.Tier
			for _, t := range p.Tiers {
				if t.Name != name {
					ts = append(ts, t)
				}
			}
			p.Tiers = ts
			return p
		}
		pol := ok[store.Policy](t)(e.svc.Policy(e.ctx))
		refusals := []struct {
			name    string
			p       store.Policy
			renames map[string]string
			err     error
			message string
		}{
			{"rename without saying so", renamed(pol, "tier-1", "crown"), nil, register.ErrInvalid,
				"tier tier-1 is used by 2 system(s) (ledger, pay)"},
			{"drop a used tier", dropped(pol, "tier-3"), nil, register.ErrInvalid, "tier tier-3 is used by 1 system(s) (wiki)"},
			{"drop two used tiers", dropped(dropped(pol, "tier-3"), "tier-1"), nil, register.ErrInvalid,
				"tier tier-1 is used by 2 system(s) (ledger, pay); tier tier-3 is used by 1 system(s) (wiki)"},
			{"rename a tier the policy lacks", renamed(pol, "tier-1", "crown"), map[string]string{"gold": "crown", "tier-1": "crown"},
				register.ErrInvalid, "the policy has no tier gold"},
			{"rename to a tier the new policy lacks", pol, map[string]string{"tier-1": "crown"}, register.ErrInvalid, "the policy has no tier"},
			{"stale version", func() store.Policy { p := renamed(pol, "tier-1", "crown"); p.Version = 7; return p }(),
				map[string]string{"tier-1": "crown"}, store.ErrStale, ""},
		}
		for _, r := range refusals {
			_, err := e.svc.SetPolicyRenamingTiers(e.ctx, ciso, r.p, r.renames)
			var fe *register.FieldError
			if !errors.Is(err, r.err) || r.message != "" && (!errors.As(err, &fe) || fe.Field != "tiers" || !strings.Contains(fe.Message, r.message)) {
				t.Errorf("%s: %v, want %v with %q", r.name, err, r.err, r.message)
			}
		}
		// A reader who may not see ledger is told it is there, not its name.
		_, err := e.svc.SetPolicy(e.ctx, ciso, renamed(pol, "tier-1", "crown"))
		var fe *register.FieldError
		if !errors.As(err, &fe) || fe.Named(func(id string) bool { return id != "ledger" }) !=
			"tier tier-1 is used by 2 system(s) (pay and 1 you may not see): keep it, rename it, or move them to another tier first" {
			t.Errorf("the refusal for a reader who may not see ledger: %v", err)
		}
		if got := tiers(); got["pay"] != "tier-1" || got["ledger"] != "tier-1" || got["wiki"] != "tier-3" {
			t.Fatalf("refused changes moved systems: %v", got)
		}
		// Dropping an unused tier needs no rename.
		pol = ok[store.Policy](t)(e.svc.SetPolicy(e.ctx, ciso, dropped(pol, "tier-2")))
		// A rename and a swap at once: tier-1 becomes crown, tier-3 becomes tier-1.
		next := renamed(renamed(pol, "tier-1", "crown"), "tier-3", "tier-1")
		audited := len(ok[[]store.AuditEntry](t)(e.st.ListAudit(e.ctx, store.AuditFilter{Action: "system.update"})))
		out := ok[store.Policy](t)(e.svc.SetPolicyRenamingTiers(e.ctx, ciso, next, map[string]string{"tier-1": "crown", "tier-3": "tier-1"}))
		if out.Version != pol.Version+1 {
			t.Fatalf("policy version %d, want %d", out.Version, pol.Version+1)
		}
		if got, want := tiers(), map[string]string{"pay": "crown", "ledger": "crown", "wiki": "tier-1", "lab": ""}; !maps.Equal(got, want) {
			t.Fatalf("systems' tiers after the rename = %v, want %v", got, want)
		}
		es := ok[[]store.AuditEntry](t)(e.st.ListAudit(e.ctx, store.AuditFilter{Action: "system.update"}))[audited:]
		var objects []string
		for _, en := range es {
			if en.Actor != ciso.Name || !strings.Contains(string(en.Data), "renamed") {
				t.Errorf("audit entry %+v", en)
			}
			objects = append(objects, en.Object)
		}
		if strings.Join(objects, " ") != "system/ledger system/pay system/wiki" {
			t.Fatalf("system.update entries for %v, want ledger, pay and wiki", objects)
		}
		// Many systems are named ten at a time.
		for i := range 11 {
			ok[store.System](t)(e.svc.CreateSystem(e.ctx, ciso, store.System{ID: fmt.Sprintf("bulk-%02d", i), Tier: "tier-1"}))
		}
		_, err = e.svc.SetPolicy(e.ctx, ciso, dropped(out, "tier-1"))
		if want := "tier tier-1 is used by 12 system(s) (bulk-00, bulk-01, bulk-02, bulk-03, bulk-04, bulk-05, bulk-06, bulk-07, bulk-08, bulk-09 and 2 more)"; err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("dropping a tier of 12 systems: %v, want %q", err, want)
		}
	})
}

// TestTierRenameConcurrent: systems created on a tier while the tier is
// renamed, many times over, end on a tier the policy has: each creation
// either lands before the rename, which moves it, or after, and is refused.
func TestTierRenameConcurrent(t *testing.T) {
	const rounds = 30
	each(t, func(t *testing.T, e *env) {
		names := [2]string{"tier-1", "crown"}
		created := 0
		for round := range rounds {
			from, to := names[round%2], names[1-round%2]
			pol := ok[store.Policy](t)(e.svc.Policy(e.ctx))
			for i := range pol.Tiers {
				if pol.Tiers[i].Name == from {
					pol.Tiers[i].Name = to
				}
			}
			var renameErr, createErr error
			var wg sync.WaitGroup
			gate := make(chan struct{})
			wg.Go(func() {
				<-gate
				_, renameErr = e.svc.SetPolicyRenamingTiers(e.ctx, ciso, pol, map[string]string{from: to})
			})
			wg.Go(func() {
				<-gate
				_, createErr = e.svc.CreateSystem(e.ctx, ciso, store.System{ID: fmt.Sprintf("sys-%02d", round), Tier: from})
			})
			close(gate)
			wg.Wait()
			if renameErr != nil {
				t.Fatalf("round %d: rename %s → %s: %v", round, from, to, renameErr)
			}
			switch {
			case createErr == nil:
				created++
			case !errors.Is(createErr, register.ErrInvalid):
				t.Fatalf("round %d: creating a system on %s: %v, want success or ErrInvalid", round, from, createErr)
			}
			for _, s := range ok[[]store.System](t)(e.st.ListSystems(e.ctx, 0, 0)) {
				if s.Tier != to {
					t.Fatalf("round %d: system %s on tier %q after %s was renamed %s", round, s.ID, s.Tier, from, to)
				}
			}
		}
		t.Logf("%d of %d systems created before their tier's rename", created, rounds)
	})
}
