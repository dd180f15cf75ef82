package foreign

import "github.com/rampart-sec/rampart/internal/ids"

// The id helpers live in internal/ids, shared with the model and 'init';
// these names keep the importers' calls as they are.

// MaxIDLen is the longest id Rampart accepts.
const MaxIDLen = ids.MaxLen

// IDs hands out unique, valid element ids.
type IDs = ids.Set

var (
	// ValidID reports whether s is a valid Rampart element id.
	ValidID = ids.Valid
	// IsUUID reports whether s is a UUID.
	IsUUID = ids.IsUUID
	// Slug turns a name into an id.
	Slug = ids.Slug
	// Sanitize turns a foreign id into a valid one.
	Sanitize = ids.Sanitize
	// UUID derives a stable UUID from a name.
	UUID = ids.UUID
	// NewIDs returns an empty id allocator.
	NewIDs = ids.NewSet
)
