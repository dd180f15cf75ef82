package html

import (
	"cmp"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/detect/link"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/detect/stream"
)

// Detection is the Sigma rule set whose coverage of the modelled threats
// the report shows (rampart report --rules).
type Detection struct {
	// Rules are the loaded rules; filter rules and rules without ATT&CK
	// tags detect no modelled threat.
	Rules []*sigma.Rule
	// Sources name the rule files or directories, for the section's text.
	Sources []string
}

// Limits of the detection-coverage section, so that a large model's stays
// bounded: threat ids and rule titles listed per group.
const (
	coverageThreatIDs = 20
	coverageRules     = 10
)

// detectionView is the detection-coverage section: the threats grouped by
// rule and techniques (threats of one rule share their techniques), the
// groups no Sigma rule detects first.
type detectionView struct {
	Sources                          string
	Rules, Tagged                    int
	Threats, Detected, Uncovered, NA int
	Groups                           []coverageGroup
	// NoTechniques lists the threats without ATT&CK techniques, which no
	// rule can be matched to (grouped like the others).
	NoTechniques []coverageGroup
}

// coverageGroup is the threats of one rule with the same techniques.
type coverageGroup struct {
	Title, Rule string
	Techniques  []refView
	Threats     []threatRef
	// MoreThreats counts the threat ids past coverageThreatIDs.
	MoreThreats int
	// Count is the number of threats in the group.
	Count int
	Rules []link.RuleRef
	// MoreRules counts the detecting rules past coverageRules.
	MoreRules int
	Detected  bool
}

type threatRef struct {
	ID, Anchor string
}

// detection matches the result's threats against the rules with the
// detection package's coverage computation and groups what it finds.
func detection(r *analysis.Result, d *Detection, links bool) *detectionView {
	cov := link.Compute(link.Threats(r), d.Rules)
	v := &detectionView{Sources: strings.Join(d.Sources, ", "), Rules: len(d.Rules), Threats: len(cov.Threats),
		Uncovered: len(cov.Uncovered), NA: len(cov.NoTechniques)}
	v.Detected = v.Threats - v.Uncovered - v.NA
	for _, rule := range d.Rules {
		if rule.Kind != sigma.FilterRule && len(stream.Techniques(rule.Tags)) > 0 {
			v.Tagged++
		}
	}
	rules := map[string]string{}
	refs := map[string]refView{}
	for i := range r.Findings {
		f := &r.Findings[i]
		rules[f.ID] = cmp.Or(f.Rule, f.ID)
		for _, a := range f.ATTACK {
			refs[strings.ToUpper(a.ID)] = refView{URL: a.URL, Label: a.ID, Name: a.Name}
		}
	}
	var groups []coverageGroup
	at := map[string]int{}
	for _, tc := range cov.Threats {
		key := rules[tc.ID] + "\x00" + strings.Join(tc.Techniques, ",")
		k, ok := at[key]
		if !ok {
			k = len(groups)
			at[key] = k
			g := coverageGroup{Title: tc.Title, Rule: rules[tc.ID], Detected: len(tc.Rules) > 0}
			for _, t := range tc.Techniques {
				g.Techniques = append(g.Techniques, refs[t])
			}
			g.Rules = tc.Rules
			if len(g.Rules) > coverageRules {
				g.MoreRules = len(g.Rules) - coverageRules
				g.Rules = g.Rules[:coverageRules]
			}
			groups = append(groups, g)
		}
		g := &groups[k]
		g.Count++
		if len(g.Threats) == coverageThreatIDs {
			g.MoreThreats++
			continue
		}
		ref := threatRef{ID: tc.ID}
		if links {
			ref.Anchor = "t-" + anchorRe.ReplaceAllString(tc.ID, "_")
		}
		g.Threats = append(g.Threats, ref)
	}
	// The detections to write first, then the rest; within each, the
	// largest groups first.
	slices.SortStableFunc(groups, func(a, b coverageGroup) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(b.Count, a.Count))
	})
	for _, g := range groups {
		if len(g.Techniques) == 0 {
			v.NoTechniques = append(v.NoTechniques, g)
		} else {
			v.Groups = append(v.Groups, g)
		}
	}
	return v
}

// rank orders groups: undetected, detected, without techniques.
func rank(g coverageGroup) int {
	switch {
	case len(g.Techniques) == 0:
		return 2
	case g.Detected:
		return 1
	}
	return 0
}
