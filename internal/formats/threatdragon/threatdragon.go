// Package threatdragon reads and writes OWASP Threat Dragon version 2 models
// (JSON): diagrams of actors, processes, stores, flows and trust boundaries,
// with the threats recorded on each cell.
package threatdragon

import (
	"bytes"
	"context"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/model"
)

// Name is the format's --from/--to name.
const Name = "threat-dragon"

func init() {
	formats.Register(formats.Format{
		Name:   Name,
		Title:  "OWASP Threat Dragon v2 JSON",
		Detect: Detect,
		Import: Import,
		Export: Export,
	})
}

// Detect reports whether data looks like a Threat Dragon model: a JSON
// object with summary and detail.diagrams.
func Detect(data []byte) bool {
	if !foreign.LooksJSON(data) {
		return false
	}
	head := data
	if len(head) > 1<<20 {
		head = head[:1<<20]
	}
	return bytes.Contains(head, []byte(`"summary"`)) && bytes.Contains(data, []byte(`"diagrams"`)) &&
		bytes.Contains(data, []byte(`"detail"`))
}

// Import converts a Threat Dragon v2 model into a Rampart model.
func Import(ctx context.Context, name string, data []byte) (*model.Model, model.Problems, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	d := foreign.Parse(name, data)
	if d.Root == nil {
		return nil, d.Problems, nil
	}
	im := newImporter(d)
	im.run()
	d.Problems.Sort()
	return im.m, d.Problems, ctx.Err()
}
