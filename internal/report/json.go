package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/rampart-sec/rampart/internal/analysis"
)

// JSON writes the result in Rampart's versioned JSON format (docs/analysis-json.md).
func JSON(w io.Writer, r *analysis.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
