package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("os-command-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !c.CustomCode || !e.ReachedByInput(c) || e.Has(c.ID, "input-validation") {
				continue
			}
			if threats.TechIs(c, "php", "perl", "bash", "shell", "powershell", "cgi", "imagemagick", "ffmpeg", "ghostscript", "libreoffice", "wkhtmltopdf", "pandoc") {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s hands input that outside callers shape to shell "+
					"commands or command-line tools (%s): metacharacters or crafted file names run commands of the attacker's choice.",
					e.Name(c.ID), c.Technology)})
			}
		}
	})
}
