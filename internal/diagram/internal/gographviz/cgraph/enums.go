package cgraph

import "github.com/rampart-sec/rampart/internal/diagram/internal/gographviz/internal/wasm"

// initEnums copies the enum values the module reports, once it is loaded
// (upstream does this in package-level variable initialisers; see
// PATCHES.md).
func initEnums() {
	GRAPH = ObjectTag(wasm.GRAPH)
	NODE = ObjectTag(wasm.NODE)
	OUTEDGE = ObjectTag(wasm.OUT_EDGE)
	INEDGE = ObjectTag(wasm.IN_EDGE)
	EDGE = ObjectTag(wasm.EDGE)
}
