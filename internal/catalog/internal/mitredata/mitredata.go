// Package mitredata holds the shape of the MITRE catalog that the generator
// writes and the catalog package embeds: only the fields Rampart shows.
package mitredata

// Catalog is the whole embedded MITRE knowledge: ATT&CK (Enterprise and
// ICS), CAPEC and D3FEND, with the links between them.
type Catalog struct {
	Sources     []Source    `json:"sources"`
	Tactics     []Tactic    `json:"tactics"`
	Techniques  []Technique `json:"techniques"`
	Mitigations []Named     `json:"mitigations"`
	CAPEC       []Pattern   `json:"capec"`
	D3FEND      []Named     `json:"d3fend"`
}

// Source records a knowledge base and the release the catalog was generated from.
type Source struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Tactic is an ATT&CK tactic; Short is the kill-chain phase name techniques use.
type Tactic struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Short  string `json:"short"`
	Domain string `json:"domain"`
}

// Technique is an ATT&CK technique or sub-technique. Name is its own name
// (a sub-technique's without its parent's); Tactics are short names.
type Technique struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Deprecated  bool     `json:"deprecated,omitempty"`
	Tactics     []string `json:"tactics,omitempty"`
	Mitigations []string `json:"mitigations,omitempty"`
	D3FEND      []string `json:"d3fend,omitempty"`
}

// Named is an entry known by id and name only: an ATT&CK mitigation or a
// D3FEND defensive technique.
type Named struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Pattern is a CAPEC attack pattern with the CWE weaknesses and ATT&CK
// techniques CAPEC links it to.
type Pattern struct {
	ID         int      `json:"id"`
	Name       string   `json:"name"`
	Deprecated bool     `json:"deprecated,omitempty"`
	CWE        []int    `json:"cwe,omitempty"`
	ATTACK     []string `json:"attack,omitempty"`
}
