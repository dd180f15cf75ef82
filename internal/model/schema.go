package model

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/invopop/jsonschema"
)

// JSONSchemaID is the $id of the published model schema.
const JSONSchemaID = "https://rampart.dev/schema/model-v1.json"

// JSONSchema returns the JSON Schema of the model format, generated from
// the Go types so that it never drifts from what the loader accepts.
func JSONSchema() ([]byte, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		DoNotReference:             false,
		ExpandedStruct:             true,
		Mapper:                     enumMapper,
	}
	s := r.Reflect(&Model{})
	s.ID = JSONSchemaID
	s.Title = "Rampart system model"
	s.Description = "A system described as code for threat modelling with Rampart."
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal schema: %w", err)
	}
	return data, nil
}

var dateReflect = reflect.TypeOf(Date{})

func enumMapper(t reflect.Type) *jsonschema.Schema {
	if t == dateReflect {
		return &jsonschema.Schema{Type: "string", Format: "date"}
	}
	if t.Kind() == reflect.String && t.Implements(enumType) {
		values := reflect.Zero(t).Interface().(Enum).Values()
		enum := make([]any, len(values))
		for i, v := range values {
			enum[i] = v
		}
		return &jsonschema.Schema{Type: "string", Enum: enum}
	}
	return nil
}
