package source

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// DescribeNode names what a YAML node holds, in YAML's words, for messages
// such as "expected a list, found a mapping".
func DescribeNode(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return "'" + v + "'"
	case yaml.AliasNode:
		return "an alias"
	}
	return "an unexpected node"
}

// DescribeJSONNode names what a node holds in JSON's words: "a string
// ("x")", "an object", "an array"...
func DescribeJSONNode(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "an array"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!bool":
			return "a boolean (" + n.Value + ")"
		case "!!int", "!!float":
			return "a number (" + n.Value + ")"
		}
		return fmt.Sprintf("a string (%q)", short(n.Value))
	}
	return "an alias"
}

func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return s
}

// Describe names what n holds in the words of the document's format.
func (d *Doc) Describe(n *yaml.Node) string {
	if d.JSON {
		return DescribeJSONNode(n)
	}
	return DescribeNode(n)
}

// IsNull reports whether n is absent or an explicit null.
func IsNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}
