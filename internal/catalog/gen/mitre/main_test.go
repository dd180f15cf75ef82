package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	o := options{
		enterprise: write("e.json", `{"type": "bundle", "objects": [{"type": "attack-pattern", "id": "attack-pattern--1", "name": "Brute Force",
			"external_references": [{"source_name": "mitre-attack", "external_id": "T1110"}]}]}`),
		ics: write("i.json", `{"type": "bundle", "objects": [{"type": "x-mitre-collection", "id": "x-mitre-collection--1", "name": "ICS ATT&CK", "x_mitre_version": "18.1"}, {"type": "attack-pattern", "id": "attack-pattern--2", "name": "Spoof",
			"external_references": [{"source_name": "mitre-ics-attack", "external_id": "T0856"}]}]}`),
		capec: write("c.json", `{"objects": [{"type": "attack-pattern", "name": "Password Brute Forcing", "x_capec_version": "3.9",
			"external_references": [{"source_name": "capec", "external_id": "CAPEC-49"}]}]}`),
		d3fend:            write("d.ttl", `:T1110 :attack-id "T1110" . :MFA rdfs:label "Multi-factor Authentication" ; :d3fend-id "D3-MFA" .`),
		enterpriseVersion: "18.1", d3fendVersion: "1.2.0",
		out: filepath.Join(dir, "mitre_gen.json"),
	}
	if err := run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(o.out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`{"id":"T1110","name":"Brute Force"}`, `{"id":49,"name":"Password Brute Forcing"}`, `{"name":"D3FEND","version":"1.2.0"}`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated file lacks %s:\n%s", want, src)
		}
	}
	bad := o
	bad.d3fend = filepath.Join(dir, "missing.ttl")
	if err := run(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "missing.ttl") {
		t.Errorf("a missing input gave %v", err)
	}
	bad = o
	bad.capec = write("bad.json", "{")
	if err := run(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("a bad input gave %v, want an error naming the file", err)
	}
	if got, _ := os.ReadFile(o.out); string(got) != string(src) {
		t.Error("a failed run changed the output file")
	}
}
