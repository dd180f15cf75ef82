package threats

import (
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// Name returns an element's display name: its name, else its id.
func (e *Env) Name(id string) string {
	if f := e.facts[id]; f != nil {
		return f.name
	}
	return e.nameOf(id)
}

func (e *Env) nameOf(id string) string {
	if c := e.Ix.Components[id]; c != nil && c.Name != "" {
		return c.Name
	}
	if f := e.Ix.Flows[id]; f != nil && f.Name != "" {
		return f.Name
	}
	if d := e.Ix.Data[id]; d != nil && d.Name != "" {
		return d.Name
	}
	if b := e.Ix.Boundaries[id]; b != nil && b.Name != "" {
		return b.Name
	}
	return id
}

// FlowName names a flow in a description: 'its name', else 'from → to'.
func (e *Env) FlowName(f *model.Flow) string {
	if f.Name != "" {
		return "'" + f.Name + "'"
	}
	return "'" + e.Name(f.From) + " → " + e.Name(f.To) + "'"
}

// NameList renders element ids as a readable list of their names, most
// valuable data first when they are data assets: "A", "A and B", "A, B and C".
func (e *Env) NameList(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range e.sortByValue(ids) {
		names[i] = e.Name(id)
	}
	return JoinAnd(names)
}

// JoinAnd joins words as a readable list: "A", "A and B", "A, B and C".
func JoinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Unique returns ids without repeats, in first-seen order.
func Unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
