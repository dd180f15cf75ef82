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
