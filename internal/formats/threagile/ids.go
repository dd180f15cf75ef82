package threagile

import (
	"regexp"
	"strconv"
	"strings"
)

const maxIDLen = 128

var (
	rampartID   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)
	threagileID = regexp.MustCompile(`^[a-zA-Z0-9\-]+$`)
	nonAlnum    = regexp.MustCompile(`[^A-Za-z0-9]+`)
	htmlTag     = regexp.MustCompile(`<[^>]*>`)
)

// linkID is the id Threagile gives a communication link: the source asset's
// id, '>', and the link's title in lower case with runs of other characters
// turned into '-'.
func linkID(source, title string) string {
	return source + ">" + strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(title), "-"), "- ")
}

// flowID is the Rampart id of a communication link: '>' is not allowed in
// Rampart ids, so the link id's two parts are joined with '.' instead.
func flowID(source, title string) string {
	return source + "." + strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(title), "-"), "- ")
}

// sanitize turns a foreign id into a valid Rampart id.
func sanitize(id string) string {
	id = strings.TrimSpace(id)
	if len(id) <= maxIDLen && rampartID.MatchString(id) {
		return id
	}
	var b strings.Builder
	for _, r := range id {
		switch {
		case r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == ':' || r == '-'):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.TrimLeft(b.String(), "._:-")
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	if s == "" {
		s = "id"
	}
	if len(s) > maxIDLen {
		s = s[:maxIDLen]
	}
	return s
}

// threagileSafe turns a Rampart id into one Threagile accepts (letters,
// digits and hyphens).
func threagileSafe(id string) string {
	if threagileID.MatchString(id) {
		return id
	}
	s := strings.Trim(nonAlnum.ReplaceAllString(id, "-"), "-")
	if s == "" {
		s = "id"
	}
	return s
}

// plain strips the HTML markup Threagile allows in titles.
func plain(s string) string {
	return strings.Join(strings.Fields(htmlTag.ReplaceAllString(s, "")), " ")
}

// idSet hands out ids unique within one namespace.
type idSet map[string]string // id -> what holds it

// claim returns id, or id with a suffix when id is taken.
func (s idSet) claim(id, what, suffix string) string {
	if _, taken := s[id]; !taken {
		s[id] = what
		return id
	}
	cand := id + "-" + suffix
	for i := 2; ; i++ {
		if _, taken := s[cand]; !taken {
			s[cand] = what
			return cand
		}
		cand = id + "-" + suffix + "-" + strconv.Itoa(i)
	}
}
