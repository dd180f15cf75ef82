package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/report"
	htmlreport "github.com/rampart-sec/rampart/internal/report/html"
	pdfreport "github.com/rampart-sec/rampart/internal/report/pdf"
	xlsxreport "github.com/rampart-sec/rampart/internal/report/xlsx"
)

func init() {
	extraCommands = append(extraCommands, newReportCmd)
}

// reportFormats are the document formats 'rampart report' writes itself;
// the machine formats come from the report package.
var reportFormats = []string{"html", "pdf", "xlsx"}

func newReportCmd() *cobra.Command {
	var (
		af      analysisFlags
		format  string
		output  string
		summary bool
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

The machine formats of 'rampart analyze' (json, markdown, sarif, csv) work too.
The format follows the output file's extension unless --format says otherwise.
The file is written whole or not at all.`,
		Example: `  rampart report examples/online-shop.yaml -o report.html
  rampart report rampart.yaml --format pdf -o threat-model.pdf
  rampart report rampart.yaml --format xlsx -o register.xlsx
  rampart report rampart.yaml --summary -o summary.pdf`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := strings.ToLower(format)
			if f == "" {
				f = "html"
				if output != "" && output != "-" {
					f = strings.TrimPrefix(strings.ToLower(filepath.Ext(output)), ".")
					if f == "htm" {
						f = "html"
					} else if f == "md" {
						f = "markdown"
					}
				}
			}
			var machine report.Writer
			if !slices.Contains(reportFormats, f) {
				w, err := report.Lookup(f, report.Options{})
				if err != nil {
					return fail(exitUsage, fmt.Errorf("unknown report format %q (want %s, or one of %s); set --format",
						f, strings.Join(reportFormats, ", "), strings.Join(report.Formats(), ", ")))
				}
				machine = w
			}
			toStdout := output == "" || output == "-"
			if toStdout && (f == "pdf" || f == "xlsx") && isTerminal(cmd.OutOrStdout()) {
				return fail(exitUsage, fmt.Errorf("refusing to write %s to a terminal; use -o FILE", f))
			}
			prog := newTTYProgress(cmd.ErrOrStderr())
			defer prog.done()
			prog.step("analysing " + args[0])
			res, err := af.analyse(cmd, args[0])
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if summary && f != "html" && f != "pdf" {
				return fail(exitUsage, fmt.Errorf("--summary applies to html and pdf, not %s", f))
			}
			if err := writeReport(cmd.Context(), &buf, res, f, machine, prog, summary); err != nil {
				return fail(exitUsage, err)
			}
			if toStdout {
				_, err := cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			prog.step("writing " + output)
			if err := report.AtomicWrite(output, buf.Bytes()); err != nil {
				return fail(exitUsage, err)
			}
			return nil
		},
	}
	af.register(cmd)
	cmd.Flags().StringVar(&format, "format", "", "html, pdf or xlsx (or json, markdown, sarif, csv); default from the -o extension, else html")
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write; - or empty writes to stdout")
	cmd.Flags().BoolVar(&summary, "summary", false, "html and pdf: the executive summary only (figures, heatmap, overview diagram, one line per rule)")
	return cmd
}

func writeReport(ctx context.Context, w io.Writer, res *analysis.Result, format string, machine report.Writer, prog *ttyProgress, summary bool) error {
	switch format {
	case "html":
		prog.step("drawing the diagram and writing HTML")
		return htmlreport.Write(ctx, w, res, htmlreport.Options{Summary: summary})
	case "pdf":
		prog.step("drawing the diagram and laying out the PDF")
		return pdfreport.Write(ctx, w, res, pdfreport.Options{Summary: summary})
	case "xlsx":
		prog.step("building the workbook")
		return xlsxreport.Write(w, res)
	}
	prog.step("writing " + format)
	return machine(w, res)
}

// ttyProgress shows what a long run is doing on stderr, only when stderr is a
// terminal, on one line that is cleared at the end.
type ttyProgress struct {
	w     io.Writer
	on    bool
	start time.Time
}

func newTTYProgress(w io.Writer) *ttyProgress {
	return &ttyProgress{w: w, on: isTerminal(w), start: time.Now()}
}

func (p *ttyProgress) step(msg string) {
	if !p.on {
		return
	}
	fmt.Fprintf(p.w, "\r\033[K[%4.1fs] %s…", time.Since(p.start).Seconds(), msg)
}

func (p *ttyProgress) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
