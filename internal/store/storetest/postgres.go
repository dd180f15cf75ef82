// Package storetest is the one test suite every register engine passes, and
// the helpers that give tests a real database: a throwaway PostgreSQL
// cluster (initdb and pg_ctl on a temporary directory, a free loopback
// port, stopped when the test binary ends) and a fresh SQLite file.
package storetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvPostgres names an existing server to test against instead of a
// throwaway cluster (a postgres:// URL whose user may create databases).
const EnvPostgres = "RAMPART_TEST_POSTGRES"

var (
	clusterOnce sync.Once
	clusterURL  string
	clusterErr  error
	clusterStop func()
	dbSeq       atomic.Int64
)

// Main runs a package's tests and stops the throwaway cluster afterwards.
// Packages that call Postgres use it from TestMain.
func Main(m interface{ Run() int }) {
	code := m.Run()
	if clusterStop != nil {
		clusterStop()
	}
	os.Exit(code)
}

// Postgres returns the URL of a new, empty database on the test cluster,
// dropped when t ends. Outside CI it skips t when PostgreSQL is not
// installed; under CI=true that fails t.
func Postgres(t testing.TB) string {
	t.Helper()
	clusterOnce.Do(func() {
		if u := os.Getenv(EnvPostgres); u != "" {
			clusterURL = u
			return
		}
		clusterURL, clusterStop, clusterErr = startCluster()
	})
	if clusterErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is needed under CI: %v", clusterErr)
		}
		t.Skipf("skipping the PostgreSQL tests: %v (.ci/run installs PostgreSQL; or set %s)", clusterErr, EnvPostgres)
	}
	ctx := context.Background()
	name := fmt.Sprintf("rampart_test_%d_%d", os.Getpid(), dbSeq.Add(1))
	admin, err := pgx.Connect(ctx, clusterURL)
	if err != nil {
		t.Fatalf("connecting to the test cluster: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, clusterURL)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return withDatabase(clusterURL, name)
}

func withDatabase(url, name string) string {
	base, query, _ := strings.Cut(url, "?")
	if i := strings.LastIndex(base, "/"); i > len("postgres://") {
		base = base[:i]
	}
	out := base + "/" + name
	if query != "" {
		out += "?" + query
	}
	return out
}

// findBin finds a PostgreSQL server program on PATH or in Debian's
// versioned directories.
func findBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found on PATH or in /usr/lib/postgresql/*/bin", name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startCluster creates and starts a cluster in a temporary directory. The
// server refuses to run as root, so as root it runs as the postgres user.
func startCluster() (string, func(), error) {
	initdb, err := findBin("initdb")
	if err != nil {
		return "", nil, err
	}
	pgctl, err := findBin("pg_ctl")
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "rampart-pg-")
	if err != nil {
		return "", nil, err
	}
	asPostgres, err := serverUser(dir)
	if err != nil {
		return "", nil, err
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		asPostgres(cmd)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	port, err := freePort()
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if err := run(pgctl, "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	stop := func() {
		_ = run(pgctl, "-D", data, "-m", "immediate", "-w", "stop")
		_ = os.RemoveAll(dir)
	}
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		c, err := pgx.Connect(ctx, url)
		if err == nil {
			_ = c.Close(ctx)
			return url, stop, nil
		}
		if ctx.Err() != nil {
			stop()
			return "", nil, fmt.Errorf("the test cluster did not answer: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// SQLite returns the path of a new database file in t's temporary directory.
func SQLite(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "rampart.db")
}
