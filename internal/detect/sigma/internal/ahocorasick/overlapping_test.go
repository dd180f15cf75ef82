package ahocorasick

import (
	"slices"
	"testing"
)

// TestAppendOverlappingAsFindAllOverlapping: the same patterns at the same
// places, and nothing allocated once the slice has grown.
func TestAppendOverlappingAsFindAllOverlapping(t *testing.T) {
	cases := []struct {
		patterns []string
		haystack string
		want     int
	}{
		{[]string{"he", "she", "his", "hers"}, "ushers", 3},
		{[]string{"a", "aa", "aaa"}, "aaaa", 9},
		{[]string{`\cmd.exe`, `cmd.exe`, `.exe`}, `c:\windows\system32\cmd.exe /c whoami.exe`, 4},
		{[]string{"x"}, "no match here", 0},
		{[]string{"abc"}, "", 0},
	}
	for _, c := range cases {
		a, err := NewBuilder().AddStrings(c.patterns).Build()
		if err != nil {
			t.Fatal(err)
		}
		var want []PatternID
		for _, m := range a.FindAllOverlapping([]byte(c.haystack)) {
			want = append(want, PatternID(m.PatternID))
		}
		got := a.AppendOverlapping(nil, []byte(c.haystack))
		if !slices.Equal(got, want) || len(got) != c.want {
			t.Errorf("%q in %q: %v, want %v (%d matches)", c.patterns, c.haystack, got, want, c.want)
		}
		buf := make([]PatternID, 0, 16)
		if n := testing.AllocsPerRun(100, func() { buf = a.AppendOverlapping(buf[:0], []byte(c.haystack)) }); n != 0 {
			t.Errorf("%q: %v allocations a call with a kept slice", c.haystack, n)
		}
	}
}
