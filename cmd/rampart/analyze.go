package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

func init() {
	extraCommands = append(extraCommands, newAnalyzeCmd, newCheckCmd)
}

// analysisFlags are shared by analyze and check.
type analysisFlags struct {
	asOf     string
	rulesDir string
}

func (a *analysisFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.asOf, "as-of", "", "judge expiries and due dates as of this date (YYYY-MM-DD; default today)")
	cmd.Flags().StringVar(&a.rulesDir, "rules", "", "directory of custom rules (*.yaml with CEL conditions) to run as well")
}

// analyse loads, validates and analyses one model. Invalid input is an exit-2 error.
func (a *analysisFlags) analyse(cmd *cobra.Command, path string) (*analysis.Result, error) {
	var now time.Time
	if a.asOf != "" {
		d, err := model.ParseDate(a.asOf)
		if err != nil {
			return nil, fail(exitUsage, fmt.Errorf("--as-of %q: want a date YYYY-MM-DD", a.asOf))
		}
		now = d.Time
	}
	rules, err := loadRules(cmd, a.rulesDir)
	if err != nil {
		return nil, err
	}
	m, problems, err := loadModelWith(cmd, path, knownRuleIDs(rules))
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		for _, p := range errs {
			fmt.Fprintln(cmd.ErrOrStderr(), p.String())
		}
		return nil, fail(exitUsage, fmt.Errorf("%s: %d problem(s); fix them first ('rampart validate' lists them)", path, len(errs)))
	}
	res := analysis.Analyze(m, analysis.Options{Rules: rules, Now: now, Tool: "rampart " + version})
	res.Warnings = append(problems.Warnings(), res.Warnings...)
	return res, nil
}

// loadRules returns the built-in rules plus the custom rules in dir.
func loadRules(cmd *cobra.Command, dir string) ([]threats.Rule, error) {
	rules := builtin.Rules()
	if dir == "" {
		return rules, nil
	}
	custom, err := loadCustomRules(cmd, dir)
	if err != nil {
		return nil, err
	}
	return append(rules, custom...), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

func newAnalyzeCmd() *cobra.Command {
	var (
		af      analysisFlags
		format  string
		output  string
		outputs []string
	)
	cmd := &cobra.Command{
		Use:   "analyze MODEL",
		Short: "Identify threats, score risk and report them",
		Long: `Analyze identifies threats in a model (STRIDE-driven rules, custom rules and the
model's own threats), scores each on the risk matrix (inherent and residual),
applies the treatments in the model, finds attack paths to valuable data and
writes the result.

Formats: table (default, for terminals), json, markdown, sarif, csv. Write one
format with --format and -o, or several at once with --out FORMAT=FILE.`,
		Example: `  rampart analyze examples/online-shop.yaml
  rampart analyze rampart.yaml --format sarif -o rampart.sarif
  rampart analyze rampart.yaml --out json=threats.json --out markdown=THREATS.md`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			type target struct{ format, file string }
			targets := []target{{format, output}}
			if len(outputs) > 0 {
				targets = targets[:0]
				if cmd.Flags().Changed("format") || output != "" {
					targets = append(targets, target{format, output})
				}
				for _, o := range outputs {
					f, file, ok := strings.Cut(o, "=")
					if !ok || file == "" {
						return fail(exitUsage, fmt.Errorf("--out %q: want FORMAT=FILE", o))
					}
					targets = append(targets, target{f, file})
				}
			}
			writers := make([]report.Writer, len(targets))
			for i, t := range targets {
				w, err := report.Lookup(t.format, report.Options{Color: t.file == "" && isTerminal(cmd.OutOrStdout())})
				if err != nil {
					return fail(exitUsage, err)
				}
				writers[i] = w
			}
			res, err := af.analyse(cmd, args[0])
			if err != nil {
				return err
			}
			for i, t := range targets {
				if t.file == "" || t.file == "-" {
					if err := writers[i](cmd.OutOrStdout(), res); err != nil {
						return fail(exitUsage, err)
					}
					continue
				}
				w := writers[i]
				if err := report.WriteFile(t.file, func(out io.Writer) error { return w(out, res) }); err != nil {
					return fail(exitUsage, err)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s)\n", t.file, t.format)
			}
			return nil
		},
	}
	af.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: "+strings.Join(report.Formats(), ", "))
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of stdout (atomically)")
	cmd.Flags().StringArrayVar(&outputs, "out", nil, "write FORMAT=FILE (repeatable)")
	return cmd
}

func newCheckCmd() *cobra.Command {
	var (
		af          analysisFlags
		maxSeverity string
		quiet       bool
	)
	cmd := &cobra.Command{
		Use:   "check MODEL",
		Short: "CI gate: fail when untreated risk exceeds the appetite",
		Long: `Check analyses a model and exits 0 when every untreated threat is within the
model's risk appetite, 1 when at least one exceeds it (each is listed), and 2 on
invalid input or usage errors. Accepted risks count again once their acceptance
expires. --max-severity overrides the appetite for every category.`,
		Example: `  rampart check rampart.yaml
  rampart check rampart.yaml --max-severity high`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var override model.Severity
			if maxSeverity != "" {
				override = model.Severity(maxSeverity)
				if override.Rank() == 0 {
					return fail(exitUsage, fmt.Errorf("--max-severity %q: want one of %s%s", maxSeverity,
						strings.Join(override.Values(), ", "), suggestSuffix(maxSeverity, override.Values())))
				}
			}
			res, err := af.analyse(cmd, args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			var breaches []analysis.Finding
			for _, f := range res.Findings {
				limit := f.Limit
				if override != "" {
					limit = override
				}
				if f.Treatment.Open() && f.Residual.Severity.Rank() > limit.Rank() {
					f.Limit = limit
					breaches = append(breaches, f)
				}
			}
			analysis.SortByRisk(breaches)
			if !quiet {
				for _, f := range res.Findings {
					if f.Treatment.Expired {
						fmt.Fprintf(cmd.ErrOrStderr(), "%s:%d: the acceptance of %s expired on %s; it counts as open again\n",
							f.Pos.File, f.Pos.Line, f.ID, f.Treatment.Expires)
					}
				}
			}
			if len(breaches) == 0 {
				if !quiet {
					fmt.Fprintf(out, "ok: %d threat(s), %d open, none above the risk appetite\n", res.Summary.Threats, res.Summary.Open)
				}
				return nil
			}
			fmt.Fprintf(out, "%d open threat(s) above the risk appetite:\n", len(breaches))
			for _, f := range breaches {
				fmt.Fprintf(out, "%s:%d: %s %s (residual %d×%d, limit %s): %s\n", f.Pos.File, f.Pos.Line, f.Residual.Severity,
					f.ID, f.Residual.Likelihood, f.Residual.Impact, f.Limit, f.Title)
			}
			fmt.Fprintln(out, "treat them (controls, or a treatment in the model's register) or ask the risk owner to accept them")
			return fail(exitFindings, nil)
		},
	}
	af.register(cmd)
	cmd.Flags().StringVar(&maxSeverity, "max-severity", "", "override the appetite: low, medium, high or critical")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only breaches")
	return cmd
}

func suggestSuffix(word string, values []string) string {
	if s := model.Suggest(word, values); s != "" {
		return " (" + s + ")"
	}
	return ""
}
