package builtin

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("malicious-upload-distribution", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !c.CustomCode || !slices.Contains(c.DataFormats, "file") || !e.ReachedByInput(c) ||
				anyControl(e, c.ID, "antivirus", "upload-validation") {
				continue
			}
			var stores []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && e.IsAny(t, threats.TraitFileSystem) || t != nil && t.Type == "object-storage" {
					if !f.Readonly {
						stores = append(stores, t.ID)
					}
				}
			}
			if len(stores) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s stores uploaded files in %s: unchecked, they deliver "+
					"malware, HTML with script or a web shell to whoever opens them next.", e.Name(c.ID), e.NameList(threats.Unique(stores)))})
			}
		}
	})
}
