package sigma

import (
	"encoding/base64"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The modifiers of Sigma 2.x.
var modifierList = []string{
	"contains", "startswith", "endswith", "all", "re", "i", "m", "s", "cidr", "windash",
	"base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "exists", "cased",
	"neq", "lt", "lte", "gt", "gte", "fieldref", "expand",
}

func knownModifier(m string) bool { return slices.Contains(modifierList, m) }

func modifierNames() []string { return modifierList }

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}

// A glob is a Sigma string value: literal text with the wildcards * (any
// run of characters) and ? (one character).
type glob []gpart

type gpart struct {
	lit  string // literal text, when wild is 0
	wild byte   // '*' or '?'
}

// parseGlob reads a Sigma string: * and ? are wildcards; a backslash
// escapes *, ? and itself and is literal before anything else.
func parseGlob(s string) glob {
	var g glob
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			g = append(g, gpart{lit: b.String()})
			b.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case c == '*' || c == '?':
			flush()
			if c == '*' && len(g) > 0 && g[len(g)-1].wild == '*' {
				continue
			}
			g = append(g, gpart{wild: c})
		default:
			b.WriteByte(c)
		}
	}
	flush()
	return g
}

func literalGlob(s string) glob {
	if s == "" {
		return nil
	}
	return glob{{lit: s}}
}

// hasWild tells whether the glob has wildcards.
func (g glob) hasWild() bool {
	for _, p := range g {
		if p.wild != 0 {
			return true
		}
	}
	return false
}

// text joins the literal parts (for a glob without wildcards).
func (g glob) text() string {
	var b strings.Builder
	for _, p := range g {
		b.WriteString(p.lit)
	}
	return b.String()
}

// wrap adds a leading and/or trailing *.
func (g glob) wrap(lead, trail bool) glob {
	out := slices.Clone(g)
	if lead && (len(out) == 0 || out[0].wild != '*') {
		out = append(glob{{wild: '*'}}, out...)
	}
	if trail && (len(out) == 0 || out[len(out)-1].wild != '*') {
		out = append(out, gpart{wild: '*'})
	}
	return out
}

func (g glob) lower() glob {
	out := slices.Clone(g)
	for i := range out {
		out[i].lit = strings.ToLower(out[i].lit)
	}
	return out
}

// longestLiteral is the longest literal run, which every match contains.
func (g glob) longestLiteral() string {
	best := ""
	for _, p := range g {
		if len(p.lit) > len(best) {
			best = p.lit
		}
	}
	return best
}

// mapLiterals applies f to each literal part (encodings keep wildcards).
func (g glob) mapLiterals(f func(string) string) glob {
	out := slices.Clone(g)
	for i := range out {
		if out[i].wild == 0 {
			out[i].lit = f(out[i].lit)
		}
	}
	return out
}

// match reports whether s matches the glob.
func (g glob) match(s string) bool { return globMatch(g, s) }

func globMatch(g glob, s string) bool {
	// Iterative matching with backtracking to the last star.
	gi, si := 0, 0
	starG, starS := -1, 0
	for {
		if gi < len(g) {
			p := g[gi]
			switch p.wild {
			case '*':
				starG, starS = gi, si
				gi++
				continue
			case '?':
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					gi++
					continue
				}
			default:
				if strings.HasPrefix(s[si:], p.lit) {
					si += len(p.lit)
					gi++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starG < 0 || starS >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		gi, si = starG+1, starS
	}
}

// Encodings of the value modifiers.

func utf16Bytes(s string, order binary.AppendByteOrder, bom bool) string {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(u)+2)
	if bom {
		out = order.AppendUint16(out, 0xFEFF)
	}
	for _, c := range u {
		out = order.AppendUint16(out, c)
	}
	return string(out)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// b64offsets returns the three base64 forms of s as it appears at each
// offset modulo 3 within longer encoded data, trimmed of the characters
// that depend on the surrounding bytes.
func b64offsets(s string) []string {
	starts := [3]int{0, 2, 3}
	ends := [3]int{0, 3, 2}
	out := make([]string, 0, 3)
	for i := range 3 {
		enc := b64(strings.Repeat(" ", i) + s)
		end := len(enc)
		if e := ends[(len(s)+i)%3]; e > 0 {
			end -= e
		}
		if starts[i] < end {
			out = append(out, enc[starts[i]:end])
		}
	}
	return out
}

// windashChars are the characters Windows command lines accept for "-".
var windashChars = []string{"-", "/", "\u2013", "\u2014", "\u2015"}

// windash returns the variants of s with each option dash (a - or / at a
// word start) replaced by every dash Windows accepts. With more than three
// such dashes, the variants use one dash character throughout.
func windash(s string) []string {
	var at []int
	for i := 0; i < len(s); i++ {
		if (s[i] == '-' || s[i] == '/') && (i == 0 || !isWord(s[i-1])) && i+1 < len(s) && isWord(s[i+1]) {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return []string{s}
	}
	build := func(pick func(k int) string) string {
		var b strings.Builder
		last := 0
		for k, i := range at {
			b.WriteString(s[last:i])
			b.WriteString(pick(k))
			last = i + 1
		}
		b.WriteString(s[last:])
		return b.String()
	}
	var out []string
	if len(at) > 3 {
		for _, c := range windashChars {
			out = append(out, build(func(int) string { return c }))
		}
		return out
	}
	idx := make([]int, len(at))
	for {
		out = append(out, build(func(k int) string { return windashChars[idx[k]] }))
		k := 0
		for ; k < len(idx); k++ {
			idx[k]++
			if idx[k] < len(windashChars) {
				break
			}
			idx[k] = 0
		}
		if k == len(idx) {
			return out
		}
	}
}

func isWord(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// Placeholder returns the name of the first %name% placeholder in s, or "".
func Placeholder(s string) string {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(s[i+1:], '%')
	if j <= 0 {
		return ""
	}
	return s[i+1 : i+1+j]
}
