package foreign

import (
	"crypto/sha1"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// MaxIDLen is the longest id Rampart accepts.
const MaxIDLen = 128

var (
	validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)
	uuidRE  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// ValidID reports whether s is a valid Rampart element id.
func ValidID(s string) bool { return len(s) <= MaxIDLen && validID.MatchString(s) }

// IsUUID reports whether s is a UUID (as tools generate for element ids).
func IsUUID(s string) bool { return uuidRE.MatchString(s) }

// Slug turns a name into an id: lower case ASCII letters and digits joined by
// '-', at most 60 characters. It returns "" when nothing usable is left.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// Sanitize keeps a foreign id when it is a valid Rampart id, and otherwise
// replaces the characters Rampart does not allow with '-'.
func Sanitize(id string) string {
	if ValidID(id) {
		return id
	}
	var b strings.Builder
	for _, r := range id {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == ':' || r == '-'):
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
	if len(s) > MaxIDLen {
		sum := sha1.Sum([]byte(id))
		s = s[:MaxIDLen-9] + "-" + hex.EncodeToString(sum[:4])
	}
	return s
}

// IDs hands out unique, valid element ids.
type IDs struct {
	used map[string]bool
}

// NewIDs returns an empty id allocator.
func NewIDs() *IDs { return &IDs{used: map[string]bool{}} }

// Reserve marks id as taken; it reports false when it already was.
func (ids *IDs) Reserve(id string) bool {
	if ids.used[id] {
		return false
	}
	ids.used[id] = true
	return true
}

// Used reports whether id is taken.
func (ids *IDs) Used(id string) bool { return ids.used[id] }

// Take returns the first usable candidate (sanitised, non-empty), made
// unique with a numeric suffix, and marks it taken. fallback is used when no
// candidate gives anything.
func (ids *IDs) Take(fallback string, candidates ...string) string {
	base := ""
	for _, c := range candidates {
		if s := Sanitize(c); s != "" {
			base = s
			break
		}
	}
	if base == "" {
		base = Sanitize(fallback)
		if base == "" {
			base = "element"
		}
	}
	if ids.Reserve(base) {
		return base
	}
	for i := 2; ; i++ {
		c := base + "-" + strconv.Itoa(i)
		if ids.Reserve(c) {
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
