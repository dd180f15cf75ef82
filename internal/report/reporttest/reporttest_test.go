package reporttest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

// TestModelIsValid loads a written model back: the generated models must be
// valid, or the benchmarks would measure error paths.
func TestModelIsValid(t *testing.T) {
	b, err := model.Marshal(Model(300))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	m, problems, err := model.Load(context.Background(), path, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("generated model is invalid: %v", errs)
	}
	if len(m.Components) != 300 {
		t.Errorf("%d components", len(m.Components))
	}
}

// TestWriteModels writes the models of docs/benchmarks.md when
// RAMPART_BENCH_MODELS names a directory:
//
//	RAMPART_BENCH_MODELS=/tmp/m go test -run TestWriteModels ./internal/report/reporttest
func TestWriteModels(t *testing.T) {
	dir := os.Getenv("RAMPART_BENCH_MODELS")
	if dir == "" {
		t.Skip("set RAMPART_BENCH_MODELS=DIR to write the benchmark models")
	}
	for _, n := range []int{1000, 1200, 5000, 10000} {
		b, err := model.Marshal(Model(n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("big-%d.yaml", n)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
