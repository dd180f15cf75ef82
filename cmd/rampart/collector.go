package main

import (
	"os"
	"runtime/debug"
)

// batchGCPercent is the collector's target for the commands that run once
// over a model and exit: a collection when the heap has grown by twice what
// is live, instead of once. It halves the collections of a large analysis
// for about a third more peak memory (docs/benchmarks.md). The server keeps
// the runtime's default, as a process that runs for long should.
const batchGCPercent = 200

// setCollectorTarget sets the collector's target unless GOGC is set, which
// always wins.
func setCollectorTarget(percent int) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(percent)
	}
}
