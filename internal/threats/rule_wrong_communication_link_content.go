package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:         "wrong-communication-link-content",
			Title:      "Wrong communication link content",
			STRIDE:     []model.STRIDE{model.InformationDisclosure},
			Scope:      ScopeFlow,
			CWE:        []int{1008},
			Likelihood: 1,
			Impact:     2,
			Threagile:  []string{"wrong-communication-link-content"},
			Trigger: "A flow's content contradicts its declaration: it is read-only but receives no data, it is not " +
				"read-only but sends no data, it uses local-file access to something that is not a data store, or an " +
				"in-process call leaves its network trust boundary or reaches an external entity.",
			Why: "An inconsistent flow is a modelling error, and rules that reason on flow direction, protocol or data " +
				"(encryption, injection, unnecessary transfer) then miss threats or raise wrong ones.",
			Mitigation: "Fix the model: set the read-only flag to match the data sent and received, list the data the flow " +
				"carries, and use a protocol that matches what the target is.",
			References: []string{"https://cheatsheetseries.owasp.org/cheatsheets/Threat_Modeling_Cheat_Sheet.html"},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				to := e.Target(f)
				name := e.rbFlowName(f)
				report := func(why string) {
					emit(Hit{Targets: []string{f.ID}, Detail: fmt.Sprintf("Flow %s %s.", name, why)})
				}
				switch {
				case f.Readonly && len(f.DataReceived) == 0:
					report("is read-only but receives no data")
				case !f.Readonly && len(f.DataSent) == 0:
					report("is not read-only but sends no data (mark it read-only or list what it sends)")
				}
				if f.Protocol == "local-file" && Kind(to) != model.KindDataStore {
					report(fmt.Sprintf("uses local-file access but its target %s is a %s, not a data store", e.Name(to.ID), Kind(to)))
				}
				if f.Protocol == "in-process" && (Kind(to) == model.KindExternalEntity || e.CrossesNetwork(f)) {
					report("is an in-process call but leaves its network boundary or reaches an external entity")
				}
			}
		},
	})
}
