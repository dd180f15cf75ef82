package wasm

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"
)

// runtime is the wazero runtime holding the loaded module, nil before Load.
var runtime wazero.Runtime

// Loaded reports whether the module is loaded and still usable: a call
// abandoned because its context ended closes the module.
func Loaded() bool {
	return mod != nil && mod.mod != nil && !mod.mod.IsClosed()
}

// Load compiles and instantiates the Graphviz module, replacing a closed
// one. It never panics: a failure inside wazero (e.g. a damaged cache entry)
// is returned as an error. Callers serialise Load with every other call.
func Load(ctx context.Context, cache wazero.CompilationCache) (err error) {
	Unload(ctx)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("graphviz: load: %v", r)
		}
		if err != nil {
			Unload(ctx)
		}
	}()
	return load(ctx, cache)
}

// Unload closes the module and its runtime.
func Unload(ctx context.Context) {
	if runtime != nil {
		_ = runtime.Close(ctx)
	}
	runtime = nil
	mod = nil
}
