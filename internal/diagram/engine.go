package diagram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"

	"github.com/rampart-sec/rampart/internal/diagram/internal/gographviz"
)

// engine is the process's one Graphviz module. Every field is guarded by
// gvMu.
var engine graphvizEngine

type graphvizEngine struct {
	gen   int  // incremented at every load; instances of older ones are gone
	cache bool // whether the loaded module used the compilation cache
	// cacheDir overrides the cache directory (tests); "" is the default.
	cacheDir string
}

// CacheDir is where the compiled Graphviz module is cached between runs: a
// directory of the user's own cache directory (os.UserCacheDir, so
// XDG_CACHE_HOME on Linux), never a shared temporary directory.
func CacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("diagram: no user cache directory: %w", err)
	}
	return filepath.Join(base, "rampart", "graphviz"), nil
}

// load starts the module unless it is running and returns its generation.
// It uses the compilation cache if its directory is this user's own and
// writable; a damaged cache is emptied and filled anew. On any other cache
// problem it compiles without a cache. gvMu must be held.
func (e *graphvizEngine) load(ctx context.Context) (int, error) {
	if graphviz.Loaded() {
		return e.gen, nil
	}
	// The module outlives the call that loads it: a later cancellation of
	// this ctx must not close it.
	lctx := context.WithoutCancel(ctx)
	dir, err := e.dir()
	if err == nil {
		err = usableCacheDir(dir)
	}
	if err == nil {
		// The directory is ours; a failure now is a damaged entry.
		if err = loadCached(lctx, dir); err != nil {
			slog.Debug("graphviz compilation cache damaged; clearing it", "dir", dir, "err", err)
			if err = clearDir(dir); err == nil {
				err = loadCached(lctx, dir)
			}
		}
	}
	if err != nil {
		slog.Debug("graphviz compiles without a cache", "err", err)
		if err := graphviz.Load(lctx, nil); err != nil {
			return 0, fmt.Errorf("diagram: start graphviz: %w", err)
		}
		e.cache = false
	} else {
		e.cache = true
	}
	e.gen++
	return e.gen, nil
}

func (e *graphvizEngine) dir() (string, error) {
	if e.cacheDir != "" {
		return e.cacheDir, nil
	}
	return CacheDir()
}

// clearDir empties dir, keeping the directory itself.
func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// loadCached loads the module with the compilation cache in dir.
func loadCached(ctx context.Context, dir string) error {
	cache, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return fmt.Errorf("open cache: %w", err)
	}
	if err := graphviz.Load(ctx, cache); err != nil {
		_ = cache.Close(ctx)
		return err
	}
	return nil
}

// usableCacheDir creates dir (private to the user) if needed and checks that
// it is a directory, not a symbolic link, owned by this user and writable.
func usableCacheDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return errors.New(dir + " is not a directory")
	}
	if !ownedByUser(fi) {
		return errors.New(dir + " belongs to another user")
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	cerr := f.Close()
	if err := os.Remove(name); err != nil {
		return err
	}
	return cerr
}

// discard closes a module left in an unknown state (a panic in a call).
// gvMu must be held.
func (e *graphvizEngine) discard(ctx context.Context) {
	graphviz.Unload(context.WithoutCancel(ctx))
}
