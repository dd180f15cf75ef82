package model

import (
	"bytes"
	"context"
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

// TestSchemasValidateExamples: every example model and every file it
// includes names its schema on its first line (a yaml-language-server
// comment, the model schema for a root, the fragment schema for an included
// file), and is valid against the schema file that line points at, compiled
// with a draft 2020-12 validator. The schema files themselves are kept equal
// to the generated schemas by TestExampleSchemaUpToDate and
// TestExampleFragmentSchemaUpToDate. Fragments are not models, so the second
// schema is needed.
func TestSchemasValidateExamples(t *testing.T) {
	ex := filepath.Join("..", "..", "examples")
	roots, _ := filepath.Glob(filepath.Join(ex, "*.yaml"))
	nested, _ := filepath.Glob(filepath.Join(ex, "*", "rampart.yaml"))
	roots = append(roots, nested...)
	if len(roots) < 3 {
		t.Fatalf("found %d example models", len(roots))
	}
	compiled := map[string]*jsonschema.Schema{}
	schemaOf := func(path string) (*jsonschema.Schema, string) {
		t.Helper()
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(src), "\n")
		ref, ok := strings.CutPrefix(first, "# yaml-language-server: $schema=")
		if !ok {
			t.Errorf("%s: the first line %q does not name the schema (# yaml-language-server: $schema=...)", path, first)
			return nil, ""
		}
		file := filepath.Join(filepath.Dir(path), filepath.FromSlash(strings.TrimSpace(ref)))
		if s := compiled[file]; s != nil {
			return s, filepath.Base(file)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: its schema line points at %s: %v", path, ref, err)
			return nil, ""
		}
		compiled[file] = compileSchema(t, data)
		return compiled[file], filepath.Base(file)
	}
	fragments := 0
	for _, root := range roots {
		m, problems, err := Load(context.Background(), root, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if errs := problems.Errors(); len(errs) > 0 {
			t.Fatalf("%s: %v", root, errs)
		}
		for i, p := range m.Files {
			want := "rampart.schema.json"
			if i > 0 {
				want = "rampart-fragment.schema.json"
				fragments++
			}
			s, name := schemaOf(p)
			if s == nil {
				continue
			}
			if name != want {
				t.Errorf("%s names the schema %s, want %s", p, name, want)
				continue
			}
			if err := s.Validate(yamlValue(t, p)); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		}
	}
	if fragments == 0 {
		t.Fatal("no included files among the examples")
	}
	full, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	frag, err := JSONFragmentSchema()
	if err != nil {
		t.Fatal(err)
	}
	model, fragment := compileSchema(t, full), compileSchema(t, frag)
	// A fragment is not a model: it lacks rampart and system.
	part := map[string]any{"components": []any{map[string]any{"id": "a", "type": "service"}}}
	if fragment.Validate(part) != nil || model.Validate(part) == nil {
		t.Error("a fragment must pass the fragment schema and fail the model schema")
	}
	// A fragment may not set the root-only keys.
	bad := map[string]any{"system": map[string]any{"id": "x"}, "components": []any{}}
	if fragment.Validate(bad) == nil {
		t.Error("the fragment schema accepts system")
	}
}

// TestSchemaDescribesEverything: every property and every enum value of
// both schemas has a description and a markdownDescription from
// docs/model.md, no two values of an enum share one, and control
// references offer the catalog's ids.
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
				// Each value has a meaning of its own: not empty, not the
				// name alone, and not the text of another value of the
				// same enum (a generic "Ratings" or "processes").
				for _, descs := range [][]any{md, pl} {
					seen := map[string]any{}
					for i, d := range descs {
						s, _ := d.(string)
						_, text, _ := strings.Cut(s, ": ")
						if strings.TrimSpace(text) == "" {
							t.Errorf("%s: enum value %v has no description: %q", path, e[i], s)
							continue
						}
						if other, ok := seen[text]; ok {
							t.Errorf("%s: enum values %v and %v have the same description %q", path, other, e[i], text)
						}
						seen[text] = e[i]
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

// TestSchemaEnumValuesHaveTheirMeaning: a value table in the reference
// ("| `key` value | meaning |") gives each value of that key its own
// description, which the schema carries for hover help; values of another
// key with the same name keep theirs.
func TestSchemaEnumValuesHaveTheirMeaning(t *testing.T) {
	d := parseKeyDocs("## `flows`\n\n| key | type | | meaning |\n|---|---|---|---|\n| `encryption` | enum | | `none`, `tls` |\n\n" +
		"| `encryption` value | meaning |\n| --- | --- |\n| `none` | sent in clear text |\n| `tls` | TLS |\n\nAuthentication: `none`, `mfa`.\n")
	if got := d.meanings["flows.encryption"]; got["none"] != "sent in clear text" || got["tls"] != "TLS" || len(got) != 2 {
		t.Errorf("meanings of flows.encryption: %v", got)
	}
	if got := d.value("mfa"); got != "Authentication" {
		t.Errorf("a paragraph after the value table: %q", got)
	}
	data, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
				Desc []string `json:"markdownEnumDescriptions"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	for _, k := range [][2]string{{"Treatment", "status"}, {"Flow", "encryption"}, {"Component", "hosting"}, {"Control", "status"},
		{"Flow", "authentication"}, {"Component", "authentication"}} { // flows take the components' table
		p := s.Defs[k[0]].Properties[k[1]]
		seen := map[string]bool{}
		for i, desc := range p.Desc {
			text := strings.TrimPrefix(desc, "`"+p.Enum[i]+"`: ")
			if text == desc || seen[text] {
				t.Errorf("%s.%s: value %s described as %q, not by its own meaning", k[0], k[1], p.Enum[i], desc)
			}
			seen[text] = true
		}
		if len(p.Desc) == 0 {
			t.Errorf("%s.%s has no enum descriptions", k[0], k[1])
		}
	}
}
