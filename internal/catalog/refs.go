package catalog

//go:generate go run ./gen/cwe -in ../../../shared/fixtures/mitre/cwec_v4.15.xml -out cwe_names_gen.go

// CWEName returns the name of a CWE weakness, category or view, or "" when unknown.
// The names come from the CWE catalog release CWEVersion.
func CWEName(id int) string { return cweNames[id] }

// CWEKind returns "weakness", "category" or "view" for a known CWE id, or "" when unknown.
func CWEKind(id int) string {
	switch {
	case cweNames[id] == "":
		return ""
	case cweCategories[id]:
		return "category"
	case cweViews[id]:
		return "view"
	}
	return "weakness"
}

// CWEUsage returns how MITRE says a known CWE id may be used to map a
// weakness: "Allowed", "Allowed-with-Review", "Discouraged" or "Prohibited"
// (categories and views are Prohibited); "" when the id is unknown.
func CWEUsage(id int) string {
	switch {
	case cweNames[id] == "":
		return ""
	case cweUsage[id] != "":
		return cweUsage[id]
	case cweCategories[id] || cweViews[id]:
		return "Prohibited"
	}
	return "Allowed"
}

// CAPECName returns the name of a CAPEC attack pattern, or "" when unknown.
func CAPECName(id int) string { return capecNames[id] }

// TechniqueName returns the name of a MITRE ATT&CK technique, or "" when unknown.
// Sub-techniques (e.g. "T1552.001") are named "Technique: Sub-technique", as ATT&CK writes them.
func TechniqueName(id string) string { return techniqueNames[id] }
