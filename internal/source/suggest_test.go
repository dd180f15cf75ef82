package source

import (
	"math/rand/v2"
	"testing"
)

// plainOSA is the textbook optimal string alignment distance, unbounded.
func plainOSA(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// TestLevenshteinBounded compares the bounded distance with the textbook
// one on random words: equal when within the bound, bound+1 otherwise.
func TestLevenshteinBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, r.IntN(9))
		for i := range b {
			b[i] = "abcde"[r.IntN(5)]
		}
		return string(b)
	}
	var buf [3][]int
	for n := 0; n < 20000; n++ {
		a, b, bound := word(), word(), r.IntN(6)
		want := min(plainOSA(a, b), bound+1)
		if got := levenshtein(a, b, bound, &buf); got != want {
			t.Fatalf("levenshtein(%q, %q, %d) = %d, want %d", a, b, bound, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	for _, tc := range []struct {
		word       string
		candidates []string
		want       string
	}{
		{"wbe", []string{"db", "web"}, "did you mean 'web'?"},
		{"protcol", []string{"protocol", "to", "from"}, "did you mean 'protocol'?"},
		{"Components", []string{"components", "controls"}, "did you mean 'components'?"},
		{"xyz", []string{"web", "db"}, ""},
		{"card", []string{"card-data", "orders"}, "did you mean 'card-data'?"},
		{"anything", nil, ""},
	} {
		if got := Suggest(tc.word, tc.candidates); got != tc.want {
			t.Errorf("Suggest(%q, %v) = %q, want %q", tc.word, tc.candidates, got, tc.want)
		}
	}
}
