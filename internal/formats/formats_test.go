package formats_test

import (
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats"
	_ "github.com/rampart-sec/rampart/internal/formats/otm"
	_ "github.com/rampart-sec/rampart/internal/formats/threagile"
	_ "github.com/rampart-sec/rampart/internal/formats/threatcomposer"
	_ "github.com/rampart-sec/rampart/internal/formats/threatdragon"
)

// TestMismatch checks that a file no format detects is explained format
// by format, and that a detected file is not.
func TestMismatch(t *testing.T) {
	got := formats.Mismatch([]byte(`{"foo": 1}`))
	want := []string{"otm: no top-level otmVersion key", "threagile: no top-level threagile_version key",
		"threat-composer: no JSON object with a numeric schema", "threat-dragon: no JSON object with summary, detail and diagrams"}
	if len(got) != len(want) {
		t.Fatalf("tried %d formats, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("%q, want it to start %q", got[i], w)
		}
	}
	for _, f := range formats.Names() {
		if fm, _ := formats.Lookup(f); fm.Detect != nil && fm.Signature == "" {
			t.Errorf("format %s detects files but says not what it looks for", f)
		}
	}
	if m := formats.Mismatch([]byte("otmVersion: 0.2.0\nproject: {name: x, id: y}\n")); len(m) != 3 {
		t.Errorf("an OTM file is explained as a mismatch for %d formats, want 3 (all but otm): %v", len(m), m)
	}
}
