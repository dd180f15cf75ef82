package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeDetects: serve --rules runs ingest on an embedded JetStream
// beside the register and a detection worker; a log shipper's token sends
// events, and the alerts are listed by the API and counted in the metrics.
func TestServeDetects(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "rampart.db")
	rules := filepath.Join(dir, "rules")
	if err := os.MkdirAll(rules, 0o755); err != nil {
		t.Fatal(err)
	}
	rule := "title: cmd\nid: 55555555-5555-5555-5555-555555555555\nlevel: high\nlogsource: {product: windows}\n" +
		"detection:\n  s:\n    Image|endswith: '\\cmd.exe'\n  condition: s\n"
	if err := os.WriteFile(filepath.Join(rules, "cmd.yml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RAMPART_ADMIN_PASSWORD", "a long admin password")
	n := startServe(t, "--db", db, "--rules", rules, "--pipeline", "none", "--partitions", "4", "--detect-workers", "2")
	if !strings.Contains(n.stderr.String(), "events: embedded JetStream, data in "+filepath.Join(dir, "jetstream")) {
		t.Fatalf("serve did not say where events are kept: %s", n.stderr)
	}
	tokens := bootstrap(t, db, map[string]string{"dev": "developer@team:team-pay", "shipper": "ingest@system:payments", "lee": "security-lead"})
	t.Setenv("RAMPART_SERVER", n.url)
	t.Setenv("RAMPART_TOKEN", tokens["dev"])
	if code, stdout, stderr := runCLI(t, "push", serverModel(t)); code != 0 {
		t.Fatalf("push: %d %s %s", code, stdout, stderr)
	}

	const events = 50
	var body strings.Builder
	for i := range events {
		fmt.Fprintf(&body, `{"EventID":1,"Image":"C:\\Windows\\cmd.exe","n":%d}`+"\n", i)
	}
	body.WriteString("not an event\n")
	req, _ := http.NewRequest("POST", n.url+"/api/v1/systems/payments/events", strings.NewReader(body.String()))
	req.Header.Set("Authorization", "Bearer "+tokens["shipper"])
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Accepted, Rejected int }
	_ = json.NewDecoder(res.Body).Decode(&got)
	res.Body.Close()
	if res.StatusCode != 202 || got.Accepted != events || got.Rejected != 1 {
		t.Fatalf("ingest: %d %+v", res.StatusCode, got)
	}
	var list struct {
		Items []struct {
			Count int `json:"count"`
		}
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		st, _, data := apiCall(t, tokens["lee"], "GET", n.url+"/api/v1/alerts?system=payments", nil)
		if st != 200 {
			t.Fatalf("list alerts: %d %s", st, data)
		}
		_ = json.Unmarshal(data, &list)
		if len(list.Items) == 1 && list.Items[0].Count == events {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alerts after 30s: %s", data)
		}
	}
	_, _, metrics := apiCall(t, "", "GET", n.url+"/metrics", nil)
	want := fmt.Sprintf(`rampart_alerts_total{level="high",rule="55555555-5555-5555-5555-555555555555",system="payments"} %d`, events)
	if !strings.Contains(string(metrics), want) {
		t.Errorf("metrics lack %s", want)
	}
	n.shutdown(t)
}

func TestServeDetectionFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--nats", "nats://127.0.0.1:1"}, "--nats needs --rules"},
		{[]string{"--rules", "does-not-exist"}, "does-not-exist"},
	}
	for _, c := range cases {
		db := filepath.Join(t.TempDir(), "r.db")
		code, _, stderr := runCLI(t, append([]string{"serve", "--db", db, "--listen", "127.0.0.1:0"}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("serve %v: %d %s, want exit 2 naming %q", c.args, code, stderr, c.want)
		}
	}
}
