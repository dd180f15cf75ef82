package builtin

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// clouds are the cloud provider tags: a tag is the provider ("aws") or a
// provider service ("aws:s3").
var clouds = []string{"aws", "azure", "gcp", "ocp", "oci", "alibaba"}

// cloudTags returns the providers and the provider services named in tags.
func cloudTags(tags []string) (providers, services []string) {
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		for _, p := range clouds {
			switch {
			case t == p:
				providers = append(providers, p)
			case strings.HasPrefix(t, p+":"):
				providers = append(providers, p)
				services = append(services, t)
			}
		}
	}
	return threats.Unique(providers), services
}

func cloudBoundary(t model.BoundaryType) bool {
	return t == "cloud-account" || t == "vpc" || t == "security-group"
}

func cloudHosting(h model.Hosting) bool {
	return h == "cloud-iaas" || h == "cloud-paas" || h == "cloud-saas" || h == "serverless"
}

func init() {
	register("missing-cloud-hardening", func(e *threats.Env, emit func(threats.Hit)) {
		// components inside each boundary, at any depth
		inside := map[string][]string{}
		for _, c := range e.Components() {
			for _, b := range e.Ix.BoundaryChain(c.ID) {
				inside[b] = append(inside[b], c.ID)
			}
		}
		covered := map[string]bool{}
		cloudOf := map[string]bool{} // components inside a cloud boundary
		for i := range e.M.TrustBoundaries {
			b := &e.M.TrustBoundaries[i]
			providers, _ := cloudTags(b.Tags)
			if (!cloudBoundary(b.Type) && len(providers) == 0) || len(inside[b.ID]) == 0 {
				continue
			}
			for _, p := range providers {
				covered[p] = true
			}
			var data []string
			for _, id := range inside[b.ID] {
				cloudOf[id] = true
				data = append(data, e.DataAtStake(id)...)
			}
			what := "cloud boundary"
			if len(providers) > 0 {
				what = strings.ToUpper(strings.Join(providers, "/")) + " boundary"
			}
			emit(threats.Hit{
				Targets: []string{b.ID},
				Detail: fmt.Sprintf("%s '%s' holds %d in-scope component(s): its accounts, networks and services "+
					"need a hardening baseline, checked continuously.", capitalise(what), e.Name(b.ID), len(inside[b.ID])),
				Data: threats.Unique(data),
			})
		}
		byProvider := map[string][]string{}
		for _, c := range e.Components() {
			providers, services := cloudTags(c.Tags)
			for _, p := range providers {
				if !covered[p] {
					byProvider[p] = append(byProvider[p], c.ID)
				}
			}
			switch {
			case len(services) > 0:
				emit(threats.Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("Component '%s' runs on cloud service %s: it needs that service's hardening "+
						"baseline (for example CIS benchmarks, IMDSv2 for instances, blocked public access for buckets).",
						e.Name(c.ID), strings.Join(services, ", ")),
				})
			case len(providers) == 0 && cloudHosting(c.Hosting) && !cloudOf[c.ID] && !managedIdP(e, c):
				// A managed identity provider's hardening is its vendor's.
				emit(threats.Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("Component '%s' is hosted in the cloud (%s) outside any modelled cloud boundary: "+
						"its account and service configuration need a hardening baseline.", e.Name(c.ID), c.Hosting),
				})
			}
		}
		providers := make([]string, 0, len(byProvider))
		for p := range byProvider {
			providers = append(providers, p)
		}
		sort.Strings(providers)
		for _, p := range providers {
			at := e.MostSensitive(byProvider[p])
			emit(threats.Hit{
				Targets: []string{at},
				Detail: fmt.Sprintf("Components tagged %s (most sensitive: '%s') are not covered by a modelled %s "+
					"boundary: the %s accounts they run in need a hardening baseline.", p, e.Name(at), strings.ToUpper(p), strings.ToUpper(p)),
			})
		}
	})
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
