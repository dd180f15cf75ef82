package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

const badThreagile = `threagile_version: 1.0.0
title: Broken
business_criticality: important
data_assets: {}
technical_assets:
  Web:
    id: web
    type: process
    usage: business
    size: component
    technology: web-thing
    machine: virtual
    encryption: none
    confidentiality: internal
    integrity: operational
    availability: operational
`

func TestImportCommand(t *testing.T) {
	example := threagileFixture(t, "threagile-example-model.yaml")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(badThreagile), 0o644); err != nil {
		t.Fatal(err)
	}
	notAModel := filepath.Join(dir, "notes.yaml")
	if err := os.WriteFile(notAModel, []byte("shopping: [milk]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dragon := filepath.Join(dir, "shop.json")
	if err := os.WriteFile(dragon, []byte(`{"version": "2.3.0", "summary": {"title": "Shop"}, "detail": {"diagrams": [{"cells": [
  {"id": "s", "shape": "store", "position": {"x": 0, "y": 0}, "size": {"width": 100, "height": 100},
   "data": {"type": "tm.Store", "name": "MySQL database"}}]}]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.yaml")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"detected format", []string{"import", example, "-o", out}, exitOK, "", "wrote " + out},
		{"named format", []string{"import", "--from", "threagile", example, "-o", out}, exitOK, "", "warning: "},
		{"to stdout", []string{"import", example}, exitOK, "# Imported from the Threagile model threagile-example-model.yaml.", "risk_tracking key"},
		{"bad foreign file", []string{"import", bad, "-o", filepath.Join(dir, "never.yaml")}, exitFindings, "",
			"bad.yaml:11:17: technical_assets['Web'].technology: unknown value 'web-thing'"},
		{"inferred from names", []string{"import", dragon}, exitOK, "# Values read from names and labels carry an inferred-* tag",
			"shop.json:2:3: warning: detail.diagrams[0].cells[0]: component 's': inferred type database (from 'mysql')"},
		{"unknown format", []string{"import", "--from", "visio", example}, exitUsage, "", "unknown format \"visio\""},
		{"undetectable", []string{"import", notAModel}, exitUsage, "", "cannot tell which tool's format"},
		{"missing file", []string{"import", filepath.Join(dir, "nope.yaml")}, exitUsage, "", "nope.yaml"},
		{"no arguments", []string{"import"}, exitUsage, "", "accepts 1 arg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %.500s\nstderr: %.2000s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%.500s", tc.stdout, stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%.2000s", tc.stderr, stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "never.yaml")); !os.IsNotExist(err) {
		t.Errorf("a file was written for an invalid input (%v)", err)
	}
	m, problems, err := model.Load(context.Background(), out, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("imported model does not validate: %v", errs)
	}
	if len(m.Components) != 14 || len(m.Flows) != 20 || len(m.Treatments) == 0 {
		t.Errorf("imported model: %d components, %d flows, %d treatments", len(m.Components), len(m.Flows), len(m.Treatments))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestForeignFilesAccepted runs validate on a Threagile file directly,
// detected from its content and named with --from.
func TestForeignFilesAccepted(t *testing.T) {
	example := threagileFixture(t, "threagile-example-model.yaml")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte(badThreagile), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"detected", []string{"validate", example}, exitOK, "threagile-example-model.yaml: ok", ""},
		{"named", []string{"validate", "--from", "threagile", example}, exitOK, "ok", ""},
		{"invalid foreign file", []string{"validate", bad}, exitFindings, "bad.yaml:11:17: technical_assets['Web'].technology", ""},
		{"forced rampart", []string{"validate", "--from", "rampart", example}, exitFindings, "not a Rampart model: 17 of its 18 top-level keys are not model sections", ""},
		{"unknown --from", []string{"validate", "--from", "visio", example}, exitUsage, "", "unknown format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %.1000s\nstderr: %.1000s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stdout %q / stderr %q lack %q / %q", stdout, stderr, tc.stdout, tc.stderr)
			}
		})
	}
}

// threagileFixture returns the path of a shared Threagile sample model.
func threagileFixture(t *testing.T, name string) string {
	t.Helper()
	return testfixtures.Path(t, "threagile/"+name)
}
