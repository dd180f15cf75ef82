package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("web-cache-poisoning", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if from == nil || to == nil || !e.Guard(from) || !e.TakesInput(from) || !f.Protocol.Web() || threats.Kind(to) != model.KindProcess ||
				!threats.TechIs(from, "cdn", "cache", "varnish", "cloudfront", "akamai", "fastly", "cloudflare", "front-door") {
				continue
			}
			if anyControl(e, f.ID, "http-normalization") || e.Has(from.ID, "http-normalization") {
				continue
			}
			emit(threats.Hit{Targets: []string{f.ID}, Detail: fmt.Sprintf("%s caches what %s answers: a response shaped by an unkeyed "+
				"header is served to everyone, and a personal page fetched under a static-looking path is served to the next caller.",
				e.Name(from.ID), e.Name(to.ID))})
		}
	})
}
