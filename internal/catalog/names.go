package catalog

// Names of the CAPEC patterns and ATT&CK techniques rules refer to.
var capecNames = map[int]string{}

var techniqueNames = map[string]string{}

var cweNames = map[int]string{}
