package xlsx

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/bycategory"
	"github.com/rampart-sec/rampart/internal/report/reporttest"
)

var example = filepath.Join("..", "..", "..", "examples", "online-shop.yaml")

func analyse(t testing.TB, path string) *analysis.Result {
	t.Helper()
	return reporttest.Analyse(t, path, analysis.Options{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Tool: "rampart test"})
}

func readBack(t *testing.T, r *analysis.Result) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWorkbookHasEveryThreat(t *testing.T) {
	r := analyse(t, example)
	if len(r.Findings) == 0 {
		t.Fatal("the example yields no threats; the test would prove nothing")
	}
	f := readBack(t, r)
	if got, want := f.GetSheetList(), []string{SheetThreats, SheetData, SheetComponents, SheetTreatments, SheetSummary, SheetCategories}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	rows, err := f.GetRows(SheetThreats)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(r.Findings)+1 {
		t.Errorf("%d threat rows, want %d", len(rows)-1, len(r.Findings))
	}
	header := rows[0]
	col := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("Threats header lacks %q: %v", name, header)
		}
		return i
	}
	idCol, sevCol, statusCol := col("ID"), col("Residual severity"), col("Status")
	byID := map[string][]string{}
	for _, row := range rows[1:] {
		byID[row[idCol]] = row
	}
	for _, fd := range r.Findings {
		row, ok := byID[fd.ID]
		if !ok {
			t.Errorf("Threats sheet lacks %s", fd.ID)
			continue
		}
		if row[sevCol] != string(fd.Residual.Severity) || row[statusCol] != string(fd.Treatment.Status) {
			t.Errorf("%s: severity %q status %q, want %q %q", fd.ID, row[sevCol], row[statusCol], fd.Residual.Severity, fd.Treatment.Status)
		}
	}
}

func TestWorkbookFeatures(t *testing.T) {
	r := analyse(t, example)
	f := readBack(t, r)

	for _, sheet := range []string{SheetThreats, SheetData, SheetComponents, SheetTreatments} {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header row is not frozen: %+v", sheet, panes)
		}
	}
	// Autofilter: a defined name _xlnm._FilterDatabase per sheet.
	filters := 0
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filters++
		}
	}
	if filters != 4 {
		t.Errorf("%d autofilters, want one per sheet (4)", filters)
	}
	for _, sheet := range []string{SheetThreats, SheetTreatments} {
		dvs, err := f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(dvs) != 1 || dvs[0].Type != "list" || !strings.Contains(dvs[0].Formula1, "accepted") {
			t.Errorf("%s: status drop-down missing: %+v", sheet, dvs)
		}
	}
	// The residual severity cell of a critical threat is filled with the critical colour.
	rows, err := f.GetRows(SheetThreats)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i, row := range rows[1:] {
		sev := model.Severity(row[11])
		if sev.Rank() == 0 {
			continue
		}
		cell := "L" + strconv.Itoa(i+2)
		id, err := f.GetCellStyle(SheetThreats, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		want := map[model.Severity]string{"low": "DCFCE7", "medium": "FEF9C3", "high": "FFEDD5", "critical": "FEE2E2"}[sev]
		if len(st.Fill.Color) == 0 || !strings.EqualFold(st.Fill.Color[0], want) {
			t.Errorf("%s (%s) fill %v, want %s", cell, sev, st.Fill.Color, want)
		}
		checked++
	}
	if checked == 0 {
		t.Error("no severity cells were checked")
	}
	data, err := f.GetRows(SheetData)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != len(r.Model.Data)+1 {
		t.Errorf("%d data rows, want %d", len(data)-1, len(r.Model.Data))
	}
	comps, err := f.GetRows(SheetComponents)
	if err != nil {
		t.Fatal(err)
	}
	if len(comps) != len(r.Model.Components)+1 {
		t.Errorf("%d component rows, want %d", len(comps)-1, len(r.Model.Components))
	}
	treats, err := f.GetRows(SheetTreatments)
	if err != nil {
		t.Fatal(err)
	}
	if len(treats) != len(r.Model.Treatments)+1 {
		t.Errorf("%d treatment rows, want %d", len(treats)-1, len(r.Model.Treatments))
	}
}

func TestSummarySheet(t *testing.T) {
	r := analyse(t, example)
	f := readBack(t, r)
	tests := []struct {
		cell string
		want string
	}{
		{"B4", strconv.Itoa(r.Summary.Threats)},
		{"B5", strconv.Itoa(r.Summary.Open)},
		{"B6", strconv.Itoa(r.Summary.Breaches)},
		{"A12", "critical"},
		{"B12", strconv.Itoa(r.Summary.BySeverity["critical"])},
		// Heatmap: row 23 is likelihood 5, column B impact 1.
		{"B23", strconv.Itoa(r.Summary.Heatmap[4][0])},
		{"F27", strconv.Itoa(r.Summary.Heatmap[0][4])},
	}
	for _, tt := range tests {
		got, err := f.GetCellValue(SheetSummary, tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("Summary!%s = %q, want %q", tt.cell, got, tt.want)
		}
	}
}

func TestWorkbookNeedsModel(t *testing.T) {
	if err := Write(&bytes.Buffer{}, &analysis.Result{}); err == nil {
		t.Error("a result without a model rendered without error")
	}
}

func TestEmptyModel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.yaml")
	if err := os.WriteFile(path, []byte("rampart: 1\nsystem: {id: empty, name: Empty}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := readBack(t, analyse(t, path))
	rows, err := f.GetRows(SheetThreats)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0][0] != "ID" {
		t.Errorf("an empty model gives Threats rows %v, want the header only", rows)
	}
}

func TestWorkbookDeterministic(t *testing.T) {
	r := analyse(t, example)
	var a, b bytes.Buffer
	if err := Write(&a, r); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two workbooks of the same result differ")
	}
}

// TestCategoriesSheet reads the by-category sheet of an example with
// personal data back: each methodology's heading, every category with its
// counts and appetite, and every element's row of the matrix.
func TestCategoriesSheet(t *testing.T) {
	r := analyse(t, filepath.Join("..", "..", "..", "examples", "hr-saas.yaml"))
	secs := bycategory.Sections(r)
	if !slices.ContainsFunc(secs, func(s bycategory.Section) bool { return s.Name == "LINDDUN" }) {
		t.Fatal("the example has no LINDDUN threats; the test would prove nothing")
	}
	rows, err := readBack(t, r).GetRows(SheetCategories)
	if err != nil {
		t.Fatal(err)
	}
	has := func(want []string) bool {
		return slices.ContainsFunc(rows, func(row []string) bool { return slices.Equal(row, want) })
	}
	for _, s := range secs {
		if head := []string{fmt.Sprintf("%s: %d threat(s), %d open", s.Name, s.Threats, s.Open)}; !has(head) {
			t.Errorf("no heading %q", head[0])
		}
		for _, c := range s.Categories {
			want := []string{c.Name, strconv.Itoa(c.Threats), strconv.Itoa(c.Open), string(c.Limit)}
			if !has(want) {
				t.Errorf("no category row %q", want)
			}
		}
		for _, e := range s.Rows {
			want := []string{e.Element}
			last := 0
			for i, n := range e.Counts {
				if n > 0 {
					last = i + 1
				}
			}
			for _, n := range e.Counts[:last] {
				if n == 0 {
					want = append(want, "")
				} else {
					want = append(want, strconv.Itoa(n))
				}
			}
			if !has(want) {
				t.Errorf("%s: no matrix row %q", s.Name, want)
			}
		}
	}
	threats, err := readBack(t, r).GetRows(SheetThreats)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(threats, func(row []string) bool { return len(row) > 3 && strings.Contains(row[3], "LINDDUN ") }) {
		t.Error("the threats sheet names no LINDDUN category")
	}
}
