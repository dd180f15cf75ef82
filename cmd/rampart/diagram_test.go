package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/reporttest"
)

// componentRe finds the components a picture draws one by one (SVG writes
// the hyphen of their ids as &#45;).
var componentRe = regexp.MustCompile(`id="c(?:-|&#45;)(c[0-9]{4})"`)

// graphRe finds the graphs of a DOT file.
var graphRe = regexp.MustCompile(`(?m)^digraph `)

// TestDiagramLargeModel draws a model past the one-picture limit: an
// overview and one file per top-level trust boundary (a boundary of more
// than 150 components in two parts), every component on exactly one of
// them, a "wrote" line for each; DOT keeps every picture in one output;
// --single draws one picture; SVG to standard output is refused.
func TestDiagramLargeModel(t *testing.T) {
	// 400 components: zone-0 holds zones 1-3 and zone-4 holds 5-7 (160
	// components each), and 80 users are outside every boundary.
	src, err := model.Marshal(reporttest.Model(400))
	if err != nil {
		t.Fatal(err)
	}
	path := writeModel(t, string(src))
	dir := t.TempDir()
	want := []string{"overview", "zone-0", "zone-0-part-2", "zone-4", "zone-4-part-2", "outside"}

	t.Run("svg files", func(t *testing.T) {
		out := filepath.Join(dir, "dfd.svg")
		code, stdout, stderr := runCLI(t, "diagram", path, "-o", out)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if stdout != "" {
			t.Errorf("stdout: %q", stdout)
		}
		if !strings.Contains(stderr, "400 components are too many for one readable picture: drawing an overview and 5 trust-boundary diagrams") {
			t.Errorf("stderr does not say why the diagram is split: %s", stderr)
		}
		var wrote []string
		for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
			if p, ok := strings.CutPrefix(line, "wrote "); ok {
				wrote = append(wrote, strings.TrimSuffix(p, " (svg)"))
			}
		}
		var wantFiles []string
		for _, id := range want {
			wantFiles = append(wantFiles, filepath.Join(dir, "dfd."+id+".svg"))
		}
		if !slices.Equal(wrote, wantFiles) {
			t.Errorf("wrote\n%s\nwant\n%s", strings.Join(wrote, "\n"), strings.Join(wantFiles, "\n"))
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s was written as well", out)
		}
		drawn := map[string]string{}
		for i, f := range wantFiles {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), "<svg") {
				t.Fatalf("%s is not SVG", f)
			}
			ids := componentRe.FindAllStringSubmatch(string(data), -1)
			if i == 0 {
				if len(ids) != 0 {
					t.Errorf("the overview draws %d single components, want boundaries only", len(ids))
				}
				if !strings.Contains(string(data), "Zone 4") {
					t.Error("the overview lacks the boundary Zone 4")
				}
				continue
			}
			if len(ids) == 0 || len(ids) > 150 {
				t.Errorf("%s draws %d components", f, len(ids))
			}
			for _, id := range ids {
				if prev, dup := drawn[id[1]]; dup {
					t.Errorf("%s is drawn in %s and %s", id[1], prev, f)
				}
				drawn[id[1]] = f
			}
		}
		if len(drawn) != 400 {
			t.Errorf("the boundary pictures draw %d of 400 components", len(drawn))
		}
	})

	t.Run("dot keeps every picture in one output", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "diagram", path)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if n := len(graphRe.FindAllString(stdout, -1)); n != len(want) {
			t.Errorf("%d graphs, want %d", n, len(want))
		}
		for _, intro := range []string{"// Picture 1 of 6: Big system: overview\ndigraph ", "// Picture 2 of 6: Zone 0 (part 1 of 2)\ndigraph ", "// Picture 6 of 6: Outside every trust boundary\ndigraph "} {
			if !strings.Contains(stdout, intro) {
				t.Errorf("the DOT lacks %q", intro)
			}
		}
	})

	t.Run("single picture", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "diagram", path, "--single", "-f", "dot")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if n := len(graphRe.FindAllString(stdout, -1)); n != 1 {
			t.Errorf("--single wrote %d graphs", n)
		}
		if n := len(componentRe.FindAllString(stdout, -1)); n != 400 {
			t.Errorf("--single draws %d of 400 components", n)
		}
	})

	t.Run("svg to stdout", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "diagram", path, "-f", "svg")
		if code != exitUsage {
			t.Fatalf("exit %d, want %d", code, exitUsage)
		}
		if stdout != "" || !strings.Contains(stderr, "cannot go to standard output") || !strings.Contains(stderr, "--single") {
			t.Errorf("stdout %q, stderr %q", stdout, stderr)
		}
	})
}

func TestPagePath(t *testing.T) {
	tests := []struct{ path, id, want string }{
		{"dfd.svg", "overview", "dfd.overview.svg"},
		{filepath.Join("out", "m.v2.png"), "zone-1-part-2", filepath.Join("out", "m.v2.zone-1-part-2.png")},
		{"dfd", "outside", "dfd.outside"},
		{"dfd.svg", "net:dmz", "dfd.net_dmz.svg"},
	}
	for _, tt := range tests {
		if got := pagePath(tt.path, tt.id); got != tt.want {
			t.Errorf("pagePath(%q, %q) = %q, want %q", tt.path, tt.id, got, tt.want)
		}
	}
}

// TestAnalyzeOutDiagramSplits checks that analyze --out svg=PATH splits a
// large model into the pictures 'rampart diagram -o PATH' writes, with the
// same names and bytes and a "wrote" line for each, next to the other
// outputs; --single writes PATH as one picture.
func TestAnalyzeOutDiagramSplits(t *testing.T) {
	src, err := model.Marshal(reporttest.Model(400))
	if err != nil {
		t.Fatal(err)
	}
	path := writeModel(t, string(src))
	diagDir, anDir := t.TempDir(), t.TempDir()
	if code, _, stderr := runCLI(t, "diagram", path, "-o", filepath.Join(diagDir, "dfd.svg")); code != exitOK {
		t.Fatalf("diagram: exit %d: %s", code, stderr)
	}
	code, _, stderr := runCLI(t, "analyze", path, "--out", "svg="+filepath.Join(anDir, "dfd.svg"), "--out", "json="+filepath.Join(anDir, "threats.json"))
	if code != exitOK {
		t.Fatalf("analyze: exit %d: %s", code, stderr)
	}
	want, err := os.ReadDir(diagDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 2 {
		t.Fatalf("diagram wrote %d file(s), want a split", len(want))
	}
	for _, e := range want {
		a, errA := os.ReadFile(filepath.Join(anDir, e.Name()))
		d, errD := os.ReadFile(filepath.Join(diagDir, e.Name()))
		if errA != nil || errD != nil {
			t.Fatalf("%s: %v, %v", e.Name(), errA, errD)
		}
		if string(a) != string(d) {
			t.Errorf("analyze and diagram draw %s differently", e.Name())
		}
		if line := "wrote " + filepath.Join(anDir, e.Name()) + " (svg)\n"; !strings.Contains(stderr, line) {
			t.Errorf("stderr lacks %q", line)
		}
	}
	if !strings.Contains(stderr, "wrote "+filepath.Join(anDir, "threats.json")+" (json)") {
		t.Errorf("the json output is missing: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(anDir, "dfd.svg")); err == nil {
		t.Error("dfd.svg was written next to its pages")
	}

	single := filepath.Join(t.TempDir(), "all.dot")
	if code, _, stderr := runCLI(t, "analyze", path, "--single", "--out", "dot="+single); code != exitOK {
		t.Fatalf("analyze --single: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(single)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(graphRe.FindAllString(string(data), -1)); n != 1 {
		t.Errorf("--single wrote %d graphs", n)
	}
	if n := len(componentRe.FindAllString(string(data), -1)); n != 400 {
		t.Errorf("--single draws %d of 400 components", n)
	}
}
