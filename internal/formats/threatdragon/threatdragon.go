// Package threatdragon reads and writes OWASP Threat Dragon version 2 models
// (JSON): diagrams of actors, processes, stores, flows and trust boundaries,
// with the threats recorded on each cell.
//
// Import maps:
//
//   - summary: title, owner, description → system; contributors and the
//     reviewer → system tags "contributor:NAME" and "reviewer:NAME".
//   - tm.Actor → external-entity component; tm.Process → process (or
//     web-application when isWebApplication); tm.Store → datastore (or
//     log-store when isALog, encryption_at_rest platform when isEncrypted).
//     Flags Rampart has no field for become tags (stores-credentials,
//     signed, provides-authentication, ...). Ids are the cell ids when a
//     person chose them, otherwise slugs of the names, unique in the model.
//   - tm.Flow → flow from source.cell to target.cell; its protocol is mapped
//     onto Rampart's list (the text as written is kept as a tag when it
//     differs), isEncrypted → encryption tls, isPublicNetwork → tag and an
//     internet-facing target, isBidirectional and outOfScope → tags. A flow
//     end not attached to a cell is attached to a node within 40 units.
//   - tm.BoundaryBox → trust boundary holding what its area encloses (the
//     smallest enclosing box wins, boxes nest); tm.Boundary curves → trust
//     boundary holding the elements on the curve's smaller side.
//   - threats on cells → manual threats (title, description, STRIDE type,
//     severity as likelihood and impact), the mitigation text → an own
//     control placed on the cell (implemented when Mitigated), the status →
//     a treatment (Open → open, Mitigated → mitigated, NA → false-positive).
//     A threat whose id is a stable id of a built-in rule on existing
//     elements (as Export writes them) becomes only that threat's treatment.
//
// What names and labels say (a store named "MySQL database", a flow
// labelled "Websocket Secure") is then inferred by package infer, and the
// export undoes it.
//
// Export writes one diagram laid out left to right along the flows, with
// trust boundaries as boxes around their members, and attaches manual
// threats to each target's cell and identified threats to their first
// target's cell. Everything Threat Dragon cannot hold is named in warnings.
package threatdragon

import (
	"bytes"
	"context"
	"strings"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/model"
)

// Name is the format's --from/--to name.
const Name = "threat-dragon"

func init() {
	formats.Register(formats.Format{
		Name:      Name,
		Title:     "OWASP Threat Dragon v2 JSON",
		Detect:    Detect,
		Signature: "JSON object with summary, detail and diagrams",
		Import:    Import,
		Export:    Export,
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
func Import(ctx context.Context, name string, data []byte, opts formats.Options) (*model.Model, model.Problems, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	d := foreign.Parse(name, data, opts.MaxExpansion)
	if d.Root == nil {
		return nil, d.Problems, nil
	}
	im := newImporter(d)
	im.run()
	d.Problems.Sort()
	return im.m, d.Problems, ctx.Err()
}

// protocolTexts gives the protocol text of each flow whose protocol Rampart
// does not know, which inference reads besides the flow's name.
func protocolTexts(m *model.Model) map[string]string {
	out := map[string]string{}
	for _, f := range m.Flows {
		for _, t := range f.Tags {
			if raw, ok := strings.CutPrefix(t, tagProtocol); ok {
				out[f.ID] = raw
			}
		}
	}
	return out
}
