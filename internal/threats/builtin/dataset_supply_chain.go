package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("dataset-supply-chain", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.IsAny(c, threats.TraitTraining|threats.TraitDataset) || e.Has(c.ID, "data-provenance") {
				continue
			}
			var outside []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && reads(f) && (threats.Kind(t) == model.KindExternalEntity || threats.Managed(t)) {
					outside = append(outside, t.ID)
				}
			}
			for _, f := range e.Incoming(c.ID) {
				if s := e.Source(f); s != nil && threats.Kind(s) == model.KindExternalEntity {
					outside = append(outside, s.ID)
				}
			}
			if outside = threats.Unique(outside); len(outside) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s takes data or weights from %s, outside the "+
					"team's control: a poisoned or mislabelled public dataset or base model carries its flaws into the system.",
					e.Name(c.ID), e.NameList(outside))})
			}
		}
	})
}
