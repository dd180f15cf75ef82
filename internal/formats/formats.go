// Package formats reads and writes models of other threat-modelling tools:
// Threagile, OWASP Threat Dragon, Open Threat Model and AWS Threat Composer.
// Each format lives in its own sub-package and registers itself here.
package formats

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// Format is one foreign model format.
type Format struct {
	// Name is the --from/--to name, e.g. "threagile".
	Name string
	// Title is the human name, e.g. "Threagile YAML".
	Title string
	// Detect reports whether data looks like this format (cheap, content based).
	Detect func(data []byte) bool
	// Signature says what Detect looks for, in the words of a message
	// explaining why a file fits no format ("a top-level otmVersion key").
	Signature string
	// Import converts a foreign file into a Rampart model. Problems carry
	// positions in the foreign file; warnings name what could not be carried over.
	Import func(ctx context.Context, name string, data []byte, opts Options) (*model.Model, model.Problems, error)
	// ImportNotes, when set, is Import that also returns comment lines for
	// the top of the written model (e.g. how foreign ids became Rampart ids).
	ImportNotes func(ctx context.Context, name string, data []byte, opts Options) (*model.Model, []string, model.Problems, error)
	// Export writes the model (and identified threats, where the format holds
	// them) in this format. Warnings name what the format cannot carry.
	Export func(ctx context.Context, m *model.Model, found []threats.Threat) ([]byte, model.Problems, error)
}

// Options is what every importer takes besides the file itself: the
// limits of the input layer and the directory tree other files (a
// Threagile model's includes) may be read from. The zero value reads from
// the operating system with Rampart's default limits and confines other
// files to the root file's own directory tree.
type Options struct {
	// IncludeRoot, when set, is a directory whose tree the files a model
	// names may also come from (--include-root).
	IncludeRoot string
	// MaxFileSize bounds each further file read (default
	// model.DefaultMaxFileSize); the file itself has been read already.
	MaxFileSize int64
	// MaxIncludes bounds the number of files one model is read from
	// (default model.DefaultMaxIncludes); every include counts, those that
	// fail too.
	MaxIncludes int
	// MaxExpansion bounds how many nodes YAML aliases may add to a document
	// (default: the input layer's).
	MaxExpansion int
	// ReadFile reads a further file; nil means source.ReadFile (regular
	// files only).
	ReadFile func(ctx context.Context, path string, limit int64) ([]byte, error)
}

// ModelOptions returns the options of the Rampart model loader the same
// flags set, as an importer's options.
func ModelOptions(o model.Options) Options {
	return Options{IncludeRoot: o.IncludeRoot, MaxFileSize: o.MaxFileSize, MaxIncludes: o.MaxIncludes,
		MaxExpansion: o.MaxExpansion, ReadFile: o.ReadFile}
}

var (
	mu       sync.RWMutex
	registry = map[string]Format{}
)

// Register adds a format; sub-packages call it from init.
func Register(f Format) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[f.Name]; dup {
		panic("formats: duplicate format " + f.Name)
	}
	registry[f.Name] = f
}

// Lookup returns the format with the name.
func Lookup(name string) (Format, error) {
	mu.RLock()
	defer mu.RUnlock()
	f, ok := registry[name]
	if !ok {
		return Format{}, fmt.Errorf("unknown format %q (known: %v)", name, namesLocked())
	}
	return f, nil
}

// Names returns the registered format names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Mismatch explains why data fits none of the foreign formats: each
// format detection tried, with what it looks for, so that a message can
// say so and suggest --from.
func Mismatch(data []byte) []string {
	mu.RLock()
	defer mu.RUnlock()
	var out []string
	for _, n := range namesLocked() {
		if f := registry[n]; f.Detect != nil && !f.Detect(data) {
			out = append(out, n+": no "+f.Signature)
		}
	}
	return out
}

// Detect returns the foreign format data is in, or "" for Rampart's own format.
func Detect(data []byte) string {
	mu.RLock()
	defer mu.RUnlock()
	for _, n := range namesLocked() {
		if f := registry[n]; f.Detect != nil && f.Detect(data) {
			return n
		}
	}
	return ""
}
