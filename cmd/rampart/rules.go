package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
	"github.com/rampart-sec/rampart/internal/threats/custom"
)

func init() {
	extraCommands = append(extraCommands, newRulesCmd, newExplainCmd)
}

// rulesDocCommand is the command that generates docs/rules.md.
const rulesDocCommand = "rampart rules --format markdown > docs/rules.md"

// ruleRef is a catalog reference with its name and URL, as documented.
type ruleRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	URL  string `json:"url"`
}

// ruleControl is a recommended control with its catalog name.
type ruleControl struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// ruleDoc is a rule's documentation with catalog names resolved; the JSON
// output of 'rampart rules' is a list of these.
type ruleDoc struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Origin      string          `json:"origin"`
	STRIDE      []model.STRIDE  `json:"stride"`
	LINDDUN     []model.LINDDUN `json:"linddun,omitempty"`
	Scope       threats.Scope   `json:"scope"`
	Category    string          `json:"category,omitempty"`
	Likelihood  int             `json:"likelihood"`
	Impact      int             `json:"impact"`
	CWE         []ruleRef       `json:"cwe"`
	CAPEC       []ruleRef       `json:"capec"`
	ATTACK      []ruleRef       `json:"attack"`
	Mitigations []ruleControl   `json:"mitigations"`
	// Countermeasures are the MITRE catalog's for the rule's techniques and controls.
	Countermeasures []threats.Countermeasure `json:"countermeasures"`
	Threagile       []string                 `json:"threagile"`
	Trigger         string                   `json:"trigger"`
	Why             string                   `json:"why"`
	Mitigation      string                   `json:"mitigation"`
	References      []string                 `json:"references"`
}

func docOf(r threats.Rule, origin string) ruleDoc {
	d := ruleDoc{
		ID: r.ID, Title: r.Title, Origin: origin, STRIDE: r.STRIDE, LINDDUN: r.LINDDUN, Scope: r.Scope, Category: r.Category,
		Countermeasures: append([]threats.Countermeasure{}, threats.Countermeasures(r.ATTACK, r.Mitigations)...),
		Likelihood:      r.Likelihood, Impact: r.Impact,
		CWE: []ruleRef{}, CAPEC: []ruleRef{}, ATTACK: []ruleRef{}, Mitigations: []ruleControl{},
		Threagile: append([]string{}, r.Threagile...), References: append([]string{}, r.References...),
		Trigger: r.Trigger, Why: r.Why, Mitigation: r.Mitigation,
	}
	for _, id := range r.CWE {
		n := strconv.Itoa(id)
		d.CWE = append(d.CWE, ruleRef{"CWE-" + n, catalog.CWEName(id), "https://cwe.mitre.org/data/definitions/" + n + ".html"})
	}
	for _, id := range r.CAPEC {
		n := strconv.Itoa(id)
		d.CAPEC = append(d.CAPEC, ruleRef{"CAPEC-" + n, catalog.CAPECName(id), "https://capec.mitre.org/data/definitions/" + n + ".html"})
	}
	for _, id := range r.ATTACK {
		url := "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"
		if catalog.IsATLAS(id) {
			url = catalog.ATLASURL(id)
		}
		d.ATTACK = append(d.ATTACK, ruleRef{id, catalog.TechniqueName(id), url})
	}
	for _, id := range r.Mitigations {
		c := ruleControl{ID: id}
		if cc, ok := catalog.LookupControl(id); ok {
			c.Name, c.Description = cc.Name, cc.Description
		}
		d.Mitigations = append(d.Mitigations, c)
	}
	return d
}

// ruleDocs returns the built-in rules' documentation, followed by the custom
// rules in dir when dir is set.
func ruleDocs(cmd *cobra.Command, dir string) ([]ruleDoc, error) {
	var docs []ruleDoc
	for _, r := range builtin.Rules() {
		docs = append(docs, docOf(r, "built-in"))
	}
	if dir == "" {
		return docs, nil
	}
	rules, problems, err := custom.Load(cmd.Context(), dir)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	for _, p := range problems {
		fmt.Fprintln(cmd.ErrOrStderr(), p.String())
	}
	if errs := problems.Errors(); len(errs) > 0 {
		return nil, fail(exitUsage, fmt.Errorf("%d problem(s) in the custom rules in %s", len(errs), dir))
	}
	for _, r := range rules {
		docs = append(docs, docOf(r, "custom"))
	}
	return docs, nil
}

// docFormats are the formats of rule documentation.
var docFormats = []string{"text", "json", "markdown"}

func newRulesCmd() *cobra.Command {
	var format, dir string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the threat rules (id, title, STRIDE, CWE)",
		Long: `Rules lists every built-in threat rule, and with --rules DIR the custom CEL
rules in DIR too. --format text prints an aligned table, json the full
metadata with catalog names, markdown the rules reference (docs/rules.md is
generated with '` + rulesDocCommand + `').
Use 'rampart explain RULE-ID' for one rule's documentation.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkValue("--format", format, docFormats); err != nil {
				return err
			}
			docs, err := ruleDocs(cmd, dir)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				err = writeRulesJSON(out, docs)
			case "markdown":
				err = writeRulesMarkdown(out, docs)
			default:
				err = writeRulesTable(out, docs, cmp.Or(terminalWidth(out), rulesWidth))
			}
			if err != nil {
				return fail(exitUsage, fmt.Errorf("writing the rule list: %w", err))
			}
			return nil
		},
	}
	addFormatFlag(cmd, &format, docFormats...)
	addRulesFlag(cmd, &dir, "also list the custom CEL rules in `DIR`")
	return cmd
}

func newExplainCmd() *cobra.Command {
	var format, dir string
	cmd := &cobra.Command{
		Use:   "explain RULE-ID",
		Short: "Print a rule's documentation: what triggers it, why it matters, how to mitigate",
		Long: `Explain prints one rule's documentation: title, STRIDE categories, scope,
what in a model triggers it, why it matters, how to mitigate it (with the
recommended catalog controls), its CWE, CAPEC and ATT&CK references with names
and links, the Threagile rules it covers and further references.
An unknown rule id exits with status 2.`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeRuleIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkValue("--format", format, docFormats); err != nil {
				return err
			}
			docs, err := ruleDocs(cmd, dir)
			if err != nil {
				return err
			}
			id := strings.TrimSpace(args[0])
			// A threat id (rule@element) explains its rule.
			id, _, _ = strings.Cut(id, "@")
			ids := make([]string, len(docs))
			for i, d := range docs {
				if d.ID == id {
					return writeExplain(cmd.OutOrStdout(), d, format)
				}
				ids[i] = d.ID
			}
			hint := "run 'rampart rules' to list the rules"
			if s := suggestID(id, ids); s != "" {
				hint = "did you mean '" + s + "'?"
			}
			return fail(exitUsage, fmt.Errorf("unknown rule %q — %s", id, hint))
		},
	}
	addFormatFlag(cmd, &format, docFormats...)
	addRulesFlag(cmd, &dir, "also look up the custom CEL rules in `DIR`")
	return cmd
}

func writeExplain(w io.Writer, d ruleDoc, format string) error {
	var err error
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(d)
	case "markdown":
		err = writeRuleMarkdown(w, d, "#")
	default:
		err = writeRuleText(w, d)
	}
	if err != nil {
		return fail(exitUsage, fmt.Errorf("writing the rule documentation: %w", err))
	}
	return nil
}

// linddunList joins LINDDUN categories.
func linddunList(l []model.LINDDUN) string {
	parts := make([]string, len(l))
	for i, c := range l {
		parts[i] = string(c)
	}
	return strings.Join(parts, ", ")
}

func strideList(s []model.STRIDE) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

func refIDs(refs []ruleRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = r.ID
	}
	return strings.Join(parts, ", ")
}

// minRuleTitle is how narrow the title column of the rule list may become.
const minRuleTitle = 12

// rulesWidth is the width of the rule list when not on a terminal.
const rulesWidth = 100

// strideLetters abbreviates STRIDE categories to their letters.
func strideLetters(s []model.STRIDE) string {
	var b strings.Builder
	for _, v := range s {
		if v != "" {
			b.WriteString(strings.ToUpper(string(v[:1])))
		}
	}
	return b.String()
}

// writeRulesTable lists the rules in columns that fit width: titles, then
// CWE lists, are shortened with "…".
func writeRulesTable(w io.Writer, docs []ruleDoc, width int) error {
	rows := func(compact bool) [][]string {
		rows := [][]string{{"ID", "TITLE", "STRIDE", "CWE"}}
		for _, d := range docs {
			id := d.ID
			if d.Origin == "custom" {
				id += " (custom)"
			}
			cwe := refIDs(d.CWE)
			if compact && len(d.CWE) > 1 {
				cwe = fmt.Sprintf("%s +%d", d.CWE[0].ID, len(d.CWE)-1)
			}
			rows = append(rows, []string{id, d.Title, strideLetters(d.STRIDE), cwe})
		}
		return rows
	}
	widthsOf := func(rows [][]string) ([]int, int) {
		widths := make([]int, 4)
		for _, r := range rows {
			for i, c := range r {
				widths[i] = max(widths[i], report.VisibleWidth(c))
			}
		}
		return widths, widths[0] + widths[1] + widths[2] + widths[3] + 3*2
	}
	table := rows(false)
	widths, total := widthsOf(table)
	if total > width {
		// Only the first CWE of each rule, and how many more.
		table = rows(true)
		widths, total = widthsOf(table)
	}
	if over := total - width; over > 0 && widths[1] > minRuleTitle {
		widths[1] -= min(over, widths[1]-minRuleTitle) // shorten titles with "…"
	}
	var b strings.Builder
	for _, r := range table {
		var line strings.Builder
		for i, c := range r {
			if report.VisibleWidth(c) > widths[i] {
				c = string([]rune(c)[:widths[i]-1]) + "…"
			}
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-report.VisibleWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	fmt.Fprintf(&b, "\n%s\n", wrap(fmt.Sprintf("%d rules. STRIDE: Spoofing, Tampering, Repudiation, Information disclosure, "+
		"Denial of service, Elevation of privilege. 'rampart explain RULE-ID' documents a rule.", len(docs)), "", width))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeRulesJSON(w io.Writer, docs []ruleDoc) error {
	if docs == nil {
		docs = []ruleDoc{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Version    int       `json:"version"`
		CWEVersion string    `json:"cwe_version"`
		Rules      []ruleDoc `json:"rules"`
	}{1, catalog.CWEVersion, docs})
}

// wrap breaks text into lines of at most width characters, each prefixed by indent.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	line := 0
	for _, word := range strings.Fields(text) {
		if line > 0 && line+1+len(word) > width-len(indent) {
			b.WriteString("\n")
			line = 0
		}
		if line == 0 {
			b.WriteString(indent)
		} else {
			b.WriteString(" ")
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}

func writeRuleText(w io.Writer, d ruleDoc) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n", d.ID, d.Title)
	field := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %-12s %s\n", label, value)
		}
	}
	field("Origin", d.Origin)
	field("STRIDE", strideList(d.STRIDE))
	field("LINDDUN", linddunList(d.LINDDUN))
	field("Scope", string(d.Scope))
	field("Category", d.Category)
	field("Likelihood", fmt.Sprintf("%d of 5 (base)", d.Likelihood))
	field("Impact", fmt.Sprintf("%d of 5 (base)", d.Impact))
	refs := func(label string, list []ruleRef) {
		for i, r := range list {
			l := ""
			if i == 0 {
				l = label
			}
			fmt.Fprintf(&b, "  %-12s %s\n  %-12s   %s\n", l, strings.TrimSpace(r.ID+" "+r.Name), "", r.URL)
		}
	}
	refs("CWE", d.CWE)
	refs("CAPEC", d.CAPEC)
	refs("ATT&CK", d.ATTACK)
	field("Threagile", strings.Join(d.Threagile, ", "))
	section := func(title, text string) {
		if text != "" {
			fmt.Fprintf(&b, "\n%s\n%s\n", title, wrap(text, "  ", 80))
		}
	}
	section("What triggers it", d.Trigger)
	section("Why it matters", d.Why)
	section("How to mitigate", d.Mitigation)
	if len(d.Mitigations) > 0 {
		b.WriteString("\n  Recommended controls:\n")
		width := 0
		for _, c := range d.Mitigations {
			width = max(width, len(c.ID))
		}
		for _, c := range d.Mitigations {
			name := c.Name
			if name == "" {
				name = "(not a catalog control: declare it in the model's controls)"
			}
			fmt.Fprintf(&b, "    %-*s  %s\n", width, c.ID, name)
		}
	}
	if len(d.Countermeasures) > 0 {
		b.WriteString("\n  Catalog countermeasures (ATT&CK mitigations, D3FEND):\n")
		for _, c := range d.Countermeasures {
			fmt.Fprintf(&b, "    %-8s %s (for %s)\n", c.ID, c.Name, strings.Join(c.For, ", "))
		}
	}
	if len(d.References) > 0 {
		b.WriteString("\nReferences\n")
		for _, r := range d.References {
			fmt.Fprintf(&b, "  %s\n", r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape escapes the characters that would break a Markdown table cell.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mdRefs(refs []ruleRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = "[" + r.ID + "](" + r.URL + ")"
		if r.Name != "" {
			parts[i] += " " + mdEscape(r.Name)
		}
	}
	return strings.Join(parts, "<br>")
}

// mdAnchor is the GitHub heading anchor of a rule section.
func mdAnchor(d ruleDoc) string {
	var b strings.Builder
	for _, r := range strings.ToLower(d.ID + " " + d.Title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

func writeRuleMarkdown(w io.Writer, d ruleDoc, level string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\n\n", level, d.ID, d.Title)
	b.WriteString("| | |\n| --- | --- |\n")
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "| %s | %s |\n", label, value)
		}
	}
	if d.Origin == "custom" {
		row("Origin", "custom")
	}
	row("STRIDE", strideList(d.STRIDE))
	row("LINDDUN", linddunList(d.LINDDUN))
	row("Scope", string(d.Scope))
	row("Category", d.Category)
	row("Base likelihood / impact", fmt.Sprintf("%d / %d", d.Likelihood, d.Impact))
	row("CWE", mdRefs(d.CWE))
	row("CAPEC", mdRefs(d.CAPEC))
	row("ATT&CK", mdRefs(d.ATTACK))
	if len(d.Threagile) > 0 {
		row("Threagile", "`"+strings.Join(d.Threagile, "`, `")+"`")
	}
	para := func(title, text string) {
		if text != "" {
			fmt.Fprintf(&b, "\n**%s** %s\n", title, strings.Join(strings.Fields(text), " "))
		}
	}
	para("What triggers it.", d.Trigger)
	para("Why it matters.", d.Why)
	para("How to mitigate.", d.Mitigation)
	if len(d.Mitigations) > 0 {
		b.WriteString("\nRecommended controls:\n\n")
		for _, c := range d.Mitigations {
			if c.Name == "" {
				fmt.Fprintf(&b, "- `%s`\n", c.ID)
				continue
			}
			fmt.Fprintf(&b, "- `%s` %s: %s\n", c.ID, c.Name, c.Description)
		}
	}
	if len(d.Countermeasures) > 0 {
		ids := make([]string, len(d.Countermeasures))
		for i, c := range d.Countermeasures {
			ids[i] = c.ID + " " + c.Name
		}
		fmt.Fprintf(&b, "\nCatalog countermeasures: %s.\n", strings.Join(ids, ", "))
	}
	if len(d.References) > 0 {
		b.WriteString("\nReferences:\n\n")
		for _, r := range d.References {
			fmt.Fprintf(&b, "- <%s>\n", r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeRulesMarkdown(w io.Writer, docs []ruleDoc) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- Code generated by '%s'; DO NOT EDIT. -->\n\n", rulesDocCommand)
	b.WriteString("# Rule reference\n\n")
	fmt.Fprintf(&b, "This file is generated from the rules' metadata with `%s`;\n", rulesDocCommand)
	b.WriteString("do not edit it by hand (a test fails when it is out of date).\n")
	b.WriteString("`rampart explain RULE-ID` prints the same documentation for one rule.\n\n")
	fmt.Fprintf(&b, "%d rules. CWE names are from the CWE catalog %s. Likelihood and impact are base ratings (1 to 5)\n", len(docs), catalog.CWEVersion)
	b.WriteString("that risk scoring adjusts for exposure and for the data at stake.\n\n")
	b.WriteString("| Rule | Title | STRIDE | CWE |\n| --- | --- | --- | --- |\n")
	for _, d := range docs {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s |\n", d.ID, mdAnchor(d), mdEscape(d.Title), strideList(d.STRIDE), refIDs(d.CWE))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	for _, d := range docs {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		if err := writeRuleMarkdown(w, d, "##"); err != nil {
			return err
		}
	}
	return nil
}
