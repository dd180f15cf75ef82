package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("graphql-abuse", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || anyControl(e, c.ID, "input-validation", "rate-limiting") {
				continue
			}
			var gql []string
			for _, f := range fromOutside(e, c) {
				if f.Protocol == "graphql" {
					gql = append(gql, f.ID)
				}
			}
			if len(gql) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s exposes GraphQL to outside callers (%s): introspection "+
					"maps the whole schema, and deep, aliased or batched queries exhaust it or brute-force in one request.", e.Name(c.ID), e.NameList(gql))})
			}
		}
	})
}
