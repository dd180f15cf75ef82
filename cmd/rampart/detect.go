package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/detect/link"
	"github.com/rampart-sec/rampart/internal/detect/ruleset"
	"github.com/rampart-sec/rampart/internal/detect/stream"
)

func init() {
	extraCommands = append(extraCommands, newDetectCmd)
}

// load reads and compiles the rule set, printing rule problems to stderr.
func (f *sigmaFlags) load(cmd *cobra.Command) (*ruleset.Set, error) {
	if len(f.rules) == 0 {
		return nil, fail(exitUsage, errors.New("give at least one --rules directory"))
	}
	var names []string
	for _, p := range f.pipelines {
		if p != "none" && p != "" {
			names = append(names, p)
		}
	}
	pls, err := ruleset.Pipelines(names)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	set, err := ruleset.Load(cmd.Context(), f.rules, pls)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	return set, nil
}

func newDetectCmd() *cobra.Command {
	var (
		flags     sigmaFlags
		models    analysisFlags
		modelPath string
		quiet     bool
	)
	cmd := &cobra.Command{
		Use:   "detect --rules DIR [--pipeline P] [EVENTS...]",
		Short: "Match JSON-lines events against Sigma rules and print alerts",
		Long: `Detect compiles the Sigma rules under each --rules directory once and matches
every event of the JSON-lines files given (or standard input, or "-") against
them, correlations included. Alerts are printed to standard output as JSON
lines: rule id, title, level, ATT&CK techniques, the matched fields and values,
the event and its time. A summary goes to standard error. Malformed lines (not
JSON, too large, nested too deeply) are counted and skipped; rules that do not
load are reported and the others still run.

With --model, alerts name the model's components the event belongs to (see
'detection' in docs/model.md) and the modelled threats whose ATT&CK
techniques the rule detects.

Exit status: 0 no alerts, 1 alerts or an invalid --model, 2 usage error or
unreadable input.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := flags.load(cmd)
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			counts := set.Count()
			if !quiet {
				for _, f := range set.Files {
					for _, p := range f.Problems.Errors() {
						fmt.Fprintf(stderr, "rampart: rule %s: %s\n", f.Status, p)
					}
				}
			}
			if set.Engine.Stats().Rules == 0 {
				return fail(exitUsage, fmt.Errorf("no rule loaded from %s (%d invalid, %d unsupported)", strings.Join(flags.rules, ", "), counts[ruleset.Invalid], counts[ruleset.Unsupported]))
			}
			det := stream.New(set)
			if modelPath != "" {
				res, _, err := models.analyse(cmd, modelPath)
				if err != nil {
					return err
				}
				det.Link = link.New(res.Model, link.Threats(res)).Alerter(set.Rules)
			}
			out := bufio.NewWriter(cmd.OutOrStdout())
			enc := json.NewEncoder(out)
			emit := func(a *stream.Alert) error { return enc.Encode(a) }
			if len(args) == 0 {
				args = []string{"-"}
			}
			for _, path := range args {
				var r io.Reader
				name := path
				if path == "-" {
					r, name = cmd.InOrStdin(), "stdin"
				} else {
					f, err := os.Open(path)
					if err != nil {
						out.Flush()
						return fail(exitUsage, fmt.Errorf("reading events: %w", err))
					}
					r = f
					defer f.Close()
				}
				if err := det.Run(cmd.Context(), name, r, emit); err != nil {
					out.Flush()
					return fail(exitUsage, err)
				}
			}
			if err := out.Flush(); err != nil {
				return fail(exitUsage, fmt.Errorf("writing alerts: %w", err))
			}
			st := set.Engine.Stats()
			fmt.Fprintf(stderr, "rules: %d loaded (%d files ok, %d unsupported, %d invalid)\n", st.Rules, counts[ruleset.OK], counts[ruleset.Unsupported], counts[ruleset.Invalid])
			fmt.Fprint(stderr, det.Stats.Summary())
			if det.Stats.Alerts > 0 {
				return fail(exitFindings, nil)
			}
			return nil
		},
	}
	flags.add(cmd)
	cmd.Flags().StringVar(&modelPath, "model", "", "system model whose components and threats alerts are linked to")
	models.modelFlags.add(cmd)
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not list rules that fail to load")
	cmd.AddCommand(newDetectValidateCmd())
	return cmd
}

func newDetectValidateCmd() *cobra.Command {
	var (
		pipelines []string
		format    string
	)
	cmd := &cobra.Command{
		Use:   "validate DIR...",
		Short: "Check Sigma rules: ok, unsupported (why) or invalid (where)",
		Long: `Validate parses and compiles every Sigma rule file under each directory and
prints one verdict a file: ok, unsupported (valid Sigma this engine does not
run, with why and what to write instead) or invalid (every problem with
file:line:column, key path and a hint).

Exit status: 0 no invalid rule, 1 invalid rules, 2 usage error or unreadable
directory.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkValue("--format", format, []string{"text", "json"}); err != nil {
				return err
			}
			flags := sigmaFlags{rules: args, pipelines: pipelines}
			set, err := flags.load(cmd)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			counts := set.Count()
			if format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(map[string]any{"files": set.Files, "counts": counts}); err != nil {
					return fail(exitUsage, err)
				}
			} else {
				for _, f := range set.Files {
					errs := f.Problems.Errors()
					switch f.Status {
					case ruleset.OK:
						fmt.Fprintf(out, "ok           %s\n", f.Path)
					default:
						fmt.Fprintf(out, "%-12s %s\n", f.Status, f.Path)
						for _, p := range errs {
							fmt.Fprintf(out, "    %s\n", p)
						}
					}
				}
				fmt.Fprintf(out, "%d files: %d ok, %d unsupported, %d invalid\n", len(set.Files), counts[ruleset.OK], counts[ruleset.Unsupported], counts[ruleset.Invalid])
			}
			if counts[ruleset.Invalid] > 0 {
				return fail(exitFindings, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&pipelines, "pipeline", []string{"windows"}, "processing pipeline (built-in name or file); 'none' for none")
	addFormatFlag(cmd, &format, "text", "json")
	return cmd
}
