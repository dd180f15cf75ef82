package storetest

import (
	"context"
	"testing"

	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/postgres"
	"github.com/rampart-sec/rampart/internal/store/sqlite"
)

// Engine opens fresh stores of one engine for tests.
type Engine struct {
	Name string
	// URL returns the address of a new, empty database ("" where the engine
	// is unavailable outside CI: then t is skipped).
	URL func(t testing.TB) string
	// Open opens a new, empty, migrated store, closed when t ends.
	Open func(t testing.TB, opts store.Options) store.Store
	// Exec runs raw SQL on a store of this engine, as someone with direct
	// access to the database would (tamper tests).
	Exec func(t testing.TB, s store.Store, q string)
}

// Engines are every engine the register runs on. Tests that use the
// PostgreSQL one call Main from TestMain.
var Engines = []Engine{
	{
		Name: "sqlite",
		URL:  SQLite,
		Open: func(t testing.TB, opts store.Options) store.Store {
			s, err := sqlite.Open(context.Background(), SQLite(t), opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close(context.Background()) })
			return s
		},
		Exec: func(t testing.TB, s store.Store, q string) {
			if _, err := s.(*sqlite.Store).DB().Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		},
	},
	{
		Name: "postgres",
		URL:  Postgres,
		Open: func(t testing.TB, opts store.Options) store.Store {
			s, err := postgres.Open(context.Background(), Postgres(t), opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close(context.Background()) })
			return s
		},
		Exec: func(t testing.TB, s store.Store, q string) {
			if _, err := s.(*postgres.Store).Pool().Exec(context.Background(), q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		},
	},
}
