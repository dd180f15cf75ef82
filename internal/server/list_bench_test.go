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
