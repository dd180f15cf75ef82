package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/attacktree"
	"github.com/rampart-sec/rampart/internal/diagram"
)

func init() {
	extraCommands = append(extraCommands, newAttackTreeCmd)
}

// attackTreeFormats are the formats 'rampart attack-tree' writes.
var attackTreeFormats = []string{"dot", "svg", "json"}

func newAttackTreeCmd() *cobra.Command {
	var (
		af    analysisFlags
		of    outputFlags
		asset string
	)
	cmd := &cobra.Command{
		Use:   "attack-tree MODEL",
		Short: "Draw the attack trees of the model's crown-jewel data (DOT, SVG or JSON)",
		Long: `Attack-tree builds, for each confidential or restricted data asset (or,
when there is none, the highest-classified ones), an AND/OR tree of the ways
an attacker reaches it: one way per entry point and component holding the
data, along the most likely path; each step into a component is an OR of the
open threats on the step's flow and component and of passing the flow's own
controls (spoofing, tampering, disclosure and privilege threats only).
Likelihoods roll up: OR = 1-∏(1-p), AND = ∏p; a threat's residual likelihood
1..5 counts as 0.1, 0.3, 0.5, 0.7 or 0.9. At most ` + fmt.Sprint(attacktree.MaxWays) + ` ways are shown per asset, most
likely first. The format follows -o's extension unless --format says
otherwise; without -o the DOT source is printed.`,
		Example: `  rampart attack-tree examples/online-shop.yaml -o trees.svg
  rampart attack-tree rampart.yaml --asset card-data -f json`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeModelFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			format := strings.ToLower(of.format)
			if format == "" {
				format = "dot"
				if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(of.output)), "."); ext != "" && !toStdout(of.output) {
					format = ext
				}
			}
			if err := checkValue("--format", format, attackTreeFormats); err != nil {
				return err
			}
			t := target{path: of.output, name: "attack tree " + format}
			if err := checkOutput(cmd, t, []string{modelFile(args[0])}); err != nil {
				return err
			}
			res, inputs, err := af.analyse(cmd, args[0])
			if err != nil {
				return err
			}
			if err := checkOutput(cmd, t, inputs); err != nil {
				return err
			}
			var assets []string
			if asset != "" {
				assets = []string{asset}
			}
			trees, err := attacktree.Build(res, assets...)
			if errors.Is(err, attacktree.ErrUnknownAsset) {
				var ids []string
				for i := range res.Model.Data {
					ids = append(ids, res.Model.Data[i].ID)
				}
				return fail(exitUsage, fmt.Errorf("--asset: %w%s", err, suggestSuffix(asset, ids)))
			}
			if err != nil {
				return fail(exitUsage, err)
			}
			if len(trees) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "the model declares no data assets: there is nothing to draw trees for")
			}
			return writeOutput(cmd, t, func(w io.Writer) error {
				switch format {
				case "json":
					if trees == nil {
						trees = []attacktree.Tree{}
					}
					return writeJSON(w, trees)
				case "svg":
					r, err := diagram.NewRenderer(cmd.Context())
					if err != nil {
						return err
					}
					defer r.Close()
					return r.RenderDOT(cmd.Context(), attacktree.DOT(trees), diagram.FormatSVG, w)
				}
				_, err := w.Write(attacktree.DOT(trees))
				return err
			})
		},
	}
	af.add(cmd)
	of.add(cmd, "dot", attackTreeFormats)
	cmd.Flags().StringVar(&asset, "asset", "", "only the tree of this data asset `ID` (any classification)")
	return cmd
}
