package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/report"
)

func init() {
	extraCommands = append(extraCommands, newReportCmd)
}

func newReportCmd() *cobra.Command {
	var (
		af analysisFlags
		of outputFlags
		sf sigmaFlags
		df diagramFlags
	)
	cmd := &cobra.Command{
		Use:   "report MODEL -o FILE",
		Short: "Write a report for people: HTML, PDF or an XLSX risk register",
		Long: `Report analyses a model and writes a document for people:

  html  one self-contained page (no network access needed): executive summary,
        heatmap, data-flow diagram, sortable and filterable threat register,
        each threat explained, attack paths, attack trees, data assets and
        model summary
  pdf   the same content paginated for print, with a cover page, a table of
        contents and page numbers
  xlsx  a risk register workbook: threats (filters, severity colours, status
        drop-down), data assets, components, treatments and a summary

Every format of 'rampart analyze' works too (` + strings.Join(report.Names(), ", ") + `).
The format follows the output file's extension unless --format says otherwise
(html without -o). The file is written whole or not at all.

With --sigma DIR the HTML report also shows detection coverage: for each
modelled threat, the Sigma rules whose ATT&CK tags name its techniques, and
the threats no rule detects (as 'rampart coverage' lists them).`,
		Example: `  rampart report examples/online-shop.yaml -o report.html
  rampart report rampart.yaml -o threat-model.pdf
  rampart report rampart.yaml -f xlsx -o register.xlsx
  rampart report rampart.yaml --summary -o summary.pdf
  rampart report rampart.yaml --sigma sigma/rules -o report.html`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeModelFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := of.resultOutputs(cmd, "html", nil)
			if err != nil {
				return err
			}
			opts := report.Options{Summary: of.summary}
			if len(sf.rules) > 0 {
				if !slices.ContainsFunc(outs, func(o resultOutput) bool { return o.format.Name() == "html" }) {
					return fail(exitUsage, errors.New("--sigma adds detection coverage to the html report, and no html is written; 'rampart coverage' lists it in other formats"))
				}
				set, err := sf.load(cmd)
				if err != nil {
					return err
				}
				opts.Detection = &report.Detection{Rules: set.Rules, Sources: sf.rules}
			}
			prog := newTTYProgress(cmd.ErrOrStderr())
			defer prog.done()
			return analyseAndWrite(cmd, &af, args[0], outs, opts, df, prog)
		},
	}
	af.add(cmd)
	of.add(cmd, "html", report.Names())
	of.addSummary(cmd)
	sf.addNamed(cmd, "sigma", "sigma-pipeline")
	df.add(cmd)
	return cmd
}

// ttyProgress shows what a long run is doing on stderr, only when stderr is a
// terminal, on one line that is cleared at the end. A nil one shows nothing.
type ttyProgress struct {
	w     io.Writer
	on    bool
	start time.Time
}

func newTTYProgress(w io.Writer) *ttyProgress {
	return &ttyProgress{w: w, on: isTerminal(w), start: time.Now()}
}

func (p *ttyProgress) step(msg string) {
	if p == nil || !p.on {
		return
	}
	fmt.Fprintf(p.w, "\r\033[K[%4.1fs] %s…", time.Since(p.start).Seconds(), msg)
}

func (p *ttyProgress) done() {
	if p != nil && p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
