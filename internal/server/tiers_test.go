package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/store"
)

// TestPolicyTierRename: PUT /policy that drops the tier a system uses is
// refused naming the system; with rename_tier the system moves with it.
func TestPolicyTierRename(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		e := newEnv(t, db)
		e.setUp() // payments on tier-1
		r := e.must(http.StatusOK, "ciso", "GET", "/api/v1/policy", nil)
		var pol store.Policy
		r.json(t, &pol)
		pol.Tiers[0].Name = "crown-jewels"
		bad := e.must(http.StatusUnprocessableEntity, "ciso", "PUT", "/api/v1/policy", pol, "If-Match", r.header.Get("ETag"))
		if !strings.Contains(string(bad.body), "tier tier-1 is used by 1 system(s) (payments)") {
			t.Errorf("refusal does not name the system: %s", bad.body)
		}
		e.must(http.StatusBadRequest, "ciso", "PUT", "/api/v1/policy?rename_tier=tier-1", pol, "If-Match", r.header.Get("ETag"))
		e.must(http.StatusOK, "ciso", "PUT", "/api/v1/policy?rename_tier=tier-1:crown-jewels", pol, "If-Match", r.header.Get("ETag"))
		var sys store.System
		e.must(http.StatusOK, "vic", "GET", "/api/v1/systems/payments", nil).json(t, &sys)
		if sys.Tier != "crown-jewels" {
			t.Fatalf("payments after the rename: tier %q", sys.Tier)
		}
	})
}
