package main

import (
	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// Shell completion ('rampart completion bash|zsh|fish|powershell') of
// model files, rule ids, formats (see completeValues) and element ids.

// completeModelFiles completes model file names.
func completeModelFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"yaml", "yml", "json", "threagile"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeRuleIDs completes built-in rule ids.
func completeRuleIDs(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return threats.RuleIDs(threats.Builtin()), cobra.ShellCompDirectiveNoFileComp
}

// completeElementIDs completes the component and flow ids of the model
// named by the first argument.
func completeElementIDs(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	m, _, err := model.Load(cmd.Context(), modelFile(args[0]), model.Options{})
	if err != nil || m == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return elementIDs(m), cobra.ShellCompDirectiveNoFileComp
}
