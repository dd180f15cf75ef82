package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/atomicfile"
	"github.com/rampart-sec/rampart/internal/detect/link"
)

func init() {
	extraCommands = append(extraCommands, newCoverageCmd)
}

// coverageFormats are the output formats of coverage.
var coverageFormats = []string{"table", "json", "markdown"}

func newCoverageCmd() *cobra.Command {
	var (
		flags     sigmaFlags
		models    analysisFlags
		format    string
		navigator string
		force     bool
	)
	cmd := &cobra.Command{
		Use:   "coverage MODEL --rules DIR",
		Short: "Which modelled threats the Sigma rules would detect, and which none would",
		Long: `Coverage analyses the model and matches each threat's ATT&CK techniques
against the attack.tXXXX tags of the Sigma rules under --rules (a
sub-technique counts for its technique and the technique for it). It lists,
per threat, the rules that would detect it, then the threats no rule detects
(the rules to write) and the threats without ATT&CK techniques.

Formats: table (default), json, markdown. --navigator FILE also writes an
ATT&CK Navigator layer of the model's techniques: green where a rule detects
them, red where none does, scored by the number of rules.

Exit status: 0 every threat with techniques is covered, 1 some are not or the
model is invalid, 2 usage error or unreadable input.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkValue("--format", format, coverageFormats); err != nil {
				return err
			}
			set, err := flags.load(cmd)
			if err != nil {
				return err
			}
			res, _, err := models.analyse(cmd, args[0])
			if err != nil {
				return err
			}
			cov := link.Compute(link.Threats(res), set.Rules)
			if navigator != "" {
				data, err := json.MarshalIndent(cov.Navigator("Detection coverage of "+res.System.Name), "", "  ")
				if err != nil {
					return fail(exitUsage, err)
				}
				if err := atomicfile.Write(navigator, append(data, '\n'), force); err != nil {
					return fail(exitUsage, fmt.Errorf("writing the Navigator layer: %w", err))
				}
			}
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(cov); err != nil {
					return fail(exitUsage, err)
				}
			case "markdown":
				writeCoverageMarkdown(out, cov)
			default:
				writeCoverageTable(out, cov)
			}
			if len(cov.Uncovered) > 0 {
				return fail(exitFindings, nil)
			}
			return nil
		},
	}
	flags.add(cmd)
	models.modelFlags.add(cmd)
	cmd.Flags().StringVar(&models.asOf, "as-of", "", "judge expiries and due dates as of this date (YYYY-MM-DD; default today)")
	addFormatFlag(cmd, &format, coverageFormats...)
	cmd.Flags().StringVar(&navigator, "navigator", "", "also write an ATT&CK Navigator layer (JSON) to this file")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite the --navigator file if it exists")
	return cmd
}

func ruleTitles(tc link.ThreatCoverage, max int) string {
	var titles []string
	for i, r := range tc.Rules {
		if i == max {
			titles = append(titles, fmt.Sprintf("and %d more", len(tc.Rules)-max))
			break
		}
		titles = append(titles, r.Title)
	}
	return strings.Join(titles, "; ")
}

func writeCoverageTable(w io.Writer, cov *link.Coverage) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "THREAT\tTECHNIQUES\tRULES\tEXAMPLES")
	for _, t := range cov.Threats {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", t.ID, strings.Join(t.Techniques, ","), len(t.Rules), ruleTitles(t, 3))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d threats: %d detected by some rule, %d by none, %d without ATT&CK techniques\n",
		len(cov.Threats), len(cov.Threats)-len(cov.Uncovered)-len(cov.NoTechniques), len(cov.Uncovered), len(cov.NoTechniques))
	if len(cov.Uncovered) > 0 {
		fmt.Fprintln(w, "No rule detects:")
		for _, id := range cov.Uncovered {
			fmt.Fprintln(w, "  "+id)
		}
	}
}

func writeCoverageMarkdown(w io.Writer, cov *link.Coverage) {
	fmt.Fprintln(w, "# Detection coverage")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Threat | Techniques | Rules | Examples |")
	fmt.Fprintln(w, "| --- | --- | ---: | --- |")
	md := strings.NewReplacer("|", "\\|", "\n", " ")
	for _, t := range cov.Threats {
		fmt.Fprintf(w, "| %s | %s | %d | %s |\n", md.Replace(t.ID), strings.Join(t.Techniques, ", "), len(t.Rules), md.Replace(ruleTitles(t, 3)))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Threats no rule detects")
	fmt.Fprintln(w)
	if len(cov.Uncovered) == 0 {
		fmt.Fprintln(w, "None.")
	}
	for _, id := range cov.Uncovered {
		fmt.Fprintf(w, "- %s\n", md.Replace(id))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Threats without ATT&CK techniques")
	fmt.Fprintln(w)
	if len(cov.NoTechniques) == 0 {
		fmt.Fprintln(w, "None.")
	}
	for _, id := range cov.NoTechniques {
		fmt.Fprintf(w, "- %s\n", md.Replace(id))
	}
}
