package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
)

func newSchemaCmd() *cobra.Command {
	var fragment, pol bool
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the model format (for editor completion)",
		Long: `Schema prints a JSON Schema (draft 2020-12) of Rampart's model format.
Save it and point your editor's YAML language server at it, e.g. with a first
line "# yaml-language-server: $schema=rampart.schema.json" in the model.
With --fragment it prints the schema of included files, which have no
rampart or system keys of their own; with --policy, that of central risk
policy files (docs/policy.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			gen := model.JSONSchema
			switch {
			case fragment && pol:
				return fail(exitUsage, fmt.Errorf("--fragment and --policy name different schemas: give one"))
			case fragment:
				gen = model.JSONFragmentSchema
			case pol:
				gen = policy.JSONSchema
			}
			data, err := gen()
			if err != nil {
				return fail(exitUsage, err)
			}
			_, err = cmd.OutOrStdout().Write(append(data, '\n'))
			return err
		},
	}
	cmd.Flags().BoolVar(&fragment, "fragment", false, "print the schema of an included file (a model fragment)")
	cmd.Flags().BoolVar(&pol, "policy", false, "print the schema of a central risk policy file")
	return cmd
}
