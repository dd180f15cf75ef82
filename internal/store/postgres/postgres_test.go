package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/postgres"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func open(t *testing.T) store.Store {
	s, err := postgres.Open(context.Background(), storetest.Postgres(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func TestSuite(t *testing.T) { storetest.Run(t, open) }

func TestBadURLKeepsThePasswordOut(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://u:s3cret@host:notaport/db", store.Options{})
	if err == nil {
		t.Fatal("a bad URL opened")
	}
	if got := err.Error(); strings.Contains(got, "s3cret") {
		t.Fatalf("error repeats the password: %s", got)
	}
}
