package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
)

func TestRegistryHoldsEveryFormat(t *testing.T) {
	want := "csv dot html json markdown pdf png sarif svg table xlsx"
	if got := strings.Join(Names(), " "); got != want {
		t.Errorf("formats %q, want %q", got, want)
	}
	for _, tc := range []struct {
		path, format string
		binary       bool
	}{
		{"threats.json", "json", false},
		{"THREATS.md", "markdown", false},
		{"rampart.sarif", "sarif", false},
		{"results.sarif.json", "sarif", false},
		{"my.report.json", "json", false},
		{"register.csv", "csv", false},
		{"report.HTML", "html", false},
		{"report.htm", "html", false},
		{"x.pdf", "pdf", true},
		{"register.xlsx", "xlsx", true},
		{"dfd.svg", "svg", false},
		{"dfd.png", "png", true},
		{"dfd.gv", "dot", false},
		{"summary.txt", "table", false},
	} {
		f, err := ForPath(tc.path)
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		if f.Name() != tc.format || f.Binary() != tc.binary {
			t.Errorf("%s: format %s (binary %v), want %s (binary %v)", tc.path, f.Name(), f.Binary(), tc.format, tc.binary)
		}
	}
	if _, err := ForPath("report.docx"); err == nil || !strings.Contains(err.Error(), ".xlsx") {
		t.Errorf("unknown extension: %v, want the list of known ones", err)
	}
}

func TestLookupSuggests(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"jsn", "did you mean 'json'?"},
		{"sarf", "did you mean 'sarif'?"},
		{"MD", ""},
		{"text", ""},
	} {
		f, err := Lookup(tc.name)
		if tc.want == "" {
			if err != nil || f == nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestMustRegisterIsChecked: a second format of an existing name or
// extension is refused, never silently shadowing the first.
func TestMustRegisterIsChecked(t *testing.T) {
	nop := func(context.Context, io.Writer, *analysis.Result, Options) error { return nil }
	for _, f := range []*format{
		{name: "json", exts: []string{"json2"}, write: nop},
		{name: "json2", exts: []string{"json"}, write: nop},
		{name: "", write: nop},
		{name: "Upper", write: nop},
		{name: "dotted", exts: []string{".x"}, write: nop},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("registering %q (%v) did not panic", f.name, f.exts)
				}
			}()
			MustRegister(f)
		}()
	}
	if f, _ := Lookup("json"); f.Extensions()[0] != "json" {
		t.Error("the json format was replaced")
	}
}

// TestEveryFormatWrites renders the first example in every registered
// format (documents and diagrams included) and checks each output starts
// as its format does.
func TestEveryFormatWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("renders PDF and diagrams")
	}
	t.Chdir("../..")
	r := analyse(t, examples[0])
	magic := map[string]string{
		"csv": "id,", "dot": "digraph", "html": "<!doctype html>", "json": "{", "markdown": "#",
		"pdf": "%PDF-", "png": "\x89PNG", "sarif": "{", "svg": "<?xml", "table": "Rampart analysis", "xlsx": "PK",
	}
	for _, f := range Formats() {
		var buf bytes.Buffer
		if err := f.Write(context.Background(), &buf, r, Options{}); err != nil {
			t.Errorf("%s: %v", f.Name(), err)
			continue
		}
		if m, ok := magic[f.Name()]; !ok || !bytes.HasPrefix(bytes.ToLower(buf.Bytes()[:min(buf.Len(), 20)]), bytes.ToLower([]byte(m))) {
			t.Errorf("%s output starts %.20q, want %q", f.Name(), buf.Bytes(), m)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, _ := Lookup("html")
	if err := f.Write(ctx, io.Discard, r, Options{}); err == nil {
		t.Error("a cancelled context did not stop the HTML report")
	}
}

func TestTableFitsAndFilters(t *testing.T) {
	t.Chdir("../..")
	r := analyse(t, examples[0])
	tests := []struct {
		name  string
		opts  TableOptions
		check func(t *testing.T, out string)
	}{
		{"fits 100 columns with colour", TableOptions{Width: 100, Color: true}, func(t *testing.T, out string) {
			rows := 0
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, ".yaml:") {
					rows++
					if w := VisibleWidth(line); w > 100 {
						t.Errorf("row %d columns wide: %q", w, line)
					}
				}
			}
			if rows != len(r.Findings) {
				t.Errorf("%d rows, want %d", rows, len(r.Findings))
			}
			if !strings.Contains(out, "…") {
				t.Error("no cell was shortened")
			}
		}},
		{"every line fits 80 columns", TableOptions{Width: 80, Color: true}, func(t *testing.T, out string) {
			rows := 0
			for _, line := range strings.Split(out, "\n") {
				if w := VisibleWidth(line); w > 80 {
					t.Errorf("line %d columns wide: %q", w, line)
				}
				if strings.Contains(line, ".yaml:") {
					rows++
				}
			}
			if rows != len(r.Findings) {
				t.Errorf("%d rows, want %d", rows, len(r.Findings))
			}
		}},
		{"every line fits 100 columns", TableOptions{Width: 100}, func(t *testing.T, out string) {
			for _, line := range strings.Split(out, "\n") {
				if w := VisibleWidth(line); w > 100 {
					t.Errorf("line %d columns wide: %q", w, line)
				}
			}
			if !strings.Contains(out, "TITLE") {
				t.Error("the title column was left out at 100 columns")
			}
		}},
		{"columns align on visible width", TableOptions{Color: true}, func(t *testing.T, out string) {
			col := -1
			for _, line := range strings.Split(out, "\n") {
				plain := escapeRE.ReplaceAllString(line, "")
				if !strings.Contains(plain, ".yaml:") {
					continue
				}
				i := strings.Index(plain, "×")
				if col >= 0 && utf8Index(plain, i) != col {
					t.Errorf("L×I column at %d, want %d: %q", utf8Index(plain, i), col, plain)
				}
				col = utf8Index(plain, i)
			}
		}},
		{"wide ignores the width", TableOptions{Width: 60, Wide: true}, func(t *testing.T, out string) {
			if strings.Contains(out, "…") {
				t.Error("--wide shortened a cell")
			}
		}},
		{"min severity", TableOptions{MinSeverity: "high"}, func(t *testing.T, out string) {
			want := r.Summary.BySeverity["critical"] + r.Summary.BySeverity["high"]
			if n := strings.Count(out, "\ncritical ") + strings.Count(out, "\nhigh "); n != want || strings.Contains(out, "\nmedium ") {
				t.Errorf("%d high or critical rows (want %d), or medium rows shown", n, want)
			}
			if !strings.Contains(out, fmt.Sprintf("showing %d of %d threats (severity high or higher)", want, len(r.Findings))) {
				t.Errorf("no filter line:\n%s", out)
			}
		}},
		{"status and above appetite", TableOptions{Status: []model.TreatmentStatus{"mitigated"}, AboveAppetite: true}, func(t *testing.T, out string) {
			if !strings.Contains(out, fmt.Sprintf("showing 0 of %d", len(r.Findings))) {
				t.Errorf("mitigated threats are never above the appetite:\n%s", out)
			}
		}},
		{"legend and appetite per category", TableOptions{}, func(t *testing.T, out string) {
			for _, want := range []string{"!: open and above the risk appetite", "L×I: residual likelihood × impact"} {
				if !strings.Contains(out, want) {
					t.Errorf("missing %q", want)
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Table(&buf, r, tc.opts); err != nil {
				t.Fatal(err)
			}
			tc.check(t, buf.String())
		})
	}
}

func TestTableShowsCategoryLimits(t *testing.T) {
	t.Chdir("../..")
	r := analyse(t, examples[1])
	r.Appetite.ByCategory = map[string]model.Severity{"privacy": "low", "spoofing": "high"}
	var buf bytes.Buffer
	Table(&buf, r, TableOptions{})
	if !strings.Contains(buf.String(), "max medium; privacy low; spoofing high)") {
		t.Errorf("header lacks the category limits:\n%.400s", buf.String())
	}
}

func TestVisibleWidth(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{
		{"plain", 5},
		{"\x1b[1;31mhigh\x1b[0m", 4},
		{"L×I …", 5},
		{"日本語", 6},       // wide characters take two columns
		{"ＡＢ", 4},        // fullwidth forms too
		{"e\u0301te", 3}, // a combining accent takes none
	} {
		if got := VisibleWidth(tc.s); got != tc.want {
			t.Errorf("VisibleWidth(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
	if got := truncate("日本語のタイトル", 7); VisibleWidth(got) > 7 || got != "日本語…" {
		t.Errorf("truncate to 7 columns: %q (%d columns)", got, VisibleWidth(got))
	}
	if got := truncateLeft("services/payments/rampart.yaml:120", 20); VisibleWidth(got) != 20 || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "/rampart.yaml:120") {
		t.Errorf("truncateLeft: %q", got)
	}
}

// utf8Index turns a byte offset into a rune offset.
func utf8Index(s string, i int) int { return len([]rune(s[:i])) }
