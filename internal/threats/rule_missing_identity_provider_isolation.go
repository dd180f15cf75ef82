package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-identity-provider-isolation",
			Title:       "Missing identity provider isolation",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{1008, 653},
			ATTACK:      []string{"T1556", "T1210"},
			Likelihood:  2,
			Impact:      4,
			Mitigations: []string{"idp-isolation", "network-segmentation"},
			Threagile:   []string{"missing-identity-provider-isolation"},
			Trigger: "An in-scope identity provider or identity store shares its network segment (the innermost " +
				"network trust boundary; execution-environment and container boundaries do not separate networks) " +
				"or its execution environment with components that are not identity-related (load balancers and " +
				"security tooling excepted).",
			Why: "Identity systems hold the keys to every other system. A neighbour in the same segment or runtime " +
				"that an attacker takes over gives a short path to forging tokens, harvesting credentials or " +
				"changing accounts.",
			Mitigation: "Put identity providers and their stores in a network segment of their own with deny-by-default " +
				"rules, on dedicated hosts or runtimes, reachable only on the ports and from the callers that need them.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Network_Segmentation_Cheat_Sheet.html",
				"https://cwe.mitre.org/data/definitions/653.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			byExec := map[string][]string{}
			byNet := map[string][]string{}
			for i := range e.M.Components {
				o := &e.M.Components[i]
				if tgAny(o, trIdentity|trNearHighValue) {
					continue
				}
				if x := e.tgExecEnv(o.ID); x != "" {
					byExec[x] = append(byExec[x], o.ID)
				}
				byNet[e.tgNetwork(o.ID)] = append(byNet[e.tgNetwork(o.ID)], o.ID)
			}
			for _, c := range e.Components() {
				if !tgIs(c, trIdentity) {
					continue
				}
				where, likelihood := "", 2
				var others []string
				if x := e.tgExecEnv(c.ID); x != "" && len(byExec[x]) > 0 {
					where, likelihood, others = "execution environment", 3, byExec[x]
				} else if n := e.tgNetwork(c.ID); len(byNet[n]) > 0 && (n != "" || x == "-") {
					where, others = "network segment", byNet[n]
				}
				if where == "" {
					continue
				}
				impact := 4
				if e.tgRate(c.ID).tgTop() {
					impact = 5
				}
				names := make([]string, 0, 3)
				for _, id := range others {
					if len(names) == 3 {
						names = append(names, "...")
						break
					}
					names = append(names, "'"+e.Name(id)+"'")
				}
				emit(Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("Identity component '%s' shares its %s with components that are not "+
						"identity-related (%s): taking one of them over gives a short path to it.",
						e.Name(c.ID), where, strings.Join(names, ", ")),
					Likelihood: likelihood,
					Impact:     impact,
				})
			}
		},
	})
}
