package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-authentication",
			Title:       "Missing authentication",
			STRIDE:      []model.STRIDE{model.Spoofing, model.ElevationOfPrivilege},
			Scope:       ScopeFlow,
			CWE:         []int{306},
			CAPEC:       []int{115},
			ATTACK:      []string{"T1190", "T1078"},
			Likelihood:  4,
			Impact:      4,
			Mitigations: []string{"mtls", "mfa", "access-control"},
			Threagile:   []string{"missing-authentication"},
			Trigger: "A flow without authentication reaches a process or data store that handles confidential or restricted data, " +
				"or any flow without authentication crosses a trust boundary into a process or data store.",
			Why: "Anyone who can reach the endpoint can act as a legitimate caller: read or change the data " +
				"the process handles, or use it as a stepping stone.",
			Mitigation: "Authenticate every caller (OAuth2/OIDC for users, mTLS or signed tokens for services) and " +
				"authorise each request.",
			References: []string{"https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/"},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				to := e.Target(f)
				if e.Authenticated(f) || Kind(to) == model.KindExternalEntity || f.Protocol == "in-process" {
					continue
				}
				if !e.Sensitive(to.ID) && !e.Crosses(f) {
					continue
				}
				emit(Hit{
					Targets: []string{f.ID},
					Detail: fmt.Sprintf("%s calls %s over %s without authentication, so %s cannot tell who is calling.",
						e.Name(f.From), e.Name(f.To), f.Protocol, e.Name(f.To)),
					Data: e.DataAtStake(to.ID, f.ID),
				})
			}
		},
	})
}
