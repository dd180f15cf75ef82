package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/model"
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

// loadModel loads a model file for a command; err means it could not be read at all.
func loadModel(cmd *cobra.Command, path string) (*model.Model, model.Problems, error) {
	return model.Load(cmd.Context(), path, model.Options{})
}
