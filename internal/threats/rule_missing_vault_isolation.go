package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-vault-isolation",
			Title:       "Missing vault isolation",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege, model.InformationDisclosure},
			Scope:       ScopeComponent,
			CWE:         []int{1008, 653},
			ATTACK:      []string{"T1555", "T1021"},
			Likelihood:  2,
			Impact:      3,
			Mitigations: []string{"network-segmentation"},
			Threagile:   []string{"missing-vault-isolation"},
			Trigger: "An in-scope secrets vault shares its network segment (or its execution environment, or the absence of " +
				"any trust boundary) with components that are neither vaults nor the vault's own data stores.",
			Why: "A vault holds the keys to everything else. When it sits in the same segment as ordinary, less hardened " +
				"components, compromising any of them gives a short, unfiltered path to the vault and its storage.",
			Mitigation: "Put the vault and its data stores in a network segment of their own with deny-by-default rules, " +
				"and allow only the callers that need secrets, on the vault's API port.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
				"https://cheatsheetseries.owasp.org/cheatsheets/Attack_Surface_Analysis_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, v := range e.Components() {
				if !rbIsVault(v) {
					continue
				}
				var sameEnv, sameNet []string
				for i := range e.M.Components {
					o := &e.M.Components[i]
					if o.ID == v.ID || rbIsVault(o) || (Kind(o) == model.KindDataStore && e.rbLinked(v.ID, o.ID)) {
						continue
					}
					switch {
					case e.rbSameExecEnv(v.ID, o.ID):
						sameEnv = append(sameEnv, e.Name(o.ID))
					case e.rbNetwork(v.ID) == e.rbNetwork(o.ID):
						sameNet = append(sameNet, e.Name(o.ID))
					}
				}
				if len(sameEnv)+len(sameNet) == 0 {
					continue
				}
				h := Hit{Targets: []string{v.ID}, Impact: rbImpact(e.rbHeld(v), 3, 3, 4)}
				if len(sameEnv) > 0 {
					h.Likelihood = 3
					h.Detail = fmt.Sprintf("Vault %s shares its execution environment with %s, so a foothold there reaches the vault without crossing any boundary.",
						e.Name(v.ID), strings.Join(sameEnv, ", "))
				} else {
					h.Detail = fmt.Sprintf("Vault %s shares its network segment with %s; no network boundary separates it from these less protected components.",
						e.Name(v.ID), strings.Join(sameNet, ", "))
				}
				emit(h)
			}
		},
	})
}
