package main

import (
	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/model"
)

func newSchemaCmd() *cobra.Command {
	var fragment bool
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the model format (for editor completion)",
		Long: `Schema prints a JSON Schema (draft 2020-12) of Rampart's model format.
Save it and point your editor's YAML language server at it, e.g. with a first
line "# yaml-language-server: $schema=rampart.schema.json" in the model.
With --fragment it prints the schema of included files, which have no
rampart or system keys of their own.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			gen := model.JSONSchema
			if fragment {
				gen = model.JSONFragmentSchema
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
	return cmd
}
