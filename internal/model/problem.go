package model

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a model: where, what, and how to fix it.
type Problem struct {
	Pos Pos `json:"pos"`
	// Path is the key path inside the file, e.g. "flows[2].from".
	Path string `json:"path,omitempty"`
	// Message says what is wrong and what was expected.
	Message string `json:"message"`
	// Hint suggests a fix, e.g. "did you mean 'web'?".
	Hint string `json:"hint,omitempty"`
	// Warning marks problems that do not make the model invalid.
	Warning bool `json:"warning,omitempty"`
}

// String renders "file:line:col: path: message (hint)".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Pos.String())
	b.WriteString(": ")
	if p.Warning {
		b.WriteString("warning: ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Hint != "" {
		b.WriteString(" (")
		b.WriteString(p.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Problems is a list of problems; as an error it reports them all.
type Problems []Problem

// Error joins every problem on its own line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Errors returns only the problems that are not warnings.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns only the warnings.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Sort orders problems by file, line, column, then message, for stable output.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Column != b.Pos.Column {
			return a.Pos.Column < b.Pos.Column
		}
		return a.Message < b.Message
	})
}

// problemf builds a problem.
func problemf(pos Pos, path, hint, format string, args ...any) Problem {
	return Problem{Pos: pos, Path: path, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// Suggest returns "did you mean 'x'?" for the candidate closest to word, or
// "" when none is close enough to be a plausible typo.
func Suggest(word string, candidates []string) string {
	best, bestD := "", -1
	lw := strings.ToLower(word)
	for _, c := range candidates {
		d := levenshtein(lw, strings.ToLower(c))
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if bestD < 0 {
		return ""
	}
	limit := 2
	if n := len(word); n > 8 {
		limit = n / 3
	}
	if bestD <= limit || strings.Contains(strings.ToLower(best), lw) && len(lw) >= 3 {
		return "did you mean '" + best + "'?"
	}
	return ""
}

// levenshtein is the edit distance between two strings (bytes), counting
// the swap of two adjacent characters as one edit (optimal string
// alignment), since swapped letters are the commonest typo.
func levenshtein(a, b string) int {
	if a == b {
		return 0
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// oneOf renders a list of allowed values for a message.
func oneOf(values []string) string {
	if len(values) > 12 {
		return "one of " + strings.Join(values[:12], ", ") + fmt.Sprintf(" and %d more (run 'rampart schema' for all)", len(values)-12)
	}
	return "one of " + strings.Join(values, ", ")
}

func itoa(i int) string { return strconv.Itoa(i) }
