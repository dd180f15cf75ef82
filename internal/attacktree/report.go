package attacktree

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/analysis"
)

// How much of the attack trees a report shows, so that the section of a
// large model stays readable and bounded: the ReportTrees most likely
// trees, and under each step of a way in the ReportLeaves most likely
// threats. Reports name what they leave out.
const (
	ReportTrees  = 10
	ReportLeaves = 5
)

// ForReport builds the crown jewels' attack trees and returns the
// ReportTrees most likely (ties in model order) and the trees left out.
func ForReport(res *analysis.Result) (shown, left []Tree, err error) {
	trees, err := Build(res)
	if err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(trees, func(a, b Tree) int { return cmp.Compare(b.Root.Likelihood, a.Root.Likelihood) })
	if len(trees) > ReportTrees {
		return trees[:ReportTrees], trees[ReportTrees:], nil
	}
	return trees, nil, nil
}

// Percent writes a likelihood for people as a whole percentage, except that
// one that would round to 0% or 100% says "under 1%" or "over 99%": the
// trees' likelihoods are rounded estimates, never certainties.
func Percent(p float64) string {
	switch {
	case p > 0 && p < 0.005:
		return "under 1%"
	case p >= 0.995:
		return "over 99%"
	}
	return fmt.Sprintf("%.0f%%", p*100)
}
