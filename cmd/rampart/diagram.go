package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/diagram"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report"
)

func init() {
	extraCommands = append(extraCommands, newDiagramCmd)
}

func newDiagramCmd() *cobra.Command {
	var (
		af        analysisFlags
		output    string
		format    string
		pathRank  int
		highlight string
		noRisk    bool
		noLegend  bool
	)
	cmd := &cobra.Command{
		Use:   "diagram MODEL -o FILE",
		Short: "Draw the model's data-flow diagram (SVG, PNG or DOT)",
		Long: `Diagram draws the model as a data-flow diagram: processes (rounded boxes),
data stores (cylinders) and external entities (grey boxes) inside their trust
boundaries (dashed, nested), joined by flows labelled with protocol,
authentication and data. Dashed arrows are unencrypted flows. Each element is
tinted by the highest residual severity of its threats, and one attack path can
be highlighted. The format follows the output file's extension (.svg, .png,
.dot) unless --format says otherwise; without -o the DOT source is printed.`,
		Example: `  rampart diagram examples/online-shop.yaml -o dfd.svg
  rampart diagram rampart.yaml -o dfd.png --highlight-path 1
  rampart diagram rampart.yaml --highlight customer,cdn-waf,storefront -o path.svg`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := diagram.Format(strings.ToLower(format))
			if format == "" {
				f = diagram.FormatDOT
				if output != "" && output != "-" {
					var err error
					if f, err = diagram.FormatFromPath(output); err != nil {
						return fail(exitUsage, err)
					}
				}
			}
			switch f {
			case diagram.FormatDOT, diagram.FormatSVG, diagram.FormatPNG:
			default:
				return fail(exitUsage, fmt.Errorf("unknown --format %q (want svg, png or dot)", format))
			}
			if f == diagram.FormatPNG && (output == "" || output == "-") && isTerminal(cmd.OutOrStdout()) {
				return fail(exitUsage, fmt.Errorf("refusing to write PNG to a terminal; use -o FILE"))
			}
			if pathRank != 0 && highlight != "" {
				return fail(exitUsage, fmt.Errorf("use --highlight-path or --highlight, not both"))
			}
			prog := newTTYProgress(cmd.ErrOrStderr())
			defer prog.done()
			prog.step("analysing " + args[0])
			res, err := af.analyse(cmd, args[0])
			if err != nil {
				return err
			}
			prog.step("laying out and drawing the diagram")
			opts, err := diagramOptions(res, pathRank, highlight, noRisk)
			if err != nil {
				return fail(exitUsage, err)
			}
			opts.NoLegend = noLegend
			var buf bytes.Buffer
			if err := diagram.Render(cmd.Context(), res.Model, opts, f, &buf); err != nil {
				return fail(exitUsage, err)
			}
			if output == "" || output == "-" {
				_, err := cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := report.AtomicWrite(output, buf.Bytes()); err != nil {
				return fail(exitUsage, err)
			}
			return nil
		},
	}
	af.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write (.svg, .png or .dot); - or empty prints DOT")
	cmd.Flags().StringVar(&format, "format", "", "svg, png or dot (default: from the output file's extension)")
	cmd.Flags().IntVar(&pathRank, "highlight-path", 0, "highlight the Nth attack path found by the analysis (1 = most likely)")
	cmd.Flags().StringVar(&highlight, "highlight", "", "highlight these comma-separated component or flow ids")
	cmd.Flags().BoolVar(&noRisk, "no-risk", false, "do not tint elements by residual risk")
	cmd.Flags().BoolVar(&noLegend, "no-legend", false, "leave the legend out")
	return cmd
}

// diagramOptions builds the diagram options from an analysis: residual
// severity per element and the highlighted path.
func diagramOptions(res *analysis.Result, pathRank int, highlight string, noRisk bool) (diagram.Options, error) {
	var opts diagram.Options
	if !noRisk {
		opts.Severity = severityByElement(res)
	}
	switch {
	case pathRank < 0:
		return opts, fmt.Errorf("--highlight-path %d: want a rank of 1 or more", pathRank)
	case pathRank > 0:
		if pathRank > len(res.Paths) {
			return opts, fmt.Errorf("--highlight-path %d: the analysis found %d attack path(s)", pathRank, len(res.Paths))
		}
		p := res.Paths[pathRank-1]
		opts.Highlight = append(append([]string{}, p.Components...), p.Flows...)
	case highlight != "":
		ix := res.Model.Index()
		for _, id := range strings.Split(highlight, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if ix.Components[id] == nil && ix.Flows[id] == nil {
				var ids []string
				for i := range res.Model.Components {
					ids = append(ids, res.Model.Components[i].ID)
				}
				for i := range res.Model.Flows {
					ids = append(ids, res.Model.Flows[i].ID)
				}
				return opts, fmt.Errorf("--highlight: no component or flow '%s'%s", id, suggestSuffix(id, ids))
			}
			opts.Highlight = append(opts.Highlight, id)
		}
	}
	return opts, nil
}

// severityByElement is the highest residual severity of the open threats on
// each element; treated threats do not tint the diagram.
func severityByElement(res *analysis.Result) map[string]model.Severity {
	var targets [][]string
	var sev []model.Severity
	for i := range res.Findings {
		f := &res.Findings[i]
		if !f.Treatment.Open() {
			continue
		}
		targets = append(targets, f.Targets)
		sev = append(sev, f.Residual.Severity)
	}
	return diagram.SeverityByElement(targets, sev)
}
