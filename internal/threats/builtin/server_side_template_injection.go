package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("server-side-template-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !e.Is(c, threats.TraitWebApp) || e.IsClient(c) || !c.CustomCode || !e.ReachedByInput(c) ||
				e.Has(c.ID, "input-validation") {
				continue
			}
			if threats.TechIs(c, "jinja", "jinja2", "twig", "freemarker", "velocity", "thymeleaf", "handlebars", "erb", "smarty", "pug",
				"mustache", "liquid", "django", "flask", "jsp", "razor", "blade") {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s renders pages with a template engine (%s): input "+
					"that becomes part of a template, not just its data, runs as template code on the server.", e.Name(c.ID), c.Technology)})
			}
		}
	})
}
