package policy

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/rampart-sec/rampart/internal/model"
)

// JSONSchemaID is the $id of the published policy schema.
const JSONSchemaID = "https://rampart.dev/schema/policy-v1.json"

// JSONSchema returns the JSON Schema (draft 2020-12) of the policy file
// format, generated from the Go types as the model's schema is, so that it
// never drifts from what Parse accepts.
func JSONSchema() ([]byte, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		ExpandedStruct:             true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t != reflect.TypeFor[model.Severity]() {
				return nil
			}
			s := &jsonschema.Schema{Type: "string", Description: "a severity band"}
			for _, v := range model.Severity("").Values() {
				s.Enum = append(s.Enum, v)
			}
			return s
		},
	}
	s := r.Reflect(&Policy{})
	s.ID = JSONSchemaID
	s.Title = "Rampart risk policy"
	s.Description = "An organisation's central risk policy: the risk matrix, the risk appetite and the rules no model may disable (docs/policy.md)."
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("policy schema: %w", err)
	}
	return data, nil
}
