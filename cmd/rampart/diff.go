package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/diff"
)

func init() {
	extraCommands = append(extraCommands, newDiffCmd)
}

func newDiffCmd() *cobra.Command {
	var (
		af     analysisFlags
		sf     serverFlags
		system string
		format string
	)
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two versions of a model: elements, flows, threats and risk",
		Long: `Diff compares two model files, or with --server two versions of a system in the
register (OLD and NEW are version numbers; NEW may be "latest"). It lists the
components, data assets, trust boundaries, controls and flows added, removed or
changed, the threats that are new or gone, and those whose residual risk or
treatment moved.

Exit status: 0 compared (whatever changed), 1 invalid model, 2 usage error,
unreadable input or server failure.`,
		Example: `  rampart diff rampart.yaml.orig rampart.yaml
  rampart diff --server=https://rampart.example --system payments 3 latest`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkValue("--format", format, []string{"text", "json"}); err != nil {
				return err
			}
			var r *diff.Report
			if sf.used(cmd) {
				if system == "" {
					return fail(exitUsage, fmt.Errorf("--server needs --system ID: the system whose versions to compare"))
				}
				from, err := strconv.Atoi(args[0])
				if err != nil || from < 1 {
					return fail(exitUsage, fmt.Errorf("OLD %q: want a version number", args[0]))
				}
				to := 0
				if args[1] != "latest" {
					if to, err = strconv.Atoi(args[1]); err != nil || to < 1 {
						return fail(exitUsage, fmt.Errorf("NEW %q: want a version number or latest", args[1]))
					}
				}
				c, err := sf.client()
				if err != nil {
					return err
				}
				if r, err = c.Diff(cmd.Context(), system, from, to); err != nil {
					return serverError(cmd, err)
				}
			} else {
				before, _, err := af.analyse(cmd, args[0])
				if err != nil {
					return err
				}
				after, _, err := af.analyse(cmd, args[1])
				if err != nil {
					return err
				}
				r = diff.Compare(before, after)
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			writeDiff(out, r)
			return nil
		},
	}
	af.add(cmd)
	sf.register(cmd, true)
	cmd.Flags().StringVar(&system, "system", "", "with --server: the system id")
	addFormatFlag(cmd, &format, "text", "json")
	return cmd
}

var diffMarks = map[diff.Kind]string{diff.Added: "+", diff.Removed: "-", diff.Changed: "~"}

func writeDiff(w io.Writer, r *diff.Report) {
	if r.Empty() {
		fmt.Fprintln(w, "no changes")
	}
	if len(r.Elements) > 0 {
		fmt.Fprintln(w, "elements and flows:")
		for _, e := range r.Elements {
			fmt.Fprintf(w, "  %s %s %s", diffMarks[e.Change], e.Type, e.ID)
			if len(e.Fields) > 0 {
				fmt.Fprintf(w, " (%v)", e.Fields)
			}
			fmt.Fprintln(w)
		}
	}
	if len(r.Threats) > 0 {
		fmt.Fprintln(w, "threats:")
		for _, t := range r.Threats {
			switch t.Change {
			case diff.Added:
				fmt.Fprintf(w, "  + %s %s: %s (%d×%d)\n", t.After.Severity, t.ID, t.Title, t.After.Likelihood, t.After.Impact)
			case diff.Removed:
				fmt.Fprintf(w, "  - %s %s: %s\n", t.Before.Severity, t.ID, t.Title)
			default:
				fmt.Fprintf(w, "  ~ %s→%s %s: %s", t.Before.Severity, t.After.Severity, t.ID, t.Title)
				if t.StatusBefore != t.StatusAfter {
					fmt.Fprintf(w, " [%s→%s]", t.StatusBefore, t.StatusAfter)
				}
				fmt.Fprintln(w)
			}
		}
	}
	fmt.Fprintf(w, "open threats: %d → %d; above the appetite: %d → %d\n", r.OpenBefore, r.OpenAfter, r.BreachesBefore, r.BreachesAfter)
}
