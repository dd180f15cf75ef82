package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
)

func TestCatalogShow(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want []string // substrings of stdout (or stderr when code != 0)
	}{
		{[]string{"catalog", "show", "T1078"}, exitOK, []string{"T1078        Valid Accounts", "TA0001  Initial Access",
			"M1032  Multi-factor Authentication", "D3-MFA  Multi-factor Authentication", "CAPEC-560  Use of Known Domain Credentials",
			"CWE-308", "admin-interface-without-mfa"}},
		{[]string{"catalog", "show", "t1059.007"}, exitOK, []string{"Command and Scripting Interpreter: JavaScript", "TA0002  Execution"}},
		{[]string{"catalog", "show", "T0866"}, exitOK, []string{"ATT&CK       ics", "Rules        (none)"}},
		{[]string{"catalog", "show", "CAPEC-66"}, exitOK, []string{"CAPEC-66  SQL Injection", "CWE-89", "sql-nosql-injection"}},
		{[]string{"catalog", "show", "CWE-89"}, exitOK, []string{"Kind    weakness", "CAPEC-66  SQL Injection", "sql-nosql-injection"}},
		{[]string{"catalog", "show", "CAPEC-999999"}, exitUsage, []string{"CAPEC-999999 is not in the CAPEC catalog 3.9"}},
		{[]string{"catalog", "show", "CWE-x"}, exitUsage, []string{"CWE-x is not in the CWE catalog"}},
		{[]string{"catalog", "show", "phishing"}, exitUsage, []string{`"phishing" is not a technique`, "'rampart catalog search phishing' finds"}},
		{[]string{"catalog", "show", "zzzz"}, exitUsage, []string{"show takes an ATT&CK technique (T1190), CAPEC-N or CWE-N"}},
		{[]string{"catalog", "show", "T1078", "-f", "yaml"}, exitUsage, []string{`--format "yaml": want one of text, json`}},
		{[]string{"catalog", "search", "sql", "injection"}, exitOK, []string{"ID", "CAPEC-66   capec  SQL Injection"}},
		{[]string{"catalog", "search", "nothing-matches-this"}, exitOK, nil},
		{[]string{"catalog", "search", " "}, exitUsage, []string{"nothing to search for"}},
		{[]string{"catalog", "sources"}, exitOK, []string{"ATT&CK Enterprise  18.1", "CAPEC              3.9", "D3FEND             1.2.0", "CWE                4.15"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, stderr := rulesRun(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			text := out
			if code != exitOK {
				text = stderr
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestCatalogJSON(t *testing.T) {
	code, out, stderr := rulesRun(t, "catalog", "show", "T1190", "-f", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s catalogShow
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Kind != "technique" || s.Technique == nil || s.Technique.Name != "Exploit Public-Facing Application" || len(s.Rules) == 0 || len(s.Technique.Mitigations) == 0 {
		t.Errorf("show T1190 = %s", out)
	}
	code, out, _ = rulesRun(t, "catalog", "search", "nothing-matches-this", "-f", "json")
	if code != exitOK || strings.TrimSpace(out) != "[]" {
		t.Errorf("empty search = %d %q, want an empty JSON list", code, out)
	}
	// -o FILE.json writes JSON, whole.
	path := filepath.Join(t.TempDir(), "found.json")
	code, _, stderr = rulesRun(t, "catalog", "search", "brute", "force", "-o", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var found []catalog.Entry
	if err := json.Unmarshal(data, &found); err != nil || len(found) == 0 || found[0].ID != "T1110" {
		t.Errorf("search file = %s (%v)", data, err)
	}
	if !strings.Contains(stderr, "wrote "+path) {
		t.Errorf("stderr %q does not say the file was written", stderr)
	}
}
