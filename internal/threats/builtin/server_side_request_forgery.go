package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("server-side-request-forgery", func(e *threats.Env, emit func(threats.Hit)) {
		// Only requests to a generic external entity count: it stands for the
		// addresses the server is told to fetch (webhooks, URL previews,
		// feeds), as in cloud-metadata-ssrf; a call to one of the system's
		// own backends or to a named third-party service goes to a fixed,
		// configured address no caller shapes.
		// exposed[n]: network n holds a component with strictly confidential
		// data that answers web requests, a target for any SSRF from inside n.
		var exposed map[string]bool
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if from.OutOfScope || threats.Kind(from) == model.KindExternalEntity || e.IsClient(from) || e.Guard(from) ||
				!f.Protocol.Web() || !e.TakesInput(from) || e.IsClient(to) || threats.IsPerson(to) {
				continue // only a server that takes outside input can be made to fetch a URL it shapes; a client or a person is not fetched from
			}
			if to.Type != "external-entity" {
				continue // a backend of the system or a named third-party service is a fixed, configured destination
			}
			if exposed == nil {
				exposed = webExposedTop(e)
			}
			impact := 2
			if e.Rate(to.ID).StrictlyConfidential() || exposed[e.Network(from.ID)] {
				impact = 3
			}
			if b := e.Ix.Boundaries[e.Ix.Parent[from.ID]]; b != nil && (b.Type == "cloud-account" || b.Type == "vpc") ||
				from.Hosting == "cloud-iaas" || from.Hosting == "cloud-paas" || from.Hosting == "serverless" {
				impact = 3 // cloud metadata endpoints hand out credentials
			}
			h := threats.Hit{
				Targets: []string{f.ID},
				Data:    e.DataAtStake(to.ID, f.ID),
				Impact:  impact,
				Detail: fmt.Sprintf("%s makes %s requests to %s; if any part of the destination comes from a caller, it can be pointed at internal services or metadata endpoints.",
					e.Name(from.ID), f.Protocol, e.Name(to.ID)),
			}
			if f.Usage == "devops" {
				h.Likelihood = 2
			}
			emit(h)
		}
	})
}

// webExposedTop returns the networks holding an in-scope component with
// strictly confidential data that receives web requests.
func webExposedTop(e *threats.Env) map[string]bool {
	out := map[string]bool{}
	for _, f := range e.Flows() {
		if to := e.Target(f); f.Protocol.Web() && !to.OutOfScope && e.Rate(to.ID).StrictlyConfidential() {
			out[e.Network(to.ID)] = true
		}
	}
	return out
}
