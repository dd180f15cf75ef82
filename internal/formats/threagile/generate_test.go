package threagile

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// generateModel writes a Rampart model of n systems, each a small estate
// seen in real architectures: a browser and a back-office client reaching
// a load balancer and a web application in a DMZ, services and an identity
// provider behind them, data stores, a build chain (source repository,
// build pipeline, artifact registry) deploying onto a shared container
// runtime, and nested trust boundaries (cloud account > VPC > subnets).
// Attributes that Threagile's and Rampart's rules look at (protocols and
// their encryption, authentication, data ratings, encryption at rest,
// custom code, data formats) vary with seed, so that different rules fire
// on different systems.
func generateModel(n int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
	coin := func() bool { return rng.IntN(2) == 0 }
	var b strings.Builder
	b.WriteString("rampart: 1\nsystem: {id: generated, name: Generated estate, owner: platform-team}\ndata:\n")
	for s := range n {
		p := fmt.Sprintf("s%d-", s)
		fmt.Fprintf(&b, "  - {id: %scustomers, classification: %s, personal: true, quantity: many, cia: {confidentiality: %s, integrity: %s, availability: %s}}\n",
			p, pick("confidential", "restricted"), pick("high", "critical"), pick("medium", "high", "critical"), pick("low", "medium", "high"))
		fmt.Fprintf(&b, "  - {id: %scredentials, classification: restricted, quantity: few, cia: {confidentiality: critical, integrity: critical, availability: %s}}\n",
			p, pick("medium", "high"))
		fmt.Fprintf(&b, "  - {id: %scatalog, classification: public, quantity: many, cia: {confidentiality: low, integrity: %s, availability: %s}}\n",
			p, pick("low", "medium", "high"), pick("low", "medium", "high"))
		fmt.Fprintf(&b, "  - {id: %ssource, classification: confidential, quantity: very-many, cia: {confidentiality: high, integrity: critical, availability: medium}}\n", p)
	}
	b.WriteString("components:\n")
	for s := range n {
		p := fmt.Sprintf("s%d-", s)
		comp := func(id, typ, extra string) {
			fmt.Fprintf(&b, "  - {id: %s%s, type: %s%s}\n", p, id, typ, extra)
		}
		comp("browser", "browser", ", human_use: true, internet_facing: true, out_of_scope: "+fmt.Sprint(s%3 == 2))
		comp("backoffice", "desktop-app", ", human_use: true")
		comp("lb", "load-balancer", ", internet_facing: true")
		comp("web", "web-application", fmt.Sprintf(", custom_code: true, processes: [%scustomers, %scatalog, %scredentials], data_formats: [%s], runtime: %sk8s, hosting: container",
			p, p, p, pick("json", "json, xml", "json, file", "serialization"), p))
		comp("api", pick("api", "service"), fmt.Sprintf(", custom_code: %v, processes: [%scustomers, %scatalog], data_formats: [%s], runtime: %sk8s, hosting: container",
			coin(), p, p, pick("json", "xml", "serialization, json"), p))
		comp("idp", "identity-provider", fmt.Sprintf(", processes: [%scredentials]", p))
		comp("ldap", "identity-store", fmt.Sprintf(", stores: [%scredentials]", p))
		comp("db", "database", fmt.Sprintf(", stores: [%scustomers, %scatalog], encryption_at_rest: %s", p, p, pick("none", "platform", "application")))
		comp("files", pick("file-storage", "object-storage"), fmt.Sprintf(", stores: [%scustomers], encryption_at_rest: %s", p, pick("none", "platform")))
		comp("git", "source-repository", fmt.Sprintf(", stores: [%ssource], custom_code: false", p))
		comp("ci", "build-pipeline", fmt.Sprintf(", processes: [%ssource, %scredentials]", p, p))
		comp("registry", "artifact-registry", fmt.Sprintf(", stores: [%ssource]", p))
		comp("dev", "desktop-app", ", human_use: true, internet_facing: true")
		if coin() {
			comp("vault", "vault", fmt.Sprintf(", stores: [%scredentials], runtime: %sk8s, hosting: container", p, p))
		}
	}
	b.WriteString("trust_boundaries:\n")
	for s := range n {
		p := fmt.Sprintf("s%d-", s)
		fmt.Fprintf(&b, "  - {id: %scloud, type: cloud-account, contains: [%svpc]}\n", p, p)
		fmt.Fprintf(&b, "  - {id: %svpc, type: vpc, contains: [%sdmz, %sapp, %sdata]}\n", p, p, p, p)
		fmt.Fprintf(&b, "  - {id: %sdmz, type: network-segment, contains: [%slb, %sweb]}\n", p, p, p)
		fmt.Fprintf(&b, "  - {id: %sapp, type: %s, contains: [%sapi, %sidp, %sldap]}\n", p, pick("network-segment", "security-group"), p, p, p)
		fmt.Fprintf(&b, "  - {id: %sdata, type: network-segment, contains: [%sdb, %sfiles]}\n", p, p, p)
		fmt.Fprintf(&b, "  - {id: %sdevops, type: network-on-premises, contains: [%sgit, %sci, %sregistry]}\n", p, p, p, p)
	}
	b.WriteString("flows:\n")
	for s := range n {
		p := fmt.Sprintf("s%d-", s)
		flow := func(id, from, to, proto, authn, extra string) {
			fmt.Fprintf(&b, "  - {id: %s%s, from: %s%s, to: %s%s, protocol: %s, authentication: %s%s}\n", p, id, p, from, p, to, proto, authn, extra)
		}
		flow("shop", "browser", "lb", pick("https", "http"), pick("session", "none", "token"),
			fmt.Sprintf(", data_sent: [%scustomers], data_received: [%scatalog]", p, p))
		flow("edge", "lb", "web", pick("https", "http"), pick("none", "session"), fmt.Sprintf(", data_sent: [%scustomers]", p))
		flow("office", "backoffice", "web", pick("https", "http"), pick("password", "mfa", "session"),
			fmt.Sprintf(", authorization: %s, data_sent: [%scustomers]", pick("enduser", "rbac", "none"), p))
		flow("calls", "web", "api", pick("https", "http", "grpc"), pick("token", "none", "api-key"),
			fmt.Sprintf(", authorization: %s, data_sent: [%scustomers]", pick("technical-user", "enduser", "none"), p))
		flow("login", "web", "idp", pick("https", "http"), pick("none", "client-certificate"), fmt.Sprintf(", data_sent: [%scredentials]", p))
		flow("directory", "idp", "ldap", pick("ldap", "ldaps"), "password", fmt.Sprintf(", data_sent: [%scredentials]", p))
		flow("queries", "api", "db", pick("jdbc", "sql"), pick("password", "none"), fmt.Sprintf(", encryption: %s, data_sent: [%scustomers]", pick("none", "tls"), p))
		flow("uploads", "web", "files", pick("nfs", "s3", "https"), pick("none", "iam-role"), fmt.Sprintf(", data_sent: [%scustomers]", p))
		flow("push", "dev", "git", pick("https", "ssh"), pick("password", "mfa", "token"), fmt.Sprintf(", usage: devops, data_sent: [%ssource]", p))
		flow("checkout", "ci", "git", pick("https", "ssh"), "token", fmt.Sprintf(", usage: devops, data_received: [%ssource]", p))
		flow("publish", "ci", "registry", "https", "token", fmt.Sprintf(", usage: devops, data_sent: [%ssource]", p))
		flow("deploy", "ci", "web", pick("https", "ssh"), pick("token", "client-certificate"), fmt.Sprintf(", usage: devops, data_sent: [%ssource]", p))
		flow("ci-ui", "dev", "ci", pick("https", "http"), pick("password", "mfa"), ", usage: devops")
	}
	return b.String()
}
