package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

const modelSchemaVersion = model.SchemaVersion

func newValidateCmd() *cobra.Command {
	var (
		mf       modelFlags
		pf       policyFlags
		format   string
		warnings bool
	)
	cmd := &cobra.Command{
		Use:   "validate [MODEL...]",
		Short: "Check models and print every problem with file:line:column",
		Long: `Validate loads each model (with its includes) and prints "ok" or every
problem found, each with file:line:column, the key path, what was expected and
a hint. Without MODEL it reads rampart.yaml; a directory stands for its
rampart.yaml, - for standard input.
Exit status: 0 valid, 1 invalid model, 2 usage error or unreadable file.`,
		ValidArgsFunction: completeModelFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkValue("--format", format, []string{"text", "json"}); err != nil {
				return err
			}
			args, err := modelPaths(args)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			code := exitOK
			var all []model.Problem
			for _, path := range args {
				if err := cmd.Context().Err(); err != nil {
					return err
				}
				m, problems, err := loadModel(cmd, path)
				if err != nil {
					return fail(exitUsage, err)
				}
				if m != nil && len(problems.Errors()) == 0 {
					_, pp, err := governingPolicy(cmd, m, path, knownRuleIDs(builtin.Rules()))
					if err != nil {
						return err
					}
					problems = append(problems, pp...)
					problems.Sort() // by file and position, as documented
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
						fmt.Fprintf(out, "%s: ok\n", inputName(modelFile(path)))
					} else {
						fmt.Fprintf(out, "%s: %d problem(s)\n", inputName(modelFile(path)), len(errs))
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
	mf.add(cmd)
	pf.add(cmd)
	addFormatFlag(cmd, &format, "text", "json")
	cmd.Flags().BoolVarP(&warnings, "warnings", "w", false, "also print warnings")
	return cmd
}

// defaultModel is the model a command reads when none is named, and the
// file a directory stands for.
const defaultModel = "rampart.yaml"

// modelPaths expands command arguments into model files: none is
// rampart.yaml; a directory is its rampart.yaml if it has one, else every
// model below it (YAML files that start with 'rampart:', so not included
// fragments), in lexical order.
func modelPaths(args []string) ([]string, error) {
	if len(args) == 0 {
		if _, err := os.Stat(defaultModel); errors.Is(err, fs.ErrNotExist) {
			return nil, fail(exitUsage, fmt.Errorf("no model named and no %s here: name a model file or directory, or write one with 'rampart init'", defaultModel))
		}
		return []string{defaultModel}, nil
	}
	var paths []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil || !st.IsDir() {
			paths = append(paths, arg)
			continue
		}
		if _, err := os.Stat(filepath.Join(arg, defaultModel)); err == nil {
			paths = append(paths, filepath.Join(arg, defaultModel))
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != arg && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			ext := filepath.Ext(p)
			if d.Type().IsRegular() && (ext == ".yaml" || ext == ".yml") && startsModel(p) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, fail(exitUsage, fmt.Errorf("read %s: %w", arg, err))
		}
		if len(found) == 0 {
			return nil, fail(exitUsage, fmt.Errorf("%s holds no %s and no other model (YAML files starting with 'rampart:')", arg, defaultModel))
		}
		paths = append(paths, found...)
	}
	return paths, nil
}

// startsModel reports whether the file's first 64 KiB hold the top-level
// 'rampart:' key of a root model. Only regular files are opened, so a
// FIFO in the tree never blocks the walk.
func startsModel(path string) bool {
	if st, err := os.Lstat(path); err != nil || !st.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	return hasRampartKey(head[:n])
}

// modelFile returns the model file path names: a directory's rampart.yaml,
// or path itself.
func modelFile(path string) string {
	if path == "-" {
		return path
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return filepath.Join(path, defaultModel)
	}
	return path
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
	opts := loadOptions(cmd)
	opts.RuleIDs = ruleIDs
	from := ""
	if f := cmd.Flag("from"); f != nil {
		from = strings.TrimSpace(f.Value.String())
	}
	path = modelFile(path)
	name := inputName(path)
	if from == "rampart" && path != "-" {
		return model.Load(cmd.Context(), path, opts)
	}
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
		if !hasRampartKey(data) {
			from = formats.Detect(data)
		}
		if from == "" {
			m, problems, err := model.LoadBytes(cmd.Context(), name, data, opts)
			if err == nil && len(problems.Errors()) > 0 && !hasRampartKey(data) {
				problems = append(model.Problems{source.Errorf(source.Pos{File: name, Line: 1, Column: 1}, source.CodeUnknownValue, "",
					"name its format with --from: rampart, "+strings.Join(formats.Names(), ", "),
					"the file is no Rampart model (no top-level 'rampart:' key) and fits none of the other formats: %s",
					strings.Join(formats.Mismatch(data), "; "))}, problems...)
			}
			return m, problems, err
		}
	}
	f, err := formats.Lookup(from)
	if err != nil {
		return nil, nil, fmt.Errorf("--from: %w", err)
	}
	if f.Import == nil {
		return nil, nil, fmt.Errorf("format %s cannot be imported", f.Name)
	}
	return f.Import(cmd.Context(), name, data, formats.ModelOptions(opts))
}

// hasRampartKey reports whether data has the top-level key every Rampart
// model starts with ("rampart" at the start of a line, then white space
// and a colon), so that Rampart's own files never go through foreign-format
// detection. It looks for the word with bytes.Index rather than a
// multi-line regular expression, which took a tenth of the CPU of
// analysing a 10 MB file.
func hasRampartKey(data []byte) bool {
	const key = "rampart"
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(key))
		if i < 0 {
			return false
		}
		i += off
		if i == 0 || data[i-1] == '\n' {
			j := i + len(key)
			for j < len(data) && bytes.IndexByte([]byte(" \t\n\f\r"), data[j]) >= 0 {
				j++
			}
			if j < len(data) && data[j] == ':' {
				return true
			}
		}
		off = i + 1
	}
}

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

// knownRuleIDs lists the ids a treatment may name: every rule's id and the
// Threagile ids the rules cover (register keys imported from Threagile).
func knownRuleIDs(rules []threats.Rule) []string {
	ids := threats.RuleIDs(rules)
	for _, r := range rules {
		ids = append(ids, r.Threagile...)
	}
	return ids
}
