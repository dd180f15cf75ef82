package formats_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

// fixtureOf is one shared fixture per format, the base of the broken variants.
var fixtureOf = map[string]string{
	"threagile":       "threagile/threagile-stub-model.yaml",
	"threat-dragon":   "threat-dragon/v2-threat-model.json",
	"otm":             "otm/example.otm.json",
	"threat-composer": "threat-composer/ThreatComposer.tc.json",
}

// listKey names, per JSON format, an array of objects the importer reads.
var listKey = map[string]string{"threat-dragon": `"cells"`, "otm": `"components"`, "threat-composer": `"threats"`}

var listOf = map[string]*regexp.Regexp{
	"threat-dragon":   regexp.MustCompile(`"cells"\s*:\s*\[`),
	"otm":             regexp.MustCompile(`"components"\s*:\s*\[`),
	"threat-composer": regexp.MustCompile(`"threats"\s*:\s*\[`),
}

// TestBadInput feeds every importer hand-broken variants of its fixture
// and of its format's shape: truncated files, wrong types, deep nesting,
// 100,000-element arrays of the wrong thing, keys given twice, invalid
// UTF-8. None may panic or take long;
// every problem must carry a position in the file, and each case must
// report what it expects (an error, or a problem mentioning a word).
func TestBadInput(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	many := "[" + strings.Repeat("7,", 99999) + "7]"
	for format, rel := range fixtureOf {
		f, err := formats.Lookup(format)
		if err != nil {
			t.Fatal(err)
		}
		orig, err := os.ReadFile(filepath.Join(testfixtures.Path(t, "."), rel))
		if err != nil {
			t.Fatal(err)
		}
		json := format != "threagile"
		cases := []struct {
			name string
			data string
			want string // a word the problems must mention; "" for any error
		}{
			{"truncated at half", string(orig[:len(orig)/2]), ""},
			{"only the first line", strings.SplitN(string(orig), "\n", 2)[0], ""},
			{"empty", "", ""},
			{"a list at the top", "[1, 2, 3]", ""},
			{"a number at the top", "42", ""},
		}
		if json {
			cases = append(cases,
				struct{ name, data, want string }{"deep nesting", `{"x": ` + deep + `}`, ""},
				struct{ name, data, want string }{"100,000 numbers for an object list", listOf[format].ReplaceAllLiteralString(string(orig), listKey[format]+": ["+strings.Repeat("7,", 99999)+"7,"), "expected an object"},
				struct{ name, data, want string }{"trailing garbage", string(orig) + "}", ""},
				struct{ name, data, want string }{"a key given twice", strings.Replace(string(orig), "{", `{"dup": 1, "dup": 2, `, 1), "duplicate key"},
				struct{ name, data, want string }{"invalid UTF-8", strings.Replace(string(orig), `":`, "\xe9\":", 1), "invalid UTF-8"},
				struct{ name, data, want string }{"truncated before the last brace", strings.TrimRight(string(orig), "}\n \t"), ""},
			)
		} else {
			cases = append(cases,
				struct{ name, data, want string }{"deep nesting", "threagile_version: 1.0.0\ntitle: " + deep + "\n", ""},
				struct{ name, data, want string }{"100,000 numbers for the technical assets", "threagile_version: 1.0.0\ntitle: x\ntechnical_assets: " + many + "\n", ""},
				struct{ name, data, want string }{"tabs for indentation", "threagile_version: 1.0.0\ntitle: x\n\tdata_assets: {}\n", ""},
				struct{ name, data, want string }{"a key given twice", "threagile_version: 1.0.0\ntitle: x\ntitle: y\n", "duplicate key"},
				struct{ name, data, want string }{"invalid UTF-8", "threagile_version: 1.0.0\ntitle: caf\xe9\n", "invalid UTF-8"},
			)
		}
		for _, tc := range cases {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				start := time.Now()
				m, ps, err := f.Import(context.Background(), "broken", []byte(tc.data), formats.Options{})
				if err != nil {
					t.Fatalf("import returned an error instead of problems: %v", err)
				}
				if d := time.Since(start); d > 20*time.Second {
					t.Errorf("took %v", d)
				}
				if len(ps.Errors()) == 0 {
					t.Fatalf("no error reported (model %v):\n%v", m != nil, ps)
				}
				for _, p := range ps {
					if p.Pos.File != "broken" || p.Pos.Line < 1 || p.Pos.Column < 1 {
						t.Errorf("problem without a position: %+v", p)
					}
				}
				if tc.want != "" && !strings.Contains(ps.Error(), tc.want) {
					t.Errorf("problems do not mention %q:\n%v", tc.want, ps)
				}
			})
		}
	}
}
