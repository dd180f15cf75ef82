package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unsafe-model-deserialization", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !e.IsAny(c, threats.TraitLLM|threats.TraitTraining) || e.Is(c, threats.TraitAgent) ||
				threats.Managed(c) || e.Has(c.ID, "safe-deserialization") {
				continue
			}
			var stores []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && reads(f) && (e.Is(t, threats.TraitModelStore) || threats.Kind(t) == model.KindExternalEntity && e.Is(c, threats.TraitTraining)) {
					stores = append(stores, t.ID)
				}
			}
			if threats.TechIs(c, "pytorch", "pickle", "transformers", "hugging-face", "huggingface", "joblib") || len(stores) > 0 {
				from := "model files"
				if len(stores) > 0 {
					from = "model files from " + e.NameList(stores)
				}
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s loads %s: pickle-based formats run code on load, "+
					"so a tampered file runs the attacker's code on the model server.", e.Name(c.ID), from)})
			}
		}
	})
}
