package main

import (
	"fmt"
	"io"
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
	)
	cmd := &cobra.Command{
		Use:   "report MODEL -o FILE",
		Short: "Write a report for people: HTML, PDF or an XLSX risk register",
		Long: `Report analyses a model and writes a document for people:

  html  one self-contained page (no network access needed): executive summary,
        heatmap, data-flow diagram, sortable and filterable threat register,
        each threat explained, attack paths, data assets and model summary
  pdf   the same content paginated for print, with a cover page, a table of
        contents and page numbers
  xlsx  a risk register workbook: threats (filters, severity colours, status
        drop-down), data assets, components, treatments and a summary

Every format of 'rampart analyze' works too (` + strings.Join(report.Names(), ", ") + `).
The format follows the output file's extension unless --format says otherwise
(html without -o). The file is written whole or not at all.`,
		Example: `  rampart report examples/online-shop.yaml -o report.html
  rampart report rampart.yaml -o threat-model.pdf
  rampart report rampart.yaml -f xlsx -o register.xlsx
  rampart report rampart.yaml --summary -o summary.pdf`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeModelFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := of.resultOutputs(cmd, "html", nil)
			if err != nil {
				return err
			}
			prog := newTTYProgress(cmd.ErrOrStderr())
			defer prog.done()
			return analyseAndWrite(cmd, &af, args[0], outs, report.Options{Summary: of.summary}, prog)
		},
	}
	af.add(cmd)
	of.add(cmd, "html", report.Names())
	of.addSummary(cmd)
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
