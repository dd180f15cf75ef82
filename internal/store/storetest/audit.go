package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/store"
)

// testAuditFilters checks each filter of ListAudit on its own and combined,
// the page bounds, and that filter text is never a pattern.
func testAuditFilters(t *testing.T, ctx context.Context, s store.Store) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	entries := []struct {
		actor, action, object string
	}{
		{"ada", "user.create", "user/bob"},
		{"ada", "user.update", "user/bob"},
		{"sam", "acceptance.accept", "acceptance/12"},
		{"ada", "system.create", "system/payments"},
		{"sam", "system.update", "system/payments-eu"},
		{"ada", "users.purge", "user%/x"},
		{"Ada", "token.create", "token/3"},
		{"sam", "acceptance.reject", "acceptance/120"},
	}
	for i, e := range entries {
		seq := int64(i + 1)
		err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			_, prev, err := tx.AuditHead(ctx)
			if err != nil {
				return err
			}
			return tx.AppendAudit(ctx, store.AuditEntry{Seq: seq, At: at.Add(time.Duration(i) * time.Hour),
				Actor: e.actor, Action: e.action, Object: e.object, Data: []byte(`{}`), PrevHash: prev, Hash: fmt.Sprint("h", seq)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		f    store.AuditFilter
		want []int64
	}{
		{"none", store.AuditFilter{}, []int64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"actor is exact and case-sensitive", store.AuditFilter{Actor: "ada"}, []int64{1, 2, 4, 6}},
		{"action exact", store.AuditFilter{Action: "user.update"}, []int64{2}},
		{"action kind", store.AuditFilter{Action: "user"}, []int64{1, 2}},
		{"action kind is not a prefix of another kind", store.AuditFilter{Action: "use"}, nil},
		{"object exact", store.AuditFilter{Object: "acceptance/12"}, []int64{3}},
		{"object kind", store.AuditFilter{Object: "acceptance"}, []int64{3, 8}},
		{"object kind with slash", store.AuditFilter{Object: "system/"}, []int64{4, 5}},
		{"object is not a pattern", store.AuditFilter{Object: "user%"}, []int64{6}},
		{"object underscore is not a pattern", store.AuditFilter{Object: "system/payments_eu"}, nil},
		{"from is inclusive", store.AuditFilter{From: at.Add(5 * time.Hour)}, []int64{6, 7, 8}},
		{"to is exclusive", store.AuditFilter{To: at.Add(2 * time.Hour)}, []int64{1, 2}},
		{"time range", store.AuditFilter{From: at.Add(90 * time.Minute), To: at.Add(4 * time.Hour)}, []int64{3, 4}},
		{"combined", store.AuditFilter{Actor: "sam", Action: "acceptance", From: at.Add(time.Hour)}, []int64{3, 8}},
		{"after and limit page", store.AuditFilter{Actor: "ada", After: 1, Limit: 2}, []int64{2, 4}},
		{"next page", store.AuditFilter{Actor: "ada", After: 4, Limit: 2}, []int64{6}},
		{"nothing matches", store.AuditFilter{Actor: "nobody"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es := must(s.ListAudit(ctx, c.f))(t)
			var got []int64
			for _, e := range es {
				got = append(got, e.Seq)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("seqs = %v, want %v", got, c.want)
			}
		})
	}
}
