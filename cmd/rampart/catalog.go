package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

func init() {
	extraCommands = append(extraCommands, newCatalogCmd)
}

// catalogFormats are the formats of the catalog commands.
var catalogFormats = []string{"text", "json"}

func newCatalogCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Search and show the embedded MITRE catalog (ATT&CK, CAPEC, CWE, D3FEND)",
		Long: `Catalog looks up the MITRE knowledge Rampart embeds: ATT&CK Enterprise and
ICS techniques with their tactics and mitigations, CAPEC attack patterns,
CWE weaknesses and D3FEND defensive techniques, and the links between them.
'rampart catalog sources' lists the releases it was generated from.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCatalogSearchCmd(), newCatalogShowCmd(), newCatalogSourcesCmd())
	return cmd
}

// catalogTarget resolves -f/-o for a catalog command: -f, else json for a
// .json file, else text.
func catalogTarget(cmd *cobra.Command, of *outputFlags) (target, string, error) {
	format := strings.ToLower(of.format)
	if format == "" {
		format = "text"
		if strings.EqualFold(filepath.Ext(of.output), ".json") {
			format = "json"
		}
	}
	if err := checkValue("--format", format, catalogFormats); err != nil {
		return target{}, "", err
	}
	t := target{path: of.output, name: "catalog " + format}
	return t, format, checkOutput(cmd, t, nil)
}

func newCatalogSearchCmd() *cobra.Command {
	var of outputFlags
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find catalog entries whose id or name contains every word of TEXT",
		Long: `Search lists the tactics, techniques, mitigations, D3FEND techniques, CAPEC
patterns and CWE entries whose id or name contains every word of TEXT, case
aside: an exact id first, then exact names, then by kind and id. Finding
nothing is not an error (exit 0, nothing listed).`,
		Example: `  rampart catalog search "sql injection"
  rampart catalog search T1078 -f json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, format, err := catalogTarget(cmd, &of)
			if err != nil {
				return err
			}
			text := strings.Join(args, " ")
			if strings.TrimSpace(text) == "" {
				return fail(exitUsage, fmt.Errorf("nothing to search for: give a word of an id or a name"))
			}
			found := catalog.Search(text)
			return writeOutput(cmd, t, func(w io.Writer) error {
				if format == "json" {
					if found == nil {
						found = []catalog.Entry{}
					}
					return writeJSON(w, found)
				}
				if len(found) == 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "nothing in the catalog matches %q\n", text)
					return nil
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tKIND\tNAME")
				for _, e := range found {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", e.ID, e.Kind, e.Name)
				}
				return tw.Flush()
			})
		},
	}
	of.add(cmd, "text", catalogFormats)
	return cmd
}

// catalogShow is what 'rampart catalog show' prints: one entry of the
// catalog with its links and the built-in rules that refer to it.
type catalogShow struct {
	Kind      string             `json:"kind"`
	Technique *catalog.Technique `json:"technique,omitempty"`
	CAPEC     *catalog.Pattern   `json:"capec,omitempty"`
	CWE       *catalog.Weakness  `json:"cwe,omitempty"`
	// Rules are the built-in rules that name the entry (for a technique,
	// the entry or one of its sub-techniques).
	Rules []catalog.Ref `json:"rules"`
}

func newCatalogShowCmd() *cobra.Command {
	var of outputFlags
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show an ATT&CK technique, CAPEC pattern or CWE with its links and rules",
		Long: `Show prints one catalog entry. An ATT&CK technique (T1190, T0866) with its
tactics, ATT&CK mitigations, D3FEND countermeasures, the CAPEC patterns
mapped to it and their CWE weaknesses; a CAPEC pattern (CAPEC-66) with its CWE
and ATT&CK links; a CWE entry (CWE-89) with the CAPEC patterns exploiting it
and their techniques. Each lists the built-in rules that refer to it.
An unknown id exits with status 2.`,
		Example: `  rampart catalog show T1078
  rampart catalog show CAPEC-66 -f json
  rampart catalog show CWE-89`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, format, err := catalogTarget(cmd, &of)
			if err != nil {
				return err
			}
			s, err := lookupCatalog(strings.TrimSpace(args[0]))
			if err != nil {
				return fail(exitUsage, err)
			}
			return writeOutput(cmd, t, func(w io.Writer) error {
				if format == "json" {
					return writeJSON(w, s)
				}
				return writeCatalogShow(w, s)
			})
		},
	}
	of.add(cmd, "text", catalogFormats)
	return cmd
}

// lookupCatalog finds a technique, CAPEC or CWE id and the rules naming it.
func lookupCatalog(id string) (catalogShow, error) {
	upper := strings.ToUpper(id)
	s := catalogShow{Rules: []catalog.Ref{}}
	rules := builtin.Rules()
	addRules := func(match func(threats.Rule) bool) {
		for _, r := range rules {
			if match(r) {
				s.Rules = append(s.Rules, catalog.Ref{ID: r.ID, Name: r.Title})
			}
		}
	}
	if n, ok := strings.CutPrefix(upper, "CAPEC-"); ok {
		num, err := strconv.Atoi(n)
		p, found := catalog.LookupCAPEC(num)
		if err != nil || !found {
			return s, fmt.Errorf("%s is not in the CAPEC catalog %s; find ids with 'rampart catalog search'", id, catalogRelease("CAPEC"))
		}
		s.Kind, s.CAPEC = "capec", &p
		addRules(func(r threats.Rule) bool { return slices.Contains(r.CAPEC, num) })
		return s, nil
	}
	if n, ok := strings.CutPrefix(upper, "CWE-"); ok {
		num, err := strconv.Atoi(n)
		w, found := catalog.LookupCWE(num)
		if err != nil || !found {
			return s, fmt.Errorf("%s is not in the CWE catalog %s; find ids with 'rampart catalog search'", id, catalog.CWEVersion)
		}
		s.Kind, s.CWE = "cwe", &w
		addRules(func(r threats.Rule) bool { return slices.Contains(r.CWE, num) })
		return s, nil
	}
	if tech, ok := catalog.LookupTechnique(upper); ok {
		s.Kind, s.Technique = "technique", &tech
		addRules(func(r threats.Rule) bool {
			return slices.ContainsFunc(r.ATTACK, func(a string) bool { return a == tech.ID || strings.HasPrefix(a, tech.ID+".") })
		})
		return s, nil
	}
	hint := "show takes an ATT&CK technique (T1190), CAPEC-N or CWE-N"
	if found := catalog.Search(id); len(found) > 0 {
		hint = fmt.Sprintf("'rampart catalog search %s' finds %d entries", id, len(found))
	}
	return s, fmt.Errorf("%q is not a technique, CAPEC or CWE id in the catalog — %s", id, hint)
}

// catalogRelease returns the release of a catalog source.
func catalogRelease(name string) string {
	for _, s := range catalog.Sources() {
		if s.Name == name {
			return s.Version
		}
	}
	return ""
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeCatalogShow(w io.Writer, s catalogShow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	section := func(title string, refs []catalog.Ref) {
		if len(refs) == 0 {
			fmt.Fprintf(tw, "%s\t(none)\n", title)
			return
		}
		for i, r := range refs {
			if i > 0 {
				title = ""
			}
			fmt.Fprintf(tw, "%s\t%s  %s\n", title, r.ID, r.Name)
		}
	}
	switch {
	case s.Technique != nil:
		t := s.Technique
		dep := ""
		if t.Deprecated {
			dep = " (deprecated)"
		}
		fmt.Fprintf(tw, "%s\t%s%s\n", t.ID, t.Name, dep)
		fmt.Fprintf(tw, "ATT&CK\t%s\n", t.Domain)
		section("Tactics", t.Tactics)
		section("Mitigations", t.Mitigations)
		section("D3FEND", t.D3FEND)
		section("CAPEC", t.CAPEC)
		section("CWE", t.CWE)
	case s.CAPEC != nil:
		p := s.CAPEC
		dep := ""
		if p.Deprecated {
			dep = " (deprecated)"
		}
		fmt.Fprintf(tw, "%s\t%s%s\n", p.ID, p.Name, dep)
		section("CWE", p.CWE)
		section("ATT&CK", p.ATTACK)
	case s.CWE != nil:
		fmt.Fprintf(tw, "%s\t%s\n", s.CWE.ID, s.CWE.Name)
		fmt.Fprintf(tw, "Kind\t%s\n", s.CWE.Kind)
		section("CAPEC", s.CWE.CAPEC)
		section("ATT&CK", s.CWE.ATTACK)
	}
	section("Rules", s.Rules)
	return tw.Flush()
}

func newCatalogSourcesCmd() *cobra.Command {
	var of outputFlags
	cmd := &cobra.Command{
		Use:   "sources",
		Short: "List the MITRE releases the embedded catalog was generated from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, format, err := catalogTarget(cmd, &of)
			if err != nil {
				return err
			}
			return writeOutput(cmd, t, func(w io.Writer) error {
				if format == "json" {
					return writeJSON(w, catalog.Sources())
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "SOURCE\tRELEASE")
				for _, s := range catalog.Sources() {
					fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Version)
				}
				return tw.Flush()
			})
		},
	}
	of.add(cmd, "text", catalogFormats)
	return cmd
}
