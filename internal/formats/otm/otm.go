// Package otm reads and writes Open Threat Model (OTM) documents, in JSON
// and YAML: project, trust zones, components, data flows, assets, threats
// and mitigations with their instances, and representations.
//
// Import maps:
//
//   - project → system (ownerContact and attributes as tags).
//   - assets → data assets: CIA scores 0..100 → ratings, classification
//     from confidentiality.
//   - trustZones → trust boundaries, nested through parent.trustZone; the
//     OTM type and trustRating are kept as tags.
//   - components → components: the OTM type is mapped onto Rampart's types
//     by keyword (and kept as a tag "otm-type:..."), parent.trustZone →
//     boundary membership, parent.component → runtime (and the host's zone),
//     assets processed and stored → processes and stores.
//   - dataflows → flows (bidirectional as a tag, assets as data sent, the
//     protocol from a tag naming one).
//   - threats → manual threats (categories → STRIDE, cwes, risk 0..100 →
//     likelihood and impact 1..5), one per group of instances sharing a
//     state, targeting the components and dataflows of the instances; the
//     state → a treatment.
//   - mitigations → the model's own controls (riskReduction → effect),
//     placed on the elements where an instance says implemented or required.
//   - keys of a threat, trust zone, component or dataflow (and of their
//     risk, parent and assets objects) that Rampart has no field for, and
//     attributes that are no strings, are kept as one JSON paragraph
//     "OTM properties: {...}" of the element's description, which Export
//     takes out again and writes back as the keys they were.
//
// What names, OTM types and tags say beyond that is inferred by package
// infer; the export undoes it.
//
// Export writes OTM 0.2.0 with a generated diagram representation; Rampart
// fields OTM has no place for travel as rampart.* attributes, which Import
// reads back. Components outside every trust boundary go into a generated
// zone that Import skips.
package otm

import (
	"bytes"
	"context"
	"regexp"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// Names of the formats: OTM as JSON, and the same as YAML (export only differs).
const (
	Name     = "otm"
	NameYAML = "otm-yaml"
)

// Version is the OTM version written by Export.
const Version = "0.2.0"

func init() {
	formats.Register(formats.Format{Name: Name, Title: "Open Threat Model (JSON or YAML)", Detect: Detect, Signature: "top-level otmVersion key", Import: Import, Export: Export})
	formats.Register(formats.Format{Name: NameYAML, Title: "Open Threat Model (YAML)", Import: Import, Export: ExportYAML})
}

var (
	yamlVersionRE = regexp.MustCompile(`(?m)^otmVersion\s*:`)
	jsonVersionRE = regexp.MustCompile(`"otmVersion"\s*:`)
)

// Detect reports whether data is an OTM document: it has a top-level
// otmVersion key (as JSON, or at the start of a YAML line).
func Detect(data []byte) bool {
	head := data
	if len(head) > 1<<16 {
		head = head[:1<<16]
	}
	if !bytes.Contains(head, []byte("otmVersion")) {
		return false
	}
	if foreign.LooksJSON(head) {
		return jsonVersionRE.Match(head)
	}
	return yamlVersionRE.Match(head)
}

// Import converts an OTM document (JSON or YAML) into a Rampart model.
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
	if !d.HasErrors() {
		d.Problems = append(d.Problems, infer.Model(im.m, im.hints())...)
	}
	d.Problems.Sort()
	return im.m, d.Problems, ctx.Err()
}

// Export writes the model as OTM JSON.
func Export(ctx context.Context, m *model.Model, found []threats.Threat) ([]byte, model.Problems, error) {
	return export(ctx, m, found, false)
}

// ExportYAML writes the model as OTM YAML.
func ExportYAML(ctx context.Context, m *model.Model, found []threats.Threat) ([]byte, model.Problems, error) {
	return export(ctx, m, found, true)
}
