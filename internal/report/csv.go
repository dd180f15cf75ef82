package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/threats"
)

// CSVHeader is the first row of the CSV export.
var CSVHeader = []string{"id", "rule", "title", "stride", "severity", "likelihood", "impact", "score",
	"inherent_severity", "status", "breach", "appetite_limit", "owner", "due", "expires", "targets", "data",
	"cwe", "capec", "attack", "controls_in_place", "recommended_controls", "file", "line"}

// CSV writes one row per threat, highest residual risk first.
func CSV(w io.Writer, r *analysis.Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, f := range sorted(r) {
		row := []string{f.ID, f.Rule, f.Title, strideList(&f), string(f.Residual.Severity),
			strconv.Itoa(f.Residual.Likelihood), strconv.Itoa(f.Residual.Impact), strconv.Itoa(f.Residual.Score),
			string(f.Inherent.Severity), string(f.Treatment.Status), strconv.FormatBool(f.Breach), string(f.Limit),
			f.Treatment.Owner, f.Treatment.Due, f.Treatment.Expires,
			strings.Join(f.Targets, " "), strings.Join(f.Data, " "),
			joinRefs(f.CWE), joinRefs(f.CAPEC), joinRefs(f.ATTACK),
			strings.Join(f.InPlace, " "), strings.Join(f.Mitigations, " "),
			f.Pos.File, strconv.Itoa(f.Pos.Line)}
		for i, cell := range row {
			row[i] = neutralise(cell)
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func joinRefs(refs []threats.Ref) string {
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	return strings.Join(ids, " ")
}

// neutralise stops spreadsheet formula injection: a cell starting with
// = + - @ (or a tab/CR) is prefixed with a quote, as OWASP advises.
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
