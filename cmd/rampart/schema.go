package main

import (
	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/model"
)

func newSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the model format (for editor completion)",
		Long: `Schema prints a JSON Schema (draft 2020-12) of Rampart's model format.
Save it and point your editor's YAML language server at it, e.g. with a first
line "# yaml-language-server: $schema=rampart.schema.json" in the model.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, err := model.JSONSchema()
			if err != nil {
				return fail(exitUsage, err)
			}
			_, err = cmd.OutOrStdout().Write(append(data, '\n'))
			return err
		},
	}
}
