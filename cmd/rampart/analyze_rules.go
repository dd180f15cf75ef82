package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/threats"
)

// loadCustomRules loads the custom CEL rules in dir, printing their problems.
func loadCustomRules(cmd *cobra.Command, dir string) ([]threats.Rule, error) {
	return nil, fail(exitUsage, fmt.Errorf("custom rules in %s: not supported by this build", dir))
}
