package main

import "runtime/debug"

// gcPercent is the collector's target for the commands: the heap may grow
// to three times the live data before a collection instead of twice. A
// command builds one large, mostly live model and result and then exits, so
// collections at the default target mostly re-mark the same live data; on
// the 10,000-component model this halves their number and cuts CPU time by
// about a fifth at the same peak RSS (docs/benchmarks.md).
const gcPercent = 200

// tuneGC sets the collector's target unless the user set one with GOGC or
// a memory limit with GOMEMLIMIT, which then apply as the runtime reads them.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcPercent)
}
