package formats_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/foreign/foreigntest"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/testfixtures"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// schemaOf names the official schema of each exporter that has one
// (Threagile's exports are checked by the Threagile CLI itself).
var schemaOf = map[string]string{
	"threat-dragon":   "threat-dragon-v2.schema.json",
	"otm":             "otm.schema.json",
	"otm-yaml":        "otm.schema.json",
	"threat-composer": "threat-composer-v1.schema.json",
}

// sources are every fixture of every format and the bundled examples.
func sources(t *testing.T) map[string]*model.Model {
	t.Helper()
	out := map[string]*model.Model{}
	ctx := context.Background()
	for _, dir := range []struct{ fixtures, format, glob string }{
		{"threagile", "threagile", "*.yaml"},
		{"threat-dragon", "threat-dragon", "*.json"},
		{"otm", "otm", "*.otm.*"},
		{"threat-composer", "threat-composer", "*.tc.json"},
	} {
		files, err := filepath.Glob(filepath.Join(testfixtures.Path(t, dir.fixtures), dir.glob))
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s fixtures (%v)", dir.format, err)
		}
		f, err := formats.Lookup(dir.format)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m, ps, err := f.Import(ctx, filepath.Base(path), data, formats.Options{})
			if err != nil || len(ps.Errors()) > 0 {
				t.Fatalf("%s: %v %v", path, err, ps.Errors())
			}
			out[dir.format+"/"+filepath.Base(path)] = m
		}
	}
	for _, path := range []string{"../../examples/online-shop.yaml", "../../examples/hr-saas.yaml", "../../examples/iot-telemetry/rampart.yaml"} {
		m, ps, err := model.Load(ctx, path, model.Options{})
		if err != nil || len(ps.Errors()) > 0 {
			t.Fatalf("%s: %v %v", path, err, ps.Errors())
		}
		out["examples/"+filepath.Base(path)] = m
	}
	return out
}

// TestExportsValidate exports every fixture of every format and every
// bundled example to each format with an official JSON Schema, with the
// threats the built-in rules identify, and validates the output against
// the schema, following the draft each schema names. Threat Dragon's
// layout tags stay out of the other formats.
func TestExportsValidate(t *testing.T) {
	for name, m := range sources(t) {
		found := threats.Identify(m, builtin.Rules())
		for to, schema := range schemaOf {
			t.Run(name+"->"+to, func(t *testing.T) {
				f, err := formats.Lookup(to)
				if err != nil {
					t.Fatal(err)
				}
				out, _, err := f.Export(context.Background(), m, found)
				if err != nil {
					t.Fatal(err)
				}
				foreigntest.ValidateSchema(t, schema, out)
				if to != "threat-dragon" && strings.Contains(string(out), "threat-dragon:") {
					t.Errorf("Threat Dragon's layout tags leak into the %s export", to)
				}
			})
		}
	}
}
