package analysis

import "github.com/rampart-sec/rampart/internal/model"

// DefaultMaxElements is the largest model analysed unless the caller
// raises the limit, counted in Elements. The analysis needs memory in
// proportion to them, about ElementBytes each at its peak (measured with
// the JSON report, docs/benchmarks.md), so the default keeps a run under
// about 2 GiB; loading is bounded separately by the file size limit.
const DefaultMaxElements = 200_000

// ElementBytes is the peak memory an analysis needs per component or flow,
// as measured on generated models of 10,000 to 200,000 components with and
// without flows (5.9 to 9.6 KiB), rounded up.
const ElementBytes = 10 << 10

// Elements counts what the memory of an analysis grows with: the model's
// components and flows (threats and STRIDE cells are found on them).
func Elements(m *model.Model) int { return len(m.Components) + len(m.Flows) }
