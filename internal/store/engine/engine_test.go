package engine_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
)

func TestIsPostgres(t *testing.T) {
	cases := map[string]bool{
		"postgres://u@h/db":   true,
		"postgresql://u@h/db": true,
		"/var/lib/rampart.db": false,
		"sqlite:rampart.db":   false,
		"":                    false,
		"postgres.db":         false,
	}
	for db, want := range cases {
		if got := engine.IsPostgres(db); got != want {
			t.Errorf("IsPostgres(%q) = %v", db, got)
		}
	}
}

func TestOpenSQLiteByPath(t *testing.T) {
	ctx := context.Background()
	for _, prefix := range []string{"", "sqlite:"} {
		path := filepath.Join(t.TempDir(), "r.db")
		s, err := engine.Open(ctx, prefix+path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Engine() != "sqlite" {
			t.Fatalf("%q opened %s", prefix+path, s.Engine())
		}
		if err := s.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
