package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// TestPolicyTierRename: PUT /policy that drops the tier systems use is
// refused naming those the caller may see and counting the secret one;
// with rename_tier the systems move with it.
func TestPolicyTierRename(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		e := newEnv(t, db)
		e.setUp() // payments on tier-1
		if _, err := e.reg.CreateSystem(t.Context(), register.Actor{Name: "admin"},
			store.System{ID: "vault", Classification: "secret", Tier: "tier-1"}); err != nil {
			t.Fatal(err)
		}
		r := e.must(http.StatusOK, "ciso", "GET", "/api/v1/policy", nil)
		var pol store.Policy
		r.json(t, &pol)
		pol.Tiers[0].Name = "crown-jewels"
		bad := e.must(http.StatusUnprocessableEntity, "ciso", "PUT", "/api/v1/policy", pol, "If-Match", r.header.Get("ETag"))
		if !strings.Contains(string(bad.body), "tier tier-1 is used by 2 system(s) (payments and 1 you may not see)") || strings.Contains(string(bad.body), "vault") {
			t.Errorf("refusal does not name the system: %s", bad.body)
		}
		e.must(http.StatusBadRequest, "ciso", "PUT", "/api/v1/policy?rename_tier=tier-1", pol, "If-Match", r.header.Get("ETag"))
		e.must(http.StatusOK, "ciso", "PUT", "/api/v1/policy?rename_tier=tier-1:crown-jewels", pol, "If-Match", r.header.Get("ETag"))
		for _, id := range []string{"payments", "vault"} {
			if sys, err := e.reg.System(t.Context(), id); err != nil || sys.Tier != "crown-jewels" {
				t.Fatalf("%s after the rename: %+v %v", id, sys, err)
			}
		}
	})
}
