// Package report writes analysis results for machines and people: JSON,
// Markdown, SARIF 2.1.0, CSV and a terminal table. Output is byte-identical
// for the same Result. HTML, PDF and XLSX writers live in sub-packages.
package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/atomicfile"
)

// Writer renders a result.
type Writer func(w io.Writer, r *analysis.Result) error

// Options tune the writers that support them.
type Options struct {
	// Color enables ANSI colours in the table (only for terminals).
	Color bool
}

// Formats lists the formats this package writes.
func Formats() []string { return []string{"table", "json", "markdown", "sarif", "csv"} }

// Lookup returns the writer for a format name.
func Lookup(format string, opts Options) (Writer, error) {
	switch format {
	case "table", "text":
		return func(w io.Writer, r *analysis.Result) error { return Table(w, r, opts) }, nil
	case "json":
		return JSON, nil
	case "markdown", "md":
		return Markdown, nil
	case "sarif":
		return SARIF, nil
	case "csv":
		return CSV, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
}

// WriteFile renders into a temporary file next to path and renames it into
// place, so a failed run never leaves a half-written report.
func WriteFile(path string, render func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	return AtomicWrite(path, buf.Bytes())
}

// AtomicWrite writes data to path through a temporary file and a rename.
func AtomicWrite(path string, data []byte) error { return atomicfile.Write(path, data, true) }

// sorted returns the findings ordered by residual risk, highest first.
func sorted(r *analysis.Result) []analysis.Finding {
	fs := append([]analysis.Finding(nil), r.Findings...)
	analysis.SortByRisk(fs)
	return fs
}

func strideList(f *analysis.Finding) string {
	parts := make([]string, len(f.STRIDE))
	for i, s := range f.STRIDE {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}
