package source

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// checkBytes refuses bytes that neither format allows in a text file, at
// their real line and column: invalid UTF-8 and NUL, and for YAML the other
// control characters outside tab, line feed and carriage return (YAML's
// printable set), so that the parser never reports them at 1:1.
func checkBytes(name string, data []byte, yamlRules bool) (Problem, bool) {
	// Positions are counted after a byte-order mark, which editors do not show.
	data = bytes.TrimPrefix(data, bom)
	// The common case, plain printable text, is settled in one fast pass.
	if utf8.Valid(data) && bytes.IndexByte(data, 0) < 0 && (!yamlRules || printableFast(data)) {
		return Problem{}, false
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		var msg, hint string
		switch {
		case r == utf8.RuneError && size == 1:
			msg = fmt.Sprintf("invalid UTF-8 byte 0x%02x", data[i])
			hint = "save the file as UTF-8"
		case r == 0:
			msg = "a NUL byte"
			hint = "the file must be text; a NUL byte means it is binary or was saved in UTF-16"
		case yamlRules && !yamlPrintable(r):
			msg = fmt.Sprintf("control character U+%04X is not allowed in YAML", r)
			hint = "remove it, or write it as an escape in a double-quoted string"
		default:
			i += size
			continue
		}
		line, col := LineCol(data, int64(i))
		return Errorf(Pos{File: name, Line: line, Column: col}, CodeEncoding, "", hint, "%s", msg), true
	}
	return Problem{}, false
}

// printableFast reports whether data holds only ASCII printable bytes, tabs,
// line breaks and multi-byte UTF-8 sequences that are printable.
func printableFast(data []byte) bool {
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' || c == '\r' {
			continue
		}
		if c < 0x80 {
			return false
		}
		r, size := utf8.DecodeRune(data[i:])
		if !yamlPrintable(r) {
			return false
		}
		i += size - 1
	}
	return true
}

// yamlPrintable is YAML 1.1's printable set as the parser applies it.
func yamlPrintable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20 || r == 0x7f:
		return false
	case r >= 0x80 && r < 0xa0:
		return r == 0x85
	case r == 0xfffe || r == 0xffff:
		return false
	case r >= 0xd800 && r <= 0xdfff:
		return false
	}
	return true
}

// LineCol converts a byte offset into a 1-based line and column (in characters).
func LineCol(data []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}
