package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	_ "github.com/rampart-sec/rampart/internal/formats/threagile" // Threagile YAML
	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	extraCommands = append(extraCommands, newImportCmd)
}

func newImportCmd() *cobra.Command {
	var (
		mf     modelFlags
		output string
	)
	cmd := &cobra.Command{
		Use:   "import [--from FORMAT] FILE [-o rampart.yaml]",
		Short: "Convert a model from another tool into a Rampart model",
		Long: `Import reads a model written for another threat-modelling tool (` + strings.Join(formats.Names(), ", ") + `)
and writes it as a clean, commented Rampart model. The format is detected from
the file's content unless --from names it. Warnings (printed to stderr) name
everything the Rampart model cannot carry; problems in the foreign file are
reported with its own line and column.

Exit status: 0 written, 1 the foreign file has problems (nothing is written),
2 usage error or unreadable file.`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeModelFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			out := target{path: output, name: "Rampart model"}
			if err := checkOutput(cmd, out, []string{path}); err != nil {
				return err
			}
			data, err := readModelFile(cmd, path, loadOptions(cmd).MaxFileSize)
			if err != nil {
				return fail(exitUsage, fmt.Errorf("read %s: %w", path, err))
			}
			from := strings.TrimSpace(mf.from)
			if from == "" {
				from = formats.Detect(data)
				if from == "" {
					return fail(exitUsage, fmt.Errorf("%s: cannot tell which tool's format this is (it may already be a Rampart model); name it with --from %s",
						path, strings.Join(formats.Names(), "|")))
				}
			}
			if from == "rampart" {
				return fail(exitUsage, fmt.Errorf("--from rampart: the file is already a Rampart model"))
			}
			f, err := formats.Lookup(from)
			if err != nil {
				return fail(exitUsage, fmt.Errorf("--from: %w", err))
			}
			var (
				m        *model.Model
				notes    []string
				problems model.Problems
			)
			switch {
			case f.ImportNotes != nil:
				m, notes, problems, err = f.ImportNotes(cmd.Context(), path, data, formats.ModelOptions(loadOptions(cmd)))
			case f.Import != nil:
				m, problems, err = f.Import(cmd.Context(), path, data, formats.ModelOptions(loadOptions(cmd)))
			default:
				return fail(exitUsage, fmt.Errorf("format %s cannot be imported", f.Name))
			}
			if err != nil {
				return fail(exitUsage, err)
			}
			stderr := cmd.ErrOrStderr()
			for _, p := range problems {
				fmt.Fprintln(stderr, p.String())
			}
			if errs := problems.Errors(); len(errs) > 0 {
				return fail(exitFindings, fmt.Errorf("%s: %d problem(s); nothing written", path, len(errs)))
			}
			if len(notes) == 0 {
				notes = []string{"Imported from the " + f.Title + " file " + filepath.Base(path) + "."}
			}
			if n := infer.Note(m); n != "" {
				notes = append(notes, n)
			}
			data, err = model.MarshalWithHeader(m, notes...)
			if err != nil {
				return fail(exitUsage, err)
			}
			out.name = fmt.Sprintf("Rampart model: %d data assets, %d components, %d flows, %d trust boundaries, %d threats, %d treatments, %d warnings",
				len(m.Data), len(m.Components), len(m.Flows), len(m.TrustBoundaries), len(m.Threats), len(m.Treatments), len(problems.Warnings()))
			return writeOutput(cmd, out, func(w io.Writer) error { _, err := w.Write(data); return err })
		},
	}
	mf.add(cmd)
	addOutputFlag(cmd, &output)
	return cmd
}
