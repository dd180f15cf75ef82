package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "admin-interface-exposed",
			Title:       "Administration interface exposed to untrusted networks",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege, model.Spoofing},
			Scope:       ScopeComponent,
			CWE:         []int{668, 749},
			CAPEC:       []int{560, 600},
			ATTACK:      []string{"T1133", "T1190", "T1110"},
			Likelihood:  4,
			Impact:      5,
			Mitigations: []string{"ip-allowlist", "network-segmentation"},
			Trigger: "A component with an administration interface is internet-facing, or receives a flow from an " +
				"external entity outside its network trust boundary that is neither over a VPN nor IP-filtered.",
			Why: "An administration interface reachable by anyone is scanned for within minutes of going online. " +
				"Every credential attack and every vulnerability in the admin code path is then one step away from " +
				"full control of the component.",
			Mitigation: "Serve administration on a separate interface reachable only from a management network, " +
				"a VPN or an identity-aware proxy; restrict source addresses; and require MFA on top.",
			References: []string{
				"https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Network_Segmentation_Cheat_Sheet.html",
				"NIST SP 800-53 Rev. 5 AC-17 (Remote Access), SC-7 (Boundary Protection)",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !c.AdminInterface || Kind(c) == model.KindExternalEntity {
					continue
				}
				var callers []string
				for _, f := range e.Incoming(c.ID) {
					from := e.Source(f)
					if from == nil || Kind(from) != model.KindExternalEntity || f.VPN || f.IPFiltered {
						continue
					}
					// A caller inside the component's own network is trusted; one outside every modelled network is not.
					if net := e.networkBoundary(from.ID); net == "" || net != e.networkBoundary(c.ID) {
						callers = append(callers, from.ID)
					}
				}
				if !c.InternetFacing && len(callers) == 0 {
					continue
				}
				detail := fmt.Sprintf("The administration interface of %s is reachable from the internet.", e.Name(c.ID))
				if len(callers) > 0 {
					detail = fmt.Sprintf("The administration interface of %s is reachable by %s without a VPN or "+
						"source-address filtering.", e.Name(c.ID), e.nameList(callers))
				}
				emit(Hit{Targets: []string{c.ID}, Detail: detail})
			}
		},
	})
}
