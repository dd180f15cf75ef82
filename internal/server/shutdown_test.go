package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// TestGracefulShutdownFinishesRequestsInFlight starts shutting the server
// down while a request's body is still arriving: the request completes,
// new connections are refused, and Serve returns without error.
func TestGracefulShutdownFinishesRequestsInFlight(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.setUp()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	authn, err := auth.New(e.st, auth.Options{Params: fast, Now: e.clock.Now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(e.st, register.New(e.st, register.WithClock(e.clock)), authn, server.Options{Logger: quiet, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, l, 10*time.Second) }()

	pr, pw := io.Pipe()
	u := "http://" + l.Addr().String() + "/api/v1/systems/payments/threats/" + url.PathEscape("missing-hardening@db") + "/comments"
	req, _ := http.NewRequest("POST", u, pr)
	req.Header.Set("Authorization", "Bearer "+e.tokens["dev"])
	req.Header.Set("Content-Type", "application/json")
	got := make(chan int, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			got <- 0
			return
		}
		res.Body.Close()
		got <- res.StatusCode
	}()
	if _, err := pw.Write([]byte(`{"text": "half`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the server is reading the body
	cancel()                           // SIGTERM
	time.Sleep(300 * time.Millisecond)
	if c, err := net.DialTimeout("tcp", l.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("the server still accepts connections while shutting down")
	}
	if _, err := pw.Write([]byte(` of a comment"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if code := <-got; code != http.StatusCreated {
		t.Errorf("the request in flight got %d, want 201", code)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
}
