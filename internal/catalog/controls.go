// Package catalog holds Rampart's reference catalogs: security controls,
// and the CWE, CAPEC and MITRE ATT&CK entries rules refer to.
package catalog

import "sort"

// Control is a catalog security control a model can reference by id.
type Control struct {
	ID          string
	Name        string
	Description string
	// Likelihood and Impact are the default steps (0..4) an implemented control lowers risk by.
	Likelihood int
	Impact     int
	// D3FEND is the matching MITRE D3FEND technique id, where one fits.
	D3FEND string
}

var controls = []Control{
	{"access-control", "Access control (least privilege)", "Authorisation checks on every request; each caller gets the least privilege it needs.", 1, 0, "D3-UAP"},
	{"admin-mfa", "MFA for administrators", "Administrative access requires a second authentication factor.", 2, 0, "D3-MFA"},
	{"antivirus", "Malware scanning", "Uploaded and stored files are scanned for malware.", 1, 0, "D3-FA"},
	{"audit-logging", "Audit logging", "Security-relevant actions are logged with who, what and when, to a store the actor cannot alter.", 1, 0, "D3-OAM"},
	{"backup", "Backups", "Regular, tested backups kept apart from the primary data.", 0, 2, ""},
	{"backup-encryption", "Encrypted backups", "Backups are encrypted with keys held apart from the backup store.", 1, 0, "D3-FE"},
	{"code-review", "Mandatory code review", "Every change is reviewed by a second person before merge.", 1, 0, ""},
	{"container-hardening", "Container hardening", "Containers run rootless, read-only, with dropped capabilities and seccomp/AppArmor profiles.", 1, 1, "D3-EHB"},
	{"cloud-hardening", "Cloud hardening", "Cloud accounts follow a hardening baseline (CIS benchmarks), checked continuously.", 1, 0, "D3-ACH"},
	{"csrf-token", "Anti-CSRF tokens", "State-changing requests carry an unpredictable token or SameSite cookies.", 2, 0, ""},
	{"ddos-protection", "DDoS protection", "Upstream filtering and scaling absorb volumetric attacks.", 1, 1, "D3-ITF"},
	{"dependency-scanning", "Dependency scanning (SCA)", "Third-party dependencies are inventoried (SBOM) and scanned for known vulnerabilities and malicious packages.", 1, 0, "D3-SCA"},
	{"encryption-at-rest", "Encryption at rest", "Stored data is encrypted with managed keys.", 1, 0, "D3-FE"},
	{"hardening", "System hardening", "Hosts and services follow a hardening baseline: minimal packages, secure defaults, patched.", 1, 0, "D3-AH"},
	{"idp-isolation", "Identity provider isolation", "Identity provider runs in its own segment with restricted access.", 1, 0, "D3-NI"},
	{"image-scanning", "Container image scanning", "Base and built images are scanned and come from trusted, pinned sources.", 1, 0, ""},
	{"input-validation", "Input validation", "Input is validated against an allow-list schema at the trust boundary.", 2, 0, "D3-IV"},
	{"ip-allowlist", "IP allow-listing", "Only known source addresses may connect.", 1, 0, "D3-ITF"},
	{"least-privilege", "Least-privilege service accounts", "Service identities hold only the permissions they need.", 1, 1, "D3-UAP"},
	{"llm-guardrails", "LLM guardrails", "Model input and output are treated as untrusted: instructions are kept apart from data, outputs are validated before use, and the model's tools and data access are limited to the caller's rights.", 1, 1, ""},
	{"log-redaction", "Log redaction", "Secrets and personal data are masked or dropped before log events leave the application.", 1, 1, ""},
	{"mfa", "Multi-factor authentication", "Users authenticate with a second factor.", 2, 0, "D3-MFA"},
	{"monitoring", "Security monitoring and alerting", "Logs and metrics feed detection rules that alert a responder.", 1, 1, "D3-NTA"},
	{"mtls", "Mutual TLS", "Both ends authenticate with certificates and the channel is encrypted.", 2, 0, "D3-MENCR"},
	{"network-segmentation", "Network segmentation", "Sensitive components sit in their own segment with deny-by-default rules.", 1, 1, "D3-NI"},
	{"output-encoding", "Output encoding", "Output is encoded for its context (HTML, JS, URL) and a Content-Security-Policy is set.", 2, 0, ""},
	{"parameterized-queries", "Parameterised queries", "Queries are built with bound parameters or a safe query builder, never string concatenation.", 2, 0, ""},
	{"privacy-controls", "Privacy controls", "Data minimisation, purpose limitation, retention limits and data-subject request handling.", 1, 1, ""},
	{"pseudonymization", "Pseudonymisation", "Personal identifiers are replaced with pseudonyms or tokens before data leaves the component that needs them.", 1, 1, ""},
	{"pull-deployment", "Pull-based deployment", "The runtime pulls signed releases (GitOps) instead of build servers pushing with credentials.", 1, 0, ""},
	{"rate-limiting", "Rate limiting", "Requests per client are limited and expensive operations throttled.", 1, 1, "D3-ITF"},
	{"redundancy", "Redundancy", "Replicas and failover keep the service up when one instance fails.", 0, 1, ""},
	{"runtime-isolation", "Runtime isolation", "Components of different trust levels or tiers run on separate hosts, clusters or node pools, or in strongly isolated sandboxes.", 1, 1, "D3-EI"},
	{"safe-deserialization", "Safe deserialisation", "Only data formats without code execution are accepted, or types are allow-listed.", 2, 0, ""},
	{"sast", "Static analysis (SAST)", "Code is scanned for vulnerabilities in CI.", 1, 0, ""},
	{"secret-scanning", "Secret scanning", "Repositories and build logs are scanned for committed secrets.", 1, 0, ""},
	{"secrets-vault", "Secrets vault", "Secrets are kept in a vault, injected at run time and rotated.", 2, 0, "D3-CH"},
	{"service-encapsulation", "Service encapsulation", "Sensitive components are reachable only through a guarding service, reverse proxy or API gateway, never directly from outside their segment.", 1, 0, ""},
	{"signed-artifacts", "Signed artifacts", "Build outputs are signed and signatures verified at deployment.", 2, 0, "D3-CBAN"},
	{"ssrf-protection", "SSRF protection", "Outbound requests go through an allow-list of destinations; metadata endpoints are blocked.", 2, 0, "D3-OTF"},
	{"tenant-isolation", "Tenant isolation", "Tenant data is kept apart (separate schemas, keys or row-level security) and every query is scoped to the caller's tenant.", 1, 0, ""},
	{"tls", "TLS in transit", "Traffic is encrypted with TLS 1.2+ and certificates are verified.", 2, 0, "D3-MENCR"},
	{"upload-validation", "Upload validation", "Uploaded files are checked for type, size and content and stored outside the web root.", 2, 0, ""},
	{"waf", "Web application firewall", "A WAF filters common web attacks in front of the application.", 1, 0, "D3-ITF"},
	{"xml-hardening", "Hardened XML parsing", "XML parsers have external entities and DTDs disabled.", 2, 0, ""},
}

var byID = func() map[string]*Control {
	m := make(map[string]*Control, len(controls))
	for i := range controls {
		m[controls[i].ID] = &controls[i]
	}
	return m
}()

// LookupControl returns the catalog control with the given id.
func LookupControl(id string) (*Control, bool) {
	c, ok := byID[id]
	return c, ok
}

// Controls returns every catalog control, sorted by id.
func Controls() []Control {
	out := append([]Control(nil), controls...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ControlIDs returns the ids of every catalog control, sorted.
func ControlIDs() []string {
	ids := make([]string, len(controls))
	for i, c := range Controls() {
		ids[i] = c.ID
	}
	return ids
}
