package threats

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-file-validation",
			Title:       "Missing validation of accepted files",
			STRIDE:      []model.STRIDE{model.Spoofing, model.Tampering},
			Scope:       ScopeComponent,
			CWE:         []int{434},
			CAPEC:       []int{17, 23},
			ATTACK:      []string{"T1190", "T1505.003"},
			Likelihood:  4,
			Impact:      2,
			Mitigations: []string{"upload-validation", "antivirus"},
			Threagile:   []string{"missing-file-validation"},
			Trigger:     "An in-scope component with custom code accepts files (data_formats includes file).",
			Why: "A file whose name, type or content is not what it claims can overwrite other files, be served back " +
				"as a script or web shell, carry malware to the people who open it later, or exhaust storage.",
			Mitigation: "Allow-list extensions and detect the real content type on the server, discard the client's " +
				"file name, limit size, store files outside the web root without execute rights, and scan them for " +
				"malware on upload and again when they are served later.",
			References: []string{
				"https://owasp.org/www-community/vulnerabilities/Unrestricted_File_Upload",
				"https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !c.CustomCode || !slices.Contains(c.DataFormats, "file") {
					continue
				}
				impact := 2
				if e.tgRate(c.ID).tgTop() {
					impact = 3
				}
				emit(Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("Component '%s' accepts files in its own code: a file with a forged name, "+
						"type or content could be stored, served or executed.", e.Name(c.ID)),
					Impact: impact,
				})
			}
		},
	})
}
