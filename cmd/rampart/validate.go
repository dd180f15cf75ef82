package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats"
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
						fmt.Fprintf(out, "%s: ok\n", inputName(path))
					} else {
						fmt.Fprintf(out, "%s: %d problem(s)\n", inputName(path), len(errs))
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
	return loadModelWith(cmd, path, knownRuleIDs(threats.Builtin()))
}

// loadModelWith loads a model file for a command; err means it could not be read
// at all. Files in a foreign format (Threagile, Threat Dragon, OTM, Threat
// Composer) are recognised from their content, or named with --from, and
// imported; their problems point into the foreign file.
func loadModelWith(cmd *cobra.Command, path string, ruleIDs []string) (*model.Model, model.Problems, error) {
	opts := loadOptions(cmd)
	opts.RuleIDs = ruleIDs
	from := ""
	if f := cmd.Flag("from"); f != nil {
		from = strings.TrimSpace(f.Value.String())
	}
	name := inputName(path)
	data, err := readModelFile(cmd, path, opts.MaxFileSize)
	if errors.Is(err, model.ErrTooLarge) {
		return nil, model.Problems{source.Errorf(source.Pos{File: name, Line: 1, Column: 1}, source.CodeLimit, "",
			"split the model with includes, or raise the limit with --max-file-size",
			"file is larger than the %d-byte file size limit", opts.MaxFileSize)}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read model: %w", err)
	}
	if from == "rampart" {
		return model.LoadBytes(cmd.Context(), name, data, opts)
	}
	if from == "" {
		if !rampartKeyRE.Match(data) {
			from = formats.Detect(data)
		}
		if from == "" {
			return model.LoadBytes(cmd.Context(), name, data, opts)
		}
	}
	f, err := formats.Lookup(from)
	if err != nil {
		return nil, nil, fmt.Errorf("--from: %w", err)
	}
	if f.Import == nil {
		return nil, nil, fmt.Errorf("format %s cannot be imported", f.Name)
	}
	return f.Import(cmd.Context(), name, data)
}

// rampartKeyRE finds the top-level key every Rampart model starts with, so
// that Rampart's own files never go through foreign-format detection.
var rampartKeyRE = regexp.MustCompile(`(?m)^rampart\s*:`)

// readModelFile reads a model file through the input layer's reader
// (regular files only, at most limit bytes, stopping on Ctrl-C), or
// standard input for "-". A longer file is an error wrapping
// model.ErrTooLarge.
func readModelFile(cmd *cobra.Command, path string, limit int64) ([]byte, error) {
	if path == "-" {
		return source.ReadReader(cmd.Context(), cmd.InOrStdin(), model.StdinName, limit)
	}
	return source.ReadFile(cmd.Context(), path, limit)
}

// inputName names a model path in messages: "-" is standard input.
func inputName(path string) string {
	if path == "-" {
		return model.StdinName
	}
	return path
}

// loadOptions returns the loader options the model input flags set.
func loadOptions(cmd *cobra.Command) model.Options {
	var opts model.Options
	if f := cmd.Flag("include-root"); f != nil {
		opts.IncludeRoot = f.Value.String()
	}
	if f := cmd.Flag("max-file-size"); f != nil {
		if v, ok := f.Value.(*byteSize); ok {
			opts.MaxFileSize = int64(*v)
		}
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = model.DefaultMaxFileSize
	}
	return opts
}

// addLoadFlags adds the loader's limits to every command that reads models.
func addLoadFlags(root *cobra.Command) {
	size := byteSize(model.DefaultMaxFileSize)
	root.PersistentFlags().Var(&size, "max-file-size", "largest model file read, in bytes or with a unit (KiB, MiB, GiB)")
	root.PersistentFlags().String("include-root", "", "directory whose tree includes may also name (default: only the root model's directory)")
}

// byteSize is a flag value of bytes, written as a number with an optional
// binary unit: 1048576, 1024KiB, 64MiB, 1GiB.
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Type() string { return "size" }

func (b *byteSize) Set(s string) error {
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}} {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size: write bytes, or a number with KiB, MiB or GiB", s)
	}
	*b = byteSize(n * mult)
	return nil
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
