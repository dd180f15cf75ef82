package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("model-registry-tampering", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitModelStore) || e.Has(c.ID, "signed-artifacts") {
				continue
			}
			var loaders []string
			for _, f := range e.Incoming(c.ID) {
				if l := e.Source(f); l != nil && reads(f) && languageModel(e, l) && !e.Has(l.ID, "signed-artifacts") {
					loaders = append(loaders, l.ID)
				}
			}
			if len(loaders) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s loads models from %s without verifying a signature: "+
					"whoever can write to the registry swaps in a model with a backdoor.", e.NameList(loaders), e.Name(c.ID))})
			}
		}
	})
}
