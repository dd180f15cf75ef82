package source

import "strings"

// Suggest returns "did you mean 'x'?" for the candidate closest to word, or
// "" when none is close enough to be a plausible typo.
func Suggest(word string, candidates []string) string {
	best, bestD := "", -1
	lw := strings.ToLower(word)
	limit := 2
	if n := len(word); n > 8 {
		limit = n / 3
	}
	var buf [3][]int
	for _, c := range candidates {
		lc := strings.ToLower(c)
		// A candidate further than the limit is only suggested when it
		// contains the word; otherwise the distance is computed only up to
		// the limit (or the best so far), which keeps long lists cheap.
		bound := limit
		if len(lw) >= 3 && strings.Contains(lc, lw) {
			bound = len(lc) + len(lw)
		} else if diff := len(c) - len(word); diff > limit || diff < -limit {
			continue
		}
		if bestD >= 0 && bestD < bound {
			bound = bestD
		}
		d := levenshtein(lw, lc, bound, &buf)
		if d > bound {
			continue
		}
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if bestD < 0 {
		return ""
	}
	if bestD <= limit || strings.Contains(strings.ToLower(best), lw) && len(lw) >= 3 {
		return "did you mean '" + best + "'?"
	}
	return ""
}

// levenshtein is the edit distance between two strings (bytes), counting
// the swap of two adjacent characters as one edit (optimal string
// alignment), since swapped letters are the commonest typo.
//
// The computation stops as soon as the distance must exceed bound, and then
// returns bound+1. buf holds scratch rows reused between calls.
func levenshtein(a, b string, bound int, buf *[3][]int) int {
	if a == b {
		return 0
	}
	if d := len(a) - len(b); d > bound || -d > bound {
		return bound + 1
	}
	for k := range buf {
		if cap(buf[k]) < len(b)+1 {
			buf[k] = make([]int, len(b)+1)
		}
		buf[k] = buf[k][:len(b)+1]
	}
	prev2, prev, cur := buf[0], buf[1], buf[2]
	for j := range prev {
		prev[j] = j
	}
	lastMin := 0 // the minimum of the previous row
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		// A cell is at least the minimum of the row above, or of the row
		// two above plus one (a transposition); once both bounds pass
		// bound, every later row does too.
		if rowMin > bound && lastMin >= bound {
			return bound + 1
		}
		lastMin = rowMin
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], bound+1)
}
