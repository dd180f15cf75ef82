package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rampart-sec/rampart/internal/testfixtures"
)

func TestDiagramCommand(t *testing.T) {
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "low", 1))
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		code  int
		out   string // expected in stdout
		err   string // expected in stderr
		file  string // written file
		check func(t *testing.T, data []byte)
	}{
		{name: "dot to stdout", args: []string{"diagram", model}, out: "digraph dfd {"},
		{name: "tinted by risk", args: []string{"diagram", model, "--format", "dot"}, out: "RISK</B>"},
		{name: "no risk", args: []string{"diagram", model, "--no-risk", "--no-legend"}, out: "digraph dfd {"},
		{name: "svg file", args: []string{"diagram", model, "-o", filepath.Join(dir, "d.svg")}, file: "d.svg",
			check: func(t *testing.T, data []byte) {
				if !bytes.Contains(data, []byte("<svg")) {
					t.Error("no <svg> element")
				}
			}},
		{name: "png file", args: []string{"diagram", model, "-o", filepath.Join(dir, "d.png")}, file: "d.png",
			check: func(t *testing.T, data []byte) {
				if _, err := png.Decode(bytes.NewReader(data)); err != nil {
					t.Errorf("PNG does not decode: %v", err)
				}
			}},
		{name: "highlight path", args: []string{"diagram", model, "--highlight-path", "1"}, out: `color="#1d4ed8"`},
		{name: "highlight ids", args: []string{"diagram", model, "--highlight", "user,api"}, out: `"api" [id="c-api"`},
		{name: "unknown highlight id", args: []string{"diagram", model, "--highlight", "apj"}, code: exitUsage, err: "did you mean 'api'"},
		{name: "path out of range", args: []string{"diagram", model, "--highlight-path", "99"}, code: exitUsage, err: "attack path"},
		{name: "both highlights", args: []string{"diagram", model, "--highlight-path", "1", "--highlight", "api"}, code: exitUsage, err: "not both"},
		{name: "unknown extension", args: []string{"diagram", model, "-o", filepath.Join(dir, "d.gif")}, code: exitUsage, err: "ending in .svg, .png, .dot"},
		{name: "unknown format", args: []string{"diagram", model, "--format", "gif"}, code: exitUsage, err: "unknown format \"gif\""},
		{name: "missing model", args: []string{"diagram", filepath.Join(dir, "none.yaml")}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errOut)
			}
			if !strings.Contains(out, tt.out) {
				t.Errorf("stdout lacks %q:\n%.400s", tt.out, out)
			}
			if !strings.Contains(errOut, tt.err) {
				t.Errorf("stderr lacks %q: %s", tt.err, errOut)
			}
			if tt.code == exitOK && strings.Contains(errOut, "\033[K") {
				t.Errorf("progress went to a stderr that is not a terminal: %q", errOut)
			}
			if tt.file != "" {
				data, err := os.ReadFile(filepath.Join(dir, tt.file))
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, data)
			}
		})
	}
}

func TestReportCommand(t *testing.T) {
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "low", 1))
	invalid := writeModel(t, "rampart: 1\nsystem: {id: x, name: X}\ncomponents:\n  - {id: a, type: bogus}\n")
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		code  int
		out   string
		err   string
		file  string
		check func(t *testing.T, data []byte)
	}{
		{name: "html to stdout", args: []string{"report", model}, out: `<html lang="en">`},
		{name: "html file", args: []string{"report", model, "-o", filepath.Join(dir, "r.html")}, file: "r.html",
			check: func(t *testing.T, data []byte) {
				if !bytes.Contains(data, []byte("missing-authentication@u-a")) || !bytes.Contains(data, []byte("<svg")) {
					t.Error("the report lacks the threat or the diagram")
				}
			}},
		{name: "html summary", args: []string{"report", model, "--summary", "-o", filepath.Join(dir, "s.html")}, file: "s.html",
			check: func(t *testing.T, data []byte) {
				if !bytes.Contains(data, []byte("executive summary")) || bytes.Contains(data, []byte(`id="register"`)) {
					t.Error("--summary did not write the executive summary only")
				}
			}},
		{name: "pdf file", args: []string{"report", model, "--format", "pdf", "-o", filepath.Join(dir, "r.out")}, file: "r.out",
			check: func(t *testing.T, data []byte) {
				if !bytes.HasPrefix(data, []byte("%PDF-")) {
					t.Error("not a PDF")
				}
			}},
		{name: "xlsx file", args: []string{"report", model, "-o", filepath.Join(dir, "r.xlsx")}, file: "r.xlsx",
			check: func(t *testing.T, data []byte) {
				f, err := excelize.OpenReader(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("workbook does not open: %v", err)
				}
				defer f.Close()
				v, err := f.GetCellValue("Threats", "A2")
				if err != nil || v != "missing-authentication@u-a" {
					t.Errorf("Threats!A2 = %q, %v", v, err)
				}
			}},
		{name: "machine format", args: []string{"report", model, "-o", filepath.Join(dir, "r.json")}, file: "r.json",
			check: func(t *testing.T, data []byte) {
				var v map[string]any
				if err := json.Unmarshal(data, &v); err != nil {
					t.Errorf("not JSON: %v", err)
				}
			}},
		{name: "unknown format", args: []string{"report", model, "-o", filepath.Join(dir, "r.doc")}, code: exitUsage, err: "cannot tell the format"},
		{name: "invalid model writes nothing", args: []string{"report", invalid, "-o", filepath.Join(dir, "bad.html")}, code: exitFindings, err: "problem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errOut)
			}
			if !strings.Contains(out, tt.out) {
				t.Errorf("stdout lacks %q", tt.out)
			}
			if !strings.Contains(errOut, tt.err) {
				t.Errorf("stderr lacks %q: %s", tt.err, errOut)
			}
			if tt.code == exitOK && strings.Contains(errOut, "\033[K") {
				t.Errorf("progress went to a stderr that is not a terminal: %q", errOut)
			}
			if tt.file != "" {
				data, err := os.ReadFile(filepath.Join(dir, tt.file))
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, data)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.html")); !os.IsNotExist(err) {
		t.Errorf("a failed report left a file behind: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

// TestReportDetectionCoverage: --sigma adds the detection-coverage section
// to the HTML report, and is refused when no HTML is written.
func TestReportDetectionCoverage(t *testing.T) {
	rules := testfixtures.Path(t, "sigma/rules")
	dir := t.TempDir()
	out := filepath.Join(dir, "r.html")
	code, _, stderr := runCLI(t, "report", "../../examples/online-shop.yaml", "--sigma", rules, "--sigma-pipeline", "none", "-o", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<section id="detection"`, "threats no rule detects", `<b class="flag">no rule</b>`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the report lacks %q", want)
		}
	}
	code, _, stderr = runCLI(t, "report", "../../examples/online-shop.yaml", "--sigma", rules, "-o", filepath.Join(dir, "r.pdf"))
	if code != exitUsage || !strings.Contains(stderr, "rampart coverage") {
		t.Errorf("--sigma with a PDF: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "r.pdf")); err == nil {
		t.Error("the PDF was written")
	}
}
