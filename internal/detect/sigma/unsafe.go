package sigma

import "unsafe"

// unsafeBytes views a string as bytes without copying; the automaton only
// reads them.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
