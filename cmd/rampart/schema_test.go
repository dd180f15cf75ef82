package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

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
