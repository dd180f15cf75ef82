package auth

import (
	"context"
	"testing"

	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// newTestStore opens a fresh SQLite register: users, sessions and tokens
// are kept in the real tables.
func newTestStore(t *testing.T) store.Store {
	t.Helper()
	st, err := engine.Open(context.Background(), storetest.SQLite(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return st
}
