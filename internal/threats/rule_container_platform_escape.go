package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "container-platform-escape",
			Title:       "Container platform escape",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{1008, 250},
			CAPEC:       []int{233},
			ATTACK:      []string{"T1611", "T1610"},
			Likelihood:  2,
			Impact:      5,
			Mitigations: []string{"container-hardening", "least-privilege", "network-segmentation"},
			Threagile:   []string{"container-platform-escape"},
			Trigger:     "An in-scope container platform (Kubernetes, OpenShift, Docker hosts, ...).",
			Why: "An attacker who breaks out of one compromised container reaches the node and the platform's " +
				"control plane, and from there every other workload it runs: owning the platform means owning " +
				"every container on it.",
			Mitigation: "Harden nodes and the control plane (CIS benchmarks), run workloads rootless with seccomp/" +
				"AppArmor and without privileged mode or host mounts, enforce admission policies, separate " +
				"workloads of different sensitivity with namespaces, network policies and dedicated node pools, " +
				"and patch the kernel and runtime promptly.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Kubernetes_Security_Cheat_Sheet.html",
				"https://attack.mitre.org/techniques/T1611/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			var containers map[string][]string // runtime -> containers running on it
			for _, c := range e.Components() {
				if !tgIs(c, trContainerPlatform) {
					continue
				}
				if containers == nil {
					containers = map[string][]string{}
					for i := range e.M.Components {
						if o := &e.M.Components[i]; o.Runtime != "" && o.Hosting == "container" {
							containers[o.Runtime] = append(containers[o.Runtime], o.ID)
						}
					}
				}
				// the workloads at stake: containers running on the same runtime, if modelled
				var hosted []string
				data := e.DataAtStake(c.ID)
				if c.Runtime != "" {
					for _, o := range containers[c.Runtime] {
						if o != c.ID {
							hosted = append(hosted, "'"+e.Name(o)+"'")
							data = append(data, e.DataAtStake(o)...)
						}
					}
				}
				impact := 4
				r := e.tgRate(c.ID)
				for _, o := range data {
					r.add(e.Ix.Data[o])
				}
				if r.tgTop() {
					impact = 5
				}
				detail := fmt.Sprintf("Container platform '%s': a container escape gives an attacker the node and "+
					"every workload the platform runs.", e.Name(c.ID))
				if len(hosted) > 0 {
					detail = fmt.Sprintf("Container platform '%s': a container escape gives an attacker the node and "+
						"the workloads it runs, %s.", e.Name(c.ID), strings.Join(hosted, ", "))
				}
				emit(Hit{Targets: []string{c.ID}, Detail: detail, Data: tgDedupe(data), Impact: impact})
			}
		},
	})
}
