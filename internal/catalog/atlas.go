package catalog

import "strings"

// ATLASVersion is the MITRE ATLAS release the ATLAS table comes from.
const ATLASVersion = "5.6.0"

// atlasTechniques are the MITRE ATLAS techniques and sub-techniques (ids and
// names as ATLAS writes them), from the ATLAS data release ATLASVersion
// (github.com/mitre-atlas/atlas-data, data/techniques.yaml at commit
// 8ee2c689a7d3c65ddf2bfe4950a4f3ecffa6f48b; dist/ATLAS.yaml of that commit
// gives version 5.6.0). There is no ATLAS fixture to generate it from, so it
// is kept here as data; sub-technique names are their own, TechniqueName
// prefixes the parent's.
var atlasTechniques = []struct{ id, name string }{
	{"AML.T0000", "Search Open Technical Databases"},
	{"AML.T0000.000", "Journals and Conference Proceedings"},
	{"AML.T0000.001", "Pre-Print Repositories"},
	{"AML.T0000.002", "Technical Blogs"},
	{"AML.T0001", "Search Open AI Vulnerability Analysis"},
	{"AML.T0002", "Acquire Public AI Artifacts"},
	{"AML.T0002.000", "Datasets"},
	{"AML.T0002.001", "Models"},
	{"AML.T0002.002", "AI Agent Configuration"},
	{"AML.T0003", "Search Victim-Owned Websites"},
	{"AML.T0004", "Search Application Repositories"},
	{"AML.T0005", "Create Proxy AI Model"},
	{"AML.T0005.000", "Train Proxy via Gathered AI Artifacts"},
	{"AML.T0005.001", "Train Proxy via Replication"},
	{"AML.T0005.002", "Use Pre-Trained Model"},
	{"AML.T0006", "Active Scanning"},
	{"AML.T0007", "Discover AI Artifacts"},
	{"AML.T0008", "Acquire Infrastructure"},
	{"AML.T0008.000", "AI Development Workspaces"},
	{"AML.T0008.001", "Consumer Hardware"},
	{"AML.T0008.002", "Domains"},
	{"AML.T0008.003", "Physical Countermeasures"},
	{"AML.T0008.004", "Serverless"},
	{"AML.T0008.005", "AI Service Proxies"},
	{"AML.T0010", "AI Supply Chain Compromise"},
	{"AML.T0010.000", "Hardware"},
	{"AML.T0010.001", "AI Software"},
	{"AML.T0010.002", "Data"},
	{"AML.T0010.003", "Model"},
	{"AML.T0010.004", "Container Registry"},
	{"AML.T0010.005", "AI Agent Tool"},
	{"AML.T0011", "User Execution"},
	{"AML.T0011.000", "Unsafe AI Artifacts"},
	{"AML.T0011.001", "Malicious Package"},
	{"AML.T0011.002", "Poisoned AI Agent Tool"},
	{"AML.T0011.003", "Malicious Link"},
	{"AML.T0012", "Valid Accounts"},
	{"AML.T0013", "Discover AI Model Ontology"},
	{"AML.T0014", "Discover AI Model Family"},
	{"AML.T0015", "Evade AI Model"},
	{"AML.T0016", "Obtain Capabilities"},
	{"AML.T0016.000", "Adversarial AI Attack Implementations"},
	{"AML.T0016.001", "Software Tools"},
	{"AML.T0016.002", "Generative AI"},
	{"AML.T0017", "Develop Capabilities"},
	{"AML.T0017.000", "Adversarial AI Attacks"},
	{"AML.T0018", "Manipulate AI Model"},
	{"AML.T0018.000", "Poison AI Model"},
	{"AML.T0018.001", "Modify AI Model Architecture"},
	{"AML.T0018.002", "Embed Malware"},
	{"AML.T0019", "Publish Poisoned Datasets"},
	{"AML.T0020", "Poison Training Data"},
	{"AML.T0021", "Establish Accounts"},
	{"AML.T0024", "Exfiltration via AI Inference API"},
	{"AML.T0024.000", "Infer Training Data Membership"},
	{"AML.T0024.001", "Invert AI Model"},
	{"AML.T0024.002", "Extract AI Model"},
	{"AML.T0025", "Exfiltration via Cyber Means"},
	{"AML.T0029", "Denial of AI Service"},
	{"AML.T0031", "Erode AI Model Integrity"},
	{"AML.T0034", "Cost Harvesting"},
	{"AML.T0034.000", "Excessive Queries"},
	{"AML.T0034.001", "Resource-Intensive Queries"},
	{"AML.T0034.002", "Agentic Resource Consumption"},
	{"AML.T0035", "AI Artifact Collection"},
	{"AML.T0036", "Data from Information Repositories"},
	{"AML.T0037", "Data from Local System"},
	{"AML.T0040", "AI Model Inference API Access"},
	{"AML.T0041", "Physical Environment Access"},
	{"AML.T0042", "Verify Attack"},
	{"AML.T0043", "Craft Adversarial Data"},
	{"AML.T0043.000", "White-Box Optimization"},
	{"AML.T0043.001", "Black-Box Optimization"},
	{"AML.T0043.002", "Black-Box Transfer"},
	{"AML.T0043.003", "Manual Modification"},
	{"AML.T0043.004", "Insert Backdoor Trigger"},
	{"AML.T0044", "Full AI Model Access"},
	{"AML.T0046", "Spamming AI System with Chaff Data"},
	{"AML.T0047", "AI-Enabled Product or Service"},
	{"AML.T0048", "External Harms"},
	{"AML.T0048.000", "Financial Harm"},
	{"AML.T0048.001", "Reputational Harm"},
	{"AML.T0048.002", "Societal Harm"},
	{"AML.T0048.003", "User Harm"},
	{"AML.T0048.004", "AI Intellectual Property Theft"},
	{"AML.T0049", "Exploit Public-Facing Application"},
	{"AML.T0050", "Command and Scripting Interpreter"},
	{"AML.T0051", "LLM Prompt Injection"},
	{"AML.T0051.000", "Direct"},
	{"AML.T0051.001", "Indirect"},
	{"AML.T0051.002", "Triggered"},
	{"AML.T0052", "Phishing"},
	{"AML.T0052.000", "Spearphishing via Social Engineering LLM"},
	{"AML.T0052.001", "Deepfake-Assisted Phishing"},
	{"AML.T0053", "AI Agent Tool Invocation"},
	{"AML.T0054", "LLM Jailbreak"},
	{"AML.T0055", "Unsecured Credentials"},
	{"AML.T0056", "Extract LLM System Prompt"},
	{"AML.T0057", "LLM Data Leakage"},
	{"AML.T0058", "Publish Poisoned Models"},
	{"AML.T0059", "Erode Dataset Integrity"},
	{"AML.T0060", "Publish Hallucinated Entities"},
	{"AML.T0061", "LLM Prompt Self-Replication"},
	{"AML.T0062", "Discover LLM Hallucinations"},
	{"AML.T0063", "Discover AI Model Outputs"},
	{"AML.T0064", "Gather RAG-Indexed Targets"},
	{"AML.T0065", "LLM Prompt Crafting"},
	{"AML.T0066", "Retrieval Content Crafting"},
	{"AML.T0067", "LLM Trusted Output Components Manipulation"},
	{"AML.T0067.000", "Citations"},
	{"AML.T0068", "LLM Prompt Obfuscation"},
	{"AML.T0069", "Discover LLM System Information"},
	{"AML.T0069.000", "Special Character Sets"},
	{"AML.T0069.001", "System Instruction Keywords"},
	{"AML.T0069.002", "System Prompt"},
	{"AML.T0070", "RAG Poisoning"},
	{"AML.T0071", "False RAG Entry Injection"},
	{"AML.T0072", "Reverse Shell"},
	{"AML.T0073", "Impersonation"},
	{"AML.T0074", "Masquerading"},
	{"AML.T0075", "Cloud Service Discovery"},
	{"AML.T0076", "Corrupt AI Model"},
	{"AML.T0077", "LLM Response Rendering"},
	{"AML.T0078", "Drive-by Compromise"},
	{"AML.T0079", "Stage Capabilities"},
	{"AML.T0080", "AI Agent Context Poisoning"},
	{"AML.T0080.000", "Memory"},
	{"AML.T0080.001", "Thread"},
	{"AML.T0081", "Modify AI Agent Configuration"},
	{"AML.T0082", "RAG Credential Harvesting"},
	{"AML.T0083", "Credentials from AI Agent Configuration"},
	{"AML.T0084", "Discover AI Agent Configuration"},
	{"AML.T0084.000", "Embedded Knowledge"},
	{"AML.T0084.001", "Tool Definitions"},
	{"AML.T0084.002", "Activation Triggers"},
	{"AML.T0084.003", "Call Chains"},
	{"AML.T0085", "Data from AI Services"},
	{"AML.T0085.000", "RAG Databases"},
	{"AML.T0085.001", "AI Agent Tools"},
	{"AML.T0086", "Exfiltration via AI Agent Tool Invocation"},
	{"AML.T0087", "Gather Victim Identity Information"},
	{"AML.T0088", "Generate Deepfakes"},
	{"AML.T0089", "Process Discovery"},
	{"AML.T0090", "OS Credential Dumping"},
	{"AML.T0091", "Use Alternate Authentication Material"},
	{"AML.T0091.000", "Application Access Token"},
	{"AML.T0092", "Manipulate User LLM Chat History"},
	{"AML.T0093", "Prompt Infiltration via Public-Facing Application"},
	{"AML.T0094", "Delay Execution of LLM Instructions"},
	{"AML.T0095", "Search Open Websites/Domains"},
	{"AML.T0095.000", "Code Repositories"},
	{"AML.T0096", "AI Service API"},
	{"AML.T0097", "Virtualization/Sandbox Evasion"},
	{"AML.T0098", "AI Agent Tool Credential Harvesting"},
	{"AML.T0099", "AI Agent Tool Data Poisoning"},
	{"AML.T0100", "AI Agent Clickbait"},
	{"AML.T0101", "Data Destruction via AI Agent Tool Invocation"},
	{"AML.T0102", "Generate Malicious Commands"},
	{"AML.T0103", "Deploy AI Agent"},
	{"AML.T0104", "Publish Poisoned AI Agent Tool"},
	{"AML.T0105", "Escape to Host"},
	{"AML.T0106", "Exploitation for Credential Access"},
	{"AML.T0107", "Exploitation for Defense Evasion"},
	{"AML.T0108", "AI Agent"},
	{"AML.T0109", "AI Supply Chain Rug Pull"},
	{"AML.T0110", "AI Agent Tool Poisoning"},
	{"AML.T0111", "AI Supply Chain Reputation Inflation"},
	{"AML.T0112", "Machine Compromise"},
	{"AML.T0112.000", "Local AI Agent"},
	{"AML.T0112.001", "AI Artifacts"},
}

// atlasMitigations are the MITRE ATLAS mitigations (ids and names as ATLAS
// writes them), from the same ATLAS data release (dist/ATLAS.yaml).
var atlasMitigations = []struct{ id, name string }{
	{"AML.M0000", "Limit Public Release of Information"},
	{"AML.M0001", "Limit Model Artifact Release"},
	{"AML.M0002", "Passive AI Output Obfuscation"},
	{"AML.M0003", "Model Hardening"},
	{"AML.M0004", "Restrict Number of AI Model Queries"},
	{"AML.M0005", "Control Access to AI Models and Data at Rest"},
	{"AML.M0006", "Use Ensemble Methods"},
	{"AML.M0007", "Sanitize Training Data"},
	{"AML.M0008", "Validate AI Model"},
	{"AML.M0009", "Use Multi-Modal Sensors"},
	{"AML.M0010", "Input Restoration"},
	{"AML.M0011", "Restrict Library Loading"},
	{"AML.M0012", "Encrypt Sensitive Information"},
	{"AML.M0013", "Code Signing"},
	{"AML.M0014", "Verify AI Artifacts"},
	{"AML.M0015", "Adversarial Input Detection"},
	{"AML.M0016", "Vulnerability Scanning"},
	{"AML.M0017", "AI Model Distribution Methods"},
	{"AML.M0018", "User Training"},
	{"AML.M0019", "Control Access to AI Models and Data in Production"},
	{"AML.M0020", "Generative AI Guardrails"},
	{"AML.M0021", "Generative AI Guidelines"},
	{"AML.M0022", "Generative AI Model Alignment"},
	{"AML.M0023", "AI Bill of Materials"},
	{"AML.M0024", "AI Telemetry Logging"},
	{"AML.M0025", "Maintain AI Dataset Provenance"},
	{"AML.M0026", "Privileged AI Agent Permissions Configuration"},
	{"AML.M0027", "Single-User AI Agent Permissions Configuration"},
	{"AML.M0028", "AI Agent Tools Permissions Configuration"},
	{"AML.M0029", "Human In-the-Loop for AI Agent Actions"},
	{"AML.M0030", "Restrict AI Agent Tool Invocation on Untrusted Data"},
	{"AML.M0031", "Memory Hardening"},
	{"AML.M0032", "Segmentation of AI Agent Components"},
	{"AML.M0033", "Input and Output Validation for AI Agent Components"},
	{"AML.M0034", "Deepfake Detection"},
}

// atlasMitigates lists, for each ATLAS technique or sub-technique, the
// ATLAS mitigations whose techniques list names it, from the same release.
var atlasMitigates = map[string][]string{
	"AML.T0000":     {"AML.M0000"},
	"AML.T0003":     {"AML.M0000"},
	"AML.T0004":     {"AML.M0000"},
	"AML.T0002":     {"AML.M0000"},
	"AML.T0002.000": {"AML.M0001"},
	"AML.T0002.001": {"AML.M0001", "AML.M0014"},
	"AML.T0019":     {"AML.M0014", "AML.M0023", "AML.M0025"},
	"AML.T0010":     {"AML.M0014", "AML.M0020", "AML.M0023"},
	"AML.T0010.001": {"AML.M0006", "AML.M0013"},
	"AML.T0010.002": {"AML.M0005", "AML.M0007", "AML.M0014", "AML.M0025"},
	"AML.T0010.003": {"AML.M0005", "AML.M0006", "AML.M0008", "AML.M0013", "AML.M0017"},
	"AML.T0040":     {"AML.M0019", "AML.M0024"},
	"AML.T0047":     {"AML.M0024"},
	"AML.T0041":     {"AML.M0009"},
	"AML.T0044":     {"AML.M0005", "AML.M0017"},
	"AML.T0013":     {"AML.M0002", "AML.M0004"},
	"AML.T0014":     {"AML.M0002", "AML.M0004", "AML.M0006"},
	"AML.T0020":     {"AML.M0001", "AML.M0005", "AML.M0007", "AML.M0008", "AML.M0023", "AML.M0025"},
	"AML.T0005":     {"AML.M0000", "AML.M0001", "AML.M0002", "AML.M0004", "AML.M0019"},
	"AML.T0005.000": {"AML.M0000", "AML.M0001"},
	"AML.T0005.001": {"AML.M0002", "AML.M0004", "AML.M0024"},
	"AML.T0005.002": {"AML.M0000"},
	"AML.T0007":     {"AML.M0005", "AML.M0012"},
	"AML.T0011":     {"AML.M0011", "AML.M0014", "AML.M0016", "AML.M0018", "AML.M0023"},
	"AML.T0011.000": {"AML.M0011", "AML.M0013", "AML.M0014", "AML.M0016", "AML.M0018", "AML.M0023"},
	"AML.T0015":     {"AML.M0003", "AML.M0006", "AML.M0009", "AML.M0010", "AML.M0015", "AML.M0034"},
	"AML.T0018":     {"AML.M0005", "AML.M0008", "AML.M0013"},
	"AML.T0018.000": {"AML.M0005", "AML.M0007", "AML.M0008", "AML.M0013", "AML.M0025"},
	"AML.T0018.001": {"AML.M0005", "AML.M0008", "AML.M0013"},
	"AML.T0024":     {"AML.M0004", "AML.M0019", "AML.M0024"},
	"AML.T0024.000": {"AML.M0002", "AML.M0004", "AML.M0024"},
	"AML.T0024.001": {"AML.M0002", "AML.M0004", "AML.M0024"},
	"AML.T0024.002": {"AML.M0002", "AML.M0004", "AML.M0024"},
	"AML.T0025":     {"AML.M0005"},
	"AML.T0029":     {"AML.M0004", "AML.M0015", "AML.M0019"},
	"AML.T0046":     {"AML.M0004", "AML.M0019"},
	"AML.T0031":     {"AML.M0003", "AML.M0006", "AML.M0010", "AML.M0015"},
	"AML.T0034":     {"AML.M0004", "AML.M0019"},
	"AML.T0035":     {"AML.M0001", "AML.M0005", "AML.M0012", "AML.M0017"},
	"AML.T0042":     {"AML.M0002", "AML.M0004", "AML.M0005", "AML.M0019"},
	"AML.T0043":     {"AML.M0002", "AML.M0003", "AML.M0004", "AML.M0006", "AML.M0008", "AML.M0010", "AML.M0015", "AML.M0019"},
	"AML.T0043.000": {"AML.M0003", "AML.M0005", "AML.M0006", "AML.M0010", "AML.M0015", "AML.M0017"},
	"AML.T0043.001": {"AML.M0002", "AML.M0003", "AML.M0004", "AML.M0006", "AML.M0010", "AML.M0015", "AML.M0019"},
	"AML.T0043.002": {"AML.M0003", "AML.M0006", "AML.M0010", "AML.M0015"},
	"AML.T0043.003": {"AML.M0003", "AML.M0004", "AML.M0006", "AML.M0010", "AML.M0015"},
	"AML.T0043.004": {"AML.M0003", "AML.M0006", "AML.M0008", "AML.M0010", "AML.M0015"},
	"AML.T0048.004": {"AML.M0005", "AML.M0012", "AML.M0017"},
	"AML.T0051":     {"AML.M0019", "AML.M0020", "AML.M0021", "AML.M0022", "AML.M0024", "AML.M0033"},
	"AML.T0051.000": {"AML.M0024", "AML.M0033"},
	"AML.T0051.001": {"AML.M0024", "AML.M0033"},
	"AML.T0052":     {"AML.M0018", "AML.M0034"},
	"AML.T0052.000": {"AML.M0018", "AML.M0034"},
	"AML.T0053":     {"AML.M0020", "AML.M0021", "AML.M0022", "AML.M0024", "AML.M0026", "AML.M0027", "AML.M0028", "AML.M0029", "AML.M0030", "AML.M0032", "AML.M0033"},
	"AML.T0054":     {"AML.M0020", "AML.M0021", "AML.M0022"},
	"AML.T0056":     {"AML.M0020", "AML.M0021", "AML.M0022"},
	"AML.T0057":     {"AML.M0008", "AML.M0020", "AML.M0021", "AML.M0022"},
	"AML.T0058":     {"AML.M0023"},
	"AML.T0059":     {"AML.M0007", "AML.M0025"},
	"AML.T0011.001": {"AML.M0011", "AML.M0013", "AML.M0016", "AML.M0018", "AML.M0023"},
	"AML.T0061":     {"AML.M0020", "AML.M0021", "AML.M0022"},
	"AML.T0062":     {"AML.M0004", "AML.M0020", "AML.M0021", "AML.M0022"},
	"AML.T0063":     {"AML.M0002", "AML.M0012", "AML.M0017", "AML.M0019"},
	"AML.T0018.002": {"AML.M0013"},
	"AML.T0080":     {"AML.M0031"},
	"AML.T0080.000": {"AML.M0031"},
	"AML.T0082":     {"AML.M0026", "AML.M0027"},
	"AML.T0085":     {"AML.M0024", "AML.M0026", "AML.M0027", "AML.M0028", "AML.M0032"},
	"AML.T0085.000": {"AML.M0024", "AML.M0026", "AML.M0027", "AML.M0032"},
	"AML.T0085.001": {"AML.M0024", "AML.M0026", "AML.M0027", "AML.M0028", "AML.M0032"},
	"AML.T0086":     {"AML.M0024", "AML.M0026", "AML.M0027", "AML.M0028", "AML.M0029", "AML.M0030", "AML.M0032", "AML.M0033"},
	"AML.T0088":     {"AML.M0009", "AML.M0034"},
	"AML.T0051.002": {"AML.M0024", "AML.M0033"},
	"AML.T0098":     {"AML.M0032"},
	"AML.T0101":     {"AML.M0024", "AML.M0026", "AML.M0027", "AML.M0028", "AML.M0029", "AML.M0030"},
}

var atlasByID = func() map[string]string {
	m := make(map[string]string, len(atlasTechniques))
	for _, t := range atlasTechniques {
		m[t.id] = t.name
	}
	return m
}()

var atlasMitigationByID = func() map[string]string {
	m := make(map[string]string, len(atlasMitigations))
	for _, t := range atlasMitigations {
		m[t.id] = t.name
	}
	return m
}()

// ATLASMitigationName returns the name of a MITRE ATLAS mitigation
// (AML.M0015), or "" when unknown.
func ATLASMitigationName(id string) string { return atlasMitigationByID[id] }

// ATLASMitigationURL returns the page of an ATLAS mitigation.
func ATLASMitigationURL(id string) string { return "https://atlas.mitre.org/mitigations/" + id }

// ATLASMitigations returns the ATLAS mitigations of a technique, sorted by
// id: those ATLAS links to the technique itself or, for a sub-technique
// ATLAS links none to, those of its parent technique. It returns an empty
// list for a technique ATLAS gives no mitigation.
func ATLASMitigations(technique string) []Ref {
	ids, ok := atlasMitigates[technique]
	if i := strings.LastIndex(technique, "."); !ok && i > len("AML.") {
		ids = atlasMitigates[technique[:i]]
	}
	out := make([]Ref, 0, len(ids))
	for _, id := range ids {
		out = append(out, Ref{ID: id, Name: atlasMitigationByID[id]})
	}
	return out
}

// ATLASName returns the name of a MITRE ATLAS technique (AML.T0051) or
// sub-technique (AML.T0051.001, named "LLM Prompt Injection: Indirect"), or
// "" when unknown.
func ATLASName(id string) string {
	name, ok := atlasByID[id]
	if !ok {
		return ""
	}
	if i := strings.LastIndex(id, "."); i > len("AML.") {
		if parent, ok := atlasByID[id[:i]]; ok {
			return parent + ": " + name
		}
	}
	return name
}

// ATLASURL returns the page of an ATLAS technique.
func ATLASURL(id string) string { return "https://atlas.mitre.org/techniques/" + id }

// IsATLAS reports whether an id is an ATLAS technique or mitigation id (AML.T..., AML.M...).
func IsATLAS(id string) bool { return strings.HasPrefix(id, "AML.") }
