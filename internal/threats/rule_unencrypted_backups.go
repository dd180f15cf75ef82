package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "unencrypted-backups",
			Title:       "Unencrypted backups of sensitive data",
			STRIDE:      []model.STRIDE{model.InformationDisclosure},
			Scope:       ScopeComponent,
			CWE:         []int{311, 530},
			ATTACK:      []string{"T1530", "T1005"},
			Likelihood:  2,
			Impact:      4,
			Mitigations: []string{"backup-encryption"},
			Trigger: "A component with a backup control (implemented or planned) stores confidential, restricted or " +
				"personal data, and its data is not encrypted by the application before storage. It is reported " +
				"mitigated when the backup-encryption control is in place.",
			Why: "Backups hold a full copy of the data, are kept for a long time, are often copied to cheaper storage " +
				"with weaker access control and are rarely watched. A leaked or stolen backup discloses everything " +
				"at once, long after the live data was protected or deleted.",
			Mitigation: "Encrypt backups with keys held apart from the backup store (a KMS or HSM the backup operator " +
				"cannot read), restrict and log access to backup storage, and declare the backup-encryption control.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html",
				"NIST SP 800-53 Rev. 5 CP-9(8) (Cryptographic Protection of backups)",
				"GDPR Art. 32(1)(a): encryption of personal data",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if Kind(c) == model.KindExternalEntity || c.EncryptionAtRest == "application" || !e.declares(c.ID, "backup") {
					continue
				}
				at := e.dataAmong(func(d *model.DataAsset) bool {
					return d.Personal || d.Classification.Level() >= 2
				}, c.Stores)
				if len(at) == 0 {
					continue
				}
				h := Hit{Targets: []string{c.ID}, Data: at,
					Detail: fmt.Sprintf("Backups of %s hold copies of %s; unless they are encrypted, one copied "+
						"backup discloses all of it.",
						e.Name(c.ID), e.nameList(at))}
				if len(e.classifiedAmong(3, at)) > 0 {
					h.Impact = 5
				}
				emit(h)
			}
		},
	})
}
