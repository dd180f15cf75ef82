package source

import (
	"path/filepath"
	"strings"
)

// Tree is the set of directory trees a model's includes may name: the root
// model's directory and any the user adds (--include-root). Paths are
// compared after symlinks are resolved, so a link cannot lead out.
type Tree struct {
	roots []string
}

// NewTree returns the trees of dirs (empty ones skipped), each made
// absolute with symlinks resolved.
func NewTree(dirs ...string) *Tree {
	t := &Tree{}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		t.roots = append(t.roots, RealPath(abs))
	}
	return t
}

// Roots lists the trees' directories, for messages.
func (t *Tree) Roots() []string { return t.roots }

// Contains reports whether the absolute path abs lies inside one of the
// trees, both as written and after resolving symlinks. A path that does not
// exist is judged as written (reading it then fails).
func (t *Tree) Contains(abs string) bool {
	if !t.inside(filepath.Clean(abs)) {
		return false
	}
	return t.inside(RealPath(abs))
}

func (t *Tree) inside(p string) bool {
	for _, r := range t.roots {
		rel, err := filepath.Rel(r, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

// RealPath is abs with symlinks resolved, or abs (cleaned) when it cannot
// be resolved.
func RealPath(abs string) string {
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return filepath.Clean(abs)
}
