// Package engine opens the register on the engine a database address
// names: postgres://… or postgresql://… for PostgreSQL, anything else (a
// file path, or nothing for the default file) for SQLite.
package engine

import (
	"context"
	"strings"

	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/postgres"
	"github.com/rampart-sec/rampart/internal/store/sqlite"
)

// Open opens the register at db.
func Open(ctx context.Context, db string, opts store.Options) (store.Store, error) {
	if IsPostgres(db) {
		return postgres.Open(ctx, db, opts)
	}
	return sqlite.Open(ctx, strings.TrimPrefix(db, "sqlite:"), opts)
}

// IsPostgres reports whether db is a PostgreSQL URL.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}
