// Package source reads structured input (YAML and JSON) for every reader in
// Rampart — the model loader, the importers of other tools' formats, custom
// rules and detection rules — so that all of them report problems alike:
// with the file's own line and column, a key path, a message saying what was
// expected, a hint, a severity and a stable code.
//
// Parsing: Parse picks JSON or YAML from the content; ParseYAML and
// ParseJSON parse one document into go.yaml.in/yaml/v3 nodes, which carry
// positions, and return a *Doc with the problems found. Both refuse invalid
// UTF-8 and NUL bytes at their real position; JSON refuses a key given twice
// in one object; YAML refuses a second document and aliases that expand past
// Limits.MaxExpansion nodes (measured without expanding them, so an alias
// bomb costs time linear in the file). Large plain YAML files are parsed in
// parallel, with the same tree as parsing them in one go; ParseYAMLSections
// leaves the further pieces of a large file's long sections to be parsed as
// a reader takes them, so that their trees are never all held at once.
//
//	doc := source.Parse(name, data, source.Limits{})
//	if doc.Root == nil {
//		return doc.Problems // syntax, encoding, empty file...
//	}
//	o, ok := doc.Object(doc.Root, "")
//	name := o.Str("name", true)        // records "missing required key 'name'"
//	for _, it := range o.Arr("items", false) {
//		item, _ := doc.ItemObj(it)
//		...
//	}
//	doc.Errorf(o.At("kind"), source.CodeUnknownValue, o.KeyPath("kind"),
//		source.Suggest(kind, kinds), "unknown kind '%s'", kind)
//
// Accessors (Obj) follow aliases, name the found type in the words of the
// document's format (DescribeNode for YAML, DescribeJSONNode for JSON), and
// record problems in the Doc instead of stopping at the first.
//
// Problems: Problem and Problems are the one problem type; Suggest gives the
// "did you mean" hint (one bounded edit distance); SyntaxProblem turns a YAML
// parser error into a positioned problem with a hint. Codes (Code) are
// stable: once published a code keeps its meaning, so users and CI can
// filter on them; docs/problems.md lists them.
//
// Files: ReadFile reads a file for any command: regular files only (a FIFO,
// device or directory is refused before it is opened for reading, so nothing
// blocks), at most a size limit, and honouring the context; ReadReader reads
// standard input the same way, returning on cancellation even while a read
// blocks.
package source
