package main

import (
	"fmt"
	"io"
	"path/filepath"
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
		of        outputFlags
		pathRank  int
		highlight string
		noRisk    bool
		noLegend  bool
		df        diagramFlags
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
.dot) unless --format says otherwise; without -o the DOT source is printed.

A model of more than ` + fmt.Sprint(diagram.DetailLimit) + ` components is too large for one readable picture. It is
drawn as an overview of its top-level trust boundaries plus one diagram per
top-level boundary (in parts of at most ` + fmt.Sprint(diagram.DetailLimit) + ` components), the same pictures
the reports show. -o dfd.svg then writes dfd.overview.svg and one file per
boundary, named dfd.BOUNDARY.svg (dfd.BOUNDARY-part-2.svg for a second part,
dfd.outside.svg for the components outside every boundary); DOT output holds
every picture in one file, one graph after the other. --single draws one
picture of the whole model however large.`,
		Example: `  rampart diagram examples/online-shop.yaml -o dfd.svg
  rampart diagram rampart.yaml -o dfd.png --highlight-path 1
  rampart diagram rampart.yaml --highlight customer,cdn-waf,storefront -o path.svg
  rampart diagram large.yaml -o dfd.svg            # dfd.overview.svg, dfd.BOUNDARY.svg, ...
  rampart diagram large.yaml --single -o all.svg`,
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
			rd, err := diagram.NewRenderer(cmd.Context())
			if err != nil {
				return err
			}
			defer rd.Close()
			opts := report.Options{Highlight: ids, NoRisk: noRisk, NoLegend: noLegend, Renderer: rd}
			var pages []diagram.Page
			if !df.single {
				pages = report.DiagramPages(res, opts)
			}
			for _, o := range outs {
				if err := checkOutput(cmd, o.target, inputs); err != nil {
					return err
				}
				if err := writeDiagram(cmd, o, res, opts, pages, inputs, prog); err != nil {
					return err
				}
			}
			return nil
		},
	}
	af.add(cmd)
	of.add(cmd, "dot", diagramFormats)
	cmd.Flags().IntVar(&pathRank, "highlight-path", 0, "highlight the Nth attack path found by the analysis (1 = most likely)")
	cmd.RegisterFlagCompletionFunc("highlight-path", cobra.NoFileCompletions)
	cmd.Flags().StringVar(&highlight, "highlight", "", "highlight these comma-separated component or flow ids")
	cmd.RegisterFlagCompletionFunc("highlight", completeElementIDs)
	cmd.Flags().BoolVar(&noRisk, "no-risk", false, "do not tint elements by residual risk")
	cmd.Flags().BoolVar(&noLegend, "no-legend", false, "leave the legend out")
	df.add(cmd)
	return cmd
}

// writeDiagram writes one output of the diagram command: the one picture,
// or a large model's pages (diagram.Pages), all of them in one DOT output
// or one SVG or PNG file each, named after the output file and the page.
func writeDiagram(cmd *cobra.Command, o resultOutput, res *analysis.Result, opts report.Options, pages []diagram.Page, inputs []string, prog *ttyProgress) error {
	ctx := cmd.Context()
	if len(pages) <= 1 {
		prog.step("laying out and drawing the diagram")
		return writeOutput(cmd, o.target, func(w io.Writer) error { return o.format.Write(ctx, w, res, opts) })
	}
	if o.format.Name() == string(diagram.FormatDOT) {
		return writeOutput(cmd, o.target, func(w io.Writer) error {
			for i := range pages {
				if _, err := fmt.Fprintf(w, "// Picture %d of %d: %s\n", i+1, len(pages), pages[i].Title); err != nil {
					return err
				}
				po := opts
				po.Page = &pages[i]
				if err := o.format.Write(ctx, w, res, po); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if toStdout(o.path) {
		return fail(exitUsage, fmt.Errorf("a diagram of %d components is %d %s pictures, which cannot go to standard output: name a file with -o (-o dfd.%s writes dfd.overview.%s and one file per trust boundary), or draw one picture with --single",
			len(res.Model.Components), len(pages), o.name, o.format.Extensions()[0], o.format.Extensions()[0]))
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "%d components are too many for one readable picture: drawing an overview and %d trust-boundary diagrams (--single draws one picture)\n",
		len(res.Model.Components), len(pages)-1)
	targets := make([]target, len(pages))
	seen := map[string]string{}
	for i := range pages {
		targets[i] = o.target
		targets[i].path = pagePath(o.path, pages[i].ID)
		if prev, dup := seen[targets[i].path]; dup {
			return fail(exitUsage, fmt.Errorf("the pictures %s and %s would both be written to %s: rename one of the trust boundaries, or draw one picture with --single", prev, pages[i].ID, targets[i].path))
		}
		seen[targets[i].path] = pages[i].ID
		if err := checkOutput(cmd, targets[i], inputs); err != nil {
			return err
		}
	}
	for i := range pages {
		prog.step(fmt.Sprintf("laying out and drawing %s (%d of %d)", pages[i].Title, i+1, len(pages)))
		po := opts
		po.Page = &pages[i]
		if err := writeOutput(cmd, targets[i], func(w io.Writer) error { return o.format.Write(ctx, w, res, po) }); err != nil {
			return err
		}
	}
	return nil
}

// pagePath names the file of one page of a split diagram: dfd.svg and page
// zone-1 make dfd.zone-1.svg. Page ids are model ids, which may hold a
// colon; it becomes an underscore, which every file system accepts.
func pagePath(path, id string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + strings.ReplaceAll(id, ":", "_") + ext
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
