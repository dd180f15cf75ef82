package threats

import (
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// Helpers shared by the exposure, injection, deployment, encryption and
// model-hygiene rules: what a component is (by type or by the words of its
// technology), how sensitive the data it holds or carries is, and where it
// sits in the network.

// rbCIA holds the highest confidentiality, integrity and availability of
// some data on a 1..5 scale (5: strictly confidential / mission critical;
// 4: confidential / critical; 3: restricted / important).
type rbCIA struct{ C, I, A int }

// rbConf rates a data asset's confidentiality 1..5: its CIA rating when
// given, else its classification (public 1, internal 2, confidential 4,
// restricted 5).
func rbConf(d *model.DataAsset) int {
	if d.CIA.Confidentiality != "" {
		return d.CIA.Confidentiality.Score()
	}
	return [...]int{1, 2, 4, 5}[d.Classification.Level()]
}

func (r *rbCIA) add(d *model.DataAsset) {
	r.C = max(r.C, rbConf(d))
	r.I = max(r.I, d.CIA.Integrity.Score())
	r.A = max(r.A, d.CIA.Availability.Score())
}

// sensitive reports confidential data or critical integrity (4+).
func (r rbCIA) sensitive() bool { return r.C >= 4 || r.I >= 4 }

// top reports strictly confidential data or mission-critical integrity (5).
func (r rbCIA) top() bool { return r.C >= 5 || r.I >= 5 }

// rbRate returns the highest ratings of the listed data assets.
func (e *Env) rbRate(lists ...[]string) rbCIA {
	var r rbCIA
	for _, list := range lists {
		for _, id := range list {
			if d := e.Ix.Data[id]; d != nil {
				r.add(d)
			}
		}
	}
	return r
}

// rbHeld returns the ratings of the data a component processes or stores.
func (e *Env) rbHeld(c *model.Component) rbCIA { return e.rbRate(c.Processes, c.Stores) }

// rbCarried returns the ratings of the data a flow carries either way.
func (e *Env) rbCarried(f *model.Flow) rbCIA { return e.rbRate(f.DataSent, f.DataReceived) }

// rbTech reports whether a component is of one of the types, or its
// technology text names one of the words as a whole word or hyphenated
// phrase ("HashiCorp Vault" names "vault"; "interpreter" does not name "erp").
func rbTech(c *model.Component, words ...string) bool {
	norm := "-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(c.Technology)) + "-"
	for _, w := range words {
		if string(c.Type) == w || (c.Technology != "" && strings.Contains(norm, "-"+w+"-")) {
			return true
		}
	}
	return false
}

// Kinds of components, recognised by type or technology words (including
// the technology names Threagile models use and common products).

func rbIsWebApp(c *model.Component) bool {
	return rbTech(c, "web-application", "web-server", "identity-provider", "application-server", "app-server",
		"web-app", "erp", "cms", "report-engine", "keycloak", "tomcat")
}

func rbIsWebService(c *model.Component) bool {
	return rbTech(c, "api", "web-service-rest", "web-service-soap", "rest-api", "soap-api", "graphql")
}

func rbIsWAF(c *model.Component) bool {
	return rbTech(c, "waf", "web-application-firewall", "modsecurity")
}

func rbIsVault(c *model.Component) bool { return rbTech(c, "vault", "hashicorp-vault") }

func rbIsClient(c *model.Component) bool {
	return c.Type == "user" || rbTech(c, "browser", "mobile-app", "desktop-app", "iot-device",
		"client-system", "desktop", "devops-client", "web-browser")
}

func rbIsLoadBalancer(c *model.Component) bool { return rbTech(c, "load-balancer", "lb") }

func rbIsBuildPipeline(c *model.Component) bool {
	return rbTech(c, "build-pipeline", "ci", "ci-cd", "continuous-integration", "jenkins", "gitlab-ci",
		"github-actions", "teamcity", "bamboo", "circleci")
}

// rbIsDevRelevant reports components of the development and delivery chain.
func rbIsDevRelevant(c *model.Component) bool {
	return rbIsBuildPipeline(c) || rbTech(c, "source-repository", "artifact-registry", "sourcecode-repository",
		"git", "gitlab", "github", "bitbucket", "code-inspection-platform", "code-inspection", "code-analysis",
		"sonarqube", "devops-client", "nexus", "artifactory")
}

func rbIsSearch(c *model.Component) bool {
	return rbTech(c, "search-index", "search-engine", "elasticsearch", "opensearch", "solr", "lucene")
}

func rbIsServiceRegistry(c *model.Component) bool {
	return rbTech(c, "service-registry", "service-discovery", "consul", "eureka", "zookeeper")
}

func rbIsIdentityStore(c *model.Component) bool {
	return rbTech(c, "identity-store", "identity-store-ldap", "identity-store-database", "ldap-server", "active-directory")
}

func rbIsIdentityProvider(c *model.Component) bool {
	return rbTech(c, "identity-provider", "idp", "keycloak")
}

func rbIsFileServer(c *model.Component) bool { return rbTech(c, "file-storage", "file-server") }

// rbIsQueryable reports data stores that evaluate queries (SQL or NoSQL).
func rbIsQueryable(c *model.Component) bool {
	return rbTech(c, "database", "identity-store-database", "db", "postgresql", "postgres", "mysql", "mariadb",
		"oracle", "mssql", "sql-server", "mongodb", "cassandra", "couchdb", "dynamodb", "redis", "cosmosdb")
}

// rbIsMonitoring reports security tooling expected to see everything (monitoring, IDS, IPS).
func rbIsMonitoring(c *model.Component) bool {
	return rbTech(c, "monitoring", "siem", "ids", "ips", "intrusion-detection-system", "intrusion-prevention-system")
}

// rbNoStorage reports components that only forward traffic and keep nothing at rest.
func rbNoStorage(c *model.Component) bool {
	return rbTech(c, "load-balancer", "reverse-proxy", "waf", "ids", "ips", "lb", "library")
}

// rbHoldsUserData reports technologies that usually keep end users' data.
func rbHoldsUserData(c *model.Component) bool {
	return rbTech(c, "database", "file-storage", "object-storage", "queue", "erp", "file-server",
		"local-file-system", "block-storage", "mail-server", "stream-processing", "message-queue")
}

// rbWebOK reports internet-facing technologies meant to answer web requests
// directly when they run no code of the team's own.
func rbWebOK(c *model.Component) bool {
	return rbTech(c, "web-server", "web-application", "reverse-proxy", "waf", "gateway", "api-gateway")
}

// rbFTPOK reports technologies meant to answer file transfers from the internet.
func rbFTPOK(c *model.Component) bool { return rbTech(c, "gateway") }

// rbWebProtocol reports protocols with HTTP semantics.
func rbWebProtocol(p model.Protocol) bool { return p.Web() }

// rbLocal reports flows that never leave one host or process.
func rbLocal(p model.Protocol) bool { return p == "in-process" || p == "local-file" || p == "ipc" }

// rbWireEncrypted reports whether a flow's content is encrypted on the wire
// by the protocol or the application (a VPN alone does not count).
func rbWireEncrypted(f *model.Flow) bool {
	switch f.Encryption {
	case "tls", "mtls", "ssh", "application":
		return true
	case "none", "vpn":
		return false
	}
	// Certificate authentication of the caller only exists inside TLS.
	return f.Protocol.Encrypted() || f.Authentication == "mtls" || f.Authentication == "client-certificate"
}

// rbFromOutside reports whether a flow's source is on the internet: an
// internet-facing component, or an external entity outside every trust boundary.
func (e *Env) rbFromOutside(from *model.Component) bool {
	if from == nil {
		return false
	}
	if from.InternetFacing {
		return true
	}
	_, inside := e.Ix.Parent[from.ID]
	return Kind(from) == model.KindExternalEntity && !inside
}

// rbNetwork returns the innermost network trust boundary holding an element ("" when none).
func (e *Env) rbNetwork(id string) string {
	for _, p := range e.Ix.BoundaryChain(id) {
		if b := e.Ix.Boundaries[p]; b != nil && b.Type.Network() {
			return p
		}
	}
	return ""
}

// rbFlowName names a flow in a description: its name, or "from → to".
func (e *Env) rbFlowName(f *model.Flow) string {
	if f.Name != "" {
		return "'" + f.Name + "'"
	}
	return "'" + e.Name(f.From) + " → " + e.Name(f.To) + "'"
}

// rbImpact picks an impact from data ratings: high for top ratings, else
// medium for sensitive data, else low.
func rbImpact(r rbCIA, low, medium, high int) int {
	switch {
	case r.top():
		return high
	case r.sensitive():
		return medium
	}
	return low
}

// rbNames lists the display names of elements, comma separated.
func (e *Env) rbNames(ids []string) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ", "
		}
		out += e.Name(id)
	}
	return out
}
