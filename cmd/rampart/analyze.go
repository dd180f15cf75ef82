package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/diagram"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/report"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

func init() {
	extraCommands = append(extraCommands, newAnalyzeCmd, newCheckCmd)
}

// analyse loads, validates and analyses one model. It returns the result
// and the files read (so that no output replaces one of them). An invalid
// model is an exit-1 error, an unreadable one exit 2.
func (a *analysisFlags) analyse(cmd *cobra.Command, path string) (*analysis.Result, []string, error) {
	var now time.Time
	if a.asOf != "" {
		d, err := model.ParseDate(a.asOf)
		if err != nil {
			return nil, nil, fail(exitUsage, fmt.Errorf("--as-of %q: want a date YYYY-MM-DD", a.asOf))
		}
		now = d.Time
	}
	if f := cmd.Flags().Lookup("paths-per-entry"); f != nil && f.Changed && a.pathsPerEntry < 1 {
		return nil, nil, fail(exitUsage, fmt.Errorf("--paths-per-entry %d: want 1 or more", a.pathsPerEntry))
	}
	rules, err := loadRules(cmd, a.rulesDir)
	if err != nil {
		return nil, nil, err
	}
	m, problems, err := loadModelWith(cmd, path, knownRuleIDs(rules))
	if err != nil {
		return nil, nil, fail(exitUsage, err)
	}
	var pol *policy.Policy
	if m != nil && len(problems.Errors()) == 0 {
		var pp model.Problems
		if pol, pp, err = governingPolicy(cmd, m, path, knownRuleIDs(rules)); err != nil {
			return nil, nil, err
		}
		problems = append(problems, pp...)
	}
	a.policy = pol
	if errs := problems.Errors(); len(errs) > 0 {
		for _, p := range errs {
			fmt.Fprintln(cmd.ErrOrStderr(), p.String())
		}
		return nil, nil, fail(exitFindings, fmt.Errorf("%s: %d problem(s); fix them first ('rampart validate' lists them)", path, len(errs)))
	}
	if p, ok := a.tooLarge(m); ok {
		fmt.Fprintln(cmd.ErrOrStderr(), p.String())
		return nil, nil, fail(exitFindings, fmt.Errorf("%s: the model is larger than --max-elements allows", path))
	}
	if err := cmd.Context().Err(); err != nil {
		return nil, nil, err
	}
	var res *analysis.Result
	if err := untilCancelled(cmd.Context(), func() error {
		res = analysis.Analyze(m, analysis.Options{Rules: rules, Now: now, Tool: "rampart " + buildVersion(), PathsPerEntry: a.pathsPerEntry,
			Policy: pol})
		return nil
	}); err != nil {
		return nil, nil, err
	}
	res.Warnings = append(problems.Warnings(), res.Warnings...)
	return res, append([]string{modelFile(path)}, m.Files...), nil
}

// tooLarge returns the problem of a model with more components and flows
// than --max-elements allows, before any analysis starts: its memory grows
// with them.
func (a *analysisFlags) tooLarge(m *model.Model) (model.Problem, bool) {
	limit := a.maxElements
	if limit <= 0 {
		limit = analysis.DefaultMaxElements // commands that do not declare --max-elements
	}
	n := analysis.Elements(m)
	if n <= limit {
		return model.Problem{}, false
	}
	need := fmt.Sprintf("%d MiB", n*analysis.ElementBytes>>20)
	if gib := float64(n) * analysis.ElementBytes / (1 << 30); gib >= 1 {
		need = fmt.Sprintf("%.1f GiB", gib)
	}
	return source.Errorf(m.Pos, source.CodeLimit, "",
		fmt.Sprintf("split the model, or raise the limit with --max-elements %d if the machine has the memory", n),
		"the model has %d components and %d flows, more than the %d elements (components plus flows) --max-elements allows; analysing it would need about %s of memory",
		len(m.Components), len(m.Flows), limit, need), true
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

func newAnalyzeCmd() *cobra.Command {
	var (
		af analysisFlags
		of outputFlags
		tf tableFlags
		df diagramFlags
	)
	cmd := &cobra.Command{
		Use:     "analyze [MODEL...]",
		Aliases: []string{"analyse"},
		Short:   "Identify threats, score risk and report them",
		Long: `Analyze identifies threats in a model (STRIDE-driven rules, custom rules and the
model's own threats), scores each on the risk matrix (inherent and residual),
applies the treatments in the model, finds attack paths to valuable data and
writes the result.

Formats: ` + strings.Join(report.Names(), ", ") + `. The table (default) is for
terminals; -o FILE picks the format from the file's extension unless -f says
otherwise; --out FORMAT=FILE writes more formats from the same analysis.
MODEL may be a directory holding rampart.yaml, or - for standard input;
without MODEL it reads rampart.yaml. Several models, or a directory of models
(every YAML file below it that starts a model), are summarised in one table.

Diagram outputs (svg, png, dot) of a model of more than ` + fmt.Sprint(diagram.DetailLimit) + ` components are
split as 'rampart diagram' splits them: --out svg=dfd.svg writes
dfd.overview.svg and one dfd.BOUNDARY.svg per top-level trust boundary;
--single draws one picture.`,
		Example: `  rampart analyze examples/online-shop.yaml
  rampart analyze rampart.yaml -f sarif -o rampart.sarif
  rampart analyze rampart.yaml --out json=threats.json --out pdf=threat-model.pdf
  rampart analyze rampart.yaml --min-severity high --status open
  rampart analyze services/`,
		ValidArgsFunction: completeModelFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			paths, err := modelPaths(args)
			if err != nil {
				return err
			}
			if len(paths) > 1 {
				if of.format != "" || of.output != "" || len(of.outs) > 0 {
					return fail(exitUsage, fmt.Errorf("%d models give one summary table on standard output; analyse one model at a time to write -f, -o or --out", len(paths)))
				}
				return analyseSummary(cmd, &af, paths, tf.wide)
			}
			outs, err := of.resultOutputs(cmd, "table", nil)
			if err != nil {
				return err
			}
			table, err := tf.options()
			if err != nil {
				return err
			}
			return analyseAndWrite(cmd, &af, paths[0], outs, report.Options{Table: table, Summary: of.summary}, df, nil)
		},
	}
	af.add(cmd)
	of.add(cmd, "table", report.Names())
	of.addOut(cmd)
	of.addSummary(cmd)
	tf.add(cmd)
	df.add(cmd)
	return cmd
}

// analyseAndWrite analyses the model at path and writes every output;
// outputs are checked before the work starts. Diagram outputs (svg, png,
// dot) of a large model are split into pages as 'rampart diagram' splits
// them, unless df says --single. prog, when set, shows the steps on a
// terminal.
func analyseAndWrite(cmd *cobra.Command, af *analysisFlags, path string, outs []resultOutput, opts report.Options, df diagramFlags, prog *ttyProgress) error {
	for _, o := range outs {
		if err := checkOutput(cmd, o.target, []string{modelFile(path)}); err != nil {
			return err
		}
	}
	prog.step("analysing " + path)
	res, inputs, err := af.analyse(cmd, path)
	if err != nil {
		return err
	}
	for _, o := range outs {
		if err := checkOutput(cmd, o.target, inputs); err != nil {
			return err
		}
	}
	var (
		rd    *diagram.Renderer
		pages []diagram.Page
	)
	for _, o := range outs {
		if slices.Contains(diagram.Formats(), diagram.Format(o.format.Name())) {
			if rd == nil {
				if rd, err = diagram.NewRenderer(cmd.Context()); err != nil {
					return err
				}
				defer rd.Close()
				if !df.single {
					pages = report.DiagramPages(res, opts)
				}
			}
			do := opts
			do.Renderer = rd
			if err := writeDiagram(cmd, o, res, do, pages, inputs, prog); err != nil {
				return err
			}
			continue
		}
		prog.step("writing " + o.name)
		oo := opts
		if toStdout(o.path) {
			oo.Table.Color = isTerminal(cmd.OutOrStdout())
			oo.Table.Width = terminalWidth(cmd.OutOrStdout())
		}
		err := writeOutput(cmd, o.target, func(w io.Writer) error {
			return o.format.Write(cmd.Context(), w, res, oo)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func newCheckCmd() *cobra.Command {
	var (
		af          analysisFlags
		sf          serverFlags
		maxSeverity string
		quiet       bool
	)
	cmd := &cobra.Command{
		Use:   "check [MODEL...]",
		Short: "CI gate: fail when untreated risk exceeds the appetite",
		Long: `Check analyses models and exits 0 when every untreated threat is within each
model's risk appetite, 1 when at least one exceeds it (each is listed) or a
model is invalid, and 2 on usage errors or unreadable input. Accepted risks
count again once their acceptance expires. --max-severity overrides the
appetite for every category. Without MODEL it reads rampart.yaml; a directory
stands for its rampart.yaml, or for every model below it. With --server (URL,
or $RAMPART_SERVER when given alone) the register's decisions on the server
replace the model's treatments.`,
		Example: `  rampart check rampart.yaml
  rampart check rampart.yaml --max-severity high
  rampart check services/`,
		ValidArgsFunction: completeModelFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			var override model.Severity
			if maxSeverity != "" {
				override = model.Severity(strings.ToLower(maxSeverity))
				if err := checkValue("--max-severity", string(override), override.Values()); err != nil {
					return err
				}
			}
			paths, err := modelPaths(args)
			if err != nil {
				return err
			}
			code := exitOK
			for _, path := range paths {
				err := checkOne(cmd, &af, &sf, path, override, quiet, len(paths) > 1)
				var ee *exitError
				switch {
				case errors.As(err, &ee) && ee.code == exitFindings:
					if ee.err != nil {
						fmt.Fprintln(cmd.ErrOrStderr(), "rampart:", ee.err)
					}
					code = exitFindings
				case err != nil:
					return err
				}
			}
			return fail(code, nil)
		},
	}
	af.add(cmd)
	sf.register(cmd, true)
	cmd.Flags().StringVar(&maxSeverity, "max-severity", "", "override the appetite: low, medium, high or critical")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only breaches")
	return cmd
}

// checkOne gates one model, on the server's decisions when --server is
// set; named prefixes its "ok" line with the path.
func checkOne(cmd *cobra.Command, af *analysisFlags, sf *serverFlags, path string, override model.Severity, quiet, named bool) error {
	res, _, err := af.analyse(cmd, path)
	if err != nil {
		return err
	}
	if sf.used(cmd) {
		if res, err = gateOnServer(cmd, sf, af, res); err != nil {
			return err
		}
	}
	out := cmd.OutOrStdout()
	if override != "" && res.Policy.File != "" && !quiet {
		if a := res.Appetite; override.Rank() > a.MaxSeverity.Rank() {
			fmt.Fprintf(cmd.ErrOrStderr(), "--max-severity %s is looser than the policy (%s): where the policy's limit is lower, it applies\n", override, res.Policy.File)
		}
	}
	var breaches []analysis.Finding
	for _, f := range res.Findings {
		limit := f.Limit
		if override != "" && (res.Policy.File == "" || override.Rank() < limit.Rank()) {
			// Under a central policy the override may only tighten.
			limit = override
		}
		if f.Treatment.Gated() && f.Residual.Severity.Rank() > limit.Rank() {
			f.Limit = limit
			breaches = append(breaches, f)
		}
	}
	analysis.SortByRisk(breaches)
	if !quiet {
		for _, p := range res.Reviews {
			fmt.Fprintln(cmd.ErrOrStderr(), p.String())
		}
		for _, p := range res.Warnings {
			// The gate's limits may differ from the model's; a custom rule may not have run.
			if p.Code == source.CodePolicy || p.Code == source.CodeRuleFailed {
				fmt.Fprintln(cmd.ErrOrStderr(), p.String())
			}
		}
		for _, f := range res.Findings {
			if f.Treatment.Expired {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s:%d: the acceptance of %s expired on %s; it counts as open again\n",
					f.Pos.File, f.Pos.Line, f.ID, f.Treatment.Expires)
			}
		}
	}
	prefix := ""
	if named {
		prefix = modelFile(path) + ": "
	}
	var off []string
	for _, p := range res.Warnings {
		if p.Code == source.CodeRuleFailed && !p.IsWarning() {
			off = append(off, p.Pos.String())
		}
	}
	if len(off) > 0 && len(breaches) == 0 {
		// A rule switched off raised no threats: the gate cannot say the model is within its appetite.
		return fail(exitFindings, fmt.Errorf("%s%d custom rule(s) could not run (%s), so the gate did not check their threats",
			prefix, len(off), strings.Join(off, ", ")))
	}
	if len(breaches) == 0 {
		if !quiet {
			fmt.Fprintf(out, "%sok: %d threat(s), %d open, none above the risk appetite\n", prefix, res.Summary.Threats, res.Summary.Open)
		}
		return nil
	}
	fmt.Fprintf(out, "%s%d open threat(s) above the risk appetite:\n", prefix, len(breaches))
	for _, f := range breaches {
		fmt.Fprintf(out, "%s:%d: %s %s (residual %d×%d, limit %s): %s\n", f.Pos.File, f.Pos.Line, f.Residual.Severity,
			f.ID, f.Residual.Likelihood, f.Residual.Impact, f.Limit, f.Title)
	}
	fmt.Fprintln(out, "treat them (controls, or a treatment in the model's register) or ask the risk owner to accept them")
	return fail(exitFindings, nil)
}

// analyseSummary analyses several models and prints one summary table: a
// row per model and the totals. Invalid models are reported and counted.
// On a terminal, unless wide, long model paths are shortened from the left
// to fit its width.
func analyseSummary(cmd *cobra.Command, af *analysisFlags, paths []string, wide bool) error {
	rows := [][]string{{"MODEL", "THREATS", "OPEN", "ABOVE APPETITE", "CRITICAL", "HIGH", "MEDIUM", "LOW"}}
	var total analysis.Summary
	total.BySeverity = map[model.Severity]int{}
	code, invalid := exitOK, 0
	for _, path := range paths {
		res, _, err := af.analyse(cmd, path)
		var ee *exitError
		if errors.As(err, &ee) && ee.code == exitFindings {
			fmt.Fprintln(cmd.ErrOrStderr(), "rampart:", ee.err)
			rows = append(rows, []string{modelFile(path), "invalid", "", "", "", "", "", ""})
			code, invalid = exitFindings, invalid+1
			continue
		}
		if err != nil {
			return err
		}
		s := res.Summary
		row := []string{modelFile(path), strconv.Itoa(s.Threats), strconv.Itoa(s.Open), strconv.Itoa(s.Breaches)}
		for _, sev := range []model.Severity{"critical", "high", "medium", "low"} {
			row = append(row, strconv.Itoa(s.BySeverity[sev]))
			total.BySeverity[sev] += s.BySeverity[sev]
		}
		rows = append(rows, row)
		total.Threats += s.Threats
		total.Open += s.Open
		total.Breaches += s.Breaches
	}
	row := []string{fmt.Sprintf("total (%d models)", len(paths)), strconv.Itoa(total.Threats), strconv.Itoa(total.Open), strconv.Itoa(total.Breaches)}
	for _, sev := range []model.Severity{"critical", "high", "medium", "low"} {
		row = append(row, strconv.Itoa(total.BySeverity[sev]))
	}
	rows = append(rows, row)
	if width := terminalWidth(cmd.OutOrStdout()); width > 0 && !wide {
		fitFirstColumn(rows, width, 2)
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
	if invalid > 0 {
		return fail(code, fmt.Errorf("%d of %d models are invalid ('rampart validate' lists their problems)", invalid, len(paths)))
	}
	return nil
}

// fitFirstColumn shortens the first cell of each row from the left ("…"
// then the end of a path) so that the rows, columns gap apart, fit width;
// the column keeps at least 20 characters.
func fitFirstColumn(rows [][]string, width, gap int) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], report.VisibleWidth(c))
		}
	}
	rest := 0
	for _, w := range widths[1:] {
		rest += w + gap
	}
	room := max(width-rest, 20)
	for _, r := range rows {
		if runes := []rune(r[0]); len(runes) > room {
			r[0] = "…" + string(runes[len(runes)-room+1:])
		}
	}
}
