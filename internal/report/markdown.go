package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/bycategory"
	"github.com/rampart-sec/rampart/internal/threats"
)

// Markdown writes a report for pull requests and wikis: summary, heatmap,
// the review deadlines due, register table, details per threat, attack paths and warnings.
func Markdown(w io.Writer, r *analysis.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Threat model: %s\n\n", mdEscape(r.System.Name))
	fmt.Fprintf(&b, "System `%s`", r.System.ID)
	if r.System.Owner != "" {
		fmt.Fprintf(&b, ", owner %s", mdEscape(r.System.Owner))
	}
	if r.System.RiskOwner != "" {
		fmt.Fprintf(&b, ", risk owner %s", mdEscape(r.System.RiskOwner))
	}
	fmt.Fprintf(&b, ". Analysed by %s as of %s.\n\n", r.Tool, r.AsOf)

	s := r.Summary
	b.WriteString("## Summary\n\n")
	b.WriteString("| Severity | All | Open |\n|---|---:|---:|\n")
	for _, sev := range []model.Severity{"critical", "high", "medium", "low"} {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", sev, s.BySeverity[sev], s.OpenBySeverity[sev])
	}
	fmt.Fprintf(&b, "| **total** | **%d** | **%d** |\n\n", s.Threats, s.Open)
	declared := ""
	if !r.Appetite.Declared {
		declared = " (default: the model declares none)"
	}
	if s.Breaches > 0 {
		fmt.Fprintf(&b, "**%d open threat(s) exceed the risk appetite** (max %s%s).", s.Breaches, r.Appetite.MaxSeverity, declared)
	} else {
		fmt.Fprintf(&b, "Every open threat is within the risk appetite (max %s%s).", r.Appetite.MaxSeverity, declared)
	}
	if s.ExpiredAcceptances > 0 {
		fmt.Fprintf(&b, " %d acceptance(s) have expired.", s.ExpiredAcceptances)
	}
	b.WriteString("\n\n")
	if g := governance(r); len(g) > 0 {
		for _, line := range g {
			fmt.Fprintf(&b, "- %s\n", mdEscape(upperFirst(line)))
		}
		b.WriteString("\n")
	}

	b.WriteString("### Open threats by likelihood and impact\n\n| Likelihood \\ Impact |")
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, " %d %s |", i, r.Matrix.ImpactNames[i-1])
	}
	b.WriteString("\n|---|---:|---:|---:|---:|---:|\n")
	for l := 5; l >= 1; l-- {
		fmt.Fprintf(&b, "| %d %s |", l, r.Matrix.LikelihoodNames[l-1])
		for i := 1; i <= 5; i++ {
			fmt.Fprintf(&b, " %d (%s) |", s.Heatmap[l-1][i-1], r.Matrix.Bands[l-1][i-1])
		}
		b.WriteString("\n")
	}
	if len(r.Reviews) > 0 {
		b.WriteString("\n## Reviews\n\nReview deadlines due as of the analysis date.\n\n")
		for _, p := range r.Reviews {
			line := upperFirst(p.Message)
			if p.Hint != "" {
				line += "; " + p.Hint
			}
			fmt.Fprintf(&b, "- `%s`: %s.\n", p.Pos, mdEscape(line))
		}
	}
	b.WriteString("\n## Threat register\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("No threats identified.\n")
	} else {
		b.WriteString("| Severity | L×I | Status | Threat | Title | Where |\n|---|---|---|---|---|---|\n")
		for _, f := range sorted(r) {
			status := string(f.Treatment.Status)
			if f.Treatment.Expired {
				status += " (expired)"
			}
			if f.Breach {
				status += " ⚠"
			}
			fmt.Fprintf(&b, "| %s | %d×%d | %s | [`%s`](#%s) | %s | `%s:%d` |\n", f.Residual.Severity, f.Residual.Likelihood,
				f.Residual.Impact, status, f.ID, anchor(f.ID), mdEscape(f.Title), f.Pos.File, f.Pos.Line)
		}
	}
	if len(r.Summary.Coverage) > 0 {
		b.WriteString("\n## STRIDE per element\n\nElement and category pairs (Microsoft's STRIDE-per-element table) by what analysis found.\n\n")
		b.WriteString("| Category | Open | Mitigated | No threat found |\n|---|---:|---:|---:|\n")
		for _, c := range model.STRIDE("").Values() {
			if cov, ok := r.Summary.Coverage[model.STRIDE(c)]; ok {
				fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", c, cov["open"], cov["mitigated"], cov["no-threat"])
			}
		}
	}
	markdownCategories(&b, r)
	if len(r.Paths) > 0 {
		b.WriteString("\n## Attack paths\n\nThe most likely paths from each entry point to confidential or restricted data.\n\n")
		for _, p := range r.Paths {
			data := "**" + strings.Join(append([]string{p.Data}, p.OtherData...), "**, **") + "**"
			fmt.Fprintf(&b, "%d. %s (%s) via `%s` from entry point `%s`: %s, likelihood %.2f", p.Rank, data, p.Classification, p.Target, p.Entry,
				"`"+strings.Join(p.Components, "` → `")+"`", p.Likelihood)
			if len(p.Threats) > 0 {
				fmt.Fprintf(&b, "; open threats: %s", "`"+strings.Join(p.Threats, "`, `")+"`")
			}
			b.WriteString("\n")
		}
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n## Threat details\n")
		for _, f := range sorted(r) {
			writeDetail(&b, &f)
		}
	}
	if len(r.ModelWarnings) > 0 {
		b.WriteString("\n## Model warnings\n\nFindings about the model itself, not threats to the system: they are not counted, rated or gated.\n\n")
		for _, mw := range r.ModelWarnings {
			fmt.Fprintf(&b, "- %s (`%s`, %s): %s\n", mdEscape(mw.Title), mw.ID, mdEscape(mw.Pos.String()), mdEscape(mw.Description))
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\n## Warnings\n\n")
		for _, wn := range r.Warnings {
			fmt.Fprintf(&b, "- %s\n", mdEscape(wn.String()))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDetail(b *strings.Builder, f *analysis.Finding) {
	fmt.Fprintf(b, "\n### <a id=\"%s\"></a>%s: %s\n\n", anchor(f.ID), mdEscape(f.Title), f.ID)
	fmt.Fprintf(b, "%s\n\n", mdEscape(f.Description))
	for _, rel := range f.Related {
		fmt.Fprintf(b, "- **Same concern** (`%s`): %s. %s\n", rel.ID, mdEscape(rel.Title), mdEscape(rel.Description))
	}
	fmt.Fprintf(b, "- **Risk**: residual %s (%d×%d), inherent %s (%d×%d), appetite %s\n", f.Residual.Severity,
		f.Residual.Likelihood, f.Residual.Impact, f.Inherent.Severity, f.Inherent.Likelihood, f.Inherent.Impact, f.Limit)
	fmt.Fprintf(b, "- **STRIDE**: %s\n", strideList(f))
	fmt.Fprintf(b, "- **Elements**: `%s`\n", strings.Join(f.Targets, "`, `"))
	if len(f.Data) > 0 {
		fmt.Fprintf(b, "- **Data at stake**: `%s`\n", strings.Join(f.Data, "`, `"))
	}
	if refs := mdRefs(f.CWE, f.CAPEC, f.ATTACK); refs != "" {
		fmt.Fprintf(b, "- **References**: %s\n", refs)
	}
	if len(f.Mitigations) > 0 {
		fmt.Fprintf(b, "- **Recommended controls**: %s\n", strings.Join(f.Mitigations, ", "))
	}
	if len(f.InPlace) > 0 {
		fmt.Fprintf(b, "- **Controls in place**: %s\n", strings.Join(f.InPlace, ", "))
	}
	if len(f.Planned) > 0 {
		fmt.Fprintf(b, "- **Controls planned**: %s\n", strings.Join(f.Planned, ", "))
	}
	t := f.Treatment
	line := "- **Treatment**: " + string(t.Status)
	for _, kv := range [][2]string{{"owner", t.Owner}, {"due", t.Due}, {"accepted by", t.AcceptedBy}, {"expires", t.Expires}, {"ticket", t.Ticket}} {
		if kv[1] != "" {
			line += ", " + kv[0] + " " + mdEscape(kv[1])
		}
	}
	if t.Expired {
		line += " (**acceptance expired**)"
	}
	if t.Overlong {
		line += " (**acceptance runs too long**: past settings.max_acceptance_days, it does not count)"
	}
	b.WriteString(line + "\n")
	if t.Justification != "" {
		fmt.Fprintf(b, "- **Justification**: %s\n", mdEscape(t.Justification))
	}
	fmt.Fprintf(b, "- **Where**: `%s:%d`\n", f.Pos.File, f.Pos.Line)
}

func mdRefs(groups ...[]threats.Ref) string {
	var parts []string
	for _, g := range groups {
		for _, r := range g {
			label := r.ID
			if r.Name != "" {
				label += " " + r.Name
			}
			parts = append(parts, fmt.Sprintf("[%s](%s)", mdEscape(label), r.URL))
		}
	}
	return strings.Join(parts, ", ")
}

var mdReplacer = strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "\n", " ", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]")

// mdEscape keeps model text from breaking tables or injecting markup.
func mdEscape(s string) string { return mdReplacer.Replace(s) }

func anchor(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 32
		}
		return '-'
	}, id)
}

// markdownCategories writes, for each methodology with threats (STRIDE,
// LINDDUN), the threats by category with the category's appetite, the
// element × category matrix and the heatmap of its open threats.
func markdownCategories(b *strings.Builder, r *analysis.Result) {
	for _, sec := range bycategory.Sections(r) {
		fmt.Fprintf(b, "\n## %s threats by category\n\n%d threat(s), %d open.\n\n", sec.Name, sec.Threats, sec.Open)
		b.WriteString("| Category | Threats | Open | Appetite |\n|---|---:|---:|---|\n")
		for _, c := range sec.Categories {
			fmt.Fprintf(b, "| %s | %d | %d | %s |\n", c.Name, c.Threats, c.Open, c.Limit)
		}
		fmt.Fprintf(b, "\n### %s matrix: elements by category\n\n| Element |", sec.Name)
		for _, c := range sec.Categories {
			fmt.Fprintf(b, " %s |", c.Name)
		}
		b.WriteString("\n|---|" + strings.Repeat("---:|", len(sec.Categories)) + "\n")
		rows, more := sec.TopRows(bycategory.MatrixLimit)
		for _, row := range rows {
			fmt.Fprintf(b, "| `%s` |", row.Element)
			for _, n := range row.Counts {
				if n == 0 {
					b.WriteString("  |")
				} else {
					fmt.Fprintf(b, " %d |", n)
				}
			}
			b.WriteString("\n")
		}
		if more > 0 {
			fmt.Fprintf(b, "\n…and %d more element(s) with fewer threats.\n", more)
		}
		fmt.Fprintf(b, "\n### %s open threats by likelihood and impact\n\n| Likelihood \\ Impact |", sec.Name)
		for i := 1; i <= 5; i++ {
			fmt.Fprintf(b, " %d %s |", i, r.Matrix.ImpactNames[i-1])
		}
		b.WriteString("\n|---|---:|---:|---:|---:|---:|\n")
		for l := 5; l >= 1; l-- {
			fmt.Fprintf(b, "| %d %s |", l, r.Matrix.LikelihoodNames[l-1])
			for i := 1; i <= 5; i++ {
				fmt.Fprintf(b, " %d (%s) |", sec.Heatmap[l-1][i-1], r.Matrix.Bands[l-1][i-1])
			}
			b.WriteString("\n")
		}
	}
}

// upperFirst starts a sentence with a capital letter.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
