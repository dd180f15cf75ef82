package threagile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats"
	_ "github.com/rampart-sec/rampart/internal/formats/otm"
	"github.com/rampart-sec/rampart/internal/formats/threagile/threagiletool"
	_ "github.com/rampart-sec/rampart/internal/formats/threatcomposer"
	_ "github.com/rampart-sec/rampart/internal/formats/threatdragon"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/testfixtures"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// acceptCase is one model to export: a fixture of a foreign format
// (imported first) or one of the bundled Rampart examples.
type acceptCase struct {
	name, path, format string
}

func acceptCases(t *testing.T) []acceptCase {
	t.Helper()
	var out []acceptCase
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
		for _, f := range files {
			out = append(out, acceptCase{dir.format + "/" + filepath.Base(f), f, dir.format})
		}
	}
	examples := []string{"../../../examples/online-shop.yaml", "../../../examples/hr-saas.yaml", "../../../examples/iot-telemetry/rampart.yaml"}
	for _, f := range examples {
		out = append(out, acceptCase{"examples/" + strings.TrimPrefix(f, "../../../examples/"), f, "rampart"})
	}
	return out
}

// loadCase reads a case into a Rampart model, failing on errors.
func loadCase(t *testing.T, c acceptCase) *model.Model {
	t.Helper()
	ctx := context.Background()
	if c.format == "rampart" {
		m, problems, err := model.Load(ctx, c.path, model.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if errs := problems.Errors(); len(errs) > 0 {
			t.Fatalf("%s does not load: %v", c.path, errs)
		}
		return m
	}
	f, err := formats.Lookup(c.format)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(c.path)
	if err != nil {
		t.Fatal(err)
	}
	m, problems, err := f.Import(ctx, filepath.Base(c.path), data, formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("%s does not import: %v", c.path, errs)
	}
	return m
}

// TestThreagileAcceptsExports exports every fixture of every format and
// every bundled example as a Threagile model and runs the real Threagile
// CLI on it: it must exit 0 and write risks.json. Each custom risk Rampart
// writes (a manual threat) must come back among Threagile's risks.
func TestThreagileAcceptsExports(t *testing.T) {
	threagiletool.Binary(t)
	for _, c := range acceptCases(t) {
		t.Run(c.name, func(t *testing.T) {
			m := loadCase(t, c)
			out, warnings, err := Export(context.Background(), m, threats.Identify(m, builtin.Rules()))
			if err != nil {
				t.Fatal(err)
			}
			if errs := warnings.Errors(); len(errs) > 0 {
				t.Fatalf("export errors: %v", errs)
			}
			if strings.Contains(string(out), "threat-dragon:") {
				t.Error("Threat Dragon's layout tags leak into the Threagile export")
			}
			res, err := threagiletool.Analyze(context.Background(), t, out)
			if err != nil {
				t.Fatalf("%v\nexported model:\n%s", err, out)
			}
			raised := map[string]bool{}
			for _, r := range res.Risks {
				raised[r.Category] = true
			}
			for _, mt := range m.Threats {
				cat := mt.ID
				if i := strings.IndexByte(cat, ':'); i > 0 {
					cat = cat[:i]
				}
				if !raised[threagileSafe(cat)] {
					t.Errorf("manual threat %s is not among Threagile's risks (category %s)", mt.ID, threagileSafe(cat))
				}
			}
		})
	}
}
