// Package mitregen builds the embedded MITRE catalog from MITRE's own
// releases: ATT&CK Enterprise and ICS STIX bundles, the CAPEC STIX bundle and
// the D3FEND ontology in Turtle. The catalog generator and the test that
// checks the embedded file is up to date both call it.
package mitregen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/catalog/internal/attackstix"
	"github.com/rampart-sec/rampart/internal/catalog/internal/mitredata"
	"github.com/rampart-sec/rampart/internal/catalog/internal/ttl"
)

// MaxInputSize caps each input file read.
const MaxInputSize = attackstix.MaxSTIXSize

// Source is one input file: its name (for messages) and its content.
type Source struct {
	Name string
	Data []byte
}

// Inputs are the MITRE releases the catalog is built from.
type Inputs struct {
	Enterprise, ICS, CAPEC, D3FEND Source
	// EnterpriseVersion is the ATT&CK release of the Enterprise bundle,
	// used when the bundle has no x-mitre-collection object saying it.
	EnterpriseVersion string
	// D3FENDVersion is the D3FEND ontology release (its Turtle file does not say).
	D3FENDVersion string
}

// Build reads the inputs and returns the catalog, every list sorted by id.
func Build(ctx context.Context, in Inputs) (*mitredata.Catalog, error) {
	if in.D3FENDVersion == "" {
		return nil, errors.New("the D3FEND release is not given")
	}
	c := &mitredata.Catalog{}
	techIx := map[string]int{}
	for _, s := range []Source{in.Enterprise, in.ICS, in.CAPEC, in.D3FEND} {
		if len(s.Data) > MaxInputSize {
			return nil, fmt.Errorf("%s: over %d bytes", s.Name, MaxInputSize)
		}
	}
	for _, b := range []struct {
		name, domain string
		src          Source
		version      string
	}{
		{"ATT&CK Enterprise", "enterprise", in.Enterprise, in.EnterpriseVersion},
		{"ATT&CK ICS", "ics", in.ICS, ""},
	} {
		a, err := attackstix.LoadSTIX(ctx, bytes.NewReader(b.src.Data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.src.Name, err)
		}
		version := a.Version
		if version == "" {
			version = b.version
		}
		if version == "" {
			return nil, fmt.Errorf("%s: the %s bundle does not say its release and none is given", b.src.Name, b.name)
		}
		c.Sources = append(c.Sources, mitredata.Source{Name: b.name, Version: version})
		for _, t := range a.Tactics {
			c.Tactics = append(c.Tactics, mitredata.Tactic{ID: t.ID, Name: t.Name, Short: t.ShortName, Domain: b.domain})
		}
		for _, t := range a.Techniques {
			if _, dup := techIx[t.ID]; dup {
				return nil, fmt.Errorf("%s: technique %s is also in an earlier bundle", b.src.Name, t.ID)
			}
			techIx[t.ID] = len(c.Techniques)
			c.Techniques = append(c.Techniques, mitredata.Technique{ID: t.ID, Name: t.Name, Deprecated: t.Deprecated,
				Tactics: t.Tactics, Mitigations: mitigationIDs(t.Mitigations)})
		}
		for _, m := range a.Mitigations {
			if !strings.HasPrefix(m.ID, "M") {
				continue // pre-v8 per-technique "mitigations" named after the technique
			}
			c.Mitigations = append(c.Mitigations, mitredata.Named{ID: m.ID, Name: m.Name})
		}
	}
	capecVersion, patterns, err := readCAPEC(ctx, in.CAPEC.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.CAPEC.Name, err)
	}
	c.Sources = append(c.Sources, mitredata.Source{Name: "CAPEC", Version: capecVersion})
	c.CAPEC = patterns

	defs, links, err := readD3FEND(ctx, in.D3FEND.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.D3FEND.Name, err)
	}
	c.Sources = append(c.Sources, mitredata.Source{Name: "D3FEND", Version: in.D3FENDVersion})
	c.D3FEND = defs
	for id, d3 := range links {
		if i, ok := techIx[id]; ok {
			c.Techniques[i].D3FEND = d3
		}
	}
	sort.Slice(c.Techniques, func(i, j int) bool { return c.Techniques[i].ID < c.Techniques[j].ID })
	sort.Slice(c.Mitigations, func(i, j int) bool { return c.Mitigations[i].ID < c.Mitigations[j].ID })
	return c, nil
}

// Render writes the catalog as JSON, one entry a line so that a new release
// shows as a readable diff.
func Render(c *mitredata.Catalog) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	sections := []struct {
		key   string
		items any
	}{
		{"sources", c.Sources}, {"tactics", c.Tactics}, {"techniques", c.Techniques},
		{"mitigations", c.Mitigations}, {"capec", c.CAPEC}, {"d3fend", c.D3FEND},
	}
	for si, s := range sections {
		raw, err := json.Marshal(s.items)
		if err != nil {
			return nil, fmt.Errorf("encoding %s: %w", s.key, err)
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("encoding %s: %w", s.key, err)
		}
		fmt.Fprintf(&b, "%q: [", s.key)
		for i, it := range items {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n")
			b.Write(it)
		}
		b.WriteString("\n]")
		if si < len(sections)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

type capecObject struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Revoked     bool   `json:"revoked"`
	Version     string `json:"x_capec_version"`
	Status      string `json:"x_capec_status"`
	ExternalRef []struct {
		SourceName string `json:"source_name"`
		ExternalID string `json:"external_id"`
	} `json:"external_references"`
}

// readCAPEC returns the release (the newest x_capec_version) and the
// attack patterns with their CWE and ATT&CK links.
func readCAPEC(ctx context.Context, data []byte) (string, []mitredata.Pattern, error) {
	var bundle struct {
		Objects []capecObject `json:"objects"`
	}
	if err := json.Unmarshal(data, &bundle); err != nil {
		return "", nil, fmt.Errorf("decoding the STIX bundle: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	version := ""
	var out []mitredata.Pattern
	for _, o := range bundle.Objects {
		if o.Type != "attack-pattern" || o.Revoked {
			continue
		}
		p := mitredata.Pattern{Name: o.Name, Deprecated: o.Status == "Deprecated" || o.Status == "Obsolete"}
		for _, ref := range o.ExternalRef {
			switch ref.SourceName {
			case "capec":
				n, err := strconv.Atoi(strings.TrimPrefix(ref.ExternalID, "CAPEC-"))
				if err != nil {
					return "", nil, fmt.Errorf("attack pattern %q: bad CAPEC id %q", o.Name, ref.ExternalID)
				}
				p.ID = n
			case "cwe":
				n, err := strconv.Atoi(strings.TrimPrefix(ref.ExternalID, "CWE-"))
				if err != nil {
					return "", nil, fmt.Errorf("attack pattern %q: bad CWE id %q", o.Name, ref.ExternalID)
				}
				p.CWE = append(p.CWE, n)
			case "ATTACK":
				id := ref.ExternalID
				if !strings.HasPrefix(id, "T") {
					id = "T" + id
				}
				p.ATTACK = append(p.ATTACK, id)
			}
		}
		if p.ID == 0 {
			return "", nil, fmt.Errorf("attack pattern %q has no CAPEC id", o.Name)
		}
		if newerVersion(o.Version, version) {
			version = o.Version
		}
		slices.Sort(p.CWE)
		p.CWE = slices.Compact(p.CWE)
		slices.Sort(p.ATTACK)
		p.ATTACK = slices.Compact(p.ATTACK)
		out = append(out, p)
	}
	if len(out) == 0 {
		return "", nil, errors.New("no attack patterns found; is this the CAPEC STIX bundle?")
	}
	if version == "" {
		return "", nil, errors.New("no x_capec_version on any attack pattern")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	for i := 1; i < len(out); i++ {
		if out[i].ID == out[i-1].ID {
			return "", nil, fmt.Errorf("CAPEC-%d appears twice", out[i].ID)
		}
	}
	return version, out, nil
}

// newerVersion reports whether dotted version a is newer than b.
func newerVersion(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x > y
		}
	}
	return false
}

// readD3FEND returns the defensive techniques (D3- ids) and, per ATT&CK
// technique id, the defensive techniques that counter it. A defensive
// technique counters an offensive one when both are linked, through an OWL
// restriction on themselves or on a parent technique, to the same digital
// artifact (D3FEND's offensive-to-defensive inference through artifacts,
// limited to exact artifact matches).
func readD3FEND(ctx context.Context, data []byte) ([]mitredata.Named, map[string][]string, error) {
	triples, err := ttl.Parse(ctx, data)
	if err != nil {
		return nil, nil, err
	}
	label := map[string]string{}
	attackID := map[string]string{}
	d3ID := map[string]string{}
	supers := map[string][]string{}
	someValues := map[string]string{}
	for _, t := range triples {
		switch t.Predicate {
		case "rdfs:label":
			if t.Literal {
				label[t.Subject] = t.Object
			}
		case ":attack-id":
			attackID[t.Subject] = t.Object
		case ":d3fend-id":
			if strings.HasPrefix(t.Object, "D3-") {
				d3ID[t.Subject] = t.Object
			}
		case "rdfs:subClassOf":
			supers[t.Subject] = append(supers[t.Subject], t.Object)
		case "owl:someValuesFrom":
			if !t.Literal && !strings.HasPrefix(t.Object, "_:") {
				someValues[t.Subject] = t.Object
			}
		}
	}
	if len(d3ID) == 0 || len(attackID) == 0 {
		return nil, nil, errors.New("no d3fend-id or attack-id classes found; is this the D3FEND ontology?")
	}
	memo := map[string][]string{}
	var artifacts func(class string, seen map[string]bool) []string
	artifacts = func(class string, seen map[string]bool) []string {
		if a, ok := memo[class]; ok {
			return a
		}
		if seen[class] {
			return nil
		}
		seen[class] = true
		var out []string
		for _, s := range supers[class] {
			if strings.HasPrefix(s, "_:") {
				if a := someValues[s]; a != "" {
					out = append(out, a)
				}
				continue
			}
			if attackID[s] != "" || d3ID[s] != "" {
				out = append(out, artifacts(s, seen)...)
			}
		}
		slices.Sort(out)
		out = slices.Compact(out)
		memo[class] = out
		return out
	}
	byArtifact := map[string][]string{}
	var defs []mitredata.Named
	for class, id := range d3ID {
		name := label[class]
		if name == "" {
			return nil, nil, fmt.Errorf("defensive technique %s (%s) has no rdfs:label", id, class)
		}
		defs = append(defs, mitredata.Named{ID: id, Name: name})
		for _, a := range artifacts(class, map[string]bool{}) {
			byArtifact[a] = append(byArtifact[a], id)
		}
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].ID < defs[j].ID })
	for i := 1; i < len(defs); i++ {
		if defs[i].ID == defs[i-1].ID {
			return nil, nil, fmt.Errorf("%s names two classes", defs[i].ID)
		}
	}
	links := map[string][]string{}
	for class, id := range attackID {
		var d3 []string
		for _, a := range artifacts(class, map[string]bool{}) {
			d3 = append(d3, byArtifact[a]...)
		}
		if len(d3) > 0 {
			slices.Sort(d3)
			links[id] = slices.Compact(d3)
		}
	}
	return defs, links, nil
}

// mitigationIDs keeps the M-ids: ATT&CK before v8 had one course of action
// per technique, with the technique's id, that is no mitigation of its own.
func mitigationIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if strings.HasPrefix(id, "M") {
			out = append(out, id)
		}
	}
	return out
}
