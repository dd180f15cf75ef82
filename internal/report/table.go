package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
)

var ansi = map[model.Severity]string{
	"critical": "\x1b[1;37;41m",
	"high":     "\x1b[1;31m",
	"medium":   "\x1b[33m",
	"low":      "\x1b[32m",
}

const ansiReset, ansiBold, ansiDim = "\x1b[0m", "\x1b[1m", "\x1b[2m"

// Table writes a readable summary for a terminal: the counts, every threat
// ordered by residual risk, the attack paths and the warnings.
func Table(w io.Writer, r *analysis.Result, opts Options) error {
	paint := func(code, s string) string {
		if !opts.Color || code == "" {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s), as of %s\n", paint(ansiBold, "Rampart analysis of"), r.System.Name, r.System.ID, r.AsOf)
	s := r.Summary
	var sev []string
	for _, name := range []model.Severity{"critical", "high", "medium", "low"} {
		sev = append(sev, fmt.Sprintf("%d %s", s.BySeverity[name], name))
	}
	fmt.Fprintf(&b, "%d threats (%s), %d open, %d mitigated by controls or treated\n", s.Threats, strings.Join(sev, ", "), s.Open, s.Threats-s.Open)
	limit := string(r.Appetite.MaxSeverity)
	if !r.Appetite.Declared {
		limit += ", default"
	}
	if s.Breaches > 0 {
		fmt.Fprintf(&b, "%s\n", paint(ansi["high"], fmt.Sprintf("%d open threat(s) above the risk appetite (max %s)", s.Breaches, limit)))
	} else {
		fmt.Fprintf(&b, "%s\n", paint(ansi["low"], fmt.Sprintf("every open threat is within the risk appetite (max %s)", limit)))
	}
	b.WriteString("\n")
	if len(r.Findings) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tL×I\tSTATUS\tTHREAT\tTITLE\tWHERE")
		for _, f := range sorted(r) {
			status := string(f.Treatment.Status)
			if f.Treatment.Expired {
				status += " (expired)"
			}
			if f.Breach {
				status += " !"
			}
			where := f.Pos.File
			if f.Pos.Line > 0 {
				where = fmt.Sprintf("%s:%d", f.Pos.File, f.Pos.Line)
			}
			// Pad before painting so that escape codes do not skew the columns.
			sevCell := paint(ansi[f.Residual.Severity], fmt.Sprintf("%-8s", f.Residual.Severity))
			fmt.Fprintf(tw, "%s\t%d×%d\t%s\t%s\t%s\t%s\n", sevCell, f.Residual.Likelihood, f.Residual.Impact,
				status, f.ID, f.Title, where)
		}
		tw.Flush()
	}
	if len(r.Paths) > 0 {
		fmt.Fprintf(&b, "\n%s\n", paint(ansiBold, "Attack paths to valuable data"))
		for _, p := range r.Paths {
			fmt.Fprintf(&b, "%2d. %s (%s) via %s: %s, likelihood %.2f, %d open threat(s) on the way\n", p.Rank, p.Data, p.Classification,
				p.Target, strings.Join(p.Components, " -> "), p.Likelihood, len(p.Threats))
		}
	}
	if len(r.ModelWarnings) > 0 {
		fmt.Fprintf(&b, "\n%s\n", paint(ansiBold, "Model warnings (not threats)"))
		for _, mw := range r.ModelWarnings {
			fmt.Fprintf(&b, "%s: %s: %s\n", mw.Pos, mw.ID, mw.Description)
		}
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(&b, "\n%s\n", paint(ansiBold, "Warnings"))
		for _, wn := range r.Warnings {
			fmt.Fprintf(&b, "%s\n", paint(ansiDim, wn.String()))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
