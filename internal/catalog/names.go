package catalog

// Names of the CAPEC attack patterns and MITRE ATT&CK (Enterprise) techniques
// that built-in rules refer to. The CWE names are generated from MITRE's CWE
// catalog (cwe_names_gen.go); these two tables are kept by hand because the
// project embeds only the entries its rules use. Each id and name is written
// exactly as MITRE publishes it (CAPEC 3.9, ATT&CK Enterprise v15). Whole
// ATT&CK bundles can be loaded at run time with LoadSTIX.

var capecNames = map[int]string{
	115: "Authentication Bypass",
}

var techniqueNames = map[string]string{
	"T1078": "Valid Accounts",
	"T1190": "Exploit Public-Facing Application",
}
