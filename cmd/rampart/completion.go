package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// Shell completion ('rampart completion bash|zsh|fish|powershell') of
// model files, rule ids, formats (see completeValues) and element ids.

// completeModelFiles completes model file names.
func completeModelFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"yaml", "yml", "json", "threagile"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeRuleIDs completes built-in rule ids.
func completeRuleIDs(_ *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return withPrefix(threats.RuleIDs(builtin.Rules()), prefix), cobra.ShellCompDirectiveNoFileComp
}

// completeList completes the last item of a comma-separated list of
// values (--status open,mit<TAB>).
func completeList(values []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		done, last := "", prefix
		if i := strings.LastIndex(prefix, ","); i >= 0 {
			done, last = prefix[:i+1], prefix[i+1:]
		}
		var out []string
		for _, v := range withPrefix(values, last) {
			out = append(out, done+v)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeOut completes --out: a format name followed by "=", then a file.
func completeOut(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	if strings.Contains(prefix, "=") {
		return nil, cobra.ShellCompDirectiveDefault
	}
	var out []string
	for _, name := range withPrefix(report.Names(), prefix) {
		out = append(out, name+"=")
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// withPrefix keeps the words that start with prefix.
func withPrefix(words []string, prefix string) []string {
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			out = append(out, w)
		}
	}
	return out
}

// completeElementIDs completes the component and flow ids of the model
// named by the first argument.
func completeElementIDs(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	m, _, err := model.Load(cmd.Context(), modelFile(args[0]), model.Options{})
	if err != nil || m == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	// --highlight takes a comma-separated list: complete its last id.
	done, last := "", prefix
	if i := strings.LastIndex(prefix, ","); i >= 0 {
		done, last = prefix[:i+1], prefix[i+1:]
	}
	var out []string
	for _, id := range withPrefix(elementIDs(m), last) {
		out = append(out, done+id)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
