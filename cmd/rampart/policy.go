package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/source"
)

// governingPolicy loads the central policy that governs m, read from
// path: the --policy file, else the file the model's policy key names
// (relative to the model and confined to its tree, as includes are). It
// returns the policy (nil for none) and every problem: the policy file's
// own, and the model's violations of it (policy.Apply). err is set when
// the policy file cannot be read.
func governingPolicy(cmd *cobra.Command, m *model.Model, path string, ruleIDs []string) (*policy.Policy, model.Problems, error) {
	var problems model.Problems
	file := ""
	if f := cmd.Flags().Lookup("policy"); f != nil {
		file = f.Value.String()
	}
	fromKey := file == "" && m.Policy != ""
	if fromKey {
		if path == "-" {
			problems = append(problems, source.Errorf(m.At("policy", -1), source.CodeInvalidValue, "policy",
				"pass the policy with --policy FILE", "a model read from standard input cannot name a policy file"))
			return nil, problems, nil
		}
		root := ""
		if f := cmd.Flags().Lookup("include-root"); f != nil {
			root = f.Value.String()
		}
		resolved, pp := policy.Resolve(m, modelFile(path), root)
		if len(pp) > 0 {
			return nil, pp, nil
		}
		file = resolved
	} else if file != "" && m.Policy != "" {
		problems = append(problems, source.Warnf(m.At("policy", -1), source.CodePolicy, "policy", "",
			"the model names policy '%s'; --policy %s applies instead", m.Policy, file))
	}
	var p *policy.Policy
	if file != "" {
		var pp model.Problems
		var err error
		p, pp, err = policy.Load(cmd.Context(), file, ruleIDs)
		if err != nil && fromKey {
			// The model names the file: a problem at its key, as an include that cannot be read is.
			return nil, append(problems, policy.Unreadable(m, err)), nil
		}
		if err != nil {
			return nil, nil, fail(exitUsage, fmt.Errorf("policy %s: %w", file, err))
		}
		problems = append(problems, pp...)
		if len(pp.Errors()) > 0 {
			return nil, problems, nil
		}
	}
	return p, append(problems, policy.Apply(m, p).Problems...), nil
}
