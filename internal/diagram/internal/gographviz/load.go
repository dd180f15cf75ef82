package graphviz

import (
	"context"

	"github.com/tetratelabs/wazero"

	"github.com/rampart-sec/rampart/internal/diagram/internal/gographviz/cgraph"
	"github.com/rampart-sec/rampart/internal/diagram/internal/gographviz/gvc"
	"github.com/rampart-sec/rampart/internal/diagram/internal/gographviz/internal/wasm"
)

// Load compiles and starts the Graphviz WebAssembly module with the given
// compilation cache (nil for none) and sets up the packages that depend on
// it. Nothing in this module works before Load. Calling it again replaces
// the module, e.g. after a call was abandoned because its context ended.
// Load, like every other call, must not run concurrently with another.
func Load(ctx context.Context, cache wazero.CompilationCache) error {
	if err := wasm.Load(ctx, cache); err != nil {
		return err
	}
	gvc.Init()
	if err := cgraph.Init(ctx); err != nil {
		wasm.Unload(ctx)
		return err
	}
	return nil
}

// Loaded reports whether the module is loaded and usable.
func Loaded() bool { return wasm.Loaded() }

// Unload closes the module; the next Load starts a new one.
func Unload(ctx context.Context) { wasm.Unload(ctx) }
