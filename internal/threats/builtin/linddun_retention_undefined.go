package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-retention-undefined", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			switch c.Type {
			case "log-store", "cache", "queue", "search-index", "object-storage", "file-storage", "dataset", "vector-store":
			default:
				continue
			}
			if anyControl(e, c.ID, "data-retention") {
				continue
			}
			if personal := personalData(e, c.Stores); len(personal) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: personal, Detail: fmt.Sprintf("%s keeps %s with no retention limit: "+
					"secondary copies outlive the purpose and escape deletion requests.", e.Name(c.ID), e.NameList(personal))})
			}
		}
	})
}
