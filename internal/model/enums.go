package model

// Enumerated vocabularies of the model. Each named string type lists its
// allowed values through Values, which the loader uses to reject bad values
// with a "did you mean" hint and the JSON Schema generator uses for enums.

// Enum is implemented by every enumerated string type of the model.
type Enum interface {
	Values() []string
}

// Classification is the sensitivity of data or of a whole system. The four
// generic levels are complemented by the UK government scheme so that public
// sector teams can use their own words; each word maps onto a Level.
type Classification string

// Values lists the allowed classifications.
func (Classification) Values() []string {
	return []string{"public", "internal", "confidential", "restricted",
		"official", "official-sensitive", "secret", "top-secret"}
}

// Level orders classifications: 0 public, 1 internal, 2 confidential, 3 restricted.
func (c Classification) Level() int {
	switch c {
	case "internal", "official":
		return 1
	case "confidential", "official-sensitive":
		return 2
	case "restricted", "secret", "top-secret":
		return 3
	}
	return 0
}

// Rating is a CIA rating of a data asset (how bad a loss of that property is).
type Rating string

// Values lists the allowed ratings, lowest first.
func (Rating) Values() []string { return []string{"negligible", "low", "medium", "high", "critical"} }

// Score maps a rating onto 1..5; an empty rating counts as low (2).
func (r Rating) Score() int {
	switch r {
	case "negligible":
		return 1
	case "medium":
		return 3
	case "high":
		return 4
	case "critical":
		return 5
	}
	return 2
}

// Quantity is the rough number of records a data asset holds.
type Quantity string

// Values lists the allowed quantities.
func (Quantity) Values() []string { return []string{"very-few", "few", "many", "very-many"} }

// ComponentType is what a component is. Each type maps onto one of the three
// data-flow-diagram kinds through Kind.
type ComponentType string

// Values lists the allowed component types.
func (ComponentType) Values() []string {
	return []string{
		// processes
		"process", "web-application", "web-server", "api", "service", "serverless-function",
		"batch-job", "identity-provider", "load-balancer", "reverse-proxy", "api-gateway", "waf",
		"message-broker", "build-pipeline", "container-platform", "monitoring", "vault",
		"mobile-app", "desktop-app", "browser", "iot-device", "gateway",
		"llm", "ai-agent", "ai-tool", "training-pipeline",
		// data stores
		"datastore", "database", "cache", "file-storage", "object-storage", "queue",
		"search-index", "log-store", "source-repository", "artifact-registry", "identity-store",
		"vector-store", "model-registry", "dataset",
		// external entities
		"external-entity", "user", "third-party-service",
	}
}

// DFD element kinds.
const (
	KindProcess        = "process"
	KindDataStore      = "datastore"
	KindExternalEntity = "external-entity"
)

// Kind returns the data-flow-diagram kind of the component type.
func (t ComponentType) Kind() string {
	switch t {
	case "datastore", "database", "cache", "file-storage", "object-storage", "queue",
		"search-index", "log-store", "source-repository", "artifact-registry", "identity-store",
		"vector-store", "model-registry", "dataset":
		return KindDataStore
	case "external-entity", "user", "third-party-service":
		return KindExternalEntity
	}
	return KindProcess
}

// Hosting is where a component runs.
type Hosting string

// Values lists the allowed hosting kinds.
func (Hosting) Values() []string {
	return []string{"on-premises", "cloud-iaas", "cloud-paas", "cloud-saas", "container",
		"serverless", "edge", "device", "external"}
}

// Authentication is how a caller proves who it is, to a component or on a flow.
type Authentication string

// Values lists the allowed authentication mechanisms.
func (Authentication) Values() []string {
	return []string{"none", "password", "session", "token", "jwt", "oauth2", "oidc", "saml",
		"api-key", "client-certificate", "mtls", "mfa", "kerberos", "iam-role"}
}

// Strong reports whether the mechanism is more than a shared secret.
func (a Authentication) Strong() bool {
	switch a {
	case "mfa", "client-certificate", "mtls", "kerberos", "iam-role":
		return true
	}
	return false
}

// Authorization is how a flow's target decides what the caller may do.
type Authorization string

// Values lists the allowed authorization kinds.
func (Authorization) Values() []string {
	return []string{"none", "technical-user", "enduser", "rbac", "abac"}
}

// Encryption is the protection of a flow in transit.
type Encryption string

// Values lists the allowed transport encryptions.
func (Encryption) Values() []string {
	return []string{"none", "tls", "mtls", "vpn", "ssh", "application"}
}

// AtRest is the protection of stored data.
type AtRest string

// Values lists the allowed encryption-at-rest kinds.
func (AtRest) Values() []string { return []string{"none", "platform", "application", "customer-key"} }

// Protocol is the wire protocol of a flow.
type Protocol string

// Values lists the allowed protocols.
func (Protocol) Values() []string {
	return []string{"http", "https", "ws", "wss", "grpc", "grpcs", "graphql", "soap",
		"mqtt", "mqtts", "amqp", "amqps", "kafka", "jdbc", "odbc", "sql", "redis", "mongodb",
		"ldap", "ldaps", "smtp", "smtps", "ftp", "sftp", "ssh", "nfs", "smb", "s3", "syslog",
		"dns", "tcp", "udp", "coap", "in-process", "local-file", "ipc", "other"}
}

// Encrypted reports whether the protocol itself always encrypts.
func (p Protocol) Encrypted() bool {
	switch p {
	case "https", "wss", "grpcs", "mqtts", "amqps", "ldaps", "smtps", "sftp", "ssh":
		return true
	}
	return false
}

// Web reports whether the protocol carries HTTP semantics.
func (p Protocol) Web() bool {
	switch p {
	case "http", "https", "ws", "wss", "graphql", "soap", "grpc", "grpcs":
		return true
	}
	return false
}

// DataFormat is a format a component accepts as input.
type DataFormat string

// Values lists the allowed data formats.
func (DataFormat) Values() []string {
	return []string{"json", "xml", "yaml", "csv", "serialization", "file", "html", "binary"}
}

// Usage is what a flow is for.
type Usage string

// Values lists the allowed usages.
func (Usage) Values() []string { return []string{"business", "devops"} }

// BoundaryType is the kind of a trust boundary.
type BoundaryType string

// Values lists the allowed trust boundary types.
func (BoundaryType) Values() []string {
	return []string{"network-segment", "network-on-premises", "cloud-account", "vpc",
		"security-group", "container", "execution-environment", "physical", "organisation"}
}

// Network reports whether the boundary separates networks (as opposed to
// execution environments inside one host).
func (b BoundaryType) Network() bool {
	return b != "container" && b != "execution-environment"
}

// ControlStatus is whether a control exists yet.
type ControlStatus string

// Values lists the allowed control states.
func (ControlStatus) Values() []string { return []string{"planned", "implemented"} }

// STRIDE is one STRIDE threat category.
type STRIDE string

// The six STRIDE categories.
const (
	Spoofing              STRIDE = "spoofing"
	Tampering             STRIDE = "tampering"
	Repudiation           STRIDE = "repudiation"
	InformationDisclosure STRIDE = "information-disclosure"
	DenialOfService       STRIDE = "denial-of-service"
	ElevationOfPrivilege  STRIDE = "elevation-of-privilege"
)

// Values lists the STRIDE categories.
func (STRIDE) Values() []string {
	return []string{string(Spoofing), string(Tampering), string(Repudiation),
		string(InformationDisclosure), string(DenialOfService), string(ElevationOfPrivilege)}
}

// LINDDUN is one LINDDUN privacy threat category.
type LINDDUN string

// The seven LINDDUN categories.
const (
	Linking        LINDDUN = "linking"
	Identifying    LINDDUN = "identifying"
	NonRepudiation LINDDUN = "non-repudiation"
	Detecting      LINDDUN = "detecting"
	DataDisclosure LINDDUN = "data-disclosure"
	Unawareness    LINDDUN = "unawareness"
	NonCompliance  LINDDUN = "non-compliance"
)

// Values lists the LINDDUN categories.
func (LINDDUN) Values() []string {
	return []string{string(Linking), string(Identifying), string(NonRepudiation), string(Detecting),
		string(DataDisclosure), string(Unawareness), string(NonCompliance)}
}

// Methodology is a threat-modelling methodology whose rules analysis runs.
type Methodology string

// The methodologies.
const (
	MethodSTRIDE  Methodology = "stride"
	MethodLINDDUN Methodology = "linddun"
)

// Values lists the methodologies.
func (Methodology) Values() []string { return []string{string(MethodSTRIDE), string(MethodLINDDUN)} }

// Severity is a risk band.
type Severity string

// Values lists the severities, lowest first.
func (Severity) Values() []string { return []string{"low", "medium", "high", "critical"} }

// Rank orders severities 1..4; an empty or unknown severity ranks 0.
func (s Severity) Rank() int {
	for i, v := range s.Values() {
		if string(s) == v {
			return i + 1
		}
	}
	return 0
}

// TreatmentStatus is the register state of one threat.
type TreatmentStatus string

// Values lists the allowed treatment states.
func (TreatmentStatus) Values() []string {
	return []string{"open", "mitigating", "mitigated", "accepted", "transferred", "avoided", "false-positive"}
}

// Closed reports whether the status takes the threat out of the open risk
// (an accepted risk still counts against appetite only once its acceptance expires).
func (s TreatmentStatus) Closed() bool {
	switch s {
	case "mitigated", "accepted", "transferred", "avoided", "false-positive":
		return true
	}
	return false
}
