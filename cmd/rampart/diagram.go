package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report"
)

func init() {
	extraCommands = append(extraCommands, newDiagramCmd)
}

func newDiagramCmd() *cobra.Command {
	var (
		af        analysisFlags
		of        outputFlags
		pathRank  int
		highlight string
		noRisk    bool
		noLegend  bool
	)
	diagramFormats := []string{"svg", "png", "dot"}
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
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeModelFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := of.resultOutputs(cmd, "dot", diagramFormats)
			if err != nil {
				return err
			}
			if pathRank != 0 && highlight != "" {
				return fail(exitUsage, fmt.Errorf("use --highlight-path or --highlight, not both"))
			}
			if pathRank < 0 {
				return fail(exitUsage, fmt.Errorf("--highlight-path %d: want a rank of 1 or more", pathRank))
			}
			prog := newTTYProgress(cmd.ErrOrStderr())
			defer prog.done()
			for _, o := range outs {
				if err := checkOutput(cmd, o.target, []string{modelFile(args[0])}); err != nil {
					return err
				}
			}
			prog.step("analysing " + args[0])
			res, inputs, err := af.analyse(cmd, args[0])
			if err != nil {
				return err
			}
			ids, err := highlighted(res, pathRank, highlight)
			if err != nil {
				return fail(exitUsage, err)
			}
			opts := report.Options{Highlight: ids, NoRisk: noRisk, NoLegend: noLegend}
			for _, o := range outs {
				if err := checkOutput(cmd, o.target, inputs); err != nil {
					return err
				}
				prog.step("laying out and drawing the diagram")
				if err := writeOutput(cmd, o.target, func(w io.Writer) error { return o.format.Write(cmd.Context(), w, res, opts) }); err != nil {
					return err
				}
			}
			return nil
		},
	}
	af.add(cmd)
	of.add(cmd, "dot", diagramFormats)
	cmd.Flags().IntVar(&pathRank, "highlight-path", 0, "highlight the Nth attack path found by the analysis (1 = most likely)")
	cmd.Flags().StringVar(&highlight, "highlight", "", "highlight these comma-separated component or flow ids")
	cmd.RegisterFlagCompletionFunc("highlight", completeElementIDs)
	cmd.Flags().BoolVar(&noRisk, "no-risk", false, "do not tint elements by residual risk")
	cmd.Flags().BoolVar(&noLegend, "no-legend", false, "leave the legend out")
	return cmd
}

// highlighted returns the ids to highlight: the Nth attack path's, or the
// listed component and flow ids.
func highlighted(res *analysis.Result, pathRank int, highlight string) ([]string, error) {
	switch {
	case pathRank > 0:
		if pathRank > len(res.Paths) {
			return nil, fmt.Errorf("--highlight-path %d: the analysis found %d attack path(s)", pathRank, len(res.Paths))
		}
		p := res.Paths[pathRank-1]
		return append(append([]string{}, p.Components...), p.Flows...), nil
	case highlight != "":
		var out []string
		ix := res.Model.Index()
		for _, id := range strings.Split(highlight, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if ix.Components[id] == nil && ix.Flows[id] == nil {
				return nil, fmt.Errorf("--highlight: no component or flow '%s'%s", id, suggestSuffix(id, elementIDs(res.Model)))
			}
			out = append(out, id)
		}
		return out, nil
	}
	return nil, nil
}

// elementIDs lists the ids of the model's components and flows.
func elementIDs(m *model.Model) []string {
	var ids []string
	for i := range m.Components {
		ids = append(ids, m.Components[i].ID)
	}
	for i := range m.Flows {
		ids = append(ids, m.Flows[i].ID)
	}
	return ids
}
