// Package attackstix reads MITRE ATT&CK STIX bundles (Enterprise, Mobile,
// ICS) for the catalog generator.
package attackstix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// MaxSTIXSize is the largest STIX bundle LoadSTIX reads (the Enterprise
// ATT&CK bundle is about 50 MB).
const MaxSTIXSize = 256 << 20

// Attack is a MITRE ATT&CK knowledge base (Enterprise, Mobile or ICS) read
// from its STIX 2.1 bundle: tactics, techniques and mitigations.
type Attack struct {
	// Name and Version describe the collection, e.g. "ICS ATT&CK" "18.1".
	Name    string
	Version string
	// Domains lists the ATT&CK domains the bundle covers, e.g. "ics-attack".
	Domains []string
	// Tactics are in the order the bundle's matrix lists them when it has one, else by id.
	Tactics     []Tactic
	Techniques  []Technique
	Mitigations []Mitigation

	techniques  map[string]int
	mitigations map[string]int
}

// Tactic is an ATT&CK tactic (the adversary's goal), e.g. TA0001 Initial Access.
type Tactic struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// ShortName is the kill-chain phase name techniques refer to, e.g. "initial-access".
	ShortName string `json:"short_name"`
	URL       string `json:"url,omitempty"`
}

// Technique is an ATT&CK technique or sub-technique.
type Technique struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
	// Tactics lists the short names of the tactics the technique serves.
	Tactics   []string `json:"tactics,omitempty"`
	Platforms []string `json:"platforms,omitempty"`
	// Parent is the parent technique id of a sub-technique, e.g. "T1552" for "T1552.001".
	Parent string `json:"parent,omitempty"`
	// Deprecated techniques are kept so old references still resolve.
	Deprecated bool `json:"deprecated,omitempty"`
	// Mitigations lists the ids of the mitigations (courses of action) that address it.
	Mitigations []string `json:"mitigations,omitempty"`
}

// Mitigation is an ATT&CK mitigation (course of action), e.g. M1032 Multi-factor Authentication.
type Mitigation struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	URL        string   `json:"url,omitempty"`
	Deprecated bool     `json:"deprecated,omitempty"`
	Techniques []string `json:"techniques,omitempty"`
}

// Technique returns the technique or sub-technique with the id.
func (a *Attack) Technique(id string) (*Technique, bool) {
	i, ok := a.techniques[id]
	if !ok {
		return nil, false
	}
	return &a.Techniques[i], true
}

// Mitigation returns the mitigation with the id.
func (a *Attack) Mitigation(id string) (*Mitigation, bool) {
	i, ok := a.mitigations[id]
	if !ok {
		return nil, false
	}
	return &a.Mitigations[i], true
}

// TechniqueName returns a technique's display name, "Parent: Sub-technique"
// for sub-techniques as ATT&CK writes them, or "" when unknown.
func (a *Attack) TechniqueName(id string) string {
	t, ok := a.Technique(id)
	if !ok {
		return ""
	}
	if p, ok := a.Technique(t.Parent); ok && t.Parent != "" {
		return p.Name + ": " + t.Name
	}
	return t.Name
}

// stixObject holds the fields of the STIX objects LoadSTIX reads.
type stixObject struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Name        string `json:"name"`
	Revoked     bool   `json:"revoked"`
	Deprecated  bool   `json:"x_mitre_deprecated"`
	ExternalRef []struct {
		SourceName string `json:"source_name"`
		ExternalID string `json:"external_id"`
		URL        string `json:"url"`
	} `json:"external_references"`
	KillChainPhases []struct {
		KillChainName string `json:"kill_chain_name"`
		PhaseName     string `json:"phase_name"`
	} `json:"kill_chain_phases"`
	Platforms        []string `json:"x_mitre_platforms"`
	IsSubtechnique   bool     `json:"x_mitre_is_subtechnique"`
	ShortName        string   `json:"x_mitre_shortname"`
	Domains          []string `json:"x_mitre_domains"`
	Version          string   `json:"x_mitre_version"`
	RelationshipType string   `json:"relationship_type"`
	SourceRef        string   `json:"source_ref"`
	TargetRef        string   `json:"target_ref"`
	TacticRefs       []string `json:"tactic_refs"`
}

// attackID returns the object's ATT&CK id and URL from its mitre-attack external reference.
func (o *stixObject) attackID() (id, url string) {
	for _, r := range o.ExternalRef {
		if r.SourceName == "mitre-attack" || r.SourceName == "mitre-mobile-attack" || r.SourceName == "mitre-ics-attack" {
			return r.ExternalID, r.URL
		}
	}
	return "", ""
}

// LoadSTIX reads a MITRE ATT&CK STIX 2.1 bundle (Enterprise, Mobile or ICS)
// and returns its tactics, techniques and mitigations, with the mitigates
// relationships linking them. Revoked objects are left out; deprecated ones
// are kept and marked.
func LoadSTIX(ctx context.Context, r io.Reader) (*Attack, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSTIXSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading STIX bundle: %w", err)
	}
	if len(data) > MaxSTIXSize {
		return nil, fmt.Errorf("reading STIX bundle: over %d bytes", MaxSTIXSize)
	}
	objects, err := decodeBundle(ctx, data)
	if err != nil {
		return nil, err
	}
	a := &Attack{techniques: map[string]int{}, mitigations: map[string]int{}}
	stixToID := map[string]string{}
	var matrixTactics []string
	var relations []*stixObject
	domains := map[string]bool{}
	tacticIx := map[string]int{}
	for _, o := range objects {
		if o.Revoked {
			continue
		}
		id, url := o.attackID()
		switch o.Type {
		case "x-mitre-collection":
			a.Name, a.Version = o.Name, o.Version
		case "x-mitre-matrix":
			matrixTactics = append(matrixTactics, o.TacticRefs...)
		case "x-mitre-tactic":
			if id == "" {
				return nil, fmt.Errorf("reading STIX bundle: tactic %s (%s) has no mitre-attack external id", o.ID, o.Name)
			}
			stixToID[o.ID] = id
			tacticIx[o.ID] = len(a.Tactics)
			a.Tactics = append(a.Tactics, Tactic{ID: id, Name: o.Name, ShortName: o.ShortName, URL: url})
		case "attack-pattern":
			if id == "" {
				return nil, fmt.Errorf("reading STIX bundle: attack-pattern %s (%s) has no mitre-attack external id", o.ID, o.Name)
			}
			if _, dup := a.techniques[id]; dup {
				return nil, fmt.Errorf("reading STIX bundle: technique %s appears twice", id)
			}
			t := Technique{ID: id, Name: o.Name, URL: url, Platforms: o.Platforms, Deprecated: o.Deprecated}
			if parent, _, ok := strings.Cut(id, "."); ok && o.IsSubtechnique {
				t.Parent = parent
			}
			for _, p := range o.KillChainPhases {
				if strings.HasPrefix(p.KillChainName, "mitre-") {
					t.Tactics = append(t.Tactics, p.PhaseName)
				}
			}
			for _, d := range o.Domains {
				domains[d] = true
			}
			stixToID[o.ID] = id
			a.techniques[id] = len(a.Techniques)
			a.Techniques = append(a.Techniques, t)
		case "course-of-action":
			if id == "" {
				continue // pre-ATT&CK-v8 "mitigations" without an id describe nothing we can name
			}
			if _, dup := a.mitigations[id]; dup {
				return nil, fmt.Errorf("reading STIX bundle: mitigation %s appears twice", id)
			}
			stixToID[o.ID] = id
			a.mitigations[id] = len(a.Mitigations)
			a.Mitigations = append(a.Mitigations, Mitigation{ID: id, Name: o.Name, URL: url, Deprecated: o.Deprecated})
		case "relationship":
			if o.RelationshipType == "mitigates" {
				relations = append(relations, o)
			}
		}
	}
	if len(a.Techniques) == 0 {
		return nil, errors.New("reading STIX bundle: no ATT&CK techniques (attack-pattern objects) found; is this an ATT&CK bundle?")
	}
	for _, rel := range relations {
		m, okM := a.mitigations[stixToID[rel.SourceRef]]
		t, okT := a.techniques[stixToID[rel.TargetRef]]
		if !okM || !okT {
			continue // a relationship to a revoked object
		}
		a.Mitigations[m].Techniques = appendUnique(a.Mitigations[m].Techniques, a.Techniques[t].ID)
		a.Techniques[t].Mitigations = appendUnique(a.Techniques[t].Mitigations, a.Mitigations[m].ID)
	}
	for i := range a.Techniques {
		sort.Strings(a.Techniques[i].Mitigations)
	}
	for i := range a.Mitigations {
		sort.Strings(a.Mitigations[i].Techniques)
	}
	a.Tactics = orderTactics(a.Tactics, tacticIx, matrixTactics)
	sort.Slice(a.Techniques, func(i, j int) bool { return a.Techniques[i].ID < a.Techniques[j].ID })
	sort.Slice(a.Mitigations, func(i, j int) bool { return a.Mitigations[i].ID < a.Mitigations[j].ID })
	for i, t := range a.Techniques {
		a.techniques[t.ID] = i
	}
	for i, m := range a.Mitigations {
		a.mitigations[m.ID] = i
	}
	for d := range domains {
		a.Domains = append(a.Domains, d)
	}
	sort.Strings(a.Domains)
	return a, nil
}

// orderTactics puts tactics in matrix order, then any others by id.
func orderTactics(tactics []Tactic, index map[string]int, matrix []string) []Tactic {
	out := make([]Tactic, 0, len(tactics))
	used := make([]bool, len(tactics))
	for _, ref := range matrix {
		if i, ok := index[ref]; ok && !used[i] {
			used[i] = true
			out = append(out, tactics[i])
		}
	}
	var rest []Tactic
	for i, t := range tactics {
		if !used[i] {
			rest = append(rest, t)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].ID < rest[j].ID })
	return append(out, rest...)
}

func appendUnique(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// decodeBundle decodes the bundle's objects one by one, reporting the line
// and column of any syntax error.
func decodeBundle(ctx context.Context, data []byte) ([]*stixObject, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	fail := func(err error) error {
		line, col := lineCol(data, dec.InputOffset())
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset > 0 {
			line, col = lineCol(data, se.Offset-1) // Offset counts the offending byte
		}
		return fmt.Errorf("reading STIX bundle at line %d, column %d: %w", line, col, err)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, fail(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fail(errors.New("expected a JSON object (a STIX bundle)"))
	}
	var objects []*stixObject
	bundle := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fail(err)
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			var t string
			if err := dec.Decode(&t); err != nil {
				return nil, fail(err)
			}
			if t != "bundle" {
				return nil, fail(fmt.Errorf("type is %q, expected \"bundle\" (a STIX 2.1 bundle)", t))
			}
			bundle = true
		case "objects":
			if tok, err := dec.Token(); err != nil {
				return nil, fail(err)
			} else if d, ok := tok.(json.Delim); !ok || d != '[' {
				return nil, fail(errors.New("objects is not a list"))
			}
			for n := 0; dec.More(); n++ {
				if n%256 == 0 {
					if err := ctx.Err(); err != nil {
						return nil, fmt.Errorf("reading STIX bundle: %w", err)
					}
				}
				o := &stixObject{}
				if err := dec.Decode(o); err != nil {
					return nil, fail(err)
				}
				objects = append(objects, o)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fail(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fail(err)
			}
		}
	}
	if !bundle {
		return nil, errors.New("reading STIX bundle: no \"type\": \"bundle\"; expected a STIX 2.1 bundle")
	}
	return objects, nil
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	prefix := data[:offset]
	line = bytes.Count(prefix, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(prefix, '\n')
	return line, col
}
