package main

// Flags are declared here once, in groups that each command composes, so
// that a flag has one name, one short form and one help text everywhere.
//
//	group          flags                                   used by
//	modelFlags     --from, --max-file-size, --include-root commands that read models
//	analysisFlags  --rules, --as-of, --max-elements,       commands that analyse
//	               --paths-per-entry, --policy (policyFlags)
//	policyFlags    --policy                                validate, push, serve, and commands that analyse
//	outputFlags    -f/--format, -o/--output, --out,        commands that write a result
//	               --summary
//	tableFlags     --wide, --min-severity, --status,       commands that print the table
//	               --above-appetite
//	serverFlags    --server (push.go)                      commands that talk to a server
//	sigmaFlags     --rules (Sigma), --pipeline             detect, coverage
//	               (as --sigma, --sigma-pipeline)          report
//	detectFlags    sigmaFlags, --nats, --detect-workers,   serve
//	               --partitions
//
// Short forms: -f format, -o output, -q quiet, -v verbose, -w warnings.

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/detect/ingest"
	"github.com/rampart-sec/rampart/internal/detect/pipeline"
	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/graph"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/report"
)

// modelFlags say how the model files a command reads are to be read
// (loadOptions turns them into the loader's options).
type modelFlags struct {
	// from names the format of the model files; "" detects it.
	from string
	// includeRoot widens the tree includes may name; maxFileSize caps
	// every file read (see loadOptions).
	includeRoot string
	maxFileSize byteSize
}

func (f *modelFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.from, "from", "", "format of the model files read: rampart, "+strings.Join(formats.Names(), ", ")+
		" (default: detected from their content)")
	completeValues(cmd, "from", append([]string{"rampart"}, formats.Names()...))
	f.maxFileSize = byteSize(model.DefaultMaxFileSize)
	cmd.Flags().Var(&f.maxFileSize, "max-file-size", "largest model file read, in bytes or with a unit (KiB, MiB, GiB)")
	cmd.Flags().StringVar(&f.includeRoot, "include-root", "", "`DIR` whose tree includes may also name (default: only the root model's directory)")
	cmd.MarkFlagDirname("include-root")
}

// policyFlags name the central risk policy that governs the models read
// (see governingPolicy); without it, a model's own policy key applies.
type policyFlags struct {
	policy string
}

func (f *policyFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.policy, "policy", "", "govern the models by the central risk policy in `FILE` (matrix, appetite, rules that may not be disabled; default: the model's policy key)")
	cmd.MarkFlagFilename("policy", "yaml", "yml", "json")
}

// analysisFlags tune the analysis of a model.
type analysisFlags struct {
	modelFlags
	policyFlags
	asOf     string
	rulesDir string
	// pathsPerEntry is how many attack paths to keep per entry point.
	pathsPerEntry int
	// policy is the central policy of the model analysed last (nil for
	// none), for re-analyses of the same model (gateOnServer).
	policy *policy.Policy
	// maxElements refuses to analyse a model with more components and
	// flows; 0 or less means analysis.DefaultMaxElements.
	maxElements int
}

func (f *analysisFlags) add(cmd *cobra.Command) {
	f.modelFlags.add(cmd)
	f.policyFlags.add(cmd)
	cmd.Flags().IntVar(&f.maxElements, "max-elements", analysis.DefaultMaxElements,
		fmt.Sprintf("largest model analysed, in components plus flows (memory grows about %d KiB with each)", analysis.ElementBytes>>10))
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "judge expiries and due dates as of this date (YYYY-MM-DD; default today)")
	cmd.Flags().IntVar(&f.pathsPerEntry, "paths-per-entry", graph.DefaultPathsPerEntry, "keep the `N` most likely attack paths from each entry point")
	addRulesFlag(cmd, &f.rulesDir, "also run the custom CEL rules in `DIR` (*.yaml)")
}

// addRulesFlag declares --rules, the directory of custom rules.
func addRulesFlag(cmd *cobra.Command, dir *string, usage string) {
	cmd.Flags().StringVar(dir, "rules", "", usage)
	cmd.MarkFlagDirname("rules")
}

// sigmaFlags name a Sigma rule set and its processing pipelines.
type sigmaFlags struct {
	rules     []string
	pipelines []string
}

func (f *sigmaFlags) add(cmd *cobra.Command) { f.addNamed(cmd, "rules", "pipeline") }

// addNamed declares the group under other names, for a command whose
// --rules already names custom threat rules (report: --sigma and
// --sigma-pipeline).
func (f *sigmaFlags) addNamed(cmd *cobra.Command, rules, pipelines string) {
	cmd.Flags().StringArrayVar(&f.rules, rules, nil, "Sigma rule directory or file (repeatable)")
	cmd.Flags().StringArrayVar(&f.pipelines, pipelines, []string{"windows"},
		"processing pipeline: a built-in name ("+strings.Join(pipeline.BuiltinNames(), ", ")+") or a pySigma YAML file; repeatable; 'none' for none")
}

// detectFlags turn on event ingest and detection in serve: the Sigma rule
// set, the JetStream that carries events and the workers of this node.
type detectFlags struct {
	sigmaFlags
	nats       string
	workers    int
	partitions int
}

func (f *detectFlags) add(cmd *cobra.Command) {
	f.sigmaFlags.add(cmd)
	cmd.Flags().StringVar(&f.nats, "nats", "", "NATS `URL` of the JetStream carrying events, shared by the nodes (default: an embedded one, this node's alone, under the register's data directory)")
	cmd.Flags().IntVar(&f.workers, "detect-workers", 1, "detection workers on this node (each takes its share of the partitions)")
	cmd.Flags().IntVar(&f.partitions, "partitions", ingest.DefaultPartitions, "partitions of the event stream: the most workers that share the load (the same on every node)")
}

// outputFlags choose what a command writes where.
type outputFlags struct {
	format string
	output string
	outs   []string // FORMAT=PATH, when the command takes several
	// summary asks documents (html, pdf) for the executive summary only.
	summary bool
}

// add declares -f and -o; def names the default format when -o's
// extension does not pick one, formats the names -f accepts.
func (f *outputFlags) add(cmd *cobra.Command, def string, formats []string) {
	cmd.Flags().StringVarP(&f.format, "format", "f", "", "output format: "+strings.Join(formats, ", ")+
		" (default: from the -o file's extension, else "+def+")")
	addOutputFlag(cmd, &f.output)
	completeValues(cmd, "format", formats)
}

// addOutputFlag declares -o/--output, the file a command writes.
func addOutputFlag(cmd *cobra.Command, output *string) {
	cmd.Flags().StringVarP(output, "output", "o", "", "write to this `FILE` (whole or not at all) instead of standard output")
}

// addFormatFlag declares -f/--format for a command with formats of its own
// (text, json...), the first of them the default; check the value with
// checkValue("--format", ...).
func addFormatFlag(cmd *cobra.Command, format *string, formats ...string) {
	cmd.Flags().StringVarP(format, "format", "f", formats[0], "output format: "+strings.Join(formats, ", "))
	completeValues(cmd, "format", formats)
}

// addSummary declares --summary, the executive summary mode of documents.
func (f *outputFlags) addSummary(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.summary, "summary", false, "html, pdf: write the executive summary only (figures, heatmap, top threats, one line per rule)")
}

// addOut declares --out, for commands that write several formats at once.
func (f *outputFlags) addOut(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.outs, "out", nil, "also write `FORMAT=FILE`, any of "+strings.Join(report.Names(), ", ")+" (repeatable)")
	cmd.RegisterFlagCompletionFunc("out", completeOut)
}

// diagramFlags choose how a large model's diagram is drawn.
type diagramFlags struct {
	// single draws a large model as one picture rather than its pages.
	single bool
}

// add declares --single.
func (f *diagramFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.single, "single", false, "svg, png, dot: draw a large model as one picture instead of an overview and one per trust boundary")
}

// tableFlags filter and size the terminal table.
type tableFlags struct {
	wide          bool
	minSeverity   string
	status        []string
	aboveAppetite bool
}

func (f *tableFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.wide, "wide", false, "table: show every column whole, however wide")
	cmd.Flags().StringVar(&f.minSeverity, "min-severity", "", "table: only threats of this residual severity or higher ("+
		strings.Join(model.Severity("").Values(), ", ")+")")
	cmd.Flags().StringSliceVar(&f.status, "status", nil, "table: only threats with these treatment statuses (comma-separated: "+
		strings.Join(model.TreatmentStatus("").Values(), ", ")+")")
	cmd.Flags().BoolVar(&f.aboveAppetite, "above-appetite", false, "table: only the open threats above the risk appetite")
	completeValues(cmd, "min-severity", model.Severity("").Values())
	cmd.RegisterFlagCompletionFunc("status", completeList(model.TreatmentStatus("").Values()))
}

// options checks the values and returns the table options.
func (f *tableFlags) options() (report.TableOptions, error) {
	o := report.TableOptions{Wide: f.wide, AboveAppetite: f.aboveAppetite}
	if f.minSeverity != "" {
		o.MinSeverity = model.Severity(strings.ToLower(f.minSeverity))
		if err := checkValue("--min-severity", string(o.MinSeverity), model.Severity("").Values()); err != nil {
			return o, err
		}
	}
	for _, s := range f.status {
		s = strings.ToLower(strings.TrimSpace(s))
		if err := checkValue("--status", s, model.TreatmentStatus("").Values()); err != nil {
			return o, err
		}
		o.Status = append(o.Status, model.TreatmentStatus(s))
	}
	return o, nil
}

// checkValue is a usage error unless value is one of values, suggesting
// the nearest.
func checkValue(flag, value string, values []string) error {
	for _, v := range values {
		if v == value {
			return nil
		}
	}
	return fail(exitUsage, fmt.Errorf("%s %q: want one of %s%s", flag, value, strings.Join(values, ", "), suggestSuffix(value, values)))
}

// completeValues completes a flag's value from a fixed list.
func completeValues(cmd *cobra.Command, flag string, values []string) {
	cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}
