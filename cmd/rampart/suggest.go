package main

import (
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// suggestID returns the candidate word most likely meant, or "". Ids made
// of dash-separated words are matched on their words first, so that
// "sql-injection" finds "sql-nosql-injection" (every word present) rather
// than the closer spelling "ldap-injection"; otherwise the edit distance
// of model.Suggest decides.
func suggestID(word string, candidates []string) string {
	words := strings.Split(strings.ToLower(word), "-")
	var withAll []string
	if len(words) > 1 {
		for _, c := range candidates {
			parts := strings.Split(strings.ToLower(c), "-")
			if !slices.ContainsFunc(words, func(w string) bool { return !slices.Contains(parts, w) }) {
				withAll = append(withAll, c)
			}
		}
	}
	if len(withAll) > 0 {
		// The shortest has the fewest extra words.
		slices.SortFunc(withAll, func(a, b string) int {
			if len(a) != len(b) {
				return len(a) - len(b)
			}
			return strings.Compare(a, b)
		})
		return withAll[0]
	}
	s := model.Suggest(word, candidates)
	s = strings.TrimPrefix(s, "did you mean '")
	return strings.TrimSuffix(s, "'?")
}

// suggestSuffix returns " (did you mean 'x'?)" for the nearest of values, or "".
func suggestSuffix(word string, values []string) string {
	if s := suggestID(word, values); s != "" && s != word {
		return " (did you mean '" + s + "'?)"
	}
	return ""
}
