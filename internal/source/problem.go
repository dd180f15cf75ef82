package source

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Pos is a position in a source file (1-based line and column, the column
// counted in characters).
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// IsZero reports whether the position is unknown.
func (p Pos) IsZero() bool { return p.Line == 0 }

// String renders the position as file:line:column.
func (p Pos) String() string {
	if p.IsZero() {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
}

// Severity says whether a problem makes the input invalid.
type Severity uint8

// Severities. The zero value is Error, so that a problem is an error unless
// it says otherwise.
const (
	Error Severity = iota
	Warning
)

// String names the severity: "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error", "":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("unknown severity %q, expected error or warning", b)
	}
	return nil
}

// Code is a stable identifier for a kind of problem, for users to search
// documentation and filter output by. Codes never change meaning once
// published; the list is in docs/problems.md.
type Code string

// Problem codes shared by every reader of structured input.
const (
	CodeSyntax        Code = "syntax_error"       // the file is not valid YAML or JSON
	CodeEncoding      Code = "encoding_error"     // invalid UTF-8 or a NUL byte
	CodeEmpty         Code = "empty_file"         // nothing but blanks or comments
	CodeDocuments     Code = "multiple_documents" // more than one YAML document
	CodeDuplicateKey  Code = "duplicate_key"      // a key given twice in one mapping
	CodeUnknownKey    Code = "unknown_key"        // a key the format does not define
	CodeMissingKey    Code = "missing_key"        // a required key is absent
	CodeType          Code = "wrong_type"         // a value of the wrong kind (string for list...)
	CodeUnknownValue  Code = "unknown_value"      // a value outside an enumeration
	CodeInvalidValue  Code = "invalid_value"      // a value of the right kind that is not allowed
	CodeExpansion     Code = "alias_expansion"    // aliases expand past the budget
	CodeLimit         Code = "limit_exceeded"     // a size or count limit was reached
	CodeUnreadable    Code = "unreadable_file"    // a file could not be read
	CodeNotRegular    Code = "not_regular_file"   // a directory, FIFO, device or socket
	CodeOutsideRoot   Code = "include_outside_root"
	CodeIncludeCycle  Code = "include_cycle"
	CodeDuplicateFile Code = "duplicate_include"
	CodeVersion       Code = "unsupported_version"
	CodeInvalidID     Code = "invalid_id"
	CodeDuplicateID   Code = "duplicate_id"
	CodeReference     Code = "unknown_reference" // a reference to an id that does not exist
	CodeInvalid       Code = "invalid"           // any other meaning check
	CodeDeprecated    Code = "deprecated_key"    // a key kept under an old name; the hint gives the new one
	CodePolicy        Code = "policy_violation"  // a model loosens what its central policy sets
	CodeInferred      Code = "inferred"          // an importer inferred a fact from a name or label
	CodeRuleFailed    Code = "rule_failed"       // a custom rule could not run as written (budget spent, or failing on elements)
)

// Problem is one thing wrong with an input file: where, what, and how to fix it.
type Problem struct {
	Pos Pos `json:"pos"`
	// Path is the key path inside the file, e.g. "flows[2].from".
	Path string `json:"path,omitempty"`
	// Message says what is wrong and what was expected.
	Message string `json:"message"`
	// Hint suggests a fix, e.g. "did you mean 'web'?".
	Hint string `json:"hint,omitempty"`
	// Severity is Error or Warning; warnings do not make the input invalid.
	Severity Severity `json:"severity"`
	// Code names the kind of problem (see Code).
	Code Code `json:"code,omitempty"`
}

// IsWarning reports whether the problem is a warning.
func (p Problem) IsWarning() bool { return p.Severity == Warning }

// String renders "file:line:col: path: message (hint)".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Pos.String())
	b.WriteString(": ")
	if p.Severity == Warning {
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

// Errorf builds an error-severity problem.
func Errorf(pos Pos, code Code, path, hint, format string, args ...any) Problem {
	return Problem{Pos: pos, Code: code, Path: path, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// Warnf builds a warning.
func Warnf(pos Pos, code Code, path, hint, format string, args ...any) Problem {
	p := Errorf(pos, code, path, hint, format, args...)
	p.Severity = Warning
	return p
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
		if p.Severity != Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns only the warnings.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Warning {
			out = append(out, p)
		}
	}
	return out
}

// HasErrors reports whether any problem is an error.
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if p.Severity != Warning {
			return true
		}
	}
	return false
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
