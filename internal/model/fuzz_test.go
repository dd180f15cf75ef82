package model

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzFragment is a second file that fuzzed models may include.
const fuzzFragment = `components:
  - id: extra
    type: api
flows:
  - {id: extra-flow, from: extra, to: web, protocol: https}
`

// FuzzLoad feeds arbitrary bytes to the loader. It must never panic or
// hang, and every problem it reports must name a file and a line, so that
// editors and CI annotations can point at it. The seeds are the examples
// and the invalid models; they run in every 'go test'.
func FuzzLoad(f *testing.F) {
	for _, root := range []string{filepath.Join("..", "..", "examples"), filepath.Join("testdata", "invalid")} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			f.Add(data)
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	f.Add([]byte("rampart: 1\nsystem: {id: s, name: S}\nincludes: [inc.yaml, fuzz.yaml, missing.yaml]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files := map[string][]byte{"fuzz.yaml": data, "inc.yaml": []byte(fuzzFragment)}
		opts := Options{
			MaxFileSize: 1 << 20,
			ReadFile: func(_ context.Context, path string, _ int64) ([]byte, error) {
				if b, ok := files[filepath.Base(path)]; ok {
					return b, nil
				}
				return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
			},
		}
		m, problems, err := LoadBytes(context.Background(), "fuzz.yaml", data, opts)
		if err != nil {
			t.Fatalf("LoadBytes returned an error for in-memory data: %v", err)
		}
		if m == nil {
			t.Fatal("LoadBytes returned no model")
		}
		for _, p := range problems {
			if p.Pos.File == "" || p.Pos.Line <= 0 || p.Pos.Column <= 0 {
				t.Errorf("problem without a full position: %q", p.String())
			}
			if p.Message == "" {
				t.Errorf("problem without a message: %q", p.String())
			}
		}
		// The index and the JSON Schema independent parts of a loaded
		// model must be usable whatever the input was.
		ix := m.Index()
		for i := range m.Components {
			ix.BoundaryChain(m.Components[i].ID)
		}
	})
}
