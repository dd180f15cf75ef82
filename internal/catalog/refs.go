package catalog

// CWEName returns the name of a CWE weakness, or "" when unknown.
func CWEName(id int) string { return cweNames[id] }

// CAPECName returns the name of a CAPEC attack pattern, or "" when unknown.
func CAPECName(id int) string { return capecNames[id] }

// TechniqueName returns the name of a MITRE ATT&CK technique, or "" when unknown.
func TechniqueName(id string) string { return techniqueNames[id] }
