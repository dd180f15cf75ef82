package custom

import (
	"reflect"
	"slices"
	"sort"

	"cel.dev/cel-go/common/types"

	"github.com/rampart-sec/rampart/internal/model"
)

// Custom rules are type-checked when they load: every element a condition
// sees has a declared CEL object type (rampart.Component, rampart.Flow, ...)
// whose fields are the model's YAML keys plus the derived fields the views
// add. A misspelt field (component.authentcation) or a condition whose type
// is only known at run time is a load error with a position, never a
// warning on every element. At run time the elements are maps, so field
// access is a map lookup.

// schema holds the declared object types: type name -> field -> CEL type.
type schema map[string]map[string]*types.Type

// Object type names of the views.
const (
	typeComponent = "rampart.Component"
	typeEndpoint  = "rampart.Endpoint"
	typeFlow      = "rampart.Flow"
	typeData      = "rampart.Data"
	typeBoundary  = "rampart.Boundary"
	typeModel     = "rampart.Model"
	typeRating    = "rampart.Rating"
	typeScores    = "rampart.CIAScores"
	typeCounts    = "rampart.Counts"
)

func object(name string) *types.Type { return types.NewObjectType(name) }

var (
	stringList = types.NewListType(types.StringType)
)

// fieldsFromStruct declares the fields of a model struct by YAML key,
// declaring nested struct types on the way.
func (s schema) fieldsFromStruct(t reflect.Type) map[string]*types.Type {
	out := map[string]*types.Type{}
	for _, f := range fieldsFor(t) {
		out[f.key] = s.typeOf(t.Field(f.index).Type)
	}
	return out
}

// typeOf returns the CEL type of a model field's Go type, as celValue converts it.
func (s schema) typeOf(t reflect.Type) *types.Type {
	if t == dateType {
		return types.StringType
	}
	switch t.Kind() {
	case reflect.String:
		return types.StringType
	case reflect.Bool:
		return types.BoolType
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return types.IntType
	case reflect.Pointer:
		return s.typeOf(t.Elem())
	case reflect.Struct:
		name := "rampart." + t.Name()
		if _, ok := s[name]; !ok {
			s[name] = map[string]*types.Type{} // declared before its fields, for recursive types
			s[name] = s.fieldsFromStruct(t)
		}
		return object(name)
	case reflect.Slice:
		return types.NewListType(s.typeOf(t.Elem()))
	case reflect.Map:
		return types.NewMapType(types.StringType, s.typeOf(t.Elem()))
	}
	return types.DynType
}

// with returns fields plus the extra ones.
func with(fields map[string]*types.Type, extra map[string]*types.Type) map[string]*types.Type {
	out := make(map[string]*types.Type, len(fields)+len(extra))
	for k, v := range fields {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// viewSchema declares the types of every view the CEL environment shows.
var viewSchema = func() schema {
	s := schema{}
	s[typeRating] = map[string]*types.Type{
		"confidentiality": types.IntType, "integrity": types.IntType, "availability": types.IntType,
		"sensitive": types.BoolType, "top": types.BoolType,
	}
	s[typeScores] = map[string]*types.Type{"confidentiality": types.IntType, "integrity": types.IntType, "availability": types.IntType}
	s[typeCounts] = map[string]*types.Type{
		"components": types.IntType, "flows": types.IntType, "data": types.IntType,
		"boundaries": types.IntType, "controls": types.IntType, "threats": types.IntType,
	}
	s[typeData] = with(s.fieldsFromStruct(reflect.TypeOf(model.DataAsset{})), map[string]*types.Type{
		"level": types.IntType, "cia_scores": object(typeScores), "rating": object(typeRating),
		"stored_by": stringList, "processed_by": stringList, "carried_by": stringList,
	})
	assets := map[string]*types.Type{
		"data": types.NewListType(object(typeData)), "max_classification": types.IntType, "personal": types.BoolType,
		"rating": object(typeRating), "implemented_controls": stringList,
	}
	s[typeEndpoint] = with(with(s.fieldsFromStruct(reflect.TypeOf(model.Component{})), assets), map[string]*types.Type{
		"kind": types.StringType, "boundary": types.StringType, "boundaries": stringList, "untrusted": types.BoolType,
		"traits": stringList, "client": types.BoolType, "network": types.StringType,
	})
	s[typeFlow] = with(with(s.fieldsFromStruct(reflect.TypeOf(model.Flow{})), assets), map[string]*types.Type{
		"source": object(typeEndpoint), "target": object(typeEndpoint), "crosses_boundary": types.BoolType,
		"crosses_network": types.BoolType, "encrypted": types.BoolType, "effective_encryption": types.StringType,
		"authenticated": types.BoolType,
	})
	s[typeComponent] = with(s[typeEndpoint], map[string]*types.Type{
		"incoming": types.NewListType(object(typeFlow)), "outgoing": types.NewListType(object(typeFlow)),
	})
	s[typeBoundary] = with(s.fieldsFromStruct(reflect.TypeOf(model.TrustBoundary{})), map[string]*types.Type{
		"parent": types.StringType, "boundaries": stringList, "network": types.BoolType,
		"components": stringList, "nested": stringList,
	})
	s[typeModel] = map[string]*types.Type{
		"system": s.typeOf(reflect.TypeOf(model.System{})), "counts": object(typeCounts),
		"controls": types.NewListType(s.typeOf(reflect.TypeOf(model.Control{}))),
	}
	return s
}()

// scopeTypes is the object type of each scope's variable.
var scopeTypes = map[string]string{
	"component": typeComponent, "flow": typeFlow, "data": typeData, "boundary": typeBoundary,
}

// fieldNames returns the fields of a declared type, sorted.
func (s schema) fieldNames(name string) []string {
	out := make([]string, 0, len(s[name]))
	for k := range s[name] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// allFields returns every field name of every declared type, sorted, for hints.
func (s schema) allFields() []string {
	var out []string
	for name := range s {
		for _, f := range s.fieldNames(name) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	sort.Strings(out)
	return out
}

// provider is the CEL type provider that knows the view types; it defers
// every other type to CEL's own registry.
type provider struct {
	*types.Registry
	s schema
}

func newProvider(s schema) *provider {
	reg, err := types.NewRegistry()
	if err != nil {
		panic(err) // cannot fail without arguments
	}
	return &provider{Registry: reg, s: s}
}

// FindStructType implements types.Provider.
func (p *provider) FindStructType(name string) (*types.Type, bool) {
	if _, ok := p.s[name]; ok {
		return types.NewTypeTypeWithParam(object(name)), true
	}
	return p.Registry.FindStructType(name)
}

// FindStructFieldNames implements types.Provider.
func (p *provider) FindStructFieldNames(name string) ([]string, bool) {
	if _, ok := p.s[name]; ok {
		return p.s.fieldNames(name), true
	}
	return p.Registry.FindStructFieldNames(name)
}

// FindStructFieldType implements types.Provider. The field has no getter,
// so that evaluation reads it from the element's map.
func (p *provider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if fields, ok := p.s[name]; ok {
		t, ok := fields[field]
		if !ok {
			return nil, false
		}
		return &types.FieldType{Type: t}, true
	}
	return p.Registry.FindStructFieldType(name, field)
}
