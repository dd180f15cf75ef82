package threats

import (
	"slices"
	"sort"

	"github.com/rampart-sec/rampart/internal/model"
)

// States of a STRIDE cell.
const (
	// StrideOpen: at least one threat of the category on the element has no control in place.
	StrideOpen = "open"
	// StrideMitigated: every threat of the category on the element has a control in place.
	StrideMitigated = "mitigated"
	// StrideNoThreat: no threat of the category was found on the element.
	StrideNoThreat = "no-threat"
)

// KindFlow is the element kind of data flows in the STRIDE matrix.
const KindFlow = "flow"

// StrideCell is one (element, STRIDE category) cell of the STRIDE-per-element
// matrix: which threats of that category were found on the element, and
// whether they are addressed.
type StrideCell struct {
	// Element is a component or flow id.
	Element string `json:"element"`
	// Kind is the element's DFD kind: external-entity, process, datastore or flow.
	Kind     string       `json:"kind"`
	Category model.STRIDE `json:"category"`
	// State is open, mitigated or no-threat.
	State string `json:"state"`
	// Threats lists the ids of the threats of this category on the element, sorted.
	Threats []string `json:"threats,omitempty"`
}

// strideOrder is the STRIDE order cells are listed in.
var strideOrder = []model.STRIDE{model.Spoofing, model.Tampering, model.Repudiation,
	model.InformationDisclosure, model.DenialOfService, model.ElevationOfPrivilege}

// ApplicableSTRIDE returns the STRIDE categories that apply to an element
// kind, after Microsoft's STRIDE-per-element table: external entities can be
// spoofed and can repudiate; processes face all six; data stores face
// tampering, information disclosure and denial of service (and repudiation
// when they hold logs); data flows face tampering, information disclosure and
// denial of service.
func ApplicableSTRIDE(kind string, logStore bool) []model.STRIDE {
	switch kind {
	case model.KindExternalEntity:
		return []model.STRIDE{model.Spoofing, model.Repudiation}
	case model.KindProcess:
		return strideOrder
	case model.KindDataStore:
		if logStore {
			return []model.STRIDE{model.Tampering, model.Repudiation, model.InformationDisclosure, model.DenialOfService}
		}
		return []model.STRIDE{model.Tampering, model.InformationDisclosure, model.DenialOfService}
	case KindFlow:
		return []model.STRIDE{model.Tampering, model.InformationDisclosure, model.DenialOfService}
	}
	return nil
}

// isLogStore reports whether a data store keeps logs or audit trails.
func isLogStore(c *model.Component) bool {
	return c.Type == "log-store" || TechIs(c, "log-store", "logs", "logging", "audit-log", "siem")
}

// StrideMatrix returns the STRIDE-per-element coverage of a model: for every
// in-scope component (by its DFD kind) and every flow touching one, each
// applicable STRIDE category with the found threats that target the element
// in that category and a state. Components come first in model order, then
// flows in model order; categories follow the STRIDE order.
func StrideMatrix(m *model.Model, found []Threat) []StrideCell {
	return NewEnv(m).StrideMatrix(found)
}

// StrideMatrix is the package's StrideMatrix for this environment's model.
func (e *Env) StrideMatrix(found []Threat) []StrideCell {
	byTarget := map[string][]*Threat{}
	for i := range found {
		t := &found[i]
		for j, id := range t.Targets {
			if !slices.Contains(t.Targets[:j], id) {
				byTarget[id] = append(byTarget[id], t)
			}
		}
	}
	out := make([]StrideCell, 0, 6*len(e.Components())+3*len(e.Flows()))
	add := func(id, kind string, cats []model.STRIDE) {
		for _, cat := range cats {
			cell := StrideCell{Element: id, Kind: kind, Category: cat, State: StrideNoThreat}
			open := false
			for _, t := range byTarget[id] {
				if !slices.Contains(t.STRIDE, cat) {
					continue
				}
				cell.Threats = append(cell.Threats, t.ID)
				if !t.Mitigated() {
					open = true
				}
			}
			if len(cell.Threats) > 0 {
				sort.Strings(cell.Threats)
				cell.State = StrideMitigated
				if open {
					cell.State = StrideOpen
				}
			}
			out = append(out, cell)
		}
	}
	for _, c := range e.Components() {
		add(c.ID, Kind(c), ApplicableSTRIDE(Kind(c), isLogStore(c)))
	}
	for _, f := range e.Flows() {
		add(f.ID, KindFlow, ApplicableSTRIDE(KindFlow, false))
	}
	return out
}
