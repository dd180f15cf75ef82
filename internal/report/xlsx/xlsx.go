// Package xlsx writes an analysis as a risk register workbook: a "Threats"
// sheet with filters, a frozen header, severity colours and a drop-down list
// on the status column, sheets for data assets, components and the model's
// treatments, a summary with the counts, the appetite and the heatmap, and
// the threats by methodology (STRIDE, LINDDUN) and category.
package xlsx

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/diagram"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/bycategory"
	"github.com/rampart-sec/rampart/internal/threats"
)

type threatsRef = threats.Ref

// Sheet names.
const (
	SheetThreats    = "Threats"
	SheetData       = "Data assets"
	SheetComponents = "Components"
	SheetTreatments = "Treatments"
	SheetSummary    = "Summary"
	// SheetCategories holds the threats by methodology and category.
	SheetCategories = "By category"
)

// validationRows is how far down the status drop-down reaches, so that rows
// added by hand get it too.
const validationRows = 2000

type column struct {
	title string
	width float64
}

type styles struct {
	header int
	wrap   int
	title  int
	bold   int
	sev    map[model.Severity]int
}

// Write renders the workbook to w.
func Write(w io.Writer, r *analysis.Result) error {
	f, err := Build(r)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx report: write: %w", err)
	}
	return nil
}

// Build creates the workbook in memory.
func Build(r *analysis.Result) (*excelize.File, error) {
	if r.Model == nil {
		return nil, fmt.Errorf("xlsx report: the result carries no model")
	}
	f := excelize.NewFile()
	st, err := newStyles(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", SheetThreats); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx report: %w", err)
	}
	steps := []func(*excelize.File, *analysis.Result, *styles) error{threatsSheet, dataSheet, componentsSheet, treatmentsSheet, summarySheet, categoriesSheet}
	for _, step := range steps {
		if err := step(f, r, st); err != nil {
			f.Close()
			return nil, fmt.Errorf("xlsx report: %w", err)
		}
	}
	f.SetActiveSheet(0)
	created := r.AsOf
	if _, err := time.Parse(time.DateOnly, created); err == nil {
		created += "T00:00:00Z"
	} else {
		created = ""
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: "Risk register: " + r.System.Name, Subject: "Threat model of " + r.System.ID,
		Creator: r.Tool, Created: created, Modified: created, Category: "Risk register",
	}); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx report: %w", err)
	}
	return f, nil
}

func newStyles(f *excelize.File) (*styles, error) {
	st := &styles{sev: map[model.Severity]int{}}
	var err error
	st.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F2937"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	if err != nil {
		return nil, fmt.Errorf("xlsx report: header style: %w", err)
	}
	st.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx report: wrap style: %w", err)
	}
	st.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	if err != nil {
		return nil, fmt.Errorf("xlsx report: title style: %w", err)
	}
	st.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx report: bold style: %w", err)
	}
	for _, sv := range model.Severity("").Values() {
		sev := model.Severity(sv)
		p := diagram.Palette[sev]
		id, err := f.NewStyle(&excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: strings.TrimPrefix(p[1], "#")},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.TrimPrefix(p[0], "#")}},
			Alignment: &excelize.Alignment{Vertical: "top"},
			Border: []excelize.Border{{Type: "left", Color: strings.TrimPrefix(p[1], "#"), Style: 1},
				{Type: "right", Color: strings.TrimPrefix(p[1], "#"), Style: 1}},
		})
		if err != nil {
			return nil, fmt.Errorf("xlsx report: severity style: %w", err)
		}
		st.sev[sev] = id
	}
	return st, nil
}

// table writes a header and rows, freezes the header and adds an autofilter.
func table(f *excelize.File, sheet string, st *styles, cols []column, rows [][]any) error {
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c.title
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, name, name, c.width); err != nil {
			return err
		}
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	last, err := excelize.ColumnNumberToName(len(cols))
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", last+"1", st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 30); err != nil {
		return err
	}
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		if err := f.SetCellStyle(sheet, "A2", fmt.Sprintf("%s%d", last, len(rows)+1), st.wrap); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	return f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, max(len(rows)+1, 2)), nil)
}

func statusValidation(f *excelize.File, sheet, col string) error {
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, validationRows))
	if err := dv.SetDropList(model.TreatmentStatus("").Values()); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "Unknown status",
		"Pick one of: "+strings.Join(model.TreatmentStatus("").Values(), ", "))
	return f.AddDataValidation(sheet, dv)
}

func refIDs[T any](refs []T, id func(T) string) string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = id(r)
	}
	return strings.Join(out, ", ")
}

func controlNames(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if c, ok := catalog.LookupControl(id); ok {
			out[i] = c.Name + " (" + id + ")"
		}
	}
	return strings.Join(out, "; ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Threat sheet columns; statusCol is the letter of the status column.
var threatCols = []column{
	{"ID", 38}, {"Title", 36}, {"Elements", 22}, {"STRIDE / LINDDUN", 24}, {"Data at stake", 22},
	{"Inherent likelihood", 11}, {"Inherent impact", 11}, {"Inherent severity", 11},
	{"Residual likelihood", 11}, {"Residual impact", 11}, {"Residual score", 10}, {"Residual severity", 11},
	{"Appetite", 10}, {"Above appetite", 10}, {"Status", 14}, {"Owner", 14}, {"Due", 12},
	{"Accepted by", 14}, {"Expires", 12}, {"Justification", 36}, {"Ticket", 14},
	{"Recommended controls", 40}, {"Controls in place", 28}, {"CWE", 14}, {"CAPEC", 14}, {"ATT&CK", 14},
	{"Description", 60},
}

const (
	inherentSevCol = "H"
	residualSevCol = "L"
	statusCol      = "O"
)

func threatsSheet(f *excelize.File, r *analysis.Result, st *styles) error {
	fs := append([]analysis.Finding(nil), r.Findings...)
	analysis.SortByRisk(fs)
	rows := make([][]any, 0, len(fs))
	for _, t := range fs {
		stride := make([]string, 0, len(t.STRIDE)+len(t.LINDDUN))
		for _, s := range t.STRIDE {
			stride = append(stride, string(s))
		}
		for _, c := range t.LINDDUN {
			stride = append(stride, "LINDDUN "+string(c))
		}
		tr := t.Treatment
		rows = append(rows, []any{
			t.ID, t.Title, strings.Join(t.Targets, ", "), strings.Join(stride, ", "), strings.Join(t.Data, ", "),
			t.Inherent.Likelihood, t.Inherent.Impact, string(t.Inherent.Severity),
			t.Residual.Likelihood, t.Residual.Impact, t.Residual.Score, string(t.Residual.Severity),
			string(t.Limit), yesNo(t.Breach), string(tr.Status), tr.Owner, tr.Due,
			tr.AcceptedBy, tr.Expires, tr.Justification, tr.Ticket,
			controlNames(t.Mitigations), controlNames(t.InPlace),
			refIDs(t.CWE, func(x threatsRef) string { return x.ID }),
			refIDs(t.CAPEC, func(x threatsRef) string { return x.ID }),
			refIDs(t.ATTACK, func(x threatsRef) string { return x.ID }),
			t.Description,
		})
	}
	if err := table(f, SheetThreats, st, threatCols, rows); err != nil {
		return fmt.Errorf("threats sheet: %w", err)
	}
	for i, t := range fs {
		row := i + 2
		for _, c := range []struct {
			col string
			sev model.Severity
		}{{inherentSevCol, t.Inherent.Severity}, {residualSevCol, t.Residual.Severity}} {
			if id, ok := st.sev[c.sev]; ok {
				cell := fmt.Sprintf("%s%d", c.col, row)
				if err := f.SetCellStyle(SheetThreats, cell, cell, id); err != nil {
					return fmt.Errorf("threats sheet: %w", err)
				}
			}
		}
	}
	if err := statusValidation(f, SheetThreats, statusCol); err != nil {
		return fmt.Errorf("threats sheet: status list: %w", err)
	}
	return nil
}

func dataSheet(f *excelize.File, r *analysis.Result, st *styles) error {
	if _, err := f.NewSheet(SheetData); err != nil {
		return err
	}
	m := r.Model
	held := map[string][]string{}
	for i := range m.Components {
		c := &m.Components[i]
		seen := map[string]bool{}
		for _, list := range [][]string{c.Stores, c.Processes} {
			for _, d := range list {
				if !seen[d] {
					seen[d] = true
					held[d] = append(held[d], c.ID)
				}
			}
		}
	}
	cols := []column{{"ID", 22}, {"Name", 30}, {"Classification", 16}, {"Confidentiality", 14}, {"Integrity", 12},
		{"Availability", 12}, {"Personal", 10}, {"Quantity", 12}, {"Owner", 16}, {"Held by", 36}, {"Description", 60}}
	var rows [][]any
	for _, d := range m.Data {
		rows = append(rows, []any{d.ID, d.Name, string(d.Classification), string(d.CIA.Confidentiality),
			string(d.CIA.Integrity), string(d.CIA.Availability), yesNo(d.Personal), string(d.Quantity), d.Owner,
			strings.Join(held[d.ID], ", "), d.Description})
	}
	if err := table(f, SheetData, st, cols, rows); err != nil {
		return fmt.Errorf("data sheet: %w", err)
	}
	return nil
}

func componentsSheet(f *excelize.File, r *analysis.Result, st *styles) error {
	if _, err := f.NewSheet(SheetComponents); err != nil {
		return err
	}
	m := r.Model
	ix := m.Index()
	count := map[string]int{}
	var targets [][]string
	var sevs []model.Severity
	for i := range r.Findings {
		fd := &r.Findings[i]
		for _, t := range fd.Targets {
			count[t]++
		}
		if fd.Treatment.Open() {
			targets = append(targets, fd.Targets)
			sevs = append(sevs, fd.Residual.Severity)
		}
	}
	top := diagram.SeverityByElement(targets, sevs)
	cols := []column{{"ID", 22}, {"Name", 30}, {"Type", 18}, {"Kind", 14}, {"Technology", 16}, {"Trust boundary", 18},
		{"Internet-facing", 10}, {"Hosting", 14}, {"Controls", 36}, {"Data processed", 30}, {"Data stored", 30},
		{"Threats", 9}, {"Highest open risk", 12}, {"Owner", 16}}
	var rows [][]any
	for i := range m.Components {
		c := &m.Components[i]
		rows = append(rows, []any{c.ID, c.Name, string(c.Type), c.Type.Kind(), c.Technology, ix.Parent[c.ID],
			yesNo(c.InternetFacing), string(c.Hosting), strings.Join(c.Controls, ", "),
			strings.Join(c.Processes, ", "), strings.Join(c.Stores, ", "), count[c.ID], string(top[c.ID]), c.Owner})
	}
	if err := table(f, SheetComponents, st, cols, rows); err != nil {
		return fmt.Errorf("components sheet: %w", err)
	}
	for i := range m.Components {
		if id, ok := st.sev[top[m.Components[i].ID]]; ok {
			cell := fmt.Sprintf("M%d", i+2)
			if err := f.SetCellStyle(SheetComponents, cell, cell, id); err != nil {
				return fmt.Errorf("components sheet: %w", err)
			}
		}
	}
	return nil
}

func treatmentsSheet(f *excelize.File, r *analysis.Result, st *styles) error {
	if _, err := f.NewSheet(SheetTreatments); err != nil {
		return err
	}
	known := map[string]bool{}
	for i := range r.Findings {
		known[r.Findings[i].ID] = true
		if k := r.Findings[i].Treatment.Key; k != "" {
			known[k] = true
		}
	}
	cols := []column{{"Threat", 40}, {"Status", 14}, {"Owner", 14}, {"Due", 12}, {"Justification", 48},
		{"Accepted by", 14}, {"Expires", 12}, {"Transferred to", 16}, {"Ticket", 14}, {"Reviewed", 12},
		{"Verified by", 14}, {"Matches a threat", 10}}
	var rows [][]any
	for _, t := range r.Model.Treatments {
		rows = append(rows, []any{t.Threat, string(t.Status), t.Owner, date(t.Due), t.Justification, t.AcceptedBy,
			date(t.Expires), t.TransferredTo, t.Ticket, date(t.Reviewed), t.Verifier(), yesNo(known[t.Threat])})
	}
	if err := table(f, SheetTreatments, st, cols, rows); err != nil {
		return fmt.Errorf("treatments sheet: %w", err)
	}
	if err := statusValidation(f, SheetTreatments, "B"); err != nil {
		return fmt.Errorf("treatments sheet: status list: %w", err)
	}
	return nil
}

// summarySheet gives the counts, the appetite and the heatmap at a glance.
func summarySheet(f *excelize.File, r *analysis.Result, st *styles) error {
	const sh = SheetSummary
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sh, cell, cell, style)
		}
		return nil
	}
	s := r.Summary
	appetite := "maximum residual severity " + string(r.Appetite.MaxSeverity)
	if !r.Appetite.Declared {
		appetite += " (default: the model declares none)"
	}
	cells := []struct {
		cell  string
		v     any
		style int
	}{
		{"A1", "Risk register: " + r.System.Name, st.title},
		{"A2", fmt.Sprintf("System %s, as of %s, %s", r.System.ID, r.AsOf, r.Tool), 0},
		{"A4", "Threats", st.bold}, {"B4", s.Threats, 0},
		{"A5", "Open", st.bold}, {"B5", s.Open, 0},
		{"A6", "Above appetite", st.bold}, {"B6", s.Breaches, 0},
		{"A7", "Expired acceptances", st.bold}, {"B7", s.ExpiredAcceptances, 0},
		{"A8", "Overdue", st.bold}, {"B8", s.Overdue, 0},
		{"A9", "Appetite", st.bold}, {"B9", appetite, 0},
		{"A11", "Severity", st.header}, {"B11", "All", st.header}, {"C11", "Open", st.header},
		{"E11", "Status", st.header}, {"F11", "Threats", st.header},
	}
	for _, c := range cells {
		if err := set(c.cell, c.v, c.style); err != nil {
			return fmt.Errorf("summary sheet: %w", err)
		}
	}
	for i, sev := range []model.Severity{"critical", "high", "medium", "low"} {
		row := 12 + i
		if err := set(fmt.Sprintf("A%d", row), string(sev), st.sev[sev]); err != nil {
			return fmt.Errorf("summary sheet: %w", err)
		}
		if err := set(fmt.Sprintf("B%d", row), s.BySeverity[sev], 0); err != nil {
			return fmt.Errorf("summary sheet: %w", err)
		}
		if err := set(fmt.Sprintf("C%d", row), s.OpenBySeverity[sev], 0); err != nil {
			return fmt.Errorf("summary sheet: %w", err)
		}
	}
	for i, status := range model.TreatmentStatus("").Values() {
		row := 12 + i
		if err := set(fmt.Sprintf("E%d", row), status, 0); err != nil {
			return fmt.Errorf("summary sheet: %w", err)
		}
		if err := set(fmt.Sprintf("F%d", row), s.ByStatus[status], 0); err != nil {
			return fmt.Errorf("summary sheet: %w", err)
		}
	}
	// Heatmap of open threats: likelihood 5 at the top, impact 1 at the left.
	top := 21
	if err := set(fmt.Sprintf("A%d", top), "Open threats: likelihood (rows) × impact (columns)", st.bold); err != nil {
		return fmt.Errorf("summary sheet: %w", err)
	}
	for i := 0; i < 5; i++ {
		cell, _ := excelize.CoordinatesToCellName(i+2, top+1)
		if err := set(cell, fmt.Sprintf("%d %s", i+1, r.Matrix.ImpactNames[i]), st.header); err != nil {
			return fmt.Errorf("summary sheet: %w", err)
		}
	}
	for row := 0; row < 5; row++ {
		l := 5 - row
		y := top + 2 + row
		if err := set(fmt.Sprintf("A%d", y), fmt.Sprintf("%d %s", l, r.Matrix.LikelihoodNames[l-1]), st.header); err != nil {
			return fmt.Errorf("summary sheet: %w", err)
		}
		for i := 1; i <= 5; i++ {
			cell, _ := excelize.CoordinatesToCellName(i+1, y)
			if err := set(cell, s.Heatmap[l-1][i-1], st.sev[r.Matrix.Bands[l-1][i-1]]); err != nil {
				return fmt.Errorf("summary sheet: %w", err)
			}
		}
	}
	if err := f.SetColWidth(sh, "A", "A", 24); err != nil {
		return fmt.Errorf("summary sheet: %w", err)
	}
	if err := f.SetColWidth(sh, "B", "F", 14); err != nil {
		return fmt.Errorf("summary sheet: %w", err)
	}
	return nil
}

// categoriesSheet lists, for each methodology with threats (STRIDE,
// LINDDUN), its categories with their appetite, the heatmap of its open
// threats and the matrix of every element by category.
func categoriesSheet(f *excelize.File, r *analysis.Result, st *styles) error {
	secs := bycategory.Sections(r)
	if len(secs) == 0 {
		return nil
	}
	const sh = SheetCategories
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	row := 1
	put := func(col int, v any, style int) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if err := f.SetCellValue(sh, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sh, cell, cell, style)
		}
		return nil
	}
	write := func() error {
		for _, s := range secs {
			if err := put(1, fmt.Sprintf("%s: %d threat(s), %d open", s.Name, s.Threats, s.Open), st.title); err != nil {
				return err
			}
			row += 2
			for i, h := range []string{"Category", "Threats", "Open", "Appetite"} {
				if err := put(i+1, h, st.header); err != nil {
					return err
				}
			}
			for _, c := range s.Categories {
				row++
				for i, v := range []any{c.Name, c.Threats, c.Open} {
					if err := put(i+1, v, 0); err != nil {
						return err
					}
				}
				if err := put(4, string(c.Limit), st.sev[c.Limit]); err != nil {
					return err
				}
			}
			row += 2
			if err := put(1, s.Name+" open threats: likelihood (rows) × impact (columns)", st.bold); err != nil {
				return err
			}
			row++
			for i := 0; i < 5; i++ {
				if err := put(i+2, fmt.Sprintf("%d %s", i+1, r.Matrix.ImpactNames[i]), st.header); err != nil {
					return err
				}
			}
			for l := 5; l >= 1; l-- {
				row++
				if err := put(1, fmt.Sprintf("%d %s", l, r.Matrix.LikelihoodNames[l-1]), st.header); err != nil {
					return err
				}
				for i := 1; i <= 5; i++ {
					if err := put(i+1, s.Heatmap[l-1][i-1], st.sev[r.Matrix.Bands[l-1][i-1]]); err != nil {
						return err
					}
				}
			}
			row += 2
			if err := put(1, s.Name+" matrix: threats by element and category", st.bold); err != nil {
				return err
			}
			row++
			if err := put(1, "Element", st.header); err != nil {
				return err
			}
			for i, c := range s.Categories {
				if err := put(i+2, c.Name, st.header); err != nil {
					return err
				}
			}
			for _, e := range s.Rows {
				row++
				if err := put(1, e.Element, 0); err != nil {
					return err
				}
				for i, n := range e.Counts {
					if n == 0 {
						continue
					}
					if err := put(i+2, n, 0); err != nil {
						return err
					}
				}
			}
			row += 3
		}
		if err := f.SetColWidth(sh, "A", "A", 28); err != nil {
			return err
		}
		return f.SetColWidth(sh, "B", "H", 15)
	}
	if err := write(); err != nil {
		return fmt.Errorf("by-category sheet: %w", err)
	}
	return nil
}

func date(d *model.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}
