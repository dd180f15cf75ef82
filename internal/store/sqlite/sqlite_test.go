package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/sqlite"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	s, err := sqlite.Open(context.Background(), storetest.SQLite(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func TestSuite(t *testing.T) { storetest.Run(t, open) }

func TestFileIsPrivateAndInWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "dir", "rampart.db")
	s, err := sqlite.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode = %v, want 0600", fi.Mode().Perm())
	}
	var mode string
	if err := s.DB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode = %q (%v)", mode, err)
	}
	var busy int
	if err := s.DB().QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil || busy != int(sqlite.BusyTimeout.Milliseconds()) {
		t.Errorf("busy timeout = %d (%v)", busy, err)
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.CreateSystem(ctx, store.System{ID: "payments", Name: "Payments"}); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := s.(*sqlite.Store).Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	if err := s.(*sqlite.Store).Backup(ctx, dst); err == nil {
		t.Fatal("a backup overwrote an existing file")
	}
	b, err := sqlite.Open(ctx, dst, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	if got, err := b.GetSystem(ctx, "payments"); err != nil || got.Name != "Payments" {
		t.Fatalf("backup holds %+v (%v)", got, err)
	}
}
