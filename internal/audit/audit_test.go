package audit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/audit"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func fill(t *testing.T, s store.Store) {
	t.Helper()
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	for i, action := range []string{"system.create", "threat.update", "acceptance.decide", "review.complete"} {
		err := s.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
			_, err := audit.Append(ctx, tx, at.Add(time.Duration(i)*time.Minute), audit.Record{
				Actor: "rose", Action: action, Object: "system/payments",
				Data: map[string]any{"step": i, "note": "<b>&</b>", "z": []string{"b", "a"}},
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestTamper(t *testing.T) {
	cases := []struct {
		name   string
		sql    []string
		wantIn string
	}{
		{"intact", nil, ""},
		{"edited actor", []string{`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`}, "content was edited"},
		{"edited data", []string{`UPDATE audit_log SET data = '{"step":9}' WHERE seq = 3`}, "content was edited"},
		{"deleted middle", []string{`DELETE FROM audit_log WHERE seq = 2`}, "entries are missing"},
		{"deleted tail", []string{`DELETE FROM audit_log WHERE seq = 4`}, "entries at the end were removed"},
		{"reordered", []string{
			`UPDATE audit_log SET seq = 100 WHERE seq = 2`,
			`UPDATE audit_log SET seq = 2 WHERE seq = 3`,
			`UPDATE audit_log SET seq = 3 WHERE seq = 100`,
		}, "does not carry the hash"},
		{"rehashed edit", []string{
			// An intruder who edits an entry and fixes up its own hash still breaks the next link.
			`UPDATE audit_log SET actor = 'mallory', hash = 'x' WHERE seq = 2`,
		}, "does not carry the hash"},
	}
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					s := e.Open(t, store.Options{})
					fill(t, s)
					for _, q := range c.sql {
						e.Exec(t, s, q)
					}
					rep, err := audit.Verify(context.Background(), s)
					if c.wantIn == "" {
						if err != nil || rep.Entries != 4 || !rep.OK() {
							t.Fatalf("intact trail: %v, %+v", err, rep)
						}
						return
					}
					if !errors.Is(err, audit.ErrTampered) {
						t.Fatalf("Verify = %v, want ErrTampered", err)
					}
					found := false
					for _, p := range rep.Problems {
						found = found || strings.Contains(p.Message, c.wantIn)
					}
					if !found {
						t.Fatalf("problems %+v do not say %q", rep.Problems, c.wantIn)
					}
				})
			}
		})
	}
}

func TestExportAndCanonical(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			s := e.Open(t, store.Options{})
			fill(t, s)
			var buf bytes.Buffer
			n, err := audit.Export(context.Background(), s, &buf, store.AuditFilter{After: 1})
			if err != nil || n != 3 {
				t.Fatalf("export = %d, %v", n, err)
			}
			sc := bufio.NewScanner(&buf)
			var prev string
			for i := 0; sc.Scan(); i++ {
				var got struct {
					Seq      int64           `json:"seq"`
					At       string          `json:"at"`
					Data     json.RawMessage `json:"data"`
					PrevHash string          `json:"prev_hash"`
					Hash     string          `json:"hash"`
				}
				if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
					t.Fatalf("line %d: %v", i+1, err)
				}
				if got.Seq != int64(i+2) || (prev != "" && got.PrevHash != prev) || len(got.Hash) != 64 {
					t.Fatalf("line %d = %s", i+1, sc.Bytes())
				}
				if want := `{"note":"<b>&</b>","step":` + string(rune('0'+i+1)) + `,"z":["b","a"]}`; string(got.Data) != want {
					t.Fatalf("data = %s, want %s", got.Data, want)
				}
				prev = got.Hash
			}
		})
	}
}

func TestCanonicalIsStable(t *testing.T) {
	e := store.AuditEntry{Seq: 7, At: time.Date(2026, 12, 1, 9, 0, 0, 1500, time.UTC), Actor: "a\"b", Action: "x",
		Object: "o", Data: []byte(" { \"b\": 1.50, \"a\": [true, null] } "), PrevHash: "p"}
	got, err := audit.Canonical(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"seq":7,"at":"2026-12-01T09:00:00.000001Z","actor":"a\"b","action":"x","object":"o","data":{"a":[true,null],"b":1.50},"prev_hash":"p"}`
	if string(got) != want {
		t.Fatalf("canonical =\n%s\nwant\n%s", got, want)
	}
	h1, _ := audit.Hash(e)
	e.Data = []byte(`{"a":[true,null],"b":1.50}`)
	h2, _ := audit.Hash(e)
	if h1 != h2 {
		t.Fatal("the hash depends on insignificant whitespace or key order")
	}
}
