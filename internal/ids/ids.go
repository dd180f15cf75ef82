// Package ids makes element ids: the rule for a valid id, slugs from names,
// sanitising of other tools' ids, and an allocator that hands out unique
// ones. The model's validation, 'rampart init' and every importer use it,
// so an id made anywhere is one the model accepts.
package ids

import (
	"crypto/sha1"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
)

// MaxLen is the longest id Rampart accepts.
const MaxLen = 128

// MaxSlugLen is the longest slug Slug makes, so that ids made from long
// titles stay readable.
const MaxSlugLen = 60

var (
	validRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)
	uuidRE  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// Valid reports whether s is a valid element id: 1 to MaxLen characters,
// letters, digits, '.', '_', ':' and '-', starting with a letter or digit.
func Valid(s string) bool { return len(s) <= MaxLen && validRE.MatchString(s) }

// IsUUID reports whether s is a UUID (as tools generate for element ids).
func IsUUID(s string) bool { return uuidRE.MatchString(s) }

// Slug turns a name into an id: lower-case ASCII letters and digits, each
// run of anything else turned into one '-', cut (mid-word if need be) once
// it reaches MaxSlugLen characters, so at most MaxSlugLen+1.
// It returns "" when nothing usable is left; callers choose the fallback.
func Slug(name string) string {
	// The cut is made as the first importers made it, since changing it
	// would change the ids, and so the threat ids, of imported models.
	var b strings.Builder
	dash := false
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		default:
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(r)
		if b.Len() >= MaxSlugLen {
			break
		}
	}
	return b.String()
}

// Sanitize keeps a foreign id when it is valid, and otherwise replaces the
// characters ids may not hold with '-' (runs of them with one), trims what
// may not start an id, and shortens an id over MaxLen, keeping it unique
// with a hash of the original.
func Sanitize(id string) string {
	if Valid(id) {
		return id
	}
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == ':' || r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.TrimLeft(b.String(), "._:-")
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	s = strings.TrimRight(s, "-")
	if len(s) > MaxLen {
		sum := sha1.Sum([]byte(id))
		s = s[:MaxLen-9] + "-" + hex.EncodeToString(sum[:4])
	}
	return s
}

// Set hands out unique, valid element ids.
type Set struct {
	used map[string]bool
}

// NewSet returns an empty id allocator.
func NewSet() *Set { return &Set{used: map[string]bool{}} }

// Reserve marks id as taken; it reports false when it already was.
func (s *Set) Reserve(id string) bool {
	if s.used[id] {
		return false
	}
	s.used[id] = true
	return true
}

// Used reports whether id is taken.
func (s *Set) Used(id string) bool { return s.used[id] }

// Take returns the first usable candidate (sanitised, non-empty), made
// unique with a numeric suffix ("-2", "-3"...), and marks it taken.
// fallback is used when no candidate gives anything, "element" when it
// gives nothing either.
func (s *Set) Take(fallback string, candidates ...string) string {
	base := ""
	for _, c := range candidates {
		if v := Sanitize(c); v != "" {
			base = v
			break
		}
	}
	if base == "" {
		base = Sanitize(fallback)
		if base == "" {
			base = "element"
		}
	}
	if s.Reserve(base) {
		return base
	}
	for i := 2; ; i++ {
		c := base + "-" + strconv.Itoa(i)
		if s.Reserve(c) {
			return c
		}
	}
}

// UUID derives a stable, RFC 4122 version-5-shaped UUID from a name, so that
// exports give the same ids every time.
func UUID(namespace, name string) string {
	sum := sha1.Sum([]byte(namespace + "\x00" + name))
	b := sum[:16]
	b[6] = (b[6] & 0x0f) | 0x50
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
