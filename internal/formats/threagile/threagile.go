// Package threagile reads and writes Threagile YAML models. Import maps the
// whole Threagile schema onto a Rampart model, keeping every position so
// that problems point at the Threagile file's own lines, and reports what
// Rampart cannot carry. Export writes a model Threagile accepts, with the
// register's treatments as risk_tracking. The one table mapping Threagile's
// built-in rules onto Rampart rules is Rules, in rules.go.
package threagile

import (
	"regexp"

	"github.com/rampart-sec/rampart/internal/formats"
)

func init() {
	formats.Register(formats.Format{
		Name:        "threagile",
		Title:       "Threagile YAML",
		Detect:      Detect,
		Signature:   "top-level threagile_version key, nor both technical_assets and data_assets",
		Import:      Import,
		ImportNotes: ImportNotes,
		Export:      Export,
	})
}

var (
	versionKey = regexp.MustCompile(`(?m)^threagile_version\s*:|^\s*\{?\s*"threagile_version"\s*:`)
	assetsKey  = regexp.MustCompile(`(?m)^technical_assets\s*:`)
	dataKey    = regexp.MustCompile(`(?m)^data_assets\s*:`)
)

// Detect reports whether data looks like a Threagile model: it has a
// top-level threagile_version key (in YAML, or in JSON, which Threagile's
// YAML reader also takes), or both technical_assets and data_assets.
func Detect(data []byte) bool {
	if len(data) > 1<<20 {
		data = data[:1<<20]
	}
	return versionKey.Match(data) || (assetsKey.Match(data) && dataKey.Match(data))
}
