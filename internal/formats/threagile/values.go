package threagile

import (
	"sort"

	"github.com/rampart-sec/rampart/internal/model"
)

// Threagile's enumerated values and how they map onto Rampart's. Each
// table lists every value Threagile's schema allows; a value marked
// approximate has no exact Rampart counterpart and is reported when
// imported or exported.

// mapped is a Rampart value with a note saying whether it is exact.
type mapped struct {
	to     string
	approx bool
	// tls marks "-encrypted" protocol variants whose Rampart protocol does
	// not itself imply encryption: the flow gets encryption tls.
	tls bool
}

func keysOf[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var (
	usages       = []string{"business", "devops"}
	quantities   = []string{"very-few", "few", "many", "very-many"}
	sizes        = []string{"system", "service", "application", "component"}
	machines     = []string{"physical", "virtual", "container", "serverless"}
	assetTypes   = []string{"external-entity", "process", "datastore"}
	criticality  = []string{"archive", "operational", "important", "critical", "mission-critical"}
	functions    = []string{"business-side", "architecture", "development", "operations"}
	severities   = []string{"low", "medium", "elevated", "high", "critical"}
	likelihoods  = []string{"unlikely", "likely", "very-likely", "frequent"}
	impacts      = []string{"low", "medium", "high", "very-high"}
	breachProbs  = []string{"improbable", "possible", "probable"}
	riskStatuses = []string{"unchecked", "in-discussion", "accepted", "in-progress", "mitigated", "false-positive"}
)

// confidentiality maps Threagile's five confidentiality levels onto a
// Rampart classification (aligned so that Threagile's "confidential and
// above" is Rampart's "sensitive") and a CIA rating that keeps all five.
var confidentiality = map[string]struct {
	class  model.Classification
	rating model.Rating
}{
	"public":                {"public", "negligible"},
	"internal":              {"internal", "low"},
	"restricted":            {"internal", "medium"},
	"confidential":          {"confidential", "high"},
	"strictly-confidential": {"restricted", "critical"},
}

// criticalityRating maps Threagile's integrity/availability levels onto ratings.
var criticalityRating = map[string]model.Rating{
	"archive": "negligible", "operational": "low", "important": "medium", "critical": "high", "mission-critical": "critical",
}

// technologies maps each Threagile technology onto a Rampart component type.
// The type is used when its DFD kind agrees with the asset's Threagile type.
var technologies = map[string]model.ComponentType{
	"unknown-technology":       "process",
	"client-system":            "desktop-app",
	"browser":                  "browser",
	"desktop":                  "desktop-app",
	"mobile-app":               "mobile-app",
	"devops-client":            "desktop-app",
	"web-server":               "web-server",
	"web-application":          "web-application",
	"application-server":       "service",
	"database":                 "database",
	"file-server":              "file-storage",
	"local-file-system":        "file-storage",
	"erp":                      "service",
	"cms":                      "web-application",
	"web-service-rest":         "api",
	"web-service-soap":         "api",
	"ejb":                      "service",
	"search-index":             "search-index",
	"search-engine":            "service",
	"service-registry":         "service",
	"reverse-proxy":            "reverse-proxy",
	"load-balancer":            "load-balancer",
	"build-pipeline":           "build-pipeline",
	"sourcecode-repository":    "source-repository",
	"artifact-registry":        "artifact-registry",
	"code-inspection-platform": "service",
	"monitoring":               "monitoring",
	"ldap-server":              "identity-store",
	"container-platform":       "container-platform",
	"batch-processing":         "batch-job",
	"event-listener":           "service",
	"identity-provider":        "identity-provider",
	"identity-store-ldap":      "identity-store",
	"identity-store-database":  "identity-store",
	"tool":                     "process",
	"cli":                      "process",
	"task":                     "batch-job",
	"function":                 "serverless-function",
	"gateway":                  "gateway",
	"iot-device":               "iot-device",
	"message-queue":            "message-broker",
	"stream-processing":        "service",
	"service-mesh":             "service",
	"data-lake":                "object-storage",
	"report-engine":            "service",
	"ai":                       "service",
	"mail-server":              "service",
	"vault":                    "vault",
	"hsm":                      "vault",
	"waf":                      "waf",
	"ids":                      "monitoring",
	"ips":                      "monitoring",
	"scheduler":                "batch-job",
	"mainframe":                "service",
	"block-storage":            "file-storage",
	"library":                  "process",
	"big-data-platform":        "object-storage",
}

// datastoreTech maps technologies onto a data-store type for assets that
// Threagile types as datastore while the technology names a process.
var datastoreTech = map[string]model.ComponentType{
	"message-queue":      "queue",
	"ldap-server":        "identity-store",
	"search-engine":      "search-index",
	"build-pipeline":     "artifact-registry",
	"container-platform": "artifact-registry",
	"vault":              "datastore",
}

// componentType picks the Rampart type for a Threagile asset type and technology.
func componentType(assetType, tech string, human bool) model.ComponentType {
	t := technologies[tech]
	kind := map[string]string{"external-entity": model.KindExternalEntity, "process": model.KindProcess, "datastore": model.KindDataStore}[assetType]
	if t != "" && t.Kind() == kind {
		return t
	}
	switch assetType {
	case "datastore":
		if dt, ok := datastoreTech[tech]; ok {
			return dt
		}
		return "datastore"
	case "external-entity":
		if human {
			return "user"
		}
		return "external-entity"
	}
	return "process"
}

// typeTech maps Rampart component types back onto Threagile technologies;
// approx marks types Threagile has no technology for.
var typeTech = map[model.ComponentType]mapped{
	"process": {to: "unknown-technology", approx: true}, "web-application": {to: "web-application"},
	"web-server": {to: "web-server"}, "api": {to: "web-service-rest"}, "service": {to: "application-server"},
	"serverless-function": {to: "function"}, "batch-job": {to: "batch-processing"},
	"identity-provider": {to: "identity-provider"}, "load-balancer": {to: "load-balancer"},
	"reverse-proxy": {to: "reverse-proxy"}, "api-gateway": {to: "gateway", approx: true}, "waf": {to: "waf"},
	"message-broker": {to: "message-queue"}, "build-pipeline": {to: "build-pipeline"},
	"container-platform": {to: "container-platform"}, "monitoring": {to: "monitoring"}, "vault": {to: "vault"},
	"mobile-app": {to: "mobile-app"}, "desktop-app": {to: "desktop"}, "browser": {to: "browser"},
	"iot-device": {to: "iot-device"}, "gateway": {to: "gateway"},
	"datastore": {to: "database", approx: true}, "database": {to: "database"}, "cache": {to: "database", approx: true},
	"file-storage": {to: "file-server"}, "object-storage": {to: "data-lake", approx: true}, "queue": {to: "message-queue"},
	"search-index": {to: "search-index"}, "log-store": {to: "database", approx: true},
	"source-repository": {to: "sourcecode-repository"}, "artifact-registry": {to: "artifact-registry"},
	"identity-store":  {to: "identity-store-database", approx: true},
	"external-entity": {to: "unknown-technology", approx: true}, "user": {to: "client-system", approx: true},
	"third-party-service": {to: "unknown-technology", approx: true},
}

// technologyOf is the Threagile technology for a Rampart component: its
// technology text when that names a Threagile technology, else one derived
// from its type. The flag reports whether the result is exact.
func technologyOf(c *model.Component) (string, bool) {
	if _, ok := technologies[c.Technology]; ok {
		return c.Technology, true
	}
	if t, ok := typeTech[c.Type]; ok {
		return t.to, !t.approx && c.Technology == ""
	}
	return "unknown-technology", false
}

// protocols maps Threagile protocols onto Rampart protocols.
var protocols = map[string]mapped{
	"unknown-protocol":                     {to: "other", approx: true},
	"http":                                 {to: "http"},
	"https":                                {to: "https"},
	"ws":                                   {to: "ws"},
	"wss":                                  {to: "wss"},
	"reverse-proxy-web-protocol":           {to: "http", approx: true},
	"reverse-proxy-web-protocol-encrypted": {to: "https", approx: true},
	"mqtt":                                 {to: "mqtt"},
	"jdbc":                                 {to: "jdbc"},
	"jdbc-encrypted":                       {to: "jdbc", tls: true},
	"odbc":                                 {to: "odbc"},
	"odbc-encrypted":                       {to: "odbc", tls: true},
	"sql-access-protocol":                  {to: "sql"},
	"sql-access-protocol-encrypted":        {to: "sql", tls: true},
	"nosql-access-protocol":                {to: "mongodb", approx: true},
	"nosql-access-protocol-encrypted":      {to: "mongodb", tls: true, approx: true},
	"binary":                               {to: "tcp"},
	"binary-encrypted":                     {to: "tcp", tls: true},
	"text":                                 {to: "tcp", approx: true},
	"text-encrypted":                       {to: "tcp", tls: true, approx: true},
	"ssh":                                  {to: "ssh"},
	"ssh-tunnel":                           {to: "ssh", approx: true},
	"smtp":                                 {to: "smtp"},
	"smtp-encrypted":                       {to: "smtps"},
	"pop3":                                 {to: "other", approx: true},
	"pop3-encrypted":                       {to: "other", tls: true, approx: true},
	"imap":                                 {to: "other", approx: true},
	"imap-encrypted":                       {to: "other", tls: true, approx: true},
	"ftp":                                  {to: "ftp"},
	"ftps":                                 {to: "ftp", tls: true},
	"sftp":                                 {to: "sftp"},
	"scp":                                  {to: "ssh", approx: true},
	"ldap":                                 {to: "ldap"},
	"ldaps":                                {to: "ldaps"},
	"jms":                                  {to: "other", approx: true},
	"nfs":                                  {to: "nfs"},
	"smb":                                  {to: "smb"},
	"smb-encrypted":                        {to: "smb", tls: true},
	"local-file-access":                    {to: "local-file"},
	"nrpe":                                 {to: "tcp", approx: true},
	"xmpp":                                 {to: "tcp", approx: true},
	"iiop":                                 {to: "tcp", approx: true},
	"iiop-encrypted":                       {to: "tcp", tls: true, approx: true},
	"jrmp":                                 {to: "tcp", approx: true},
	"jrmp-encrypted":                       {to: "tcp", tls: true, approx: true},
	"in-process-library-call":              {to: "in-process"},
	"container-spawning":                   {to: "ipc", approx: true},
}

// protocolOut maps a Rampart protocol onto Threagile's plain and encrypted variants.
var protocolOut = map[model.Protocol][2]string{
	"http": {"http", "https"}, "https": {"https", "https"}, "ws": {"ws", "wss"}, "wss": {"wss", "wss"},
	"grpc": {"binary", "binary-encrypted"}, "grpcs": {"binary-encrypted", "binary-encrypted"},
	"graphql": {"http", "https"}, "soap": {"http", "https"},
	"mqtt": {"mqtt", "mqtt"}, "mqtts": {"mqtt", "mqtt"},
	"amqp": {"binary", "binary-encrypted"}, "amqps": {"binary-encrypted", "binary-encrypted"},
	"kafka": {"binary", "binary-encrypted"},
	"jdbc":  {"jdbc", "jdbc-encrypted"}, "odbc": {"odbc", "odbc-encrypted"},
	"sql":   {"sql-access-protocol", "sql-access-protocol-encrypted"},
	"redis": {"nosql-access-protocol", "nosql-access-protocol-encrypted"}, "mongodb": {"nosql-access-protocol", "nosql-access-protocol-encrypted"},
	"ldap": {"ldap", "ldaps"}, "ldaps": {"ldaps", "ldaps"},
	"smtp": {"smtp", "smtp-encrypted"}, "smtps": {"smtp-encrypted", "smtp-encrypted"},
	"ftp": {"ftp", "ftps"}, "sftp": {"sftp", "sftp"}, "ssh": {"ssh", "ssh"},
	"nfs": {"nfs", "nfs"}, "smb": {"smb", "smb-encrypted"}, "s3": {"https", "https"},
	"syslog": {"text", "text-encrypted"}, "dns": {"binary", "binary-encrypted"},
	"tcp": {"binary", "binary-encrypted"}, "udp": {"binary", "binary-encrypted"}, "coap": {"binary", "binary-encrypted"},
	"in-process": {"in-process-library-call", "in-process-library-call"},
	"local-file": {"local-file-access", "local-file-access"},
	"ipc":        {"in-process-library-call", "in-process-library-call"},
	"other":      {"unknown-protocol", "unknown-protocol"},
}

// exactOut lists the Rampart protocols whose Threagile counterpart is exact.
var exactOut = map[model.Protocol]bool{"http": true, "https": true, "ws": true, "wss": true, "mqtt": true, "jdbc": true,
	"odbc": true, "sql": true, "ldap": true, "ldaps": true, "smtp": true, "smtps": true, "ftp": true, "sftp": true, "ssh": true,
	"nfs": true, "smb": true, "tcp": true, "in-process": true, "local-file": true}

// authentications maps Threagile link authentication onto Rampart.
var authentications = map[string]mapped{
	"none":               {to: "none"},
	"credentials":        {to: "password"},
	"session-id":         {to: "session"},
	"token":              {to: "token"},
	"client-certificate": {to: "client-certificate"},
	"two-factor":         {to: "mfa"},
	"externalized":       {to: "oidc", approx: true},
}

// authenticationOut maps Rampart authentication onto Threagile.
var authenticationOut = map[model.Authentication]mapped{
	"": {to: "none"}, "none": {to: "none"}, "password": {to: "credentials"}, "session": {to: "session-id"},
	"token": {to: "token"}, "jwt": {to: "token", approx: true}, "oauth2": {to: "token", approx: true},
	"oidc": {to: "externalized", approx: true}, "saml": {to: "externalized", approx: true}, "api-key": {to: "token", approx: true},
	"client-certificate": {to: "client-certificate"}, "mtls": {to: "client-certificate", approx: true},
	"mfa": {to: "two-factor"}, "kerberos": {to: "token", approx: true}, "iam-role": {to: "token", approx: true},
}

// authorizations maps Threagile link authorization onto Rampart; Threagile
// has spelt end-user identity propagation both ways over its versions.
var authorizations = map[string]mapped{
	"none":                          {to: "none"},
	"technical-user":                {to: "technical-user"},
	"end-user-identity-propagation": {to: "enduser"},
	"enduser-identity-propagation":  {to: "enduser"},
}

var authorizationOut = map[model.Authorization]mapped{
	"": {to: "none"}, "none": {to: "none"}, "technical-user": {to: "technical-user"},
	"enduser": {to: "end-user-identity-propagation"}, "rbac": {to: "end-user-identity-propagation", approx: true},
	"abac": {to: "end-user-identity-propagation", approx: true},
}

// encryptions maps a technical asset's encryption onto encryption at rest.
var encryptions = map[string]mapped{
	"none":                              {to: "none"},
	"transparent":                       {to: "platform"},
	"data-with-symmetric-shared-key":    {to: "application"},
	"data-with-asymmetric-shared-key":   {to: "application", approx: true},
	"data-with-enduser-individual-key":  {to: "customer-key"},
	"data-with-end-user-individual-key": {to: "customer-key"},
}

var encryptionOut = map[model.AtRest]string{
	"": "none", "none": "none", "platform": "transparent", "application": "data-with-symmetric-shared-key",
	"customer-key": "data-with-end-user-individual-key",
}

// boundaryTypes maps Threagile trust boundary types onto Rampart's.
var boundaryTypes = map[string]mapped{
	"network-on-prem":                    {to: "network-on-premises"},
	"network-dedicated-hoster":           {to: "network-segment", approx: true},
	"network-virtual-lan":                {to: "network-segment"},
	"network-cloud-provider":             {to: "cloud-account"},
	"network-cloud-security-group":       {to: "security-group"},
	"network-policy-namespace-isolation": {to: "network-segment", approx: true},
	"execution-environment":              {to: "execution-environment"},
}

var boundaryOut = map[model.BoundaryType]mapped{
	"network-segment": {to: "network-virtual-lan"}, "network-on-premises": {to: "network-on-prem"},
	"cloud-account": {to: "network-cloud-provider"}, "vpc": {to: "network-cloud-provider", approx: true},
	"security-group": {to: "network-cloud-security-group"}, "container": {to: "network-policy-namespace-isolation", approx: true},
	"execution-environment": {to: "execution-environment"}, "physical": {to: "network-dedicated-hoster", approx: true},
	"organisation": {to: "network-on-prem", approx: true},
}

// statuses maps Threagile risk tracking statuses onto treatment statuses.
var statuses = map[string]mapped{
	"unchecked":      {to: "open"},
	"in-discussion":  {to: "open", approx: true},
	"accepted":       {to: "accepted"},
	"in-progress":    {to: "mitigating"},
	"mitigated":      {to: "mitigated"},
	"false-positive": {to: "false-positive"},
}

var statusOut = map[model.TreatmentStatus]mapped{
	"open": {to: "unchecked"}, "mitigating": {to: "in-progress"}, "mitigated": {to: "mitigated"},
	"accepted": {to: "accepted"}, "transferred": {to: "accepted", approx: true}, "avoided": {to: "mitigated", approx: true},
	"false-positive": {to: "false-positive"},
}

// likelihoodScore and impactScore map individual risk ratings onto 1..5.
var likelihoodScore = map[string]int{"unlikely": 2, "likely": 3, "very-likely": 4, "frequent": 5}
var impactScore = map[string]int{"low": 2, "medium": 3, "high": 4, "very-high": 5}

// ratingOut maps a Rampart CIA rating back onto Threagile criticality.
var ratingOut = map[model.Rating]string{
	"negligible": "archive", "low": "operational", "medium": "important", "high": "critical", "critical": "mission-critical",
}

// confidentialityOut maps a rating (preferred) or classification back.
var confidentialityRatingOut = map[model.Rating]string{
	"negligible": "public", "low": "internal", "medium": "restricted", "high": "confidential", "critical": "strictly-confidential",
}

var classificationOut = map[int]string{0: "public", 1: "internal", 2: "confidential", 3: "strictly-confidential"}

// Sorted value lists of the vocabularies, for messages and checks.
var (
	confidentialityValues = keysOf(confidentiality)
	technologiesValues    = keysOf(technologies)
	encryptionsValues     = keysOf(encryptions)
	protocolsValues       = keysOf(protocols)
	authenticationsValues = keysOf(authentications)
	authorizationsValues  = keysOf(authorizations)
	boundaryTypesValues   = keysOf(boundaryTypes)
)

// technologyAliases are the other names current Threagile versions accept
// for technologies; the importer writes the canonical name.
var technologyAliases = map[string]string{
	"artificial-intelligence": "ai", "machine-learning": "ai", "deep-learning": "ai", "neural-network": "ai", "ml": "ai", "dl": "ai",
	"app-server": "application-server", "san": "block-storage", "web-browser": "browser", "ci": "build-pipeline",
	"continuous-integration": "build-pipeline", "client": "client-system", "command-line": "cli", "command-line-tool": "cli",
	"command-line-interface": "cli", "content-management-system": "cms", "code-inspection": "code-inspection-platform",
	"code-analysis": "code-inspection-platform", "container": "container-platform", "docker": "container-platform",
	"kubernetes": "container-platform", "db": "database", "desktop-system": "desktop", "enterprise-java-beans": "ejb",
	"enterprise-resource-planning": "erp", "file-storage": "file-server", "hardware-security-module": "hsm",
	"idp": "identity-provider", "identity-store": "identity-store-database", "intrusion-detection-system": "ids", "iot": "iot-device",
	"intrusion-prevention-system": "ips", "ldap": "ldap-server", "lb": "load-balancer", "local-storage": "local-file-system",
	"email-server": "mail-server", "mq": "message-queue", "siem": "monitoring", "reporting": "report-engine", "cron": "scheduler",
	"service-discovery": "service-registry", "git": "sourcecode-repository", "job": "task", "utility": "tool",
	"unknown": "unknown-technology", "hashicorp-vault": "vault", "web-application-firewall": "waf", "web-app": "web-application",
	"rest-api": "web-service-rest", "soap-api": "web-service-soap", "big-data": "big-data-platform",
}
