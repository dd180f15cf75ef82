package sigma

import (
	"strings"
	"testing"
)

func TestAppendLower(t *testing.T) {
	for _, s := range []string{"", "A", "ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{", "C:\\WINDOWS\\System32\\CMD.EXE and more", "ÄÖÜ mixed ÉCOLE STRASSE", "\xff\xfeBAD", strings.Repeat("Zz@[", 40)} {
		if got, want := string(appendLower(nil, s)), strings.ToLower(s); got != want && !strings.Contains(s, "\xff") {
			t.Errorf("appendLower(%q) = %q, want %q", s, got, want)
		}
	}
	// Every byte value, at every offset within a word.
	for c := range 128 {
		for off := range 9 {
			s := strings.Repeat("x", off) + string(rune(c)) + "yyyyyyyy"
			if got, want := string(appendLower(nil, s)), strings.ToLower(s); got != want {
				t.Fatalf("byte %#x at %d: %q, want %q", c, off, got, want)
			}
		}
	}
}
