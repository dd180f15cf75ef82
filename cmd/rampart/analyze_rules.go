package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/custom"
)

// loadCustomRules loads the custom CEL rules in dir; their problems are
// printed with positions and make the command fail with exit code 2.
func loadCustomRules(cmd *cobra.Command, dir string) ([]threats.Rule, error) {
	custom, problems, err := custom.Load(cmd.Context(), dir)
	if err != nil {
		return nil, fail(exitUsage, fmt.Errorf("custom rules: %w", err))
	}
	for _, p := range problems.Warnings() {
		fmt.Fprintln(cmd.ErrOrStderr(), p.String())
	}
	if errs := problems.Errors(); len(errs) > 0 {
		for _, p := range errs {
			fmt.Fprintln(cmd.ErrOrStderr(), p.String())
		}
		return nil, fail(exitUsage, fmt.Errorf("%s: %d problem(s) in custom rules", dir, len(errs)))
	}
	return custom, nil
}
