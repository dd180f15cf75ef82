// Package docs holds the user documentation that the program also uses:
// the model reference (model.md) is the one source of the JSON Schema's
// descriptions, so the schema's hover help and the reference never differ.
package docs

import _ "embed"

// ModelReference is docs/model.md, the reference of the model format.
//
//go:embed model.md
var ModelReference string
