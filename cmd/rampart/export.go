package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

func init() {
	extraCommands = append(extraCommands, newExportCmd)
}

func newExportCmd() *cobra.Command {
	var (
		mf         modelFlags
		to, output string
	)
	cmd := &cobra.Command{
		Use:   "export --to FORMAT MODEL [-o FILE]",
		Short: "Write a model in another tool's format",
		Long: `Export writes a model in another threat-modelling tool's format (` + strings.Join(formats.Names(), ", ") + `).
Threats are identified first, so that formats which hold threats receive them;
warnings (printed to stderr) name everything the format cannot carry.

Exit status: 0 written, 1 the model has problems (nothing is written),
2 usage error or unreadable file.`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeModelFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return fail(exitUsage, fmt.Errorf("--to is required: one of %s", strings.Join(formats.Names(), ", ")))
			}
			f, err := formats.Lookup(to)
			if err != nil {
				return fail(exitUsage, fmt.Errorf("--to: %w", err))
			}
			if f.Export == nil {
				return fail(exitUsage, fmt.Errorf("format %s cannot be exported", f.Name))
			}
			path := args[0]
			out := target{path: output, name: f.Title}
			if err := checkOutput(cmd, out, []string{modelFile(path)}); err != nil {
				return err
			}
			m, problems, err := loadModel(cmd, path)
			if err != nil {
				return fail(exitUsage, err)
			}
			stderr := cmd.ErrOrStderr()
			if errs := problems.Errors(); len(errs) > 0 {
				for _, p := range errs {
					fmt.Fprintln(stderr, p.String())
				}
				return fail(exitFindings, fmt.Errorf("%s: %d problem(s); nothing written", path, len(errs)))
			}
			if err := checkOutput(cmd, out, m.Files); err != nil {
				return err
			}
			// The warnings of reading the model (an import from another
			// format names everything it could not carry) come first.
			var readWarnings int
			for _, p := range problems {
				if p.IsWarning() {
					fmt.Fprintln(stderr, p.String())
					readWarnings++
				}
			}
			found := threats.Identify(m, builtin.Rules())
			data, warnings, err := f.Export(cmd.Context(), m, found)
			if err != nil {
				return fail(exitUsage, err)
			}
			for _, p := range warnings {
				fmt.Fprintln(stderr, p.String())
			}
			if errs := warnings.Errors(); len(errs) > 0 {
				return fail(exitFindings, fmt.Errorf("%s: cannot be written as %s", path, f.Title))
			}
			out.name = fmt.Sprintf("%s, %d threats identified, %d warnings", f.Title, len(found), readWarnings+len(warnings))
			return writeOutput(cmd, out, func(w io.Writer) error { _, err := w.Write(data); return err })
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "format to write: "+strings.Join(formats.Names(), ", "))
	mf.add(cmd)
	addOutputFlag(cmd, &output)
	completeValues(cmd, "to", formats.Names())
	return cmd
}
