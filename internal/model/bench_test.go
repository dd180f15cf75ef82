package model

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// genLargeModel writes, deterministically, a model with the given number of
// components, flows, trust boundaries and data assets. Boundaries nest two
// levels deep; every component sits in one boundary; flows connect
// components spread across the model and carry data.
func genLargeModel(components, flows, boundaries, data int) []byte {
	var b bytes.Buffer
	b.Grow(components*200 + flows*200)
	b.WriteString("rampart: 1\nsystem:\n  id: large\n  name: Large generated system\n  owner: team\n  risk_owner: jane\n")
	b.WriteString("risk_appetite:\n  max_severity: medium\n  by_category: {privacy: low}\n")
	b.WriteString("data:\n")
	classes := []string{"public", "internal", "confidential", "restricted"}
	for i := 0; i < data; i++ {
		fmt.Fprintf(&b, "  - id: data-%d\n    name: Data asset %d\n    classification: %s\n    cia: {confidentiality: high, integrity: medium, availability: low}\n    personal: %t\n",
			i, i, classes[i%len(classes)], i%3 == 0)
	}
	b.WriteString("components:\n")
	types := []string{"web-application", "api", "service", "database", "queue", "user"}
	for i := 0; i < components; i++ {
		typ := types[i%len(types)]
		fmt.Fprintf(&b, "  - id: c-%d\n    name: Component %d\n    type: %s\n    technology: tech-%d\n", i, i, typ, i%17)
		switch typ {
		case "database", "queue":
			fmt.Fprintf(&b, "    stores: [data-%d, data-%d]\n    encryption_at_rest: platform\n", i%data, (i+1)%data)
		case "user":
			b.WriteString("    human_use: true\n")
		default:
			fmt.Fprintf(&b, "    processes: [data-%d]\n    internet_facing: %t\n    controls: [tls, input-validation]\n    authentication: oidc\n", i%data, i%10 == 0)
		}
		b.WriteString("    tags: [generated]\n")
	}
	// The first tenth of the boundaries are top level; the others nest in them.
	top := max(boundaries/10, 1)
	perBoundary := (components + boundaries - 1) / boundaries
	b.WriteString("trust_boundaries:\n")
	for i := 0; i < boundaries; i++ {
		typ := "vpc"
		if i >= top {
			typ = "network-segment"
		}
		fmt.Fprintf(&b, "  - id: b-%d\n    type: %s\n    contains: [", i, typ)
		sep := ""
		for j := i * perBoundary; j < (i+1)*perBoundary && j < components; j++ {
			fmt.Fprintf(&b, "%sc-%d", sep, j)
			sep = ", "
		}
		for k := top + i; i < top && k < boundaries; k += top {
			fmt.Fprintf(&b, "%sb-%d", sep, k)
			sep = ", "
		}
		b.WriteString("]\n")
	}
	b.WriteString("flows:\n")
	protocols := []string{"https", "grpcs", "sql", "amqps"}
	for i := 0; i < flows; i++ {
		from := i % components
		to := (from*7 + 1 + i/components) % components
		if to == from {
			to = (to + 1) % components
		}
		fmt.Fprintf(&b, "  - id: f-%d\n    from: c-%d\n    to: c-%d\n    protocol: %s\n    authentication: token\n    authorization: technical-user\n    data_sent: [data-%d]\n",
			i, from, to, protocols[i%len(protocols)], i%data)
		if i%2 == 0 {
			fmt.Fprintf(&b, "    data_received: [data-%d]\n", (i+3)%data)
		}
	}
	return b.Bytes()
}

func TestGenLargeModelIsValid(t *testing.T) {
	data := genLargeModel(600, 1200, 30, 50)
	m, problems, err := LoadBytes(context.Background(), "large.yaml", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("generated model has %d errors, first: %s", len(errs), errs[0])
	}
	if len(m.Components) != 600 || len(m.Flows) != 1200 || len(m.TrustBoundaries) != 30 {
		t.Fatalf("got %d components, %d flows, %d boundaries", len(m.Components), len(m.Flows), len(m.TrustBoundaries))
	}
	ix := m.Index()
	if chain := ix.BoundaryChain("c-599"); len(chain) != 2 {
		t.Errorf("c-599 sits in boundaries %v, want two nested levels", chain)
	}
}

// BenchmarkLoad10k loads and validates a model with 10,000 components,
// 20,000 flows, 500 trust boundaries and 200 data assets.
func BenchmarkLoad10k(b *testing.B) {
	data := genLargeModel(10_000, 20_000, 500, 200)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := processCPU()
	b.ResetTimer()
	for b.Loop() {
		_, problems, err := LoadBytes(context.Background(), "large.yaml", data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if errs := problems.Errors(); len(errs) > 0 {
			b.Fatalf("%d errors, first: %s", len(errs), errs[0])
		}
	}
	// CPU time per load (all threads, garbage collection included): on a
	// shared machine it varies less than wall time.
	if used := processCPU() - cpu; used > 0 {
		b.ReportMetric(float64(used.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkLoadDangling loads a model whose 10,000 flows all point at
// misspelled components among 5,000: every reference gets a suggestion,
// which must stay cheap.
func BenchmarkLoadDangling(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&buf, "  - {id: component-%d, type: api}\n", i)
	}
	buf.WriteString("flows:\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&buf, "  - {id: f-%d, from: component-%d, to: compnent-%d, protocol: https}\n", i, i%5000, (i+1)%5000)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		_, problems, err := LoadBytes(context.Background(), "dangling.yaml", data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(problems.Errors()); n != 10000 {
			b.Fatalf("%d errors, want 10000", n)
		}
	}
}

// genFlatModel writes a model of n components, one flow-style line each, as
// models generated by other tools often look: about 50 bytes a component,
// so that 544,000 of them make a 27 MB file, under the file size limit.
func genFlatModel(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 56)
	b.WriteString("rampart: 1\nsystem: {id: flat, name: Flat generated system}\ncomponents:\n")
	types := []string{"service", "api", "database", "queue"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {id: c-%d, name: C %d, type: %s}\n", i, i, types[i%len(types)])
	}
	return b.Bytes()
}

// BenchmarkLoadFlat544k loads a 27 MB model of 544,000 components.
func BenchmarkLoadFlat544k(b *testing.B) {
	data := genFlatModel(544_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_, problems, err := LoadBytes(context.Background(), "flat.yaml", data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if errs := problems.Errors(); len(errs) > 0 {
			b.Fatalf("%d errors, first: %s", len(errs), errs[0])
		}
	}
}

// TestWriteGeneratedModel writes a generated model to a file, for measuring
// the real command on it (docs/benchmarks.md): RAMPART_GENERATE=KIND:N:PATH,
// KIND "large" (N components with 2N flows, N/20 boundaries, N/50 data
// assets, as BenchmarkLoad10k) or "flat" (N one-line components).
func TestWriteGeneratedModel(t *testing.T) {
	spec := os.Getenv("RAMPART_GENERATE")
	if spec == "" {
		t.Skip("set RAMPART_GENERATE=large:N:PATH or flat:N:PATH to write a generated model")
	}
	kind, rest, _ := strings.Cut(spec, ":")
	num, path, _ := strings.Cut(rest, ":")
	n, err := strconv.Atoi(num)
	if err != nil || n < 50 || path == "" {
		t.Fatalf("RAMPART_GENERATE=%q: want KIND:N:PATH with N >= 50", spec)
	}
	var data []byte
	switch kind {
	case "large":
		data = genLargeModel(n, 2*n, max(n/20, 1), max(n/50, 1))
	case "flat":
		data = genFlatModel(n)
	default:
		t.Fatalf("unknown kind %q, want large or flat", kind)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d bytes", path, len(data))
}
