package server_test

import (
	"net/http"
	"testing"

	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// BenchmarkFilteredList measures one filtered, sorted threat list request
// end to end (sign-in by token, role check, two queries, encoding).
func BenchmarkFilteredList(b *testing.B) {
	e := newEnv(b, storetest.SQLite(b))
	e.setUp()
	b.ResetTimer()
	for range b.N {
		r := e.call("sam", "GET", "/api/v1/systems/payments/threats?status=open&severity=high&sort=-severity&limit=50", nil)
		if r.status != http.StatusOK {
			b.Fatal(r.status)
		}
	}
}

// BenchmarkPush1000Components pushes a 1,000-component model (validate,
// analyse, store the version, its threats and their changes) on each engine.
func BenchmarkPush1000Components(b *testing.B) {
	big := bigModel("big-system", 1000)
	for _, eng := range []string{"sqlite", "postgres"} {
		b.Run(eng, func(b *testing.B) {
			db := storetest.SQLite(b)
			if eng == "postgres" {
				db = storetest.Postgres(b)
			}
			e := newEnv(b, db)
			b.ResetTimer()
			for range b.N {
				if r := e.call("pusher", "POST", "/api/v1/systems/big-system/versions", big); r.status != http.StatusCreated {
					b.Fatalf("%d %.300s", r.status, r.body)
				}
			}
		})
	}
}
