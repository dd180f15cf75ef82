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
	{"account-recovery", "Secure account recovery", "Recovery sends single-use, short-lived reset links to a verified channel, asks for the second factor where one is enrolled, gives the same answer whether or not the account exists, and tells the owner.", 1, 0, ""},
	{"admin-mfa", "MFA for administrators", "Administrative access requires a second authentication factor.", 2, 0, "D3-MFA"},
	{"answer-grounding", "Grounded answers", "Model answers cite the retrieved sources they rest on, unsupported claims are flagged, and answers that decide something for a person are reviewed.", 1, 1, ""},
	{"anti-framing", "Anti-framing headers", "Pages send Content-Security-Policy frame-ancestors (or X-Frame-Options) so other sites cannot frame them.", 2, 0, ""},
	{"antivirus", "Malware scanning", "Uploaded and stored files are scanned for malware.", 1, 0, "D3-FA"},
	{"app-hardening", "Mobile app hardening", "The app is obfuscated, detects tampering and debugging, and holds no secret that unlocks the back end on its own.", 1, 0, "D3-AH"},
	{"audit-logging", "Audit logging", "Security-relevant actions are logged with who, what and when, to a store the actor cannot alter.", 1, 0, "D3-OAM"},
	{"backup", "Backups", "Regular, tested backups kept apart from the primary data.", 0, 2, ""},
	{"backup-encryption", "Encrypted backups", "Backups are encrypted with keys held apart from the backup store.", 1, 0, "D3-FE"},
	{"certificate-pinning", "Certificate pinning", "The client accepts only the back end's own certificate or key, not any certificate a device trusts.", 1, 0, "D3-CP"},
	{"cloud-audit-logging", "Cloud audit logging", "Control-plane audit logs (who changed which resource) are on in every account and region and kept where the account's admins cannot delete them.", 1, 1, "D3-OAM"},
	{"cloud-hardening", "Cloud hardening", "Cloud accounts follow a hardening baseline (CIS benchmarks), checked continuously.", 1, 0, "D3-ACH"},
	{"code-review", "Mandatory code review", "Every change is reviewed by a second person before merge.", 1, 0, ""},
	{"consent-management", "Consent and transparency", "People are told what is collected and why at the point of collection, and consent is recorded and can be withdrawn where it is the legal basis.", 1, 1, ""},
	{"container-hardening", "Container hardening", "Containers run rootless, read-only, with dropped capabilities and seccomp/AppArmor profiles.", 1, 1, "D3-EHB"},
	{"cors-allowlist", "Strict CORS policy", "Cross-origin requests are allowed only from listed origins; credentials are never allowed with a wildcard or a reflected origin.", 2, 0, ""},
	{"csrf-token", "Anti-CSRF tokens", "State-changing requests carry an unpredictable token or SameSite cookies.", 2, 0, ""},
	{"data-processing-agreement", "Data processing agreements", "Each processor of personal data is bound by a data processing agreement, and transfers outside the jurisdiction rest on a recorded legal basis.", 1, 1, ""},
	{"data-provenance", "Data provenance and validation", "Content that trains, tunes or grounds a model comes from recorded, trusted sources, is validated before use and can be traced and removed.", 1, 1, "D3-CV"},
	{"data-retention", "Retention limits", "Personal data is deleted or anonymised when its retention period ends, and the periods are recorded per purpose.", 1, 1, ""},
	{"ddos-protection", "DDoS protection", "Upstream filtering and scaling absorb volumetric attacks.", 1, 1, "D3-ITF"},
	{"dead-letter-queue", "Dead-letter queue", "Redelivery of a failing message is limited; messages that keep failing move to a monitored dead-letter queue.", 1, 0, ""},
	{"dependency-scanning", "Dependency scanning (SCA)", "Third-party dependencies are inventoried (SBOM) and scanned for known vulnerabilities and malicious packages.", 1, 0, "D3-SCA"},
	{"device-integrity", "Device integrity checks", "The app checks for rooted or jailbroken devices and hooking frameworks, and the back end verifies platform attestation before trusting it.", 1, 0, ""},
	{"drift-detection", "Infrastructure drift detection", "Infrastructure is defined as code and the live configuration is compared with it continuously; changes outside the pipeline alert.", 1, 0, "D3-CI"},
	{"encryption-at-rest", "Encryption at rest", "Stored data is encrypted with managed keys.", 1, 0, "D3-FE"},
	{"ephemeral-runners", "Ephemeral CI runners", "Each build runs on a fresh, isolated runner that is destroyed afterwards; untrusted branches never run on runners holding deployment credentials.", 1, 1, "D3-EI"},
	{"generic-errors", "Generic error responses", "Errors shown to callers carry a reference id only; stack traces, queries and versions go to logs.", 1, 0, ""},
	{"hardening", "System hardening", "Hosts and services follow a hardening baseline: minimal packages, secure defaults, patched.", 1, 0, "D3-AH"},
	{"hsts", "HTTP Strict Transport Security", "Pages and APIs send Strict-Transport-Security with a long max-age, so browsers never fall back to plain HTTP.", 2, 0, ""},
	{"http-normalization", "Request normalisation", "Front ends and back ends parse requests the same way: ambiguous requests (conflicting Content-Length and Transfer-Encoding, malformed headers) are rejected, HTTP/2 end to end where possible.", 2, 0, ""},
	{"human-approval", "Human approval of actions", "Actions an AI agent proposes that change data, spend money or send data out of the system run only after a person confirms them.", 2, 1, ""},
	{"idp-isolation", "Identity provider isolation", "Identity provider runs in its own segment with restricted access.", 1, 0, "D3-NI"},
	{"image-scanning", "Container image scanning", "Base and built images are scanned and come from trusted, pinned sources.", 1, 0, ""},
	{"immutable-backups", "Immutable, isolated backups", "Backups are written to a separate account with object lock or write-once storage, encrypted, and restore credentials are kept apart from production.", 1, 1, "D3-FE"},
	{"input-validation", "Input validation", "Input is validated against an allow-list schema at the trust boundary.", 2, 0, "D3-CV"},
	{"ip-allowlist", "IP allow-listing", "Only known source addresses may connect.", 1, 0, "D3-ITF"},
	{"key-rotation", "Key rotation", "Encryption keys and signing keys are rotated on a schedule and on suspicion of compromise, with old keys revoked.", 1, 0, "D3-CRO"},
	{"least-privilege", "Least-privilege service accounts", "Service identities hold only the permissions they need.", 1, 1, "D3-UAP"},
	{"llm-guardrails", "LLM guardrails", "Model input and output are treated as untrusted: instructions are kept apart from data, outputs are validated before use, and the model's tools and data access are limited to the caller's rights.", 1, 1, ""},
	{"log-redaction", "Log redaction", "Secrets and personal data are masked or dropped before log events leave the application.", 1, 1, ""},
	{"login-protection", "Login abuse protection", "Sign-in is rate-limited per account and per source, locks or slows down after repeated failures, and checks passwords against breached lists.", 2, 0, "D3-AL"},
	{"mfa", "Multi-factor authentication", "Users authenticate with a second factor.", 2, 0, "D3-MFA"},
	{"monitoring", "Security monitoring and alerting", "Logs and metrics feed detection rules that alert a responder.", 1, 1, "D3-NTA"},
	{"mtls", "Mutual TLS", "Both ends authenticate with certificates and the channel is encrypted.", 2, 0, "D3-MENCR"},
	{"network-segmentation", "Network segmentation", "Sensitive components sit in their own segment with deny-by-default rules.", 1, 1, "D3-NI"},
	{"output-encoding", "Output encoding", "Output is encoded for its context (HTML, JS, URL) and a Content-Security-Policy is set.", 2, 0, ""},
	{"package-scoping", "Scoped, pinned package sources", "Builds resolve internal package names only from the internal registry (scoped names, registry per scope), with versions pinned by lock files and hashes.", 2, 0, "D3-SWI"},
	{"parameterized-queries", "Parameterised queries", "Queries are built with bound parameters or a safe query builder, never string concatenation.", 2, 0, ""},
	{"password-hashing", "Password hashing", "Passwords are stored only as salted hashes of a slow, memory-hard function (argon2id, scrypt or bcrypt).", 1, 2, "D3-CH"},
	{"privacy-controls", "Privacy controls", "Data minimisation, purpose limitation, retention limits and data-subject request handling.", 1, 1, ""},
	{"pseudonymization", "Pseudonymisation", "Personal identifiers are replaced with pseudonyms or tokens before data leaves the component that needs them.", 1, 1, ""},
	{"public-access-block", "Public access block", "Storage accounts and buckets block public access at the account level; access is granted only to named identities.", 2, 0, "D3-LFP"},
	{"pull-deployment", "Pull-based deployment", "The runtime pulls signed releases (GitOps) instead of build servers pushing with credentials.", 1, 0, ""},
	{"rate-limiting", "Rate limiting", "Requests per client are limited and expensive operations throttled.", 1, 1, "D3-ITF"},
	{"redirect-allowlist", "Redirect allow-list", "Redirect and return URLs are checked against a list of the system's own addresses; OAuth redirect URIs are registered exactly.", 2, 0, ""},
	{"redundancy", "Redundancy", "Replicas and failover keep the service up when one instance fails.", 0, 1, ""},
	{"restore-testing", "Tested restores", "Restores from backup are rehearsed on a schedule and the time they take is compared with the recovery objectives.", 0, 1, "D3-RD"},
	{"runtime-isolation", "Runtime isolation", "Components of different trust levels or tiers run on separate hosts, clusters or node pools, or in strongly isolated sandboxes.", 1, 1, "D3-EI"},
	{"safe-deserialization", "Safe deserialisation", "Only data formats without code execution are accepted, or types are allow-listed.", 2, 0, ""},
	{"sast", "Static analysis (SAST)", "Code is scanned for vulnerabilities in CI.", 1, 0, ""},
	{"script-integrity", "Third-party script integrity", "Pages load only listed scripts, pinned with Subresource Integrity, under a strict Content-Security-Policy; payment fields are isolated in the provider's frames and script changes on sensitive pages alert.", 2, 0, ""},
	{"secret-scanning", "Secret scanning", "Repositories and build logs are scanned for committed secrets.", 1, 0, ""},
	{"secrets-vault", "Secrets vault", "Secrets are kept in a vault, injected at run time and rotated.", 2, 0, "D3-CH"},
	{"secure-token-storage", "Tokens out of script reach", "Session tokens live in HttpOnly, Secure, SameSite cookies or a back end for the front end, never in localStorage or sessionStorage.", 1, 0, ""},
	{"service-encapsulation", "Service encapsulation", "Sensitive components are reachable only through a guarding service, reverse proxy or API gateway, never directly from outside their segment.", 1, 0, ""},
	{"session-management", "Secure session management", "Session ids are random, renewed at sign-in and privilege change, bound to Secure, HttpOnly cookies and expire when idle.", 2, 0, "D3-ST"},
	{"signed-artifacts", "Signed artifacts", "Build outputs are signed and signatures verified at deployment.", 2, 0, "D3-CBAN"},
	{"spend-limits", "Spend limits", "Budgets, quotas and concurrency caps bound what requests can cost; spend alerts page someone before the limit is reached.", 1, 1, ""},
	{"ssrf-protection", "SSRF protection", "Outbound requests go through an allow-list of destinations; metadata endpoints are blocked.", 2, 0, "D3-OTF"},
	{"tenant-isolation", "Tenant isolation", "Tenant data is kept apart (separate schemas, keys or row-level security) and every query is scoped to the caller's tenant.", 1, 0, ""},
	{"tls", "TLS in transit", "Traffic is encrypted with TLS 1.2+ and certificates are verified.", 2, 0, "D3-MENCR"},
	{"token-revocation", "Short-lived, revocable tokens", "Access tokens live minutes, refresh tokens rotate and are revoked at sign-out, password change and on compromise.", 1, 1, "D3-CR"},
	{"token-validation", "Strict token validation", "Tokens and assertions (JWT, SAML) are checked with a vetted library: the expected algorithm only, signature, issuer, audience and expiry; unsigned tokens are refused.", 2, 0, "D3-TBA"},
	{"tool-allowlist", "Reviewed AI tool allow-list", "An agent may call only reviewed tools whose definitions and versions are pinned; a changed tool description needs review again.", 1, 1, ""},
	{"upload-validation", "Upload validation", "Uploaded files are checked for type, size and content and stored outside the web root.", 2, 0, ""},
	{"vetted-crypto", "Vetted cryptography", "Encryption and signing use a vetted library or a key management service with current algorithms and modes; no home-made constructions.", 1, 1, ""},
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
