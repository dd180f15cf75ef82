package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/model"
)

// writeModelFile writes a model into a temporary directory.
func writeModelFile(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSchemaPrintsJSONSchema(t *testing.T) {
	code, stdout, stderr := runIn(t, "", "schema")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s struct {
		Schema     string                     `json:"$schema"`
		ID         string                     `json:"$id"`
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if s.ID != model.JSONSchemaID {
		t.Errorf("$id = %q, want %q", s.ID, model.JSONSchemaID)
	}
	if s.Schema == "" {
		t.Error("no $schema")
	}
	for _, key := range []string{"rampart", "includes", "system", "risk_appetite", "settings", "data", "components",
		"trust_boundaries", "flows", "controls", "threats", "treatments"} {
		if _, ok := s.Properties[key]; !ok {
			t.Errorf("schema lacks the top-level key %q", key)
		}
	}
	if len(s.Required) == 0 {
		t.Error("schema requires nothing")
	}
	if code, _, _ := runIn(t, "", "schema", "extra"); code != exitUsage {
		t.Errorf("schema with an argument: exit %d, want %d", code, exitUsage)
	}
}

// yamlToJSON converts a YAML node into the values encoding/json uses, with
// dates kept as strings (as the schema describes them).
func yamlToJSON(t *testing.T, n *yaml.Node) any {
	t.Helper()
	switch n.Kind {
	case yaml.DocumentNode:
		return yamlToJSON(t, n.Content[0])
	case yaml.AliasNode:
		return yamlToJSON(t, n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = yamlToJSON(t, n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, yamlToJSON(t, c))
		}
		return l
	}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		return n.Value == "true"
	case "!!int":
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			t.Fatalf("line %d: %v", n.Line, err)
		}
		return i
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			t.Fatalf("line %d: %v", n.Line, err)
		}
		return f
	}
	return n.Value
}

// TestExamplesMatchJSONSchema validates every example root model against
// the published JSON Schema, as an editor would: the schema must accept
// what the loader accepts.
func TestExamplesMatchJSONSchema(t *testing.T) {
	data, err := model.JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	if err := compiler.AddResource("model.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := compiler.Compile("model.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	check := func(name string, src []byte) error {
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return schema.Validate(yamlToJSON(t, &doc))
	}
	roots, _ := filepath.Glob(examplePath("*.yaml"))
	nested, _ := filepath.Glob(examplePath("*/rampart.yaml"))
	roots = append(roots, nested...)
	if len(roots) < 3 {
		t.Fatalf("found %d examples", len(roots))
	}
	for _, path := range roots {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := check(path, src); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	// The schema must also reject a wrong enum value, a missing key and an unknown key.
	bad := "rampart: 1\nsystem: {id: s}\ncomponents:\n  - {id: a, type: webapp, colour: blue}\n"
	verr := check("bad", []byte(bad))
	if verr == nil {
		t.Fatal("schema accepted an invalid model")
	}
	msgs := verr.Error()
	for _, want := range []string{"name", "type", "colour"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("schema errors do not mention %q:\n%s", want, msgs)
		}
	}
}
