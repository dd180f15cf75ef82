package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-vault-isolation", func(e *threats.Env, emit func(threats.Hit)) {
		var g *groups
		for _, v := range e.Components() {
			if !e.Is(v, threats.TraitVault) {
				continue
			}
			if g == nil {
				g = group(e)
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
					if o.ID == v.ID || e.Is(o, threats.TraitVault) || (own[o.ID] && threats.Kind(o) == model.KindDataStore) {
						continue
					}
					names = append(names, e.Name(o.ID))
				}
				return names
			}
			var sameEnv, sameNet []string
			if k := envKey(e, v.ID); k != "" {
				sameEnv = others(g.env[k])
			}
			if len(sameEnv) == 0 {
				sameNet = others(g.net[e.Network(v.ID)])
			}
			if len(sameEnv)+len(sameNet) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{v.ID}, Impact: e.Rate(v.ID).Secrecy().Impact(3, 3, 4)}
			if len(sameEnv) > 0 {
				h.Likelihood = 3
				h.Detail = fmt.Sprintf("Vault %s shares its execution environment with %s, so a foothold there reaches the vault without crossing any boundary.",
					e.Name(v.ID), shortList(sameEnv))
			} else {
				h.Detail = fmt.Sprintf("Vault %s shares its network segment with %s; no network boundary separates it from these less protected components.",
					e.Name(v.ID), shortList(sameNet))
			}
			emit(h)
		}
	})
}

// groups groups every component (in scope or not) by network trust
// boundary and by shared execution environment.
type groups struct {
	net map[string][]*model.Component
	env map[string][]*model.Component
}

func group(e *threats.Env) *groups {
	g := &groups{net: map[string][]*model.Component{}, env: map[string][]*model.Component{}}
	for i := range e.M.Components {
		c := &e.M.Components[i]
		g.net[e.Network(c.ID)] = append(g.net[e.Network(c.ID)], c)
		if k := envKey(e, c.ID); k != "" {
			g.env[k] = append(g.env[k], c)
		}
	}
	return g
}

// envKey names the execution environment a component shares with others:
// the execution-environment boundary directly holding it, "-" when it is in no
// boundary at all, "" otherwise.
func envKey(e *threats.Env, id string) string {
	p, ok := e.Ix.Parent[id]
	if !ok {
		return "-"
	}
	if b := e.Ix.Boundaries[p]; b != nil && b.Type == "execution-environment" {
		return p
	}
	return ""
}
