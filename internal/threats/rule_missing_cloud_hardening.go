package threats

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// tgClouds are the cloud provider tags: a tag is the provider ("aws") or a
// provider service ("aws:s3").
var tgClouds = []string{"aws", "azure", "gcp", "ocp", "oci", "alibaba"}

// tgCloudTags returns the providers and the provider services named in tags.
func tgCloudTags(tags []string) (providers, services []string) {
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		for _, p := range tgClouds {
			switch {
			case t == p:
				providers = append(providers, p)
			case strings.HasPrefix(t, p+":"):
				providers = append(providers, p)
				services = append(services, t)
			}
		}
	}
	return tgDedupe(providers), services
}

func tgCloudBoundary(t model.BoundaryType) bool {
	return t == "cloud-account" || t == "vpc" || t == "security-group"
}

func tgCloudHosting(h model.Hosting) bool {
	return h == "cloud-iaas" || h == "cloud-paas" || h == "cloud-saas" || h == "serverless"
}

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-cloud-hardening",
			Title:       "Missing cloud hardening",
			STRIDE:      []model.STRIDE{model.Tampering, model.InformationDisclosure},
			Scope:       ScopeModel,
			CWE:         []int{1008, 1188},
			ATTACK:      []string{"T1078.004", "T1530", "T1552.005"},
			Likelihood:  2,
			Impact:      4,
			Mitigations: []string{"cloud-hardening", "least-privilege", "monitoring"},
			Threagile:   []string{"missing-cloud-hardening"},
			Trigger: "A cloud trust boundary (cloud account, VPC, security group, or any boundary tagged with a cloud " +
				"provider such as aws, azure, gcp) holding in-scope components; an in-scope component tagged with a " +
				"provider service (aws:ec2, aws:s3, ...); components tagged with a provider no modelled boundary " +
				"covers (one threat per provider, at the most sensitive one); and cloud-hosted components outside " +
				"any cloud boundary.",
			Why: "Cloud defaults and drift (public buckets, broad IAM roles, open security groups, instance metadata " +
				"reachable from workloads, disabled audit trails) let an attacker reach data and take over " +
				"resources without exploiting any code.",
			Mitigation: "Apply the provider's CIS benchmark to accounts and services, enforce it with policy as code and " +
				"continuous posture scanning, grant least-privilege IAM, block public storage by default, require " +
				"IMDSv2 (or the provider's equivalent) and keep audit logging on and monitored.",
			References: []string{
				"https://www.cisecurity.org/cis-benchmarks",
				"https://owasp.org/www-project-cloud-native-application-security-top-10/",
				"https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
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
				providers, _ := tgCloudTags(b.Tags)
				if (!tgCloudBoundary(b.Type) && len(providers) == 0) || len(inside[b.ID]) == 0 {
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
				emit(Hit{
					Targets: []string{b.ID},
					Detail: fmt.Sprintf("%s '%s' holds %d in-scope component(s): its accounts, networks and services "+
						"need a hardening baseline, checked continuously.", tgCapitalise(what), e.Name(b.ID), len(inside[b.ID])),
					Data: tgDedupe(data),
				})
			}
			byProvider := map[string][]string{}
			for _, c := range e.Components() {
				providers, services := tgCloudTags(c.Tags)
				for _, p := range providers {
					if !covered[p] {
						byProvider[p] = append(byProvider[p], c.ID)
					}
				}
				switch {
				case len(services) > 0:
					emit(Hit{
						Targets: []string{c.ID},
						Detail: fmt.Sprintf("Component '%s' runs on cloud service %s: it needs that service's hardening "+
							"baseline (for example CIS benchmarks, IMDSv2 for instances, blocked public access for buckets).",
							e.Name(c.ID), strings.Join(services, ", ")),
					})
				case len(providers) == 0 && tgCloudHosting(c.Hosting) && !cloudOf[c.ID]:
					emit(Hit{
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
				at := e.tgMostSensitive(byProvider[p])
				emit(Hit{
					Targets: []string{at},
					Detail: fmt.Sprintf("Components tagged %s (most sensitive: '%s') are not covered by a modelled %s "+
						"boundary: the %s accounts they run in need a hardening baseline.", p, e.Name(at), strings.ToUpper(p), strings.ToUpper(p)),
				})
			}
		},
	})
}

func tgCapitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
