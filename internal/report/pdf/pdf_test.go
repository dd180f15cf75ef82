package pdf

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/report/bycategory"
	"github.com/rampart-sec/rampart/internal/report/reporttest"
)

var example = filepath.Join("..", "..", "..", "examples", "online-shop.yaml")

func analyse(t testing.TB, path string) *analysis.Result {
	t.Helper()
	return reporttest.Analyse(t, path, analysis.Options{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Tool: "rampart test"})
}

// tool finds a poppler utility; outside CI the test skips without it, in CI it fails.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (CI must install poppler-utils)", name)
	}
	t.Skipf("%s is not installed; apt-get install poppler-utils to run this test", name)
	return ""
}

func writePDF(t *testing.T, r *analysis.Result, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, r, opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-: %q", buf.Bytes()[:min(16, buf.Len())])
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPDFTextHasEveryThreat(t *testing.T) {
	pdftotext := tool(t, "pdftotext")
	r := analyse(t, example)
	if len(r.Findings) == 0 {
		t.Fatal("the example yields no threats; the test would prove nothing")
	}
	path := writePDF(t, r, Options{})
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, f := range r.Findings {
		if !strings.Contains(text, f.ID) {
			t.Errorf("PDF text lacks threat %s", f.ID)
		}
	}
	for _, w := range []string{"THREAT MODEL REPORT", r.System.Name, "Contents", "Executive summary", "Risk heatmap",
		"Data-flow diagram", "Threat register", "Threat details", "Attack paths", "Data assets", "Model summary"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	// Every page after the cover is numbered "Page N of M", and the contents
	// list the sections with the pages they start on.
	pages := strings.Count(text, "\f")
	numbers := regexp.MustCompile(`Page (\d+) of (\d+)`).FindAllStringSubmatch(text, -1)
	if len(numbers) != pages-1 {
		t.Errorf("%d page numbers for %d pages", len(numbers), pages)
	}
	for i, n := range numbers {
		if n[1] != strconv.Itoa(i+2) || n[2] != strconv.Itoa(pages) {
			t.Errorf("page footer %q, want Page %d of %d", n[0], i+2, pages)
			break
		}
	}
	toc := regexp.MustCompile(`(?m)^\d\.\s+Executive summary\s*\.*\s*(\d+)`).FindStringSubmatch(text)
	if toc == nil || toc[1] != "3" {
		t.Errorf("contents do not put the executive summary on page 3: %v", toc)
	}
}

func TestPDFEmbedsDiagram(t *testing.T) {
	pdfimages := tool(t, "pdfimages")
	r := analyse(t, example)
	tests := []struct {
		name   string
		opts   Options
		images int
	}{
		{"with diagram", Options{}, 1},
		{"without diagram", Options{NoDiagram: true}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writePDF(t, r, tt.opts)
			out, err := exec.Command(pdfimages, "-list", path).Output()
			if err != nil {
				t.Fatalf("pdfimages: %v", err)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if got := len(lines) - 2; got < tt.images || (tt.images == 0 && got != 0) {
				t.Errorf("%d images in the PDF, want %d:\n%s", got, tt.images, out)
			}
		})
	}
}

func TestPDFNeedsModel(t *testing.T) {
	if err := Write(context.Background(), &bytes.Buffer{}, &analysis.Result{}, Options{}); err == nil {
		t.Error("a result without a model rendered without error")
	}
}

func TestLines(t *testing.T) {
	r := analyse(t, example)
	d, err := newDoc(r)
	if err != nil {
		t.Fatal(err)
	}
	d.newPage(false)
	d.font("", 10)
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"fits", "short text", 200, []string{"short text"}},
		{"wraps at spaces", "alpha beta gamma delta", max(d.measure("alpha beta"), d.measure("gamma delta")) + 1, []string{"alpha beta", "gamma delta"}},
		{"keeps paragraphs", "one\ntwo", 200, []string{"one", "two"}},
		{"empty paragraph", "", 200, []string{""}},
		{"cuts long ids after a separator", "missing-authentication@web-to-api", d.measure("missing-authentication@") + 1,
			[]string{"missing-authentication@", "web-to-api"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.lines(tt.text, tt.width)
			if !slices.Equal(got, tt.want) {
				t.Errorf("lines(%q, %.1f) = %q, want %q", tt.text, tt.width, got, tt.want)
			}
			for _, l := range got {
				if d.measure(l) > tt.width && len([]rune(l)) > 1 {
					t.Errorf("line %q is %.1f wide, over %.1f", l, d.measure(l), tt.width)
				}
			}
		})
	}
	// A word too wide for any line still comes out whole, spread over lines.
	word := strings.Repeat("x", 200)
	if got := strings.Join(d.lines(word, 50), ""); got != word {
		t.Errorf("a long word lost characters: %d of %d", len(got), len(word))
	}
}

func TestEmptyModel(t *testing.T) {
	pdftotext := tool(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "empty.yaml")
	if err := os.WriteFile(path, []byte("rampart: 1\nsystem: {id: empty, name: Empty}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, writePDF(t, analyse(t, path), Options{}), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, w := range []string{"No threats were identified.", "No attack paths"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("PDF of an empty model lacks %q", w)
		}
	}
}

func TestPDFDeterministic(t *testing.T) {
	r := analyse(t, example)
	var a, b bytes.Buffer
	if err := Write(context.Background(), &a, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), &b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two PDFs of the same result differ")
	}
}

func TestLeadersStopBeforeTheNumber(t *testing.T) {
	tests := []struct{ from, to, dot float64 }{
		{100, 500, 2.5}, {100, 500, 3.3}, {480, 500, 2.5}, {499, 500, 2.5}, {100, 500, 0},
	}
	for _, tc := range tests {
		n, x := leaders(tc.from, tc.to, tc.dot)
		if n == 0 {
			if tc.to-tc.from > 2*leaderGap+tc.dot && tc.dot > 0 {
				t.Errorf("%v: no leaders in a wide gap", tc)
			}
			continue
		}
		if x < tc.from+leaderGap-1e-9 {
			t.Errorf("%v: leaders start at %.2f, over the title", tc, x)
		}
		if end := x + float64(n)*tc.dot; end > tc.to-leaderGap+1e-9 {
			t.Errorf("%v: leaders end at %.2f, over the page number at %.2f", tc, end, tc.to)
		}
	}
}

// TestHeaderWordsFit checks table headings break between words: every word
// of every heading fits its column ("Personal", not "Persona l").
func TestHeaderWordsFit(t *testing.T) {
	d, err := newDoc(analyse(t, example))
	if err != nil {
		t.Fatal(err)
	}
	d.newPage(false)
	total := d.w - 2*margin
	cols := []col{{"ID", 0.12}, {"Name", 0.2}, {"Classification", 0.08}, {"Confidentiality", 0.08}, {"Integrity", 0.08},
		{"Availability", 0.08}, {"Personal", 0.05}, {"Quantity", 0.06}, {"Owner", 0.1}, {"Held by", 0.15}}
	widths := columnWidths(d, cols, total, 8, 3)
	sum := 0.0
	d.font("B", 8)
	for i, c := range cols {
		sum += widths[i]
		for _, w := range strings.Fields(c.title) {
			if d.measure(w)+6 > widths[i] {
				t.Errorf("heading word %q (%.1f pt) does not fit its column of %.1f pt", w, d.measure(w), widths[i])
			}
		}
		if lines := d.lines(c.title, widths[i]-6); len(lines) != len(strings.Fields(c.title)) && len(lines) != 1 {
			t.Errorf("heading %q wraps as %q", c.title, lines)
		}
	}
	if sum > total+0.01 || sum < total-0.01 {
		t.Errorf("columns add up to %.2f, want %.2f", sum, total)
	}
}

func TestPDFSummaryMode(t *testing.T) {
	r := analyse(t, example)
	full, sum := writePDF(t, r, Options{}), writePDF(t, r, Options{Summary: true})
	fi, err := os.Stat(full)
	if err != nil {
		t.Fatal(err)
	}
	si, err := os.Stat(sum)
	if err != nil {
		t.Fatal(err)
	}
	if si.Size() >= fi.Size() {
		t.Errorf("summary PDF (%d bytes) is not smaller than the full one (%d)", si.Size(), fi.Size())
	}
	pdftotext := tool(t, "pdftotext")
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", sum, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, w := range []string{"EXECUTIVE SUMMARY", "Threats by rule", "Risk heatmap", "Attack paths"} {
		if !strings.Contains(text, w) {
			t.Errorf("summary PDF lacks %q", w)
		}
	}
	for _, w := range []string{"Threat register", "Threat details", "Data assets"} {
		if strings.Contains(text, w) {
			t.Errorf("summary PDF has %q", w)
		}
	}
}

// pageCount counts the pages of a PDF written by gopdf.
func pageCount(pdf []byte) int {
	return bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page ")) + bytes.Count(pdf, []byte("/Type /Page/"))
}

// TestSummaryOfLargeModelIsShort: the executive summary of a 1,000-component
// model stays under 100 pages (the full report runs to hundreds).
func TestSummaryOfLargeModelIsShort(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a large report")
	}
	r := analysis.Analyze(reporttest.Model(1000), analysis.Options{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, r, Options{Summary: true}); err != nil {
		t.Fatal(err)
	}
	n := pageCount(buf.Bytes())
	if n == 0 || n >= 100 {
		t.Errorf("the summary of %d threats has %d pages", len(r.Findings), n)
	}
	if testing.Verbose() {
		fmt.Printf("summary of %d components, %d threats: %d pages\n", len(r.Model.Components), len(r.Findings), n)
	}
	if pdfinfo, err := exec.LookPath("pdfinfo"); err == nil {
		path := filepath.Join(t.TempDir(), "s.pdf")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pdfinfo, path).Output()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`Pages:\s+` + strconv.Itoa(n) + `\n`).Match(out) {
			t.Errorf("pdfinfo disagrees with %d pages:\n%s", n, out)
		}
	}
}

// BenchmarkPDF1000 writes the full and the summary PDF of a
// 1,000-component model.
func BenchmarkPDF1000(b *testing.B) {
	r := analysis.Analyze(reporttest.Model(1000), analysis.Options{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	for _, tc := range []struct {
		name string
		opts Options
	}{{"full", Options{}}, {"summary", Options{Summary: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				var buf bytes.Buffer
				if err := Write(context.Background(), &buf, r, tc.opts); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(pageCount(buf.Bytes())), "pages")
			}
		})
	}
}

// TestPDFCategories checks the threats-by-category chapter of an example
// with personal data: a part per methodology bycategory finds, LINDDUN
// among them, with every category, its appetite and the matrix rows.
func TestPDFCategories(t *testing.T) {
	pdftotext := tool(t, "pdftotext")
	r := analyse(t, filepath.Join("..", "..", "..", "examples", "hr-saas.yaml"))
	secs := bycategory.Sections(r)
	if !slices.ContainsFunc(secs, func(s bycategory.Section) bool { return s.Name == "LINDDUN" }) {
		t.Fatal("the example has no LINDDUN threats; the test would prove nothing")
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", "-layout", writePDF(t, r, Options{}), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	start := strings.Index(text, "Threats by category\n")
	if start < 0 {
		t.Fatal("PDF text lacks the chapter Threats by category")
	}
	text = text[start:]
	for _, s := range secs {
		if !strings.Contains(text, fmt.Sprintf("%s: %d threat(s), %d open", s.Name, s.Threats, s.Open)) {
			t.Errorf("PDF lacks the %s heading", s.Name)
		}
		for _, c := range s.Categories {
			row := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(c.Name) + `\s+` + strconv.Itoa(c.Threats) + `\s+` + strconv.Itoa(c.Open) + `\s+` + string(c.Limit) + `\s*$`)
			if !row.MatchString(text) {
				t.Errorf("PDF lacks the %s category row %s %d %d %s", s.Name, c.Name, c.Threats, c.Open, c.Limit)
			}
		}
		rows, _ := s.TopRows(bycategory.MatrixLimit)
		for _, row := range rows {
			if !strings.Contains(text, row.Element) {
				t.Errorf("PDF %s matrix lacks %s", s.Name, row.Element)
			}
		}
	}
}
