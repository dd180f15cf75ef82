package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// categories are what the register's category filter offers: the STRIDE
// categories, then the built-in rules' own categories (privacy, and any a
// methodology adds), model warnings left out.
var categories = func() []string {
	out := model.STRIDE("").Values()
	var extra []string
	for _, r := range builtin.Rules() {
		if c := r.Category; c != "" && c != threats.CategoryModel && !slices.Contains(extra, c) && !slices.Contains(out, c) {
			extra = append(extra, c)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}()

// exportMax is the most threats one export holds; a larger view is refused
// with the count, never cut short.
const exportMax = 10000

// bulkMax is the most threats one bulk action changes.
const bulkMax = 200

// exportColumns are the columns of an export, in order.
var exportColumns = []string{"system", "threat", "title", "rule", "category", "stride", "severity", "likelihood",
	"impact", "status", "owner", "due", "targets", "updated"}

func exportRow(t store.Threat) []string {
	stride := make([]string, len(t.STRIDE))
	for i, s := range t.STRIDE {
		stride[i] = string(s)
	}
	return []string{t.SystemID, t.ID, t.Title, t.Rule, t.Category, strings.Join(stride, " "), string(t.Risk.Severity),
		strconv.Itoa(t.Risk.Likelihood), strconv.Itoa(t.Risk.Impact), string(t.Status), t.Owner, t.Due,
		strings.Join(t.Targets, " "), t.UpdatedAt.UTC().Format(time.RFC3339)}
}

// noFormula keeps a spreadsheet from reading a cell as a formula (text
// that starts with =, +, - or @, or a tab or carriage return, gets a
// leading apostrophe).
func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportThreats writes the register view the query selects, all its pages,
// as CSV or XLSX.
func (u *UI) exportThreats(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		u.failFor(w, r, fmt.Errorf("%w: format %q: want csv or xlsx", register.ErrInvalid, format))
		return
	}
	q, err := readQuery(r.URL.Query())
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	q.Today = u.opts.Now().UTC().Format(time.DateOnly)
	systems, err := u.visibleSystems(r, p)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	if q.System == "" && !p.Allowed(rbac.ReadSystem, rbac.Resource{}) {
		u.failFor(w, r, fmt.Errorf("%w: choose one of your systems to export its threats", register.ErrInvalid))
		return
	}
	if q.System != "" && !slices.ContainsFunc(systems, func(s store.System) bool { return s.ID == q.System }) {
		u.failFor(w, r, store.ErrNotFound)
		return
	}
	f := q.filter()
	total, err := u.reg.CountThreats(r.Context(), f)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	if total > exportMax {
		u.failFor(w, r, fmt.Errorf("%w: %d threats match and an export holds at most %d: narrow the filters",
			register.ErrInvalid, total, exportMax))
		return
	}
	rows := make([]store.Threat, 0, total)
	for f.Offset = 0; f.Offset < total; f.Offset += 1000 {
		f.Limit = 1000
		page, err := u.reg.Threats(r.Context(), f)
		if err != nil {
			u.failFor(w, r, err)
			return
		}
		if len(page) == 0 {
			break
		}
		rows = append(rows, page...)
	}
	name := "rampart-threats-" + q.Today + "." + format
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		cw := csv.NewWriter(w)
		_ = cw.Write(exportColumns)
		for _, t := range rows {
			cells := exportRow(t)
			for i := range cells {
				cells[i] = noFormula(cells[i])
			}
			_ = cw.Write(cells)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			u.opts.Logger.Error("export", "format", format, "err", err)
		}
		return
	}
	x, err := threatWorkbook(rows)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	defer x.Close()
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if _, err := x.WriteTo(w); err != nil {
		u.opts.Logger.Error("export", "format", format, "err", err)
	}
}

// threatWorkbook is one "Threats" sheet: a bold frozen header with
// filters, every cell text (nothing a spreadsheet would evaluate) but the
// likelihood and impact, which are numbers.
func threatWorkbook(rows []store.Threat) (*excelize.File, error) {
	x := excelize.NewFile()
	const sheet = "Threats"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("export workbook: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("export workbook: %w", err)
	}
	set := func(col, row int, v string, number bool) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if number {
			n, _ := strconv.Atoi(v)
			return x.SetCellInt(sheet, cell, int64(n))
		}
		return x.SetCellStr(sheet, cell, v)
	}
	for i, c := range exportColumns {
		if err := set(i+1, 1, c, false); err != nil {
			return nil, fmt.Errorf("export workbook: %w", err)
		}
	}
	for r, t := range rows {
		for i, v := range exportRow(t) {
			if err := set(i+1, r+2, v, exportColumns[i] == "likelihood" || exportColumns[i] == "impact"); err != nil {
				return nil, fmt.Errorf("export workbook: %w", err)
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(exportColumns), len(rows)+1)
	if err := x.SetCellStyle(sheet, "A1", last[:1]+"1", bold); err != nil {
		return nil, fmt.Errorf("export workbook: %w", err)
	}
	if err := x.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return nil, fmt.Errorf("export workbook: %w", err)
	}
	if err := x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("export workbook: %w", err)
	}
	return x, nil
}

// bulkTarget is one selected threat: "version:system:threat".
type bulkTarget struct {
	System, Threat string
	Version        int64
}

func parseTargets(vals []string) ([]bulkTarget, error) {
	if len(vals) == 0 {
		return nil, fmt.Errorf("%w: select at least one threat", register.ErrInvalid)
	}
	if len(vals) > bulkMax {
		return nil, fmt.Errorf("%w: %d threats selected; a bulk action changes at most %d", register.ErrInvalid, len(vals), bulkMax)
	}
	out := make([]bulkTarget, 0, len(vals))
	for _, v := range vals {
		ver, rest, ok1 := strings.Cut(v, ":")
		sys, th, ok2 := strings.Cut(rest, ":")
		n, err := strconv.ParseInt(ver, 10, 64)
		if !ok1 || !ok2 || err != nil || sys == "" || th == "" {
			return nil, fmt.Errorf("%w: selected threat %q: want version:system:threat", register.ErrInvalid, v)
		}
		out = append(out, bulkTarget{System: sys, Threat: th, Version: n})
	}
	return out, nil
}

// bulk applies one action to the selected threats: assign an owner, set a
// due date, or request (and submit) acceptance of their risk, one request
// per system. Every threat's system is checked before anything changes;
// a change that then fails (a stale version) stops the rest and says how
// far it got.
func (u *UI) bulk(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if err := form(w, r); err != nil {
		u.failFor(w, r, err)
		return
	}
	targets, err := parseTargets(r.PostForm["t"])
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	action := r.PostFormValue("action")
	need := rbac.UpdateRegister
	switch action {
	case "owner", "due":
	case "accept":
		need = rbac.RequestAcceptance
	default:
		u.failFor(w, r, fmt.Errorf("%w: action %q: want owner, due or accept", register.ErrInvalid, action))
		return
	}
	for _, t := range targets {
		if _, err := u.systemFor(r, p, t.System, need); err != nil {
			u.failFor(w, r, err)
			return
		}
	}
	back := safeNext(r.PostFormValue("back"))
	done := 0
	partly := func(err error) error {
		if done == 0 {
			return err
		}
		return fmt.Errorf("%d of %d changed, then: %w", done, len(targets), err)
	}
	switch action {
	case "owner", "due":
		patch := register.ThreatPatch{Comment: "bulk change"}
		if action == "owner" {
			owner := strings.TrimSpace(r.PostFormValue("owner"))
			if len(owner) > 64 {
				u.failFor(w, r, fmt.Errorf("%w: an owner is at most 64 characters", register.ErrInvalid))
				return
			}
			patch.Owner = &owner
		} else {
			due := r.PostFormValue("due")
			if _, err := time.Parse(time.DateOnly, due); err != nil {
				u.failFor(w, r, fmt.Errorf("%w: due date %q: want YYYY-MM-DD", register.ErrInvalid, due))
				return
			}
			patch.Due = &due
		}
		for _, t := range targets {
			if _, err := u.reg.UpdateThreat(r.Context(), actor(p), t.System, t.Threat, t.Version, patch); err != nil {
				u.failFor(w, r, partly(fmt.Errorf("%s: %w", t.Threat, err)))
				return
			}
			done++
		}
	case "accept":
		just := strings.TrimSpace(r.PostFormValue("justification"))
		if just == "" || len(just) > 10000 {
			u.failFor(w, r, fmt.Errorf("%w: a justification needs 1 to 10000 characters", register.ErrInvalid))
			return
		}
		bySystem := map[string][]string{}
		var order []string
		for _, t := range targets {
			if _, ok := bySystem[t.System]; !ok {
				order = append(order, t.System)
			}
			bySystem[t.System] = append(bySystem[t.System], t.Threat)
		}
		for _, sys := range order {
			a, err := u.reg.RequestAcceptance(r.Context(), actor(p), register.AcceptanceRequest{SystemID: sys,
				ThreatIDs: bySystem[sys], Justification: just, Expires: r.PostFormValue("expires")})
			if err == nil {
				_, err = u.reg.SubmitAcceptance(r.Context(), actor(p), a.ID, a.Version)
			}
			if err != nil {
				u.failFor(w, r, partly(fmt.Errorf("%s: %w", sys, err)))
				return
			}
			done += len(bySystem[sys])
		}
	}
	http.Redirect(w, r, withDone(back, "bulk-"+action), http.StatusSeeOther)
}

// withDone adds the confirmation key to a same-site URL.
func withDone(back, key string) string {
	u, err := url.Parse(back)
	if err != nil {
		return "/?done=" + key
	}
	q := u.Query()
	q.Set("done", key)
	u.RawQuery = q.Encode()
	return u.String()
}
