package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

const modelSchemaVersion = model.SchemaVersion

func newValidateCmd() *cobra.Command {
	var (
		format   string
		warnings bool
	)
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check models and print every problem with file:line:column",
		Long: `Validate loads each model (with its includes) and prints "ok" or every
problem found, each with file:line:column, the key path, what was expected and
a hint. Exit status: 0 valid, 1 invalid model, 2 usage error or unreadable file.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fail(exitUsage, fmt.Errorf("unknown --format %q (want text or json)", format))
			}
			out := cmd.OutOrStdout()
			code := exitOK
			var all []model.Problem
			for _, path := range args {
				_, problems, err := loadModel(cmd, path)
				if err != nil {
					return fail(exitUsage, err)
				}
				errs := problems.Errors()
				if len(errs) > 0 {
					code = exitFindings
				}
				shown := errs
				if warnings {
					shown = problems
				}
				all = append(all, shown...)
				if format == "text" {
					for _, p := range shown {
						fmt.Fprintln(out, p.String())
					}
					if len(errs) == 0 {
						fmt.Fprintf(out, "%s: ok\n", path)
					} else {
						fmt.Fprintf(out, "%s: %d problem(s)\n", path, len(errs))
					}
				}
			}
			if format == "json" {
				if all == nil {
					all = []model.Problem{}
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(map[string]any{"valid": code == exitOK, "problems": all}); err != nil {
					return fail(exitUsage, err)
				}
			}
			return fail(code, nil)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVarP(&warnings, "warnings", "w", false, "also print warnings")
	return cmd
}

// loadModel loads a model for a command, checking the rule part of
// treatment ids against the built-in rules; see loadModelWith.
func loadModel(cmd *cobra.Command, path string) (*model.Model, model.Problems, error) {
	return loadModelWith(cmd, path, knownRuleIDs(builtin.Rules()))
}

// loadModelWith loads a model file for a command; err means it could not be read
// at all. Files in a foreign format (Threagile, Threat Dragon, OTM, Threat
// Composer) are recognised from their content, or named with --from, and
// imported; their problems point into the foreign file.
func loadModelWith(cmd *cobra.Command, path string, ruleIDs []string) (*model.Model, model.Problems, error) {
	opts := model.Options{RuleIDs: ruleIDs}
	from := ""
	if f := cmd.Flag("from"); f != nil {
		from = strings.TrimSpace(f.Value.String())
	}
	if from == "rampart" {
		return model.Load(cmd.Context(), path, opts)
	}
	data, err := readModelFile(path, model.DefaultMaxFileSize)
	if errors.Is(err, model.ErrTooLarge) {
		return nil, model.Problems{{Pos: model.Pos{File: path}, Message: fmt.Sprintf("file is larger than the %d-byte limit", model.DefaultMaxFileSize)}}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read model: %w", err)
	}
	if from == "" {
		if !rampartKeyRE.Match(data) {
			from = formats.Detect(data)
		}
		if from == "" {
			return model.LoadBytes(cmd.Context(), path, data, opts)
		}
	}
	f, err := formats.Lookup(from)
	if err != nil {
		return nil, nil, fmt.Errorf("--from: %w", err)
	}
	if f.Import == nil {
		return nil, nil, fmt.Errorf("format %s cannot be imported", f.Name)
	}
	return f.Import(cmd.Context(), path, data)
}

// rampartKeyRE finds the top-level key every Rampart model starts with, so
// that Rampart's own files never go through foreign-format detection.
var rampartKeyRE = regexp.MustCompile(`(?m)^rampart\s*:`)

// readModelFile reads at most limit bytes of a file; a longer file is an
// error wrapping model.ErrTooLarge.
func readModelFile(path string, limit int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w: over %d bytes", path, model.ErrTooLarge, limit)
	}
	return data, nil
}

// addFromFlag adds --from to every command: the format of the model files
// read, when detection from their content is not wanted.
func addFromFlag(root *cobra.Command) {
	root.PersistentFlags().String("from", "", "format of the model files read: rampart, "+strings.Join(formats.Names(), ", ")+
		" (default: detected from their content)")
}

// knownRuleIDs lists the ids a treatment may name: every rule's id and the
// Threagile ids the rules cover (register keys imported from Threagile).
func knownRuleIDs(rules []threats.Rule) []string {
	ids := threats.RuleIDs(rules)
	for _, r := range rules {
		ids = append(ids, r.Threagile...)
	}
	return ids
}
