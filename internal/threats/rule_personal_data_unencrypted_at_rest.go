package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "personal-data-unencrypted-at-rest",
			Title:       "Personal data stored unencrypted",
			STRIDE:      []model.STRIDE{model.InformationDisclosure},
			Category:    "privacy",
			Scope:       ScopeComponent,
			CWE:         []int{311, 312},
			ATTACK:      []string{"T1530", "T1005"},
			Likelihood:  2,
			Impact:      4,
			Mitigations: []string{"encryption-at-rest"},
			Trigger:     "A component stores personal data and its encryption_at_rest is none or not declared.",
			Why: "Stolen disks, snapshots, exported volumes or a misconfigured bucket expose every record in clear. " +
				"Under data-protection law a breach of unencrypted personal data must usually be notified to each " +
				"affected person, while a breach of properly encrypted data may not need to be.",
			Mitigation: "Encrypt the store (platform encryption with managed keys at least; application-level or " +
				"customer-managed keys for special categories), restrict who can use the keys, and set " +
				"encryption_at_rest on the component.",
			References: []string{
				"GDPR Art. 32(1)(a): encryption of personal data; Art. 34(3)(a): no notice to data subjects when data is unintelligible",
				"https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html",
				"NIST SP 800-111, Guide to Storage Encryption Technologies for End User Devices",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if Kind(c) == model.KindExternalEntity || (c.EncryptionAtRest != "" && c.EncryptionAtRest != "none") {
					continue
				}
				personal := e.personalAmong(c.Stores)
				if len(personal) == 0 {
					continue
				}
				how := "does not declare encryption at rest"
				if c.EncryptionAtRest == "none" {
					how = "does not encrypt it at rest"
				}
				h := Hit{Targets: []string{c.ID}, Data: personal,
					Detail: fmt.Sprintf("%s stores %s and %s.", e.Name(c.ID), e.nameList(personal), how)}
				if len(e.classifiedAmong(3, personal)) > 0 {
					h.Impact = 5
				}
				emit(h)
			}
		},
	})
}
