package model

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// compileSchema compiles a generated schema with a draft 2020-12 validator,
// which checks it against the draft's meta-schema first.
func compileSchema(t *testing.T, data []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("the schema is not a valid draft 2020-12 schema: %v", err)
	}
	return s
}

// yamlValue reads a YAML file into the values the validator takes, with
// numbers as JSON numbers and dates as strings.
func yamlValue(t *testing.T, path string) any {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	// Round-trip through JSON: YAML's dates and ints become what a JSON
	// document holds.
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemasValidateExamples: every example root model is valid against
// the model schema and every included file against the fragment schema;
// fragments are not models (so the second schema is needed).
func TestSchemasValidateExamples(t *testing.T) {
	full, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	frag, err := JSONFragmentSchema()
	if err != nil {
		t.Fatal(err)
	}
	model, fragment := compileSchema(t, full), compileSchema(t, frag)
	ex := filepath.Join("..", "..", "examples")
	roots, _ := filepath.Glob(filepath.Join(ex, "*.yaml"))
	nested, _ := filepath.Glob(filepath.Join(ex, "*", "rampart.yaml"))
	roots = append(roots, nested...)
	if len(roots) < 3 {
		t.Fatalf("found %d example models", len(roots))
	}
	for _, p := range roots {
		if err := model.Validate(yamlValue(t, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	parts, _ := filepath.Glob(filepath.Join(ex, "*", "*.yaml"))
	n := 0
	for _, p := range parts {
		if filepath.Base(p) == "rampart.yaml" || filepath.Base(filepath.Dir(p)) == "policy" {
			continue // examples/policy holds policy files, checked by internal/policy against their own schema
		}
		n++
		v := yamlValue(t, p)
		if err := fragment.Validate(v); err != nil {
			t.Errorf("fragment %s: %v", p, err)
		}
		if model.Validate(v) == nil {
			t.Errorf("fragment %s passes the model schema, which requires rampart and system", p)
		}
	}
	if n == 0 {
		t.Fatal("no included files among the examples")
	}
	// A fragment may not set the root-only keys.
	bad := map[string]any{"system": map[string]any{"id": "x"}, "components": []any{}}
	if fragment.Validate(bad) == nil {
		t.Error("the fragment schema accepts system")
	}
}

// TestSchemaDescribesEverything: every property and every enum value of
// both schemas has a description and a markdownDescription from
// docs/model.md, and control references offer the catalog's ids.
func TestSchemaDescribesEverything(t *testing.T) {
	for _, gen := range []func() ([]byte, error){JSONSchema, JSONFragmentSchema} {
		data, err := gen()
		if err != nil {
			t.Fatal(err)
		}
		var s map[string]any
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		props, enums, catalogs := 0, 0, 0
		var walk func(node any, path string)
		walk = func(node any, path string) {
			m, ok := node.(map[string]any)
			if !ok {
				return
			}
			if ps, ok := m["properties"].(map[string]any); ok {
				for k, v := range ps {
					p, _ := v.(map[string]any)
					props++
					if d, _ := p["description"].(string); strings.TrimSpace(d) == "" {
						t.Errorf("%s.%s has no description", path, k)
					}
					if d, _ := p["markdownDescription"].(string); strings.TrimSpace(d) == "" {
						t.Errorf("%s.%s has no markdownDescription", path, k)
					}
					walk(v, path+"."+k)
				}
			}
			if e, ok := m["enum"].([]any); ok {
				enums++
				md, _ := m["markdownEnumDescriptions"].([]any)
				pl, _ := m["enumDescriptions"].([]any)
				if len(md) != len(e) || len(pl) != len(e) {
					t.Errorf("%s: %d enum values, %d/%d descriptions", path, len(e), len(pl), len(md))
				}
				for _, d := range md {
					if s, _ := d.(string); !strings.Contains(s, ": ") {
						t.Errorf("%s: enum value described only by its name: %q", path, s)
					}
				}
				for _, v := range e {
					if v == "waf" {
						catalogs++
					}
				}
			}
			for _, k := range []string{"items", "additionalProperties"} {
				walk(m[k], path+"["+k+"]")
			}
			if as, ok := m["anyOf"].([]any); ok {
				for _, a := range as {
					walk(a, path+"|")
				}
			}
			if defs, ok := m["$defs"].(map[string]any); ok {
				for k, v := range defs {
					walk(v, k)
				}
			}
		}
		walk(s, "")
		if props < 50 || enums < 10 {
			t.Errorf("only %d properties and %d enums walked", props, enums)
		}
		// controls[].catalog and the controls lists of components and flows.
		if catalogs < 3 {
			t.Errorf("the catalog's control ids are offered in %d places, want controls.catalog and the components' and flows' controls", catalogs)
		}
	}
}

// TestSchemaDescriptionsFollowTheReference: the descriptions are the
// reference's words, so editing docs/model.md changes the hover help.
func TestSchemaDescriptionsFollowTheReference(t *testing.T) {
	d := parseKeyDocs("## `components`\n\nProcesses and stores.\n\n| key | type | | meaning |\n|---|---|---|---|\n" +
		"| `id` | id | required | |\n| `owner` | string | | the accountable **team** |\n\n" +
		"Authentication (components and flows): `none`, `mfa`.\n\n- processes: `api`,\n  `service`\n")
	tests := []struct{ got, want string }{
		{d.sections["components"], "Processes and stores."},
		{d.keys["components.id"], "Required. id"},
		{d.keys["components.owner"], "the accountable **team**"},
		{d.value("mfa"), "Authentication (components and flows)"},
		{d.value("service"), "processes"},
		{plain("the **`x`** [link](#y)"), "the x link"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestExampleFragmentSchemaUpToDate keeps examples/rampart-fragment.schema.json,
// for the examples' included files, equal to 'rampart schema --fragment'.
func TestExampleFragmentSchemaUpToDate(t *testing.T) {
	data, err := JSONFragmentSchema()
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("..", "..", "examples", "rampart-fragment.schema.json"), append(data, '\n'))
}
