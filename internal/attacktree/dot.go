package attacktree

import (
	"bytes"
	"fmt"
	"strings"
)

// DOT returns the trees as one Graphviz digraph, root at the top: OR gates
// as ellipses, AND gates as boxes, leaves (threats and flow controls) as
// notes, each labelled with its likelihood.
func DOT(trees []Tree) []byte {
	var b bytes.Buffer
	b.WriteString("digraph attack_trees {\n  graph [rankdir=TB, fontname=\"Helvetica\", nodesep=0.3, ranksep=0.5];\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=\"#ffffff\"];\n  edge [arrowhead=none, color=\"#555555\"];\n")
	n := 0
	var walk func(node *Node, parent string)
	walk = func(node *Node, parent string) {
		id := fmt.Sprintf("n%d", n)
		n++
		shape, fill, gate := "note", "#fde2e2", ""
		switch node.Kind {
		case Or:
			shape, fill, gate = "ellipse", "#e8eef8", "OR"
		case And:
			shape, fill, gate = "box", "#fff4d6", "AND"
		}
		label := node.Label
		if node.Threat != "" {
			label += "\n" + node.Threat
		}
		if gate != "" {
			label = gate + ": " + label
		}
		label += fmt.Sprintf("\np = %.3f", node.Likelihood)
		if node.Omitted > 0 {
			label += fmt.Sprintf("\n(%d less likely ways not shown)", node.Omitted)
		}
		fmt.Fprintf(&b, "  %s [shape=%s, fillcolor=%q, label=%s];\n", id, shape, fill, quote(label))
		if parent != "" {
			fmt.Fprintf(&b, "  %s -> %s;\n", parent, id)
		}
		for _, c := range node.Children {
			walk(c, id)
		}
	}
	for _, t := range trees {
		walk(t.Root, "")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// quote writes s as a DOT string with centred lines.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
