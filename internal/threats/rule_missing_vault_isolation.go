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
			var g *rbGroups
			for _, v := range e.Components() {
				if !rbIsVault(v) {
					continue
				}
				if g == nil {
					g = rbGroup(e)
				}
				own := map[string]bool{v.ID: true} // the vault and the data stores it talks to
				for _, f := range e.Outgoing(v.ID) {
					own[f.To] = true
				}
				for _, f := range e.Incoming(v.ID) {
					own[f.From] = true
				}
				others := func(members []*model.Component) (names []string) {
					for _, o := range members {
						if o.ID == v.ID || rbIsVault(o) || (own[o.ID] && Kind(o) == model.KindDataStore) {
							continue
						}
						names = append(names, e.Name(o.ID))
					}
					return names
				}
				var sameEnv, sameNet []string
				if k := rbEnvKey(e, v.ID); k != "" {
					sameEnv = others(g.env[k])
				}
				if len(sameEnv) == 0 {
					sameNet = others(g.net[e.rbNetwork(v.ID)])
				}
				if len(sameEnv)+len(sameNet) == 0 {
					continue
				}
				h := Hit{Targets: []string{v.ID}, Impact: rbImpact(e.rbHeld(v), 3, 3, 4)}
				if len(sameEnv) > 0 {
					h.Likelihood = 3
					h.Detail = fmt.Sprintf("Vault %s shares its execution environment with %s, so a foothold there reaches the vault without crossing any boundary.",
						e.Name(v.ID), rbList(sameEnv))
				} else {
					h.Detail = fmt.Sprintf("Vault %s shares its network segment with %s; no network boundary separates it from these less protected components.",
						e.Name(v.ID), rbList(sameNet))
				}
				emit(h)
			}
		},
	})
}

// rbGroups groups every component (in scope or not) by network trust
// boundary and by shared execution environment.
type rbGroups struct {
	net map[string][]*model.Component
	env map[string][]*model.Component
}

func rbGroup(e *Env) *rbGroups {
	g := &rbGroups{net: map[string][]*model.Component{}, env: map[string][]*model.Component{}}
	for i := range e.M.Components {
		c := &e.M.Components[i]
		g.net[e.rbNetwork(c.ID)] = append(g.net[e.rbNetwork(c.ID)], c)
		if k := rbEnvKey(e, c.ID); k != "" {
			g.env[k] = append(g.env[k], c)
		}
	}
	return g
}

// rbEnvKey names the execution environment a component shares with others:
// the execution-environment boundary directly holding it, "-" when it is in no
// boundary at all, "" otherwise.
func rbEnvKey(e *Env, id string) string {
	p, ok := e.Ix.Parent[id]
	if !ok {
		return "-"
	}
	if b := e.Ix.Boundaries[p]; b != nil && b.Type == "execution-environment" {
		return p
	}
	return ""
}

// rbList joins up to five names and says how many more there are.
func rbList(names []string) string {
	const show = 5
	if len(names) <= show {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:show], ", "), len(names)-show)
}
