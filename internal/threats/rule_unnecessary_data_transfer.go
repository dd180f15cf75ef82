package threats

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:         "unnecessary-data-transfer",
			Title:      "Unnecessary data transfer",
			STRIDE:     []model.STRIDE{model.ElevationOfPrivilege, model.InformationDisclosure},
			Scope:      ScopeComponent,
			CWE:        []int{1008},
			Likelihood: 2,
			Impact:     2,
			Threagile:  []string{"unnecessary-data-transfer"},
			Trigger: "An in-scope component sends or receives confidential data or data of critical integrity that it " +
				"neither processes nor stores (monitoring systems, and flows to or from them, are exempt). Raised once per component and data asset.",
			Why: "Sensitive data passing through a component that does not need it widens the attack surface for that data " +
				"for no benefit; or the model is incomplete and misses what the component does with it.",
			Mitigation: "Stop sending the data to (or through) the component; if it does need the data, record that it " +
				"processes or stores it.",
			References: []string{"https://cheatsheetseries.owasp.org/cheatsheets/Attack_Surface_Analysis_Cheat_Sheet.html"},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if rbIsMonitoring(c) {
					continue // monitoring may see any data
				}
				holds := map[string]bool{}
				for _, id := range append(append([]string{}, c.Processes...), c.Stores...) {
					holds[id] = true
				}
				partners := map[string]map[string]bool{} // data id -> partner names
				check := func(f *model.Flow, partner *model.Component) {
					if partner == nil || rbIsMonitoring(partner) {
						return
					}
					for _, id := range append(append([]string{}, f.DataSent...), f.DataReceived...) {
						if holds[id] || e.Ix.Data[id] == nil || !e.rbRate([]string{id}).sensitive() {
							continue
						}
						if partners[id] == nil {
							partners[id] = map[string]bool{}
						}
						partners[id][e.Name(partner.ID)] = true
					}
				}
				for _, f := range e.Outgoing(c.ID) {
					check(f, e.Target(f))
				}
				for _, f := range e.Incoming(c.ID) {
					check(f, e.Source(f))
				}
				ids := make([]string, 0, len(partners))
				for id := range partners {
					ids = append(ids, id)
				}
				sort.Strings(ids)
				for _, id := range ids {
					names := make([]string, 0, len(partners[id]))
					for n := range partners[id] {
						names = append(names, n)
					}
					sort.Strings(names)
					r := e.rbRate([]string{id})
					emit(Hit{
						Targets: []string{c.ID, id},
						Data:    []string{id},
						Impact:  rbImpact(r, 2, 2, 3),
						Detail: fmt.Sprintf("%s exchanges %s with %s but neither processes nor stores it.",
							e.Name(c.ID), e.Name(id), strings.Join(names, ", ")),
					})
				}
			}
		},
	})
}
