// Package model holds Rampart's system model: its schema types, the YAML
// loader that keeps source positions, and the validator that reports every
// problem with file, line, column, key path and a hint.
package model

import (
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/source"
)

// SchemaVersion is the model format version this build reads and writes.
const SchemaVersion = 1

// Pos is a position in a source file (1-based line and column).
type Pos = source.Pos

// Source records where an element was declared. It is embedded in every
// element type; the loader fills it in.
//
// It keeps the positions of the element's keys, not the YAML nodes: the
// node tree of a large model is many times the size of the model, and
// dropping it once the model is loaded keeps memory proportional to what
// the model holds.
type Source struct {
	// Pos is the position of the element's first key.
	Pos Pos `yaml:"-" json:"-"`
	// Path is the element's key path inside its file, e.g. "flows[2]".
	Path string `yaml:"-" json:"-"`
	keys []keyPos
}

// keyPos is where a key's value (and each item of a list value) was written.
type keyPos struct {
	key       string
	line, col int32
	null      bool // the value is null or an empty plain scalar
	isInt     bool // the value is a whole number
	items     []int32
	// subKeys are the keys of a mapping value, in order; items then holds
	// the line and column of each key.
	subKeys []string
}

func (s *Source) setSource(file, path string, n *yaml.Node) {
	s.Pos = Pos{File: file, Line: n.Line, Column: n.Column}
	s.Path = path
	if n.Kind != yaml.MappingNode || len(n.Content) < 2 {
		return
	}
	s.keys = make([]keyPos, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		raw := n.Content[i+1]
		v := raw
		for v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		k := keyPos{key: n.Content[i].Value, line: int32(v.Line), col: int32(v.Column), null: isNull(raw),
			isInt: v.Kind == yaml.ScalarNode && v.Tag == "!!int"}
		if v.Kind == yaml.SequenceNode && len(v.Content) > 0 {
			k.items = make([]int32, 0, 2*len(v.Content))
			for _, it := range v.Content {
				k.items = append(k.items, int32(it.Line), int32(it.Column))
			}
		}
		if v.Kind == yaml.MappingNode && len(v.Content) > 1 {
			k.items = make([]int32, 0, len(v.Content))
			k.subKeys = make([]string, 0, len(v.Content)/2)
			for j := 0; j+1 < len(v.Content); j += 2 {
				k.subKeys = append(k.subKeys, v.Content[j].Value)
				k.items = append(k.items, int32(v.Content[j].Line), int32(v.Content[j].Column))
			}
		}
		s.keys = append(s.keys, k)
	}
}

// addItems records the positions of further items of the list under key,
// read from a later piece of a large file.
func (s *Source) addItems(key string, n *yaml.Node) {
	k := s.find(key)
	if k == nil {
		return
	}
	for _, it := range n.Content {
		k.items = append(k.items, int32(it.Line), int32(it.Column))
	}
}

// find returns the first record of key, or nil.
func (s *Source) find(key string) *keyPos {
	for i := range s.keys {
		if s.keys[i].key == key {
			return &s.keys[i]
		}
	}
	return nil
}

// SetPos sets the element's position, for elements built from other formats.
func (s *Source) SetPos(p Pos, path string) { s.Pos, s.Path = p, path }

// At returns the position of the value under key (and, for a list value, of
// its idx-th item when idx >= 0), falling back to the element's own position.
func (s Source) At(key string, idx int) Pos {
	k := s.find(key)
	if k == nil {
		return s.Pos
	}
	if idx >= 0 && k.subKeys == nil && 2*idx+1 < len(k.items) {
		return Pos{File: s.Pos.File, Line: int(k.items[2*idx]), Column: int(k.items[2*idx+1])}
	}
	return Pos{File: s.Pos.File, Line: int(k.line), Column: int(k.col)}
}

// AtKey returns the position of sub, a key of the mapping under key (a
// category of risk_appetite.by_category), falling back to At(key, -1).
func (s Source) AtKey(key, sub string) Pos {
	k := s.find(key)
	if k == nil {
		return s.Pos
	}
	for i, name := range k.subKeys {
		if name == sub {
			return Pos{File: s.Pos.File, Line: int(k.items[2*i]), Column: int(k.items[2*i+1])}
		}
	}
	return Pos{File: s.Pos.File, Line: int(k.line), Column: int(k.col)}
}

// has reports whether the element's mapping sets key to a non-null value.
func (s Source) has(key string) bool {
	k := s.find(key)
	return k != nil && !k.null
}

// hasInt reports whether the element's mapping sets key to a whole number
// (a value of another type is reported by the decoder).
func (s Source) hasInt(key string) bool {
	k := s.find(key)
	return k != nil && k.isInt
}

// KeyPath returns the element's path joined with a key and optional index.
func (s Source) KeyPath(key string, idx int) string {
	p := s.Path
	if key != "" {
		if p != "" {
			p += "."
		}
		p += key
	}
	if idx >= 0 {
		p += "[" + itoa(idx) + "]"
	}
	return p
}

// Model is a whole system model, possibly merged from several files.
type Model struct {
	Source `yaml:"-" json:"-"`
	// Rampart is the schema version; it must be 1.
	Rampart int `yaml:"rampart" json:"rampart" jsonschema:"required,enum=1"`
	// Includes lists further model files, relative to this one, whose elements are merged in.
	Includes []string `yaml:"includes,omitempty" json:"includes,omitempty"`
	// Policy names the central risk policy file that governs the model,
	// relative to the root model file (docs/policy.md).
	Policy string `yaml:"policy,omitempty" json:"policy,omitempty"`
	// System describes the system as a whole.
	System System `yaml:"system" json:"system" jsonschema:"required"`
	// RiskAppetite is the most risk the system may carry untreated.
	RiskAppetite *RiskAppetite `yaml:"risk_appetite,omitempty" json:"risk_appetite,omitempty"`
	// Settings tune analysis: the risk matrix, review cycles, disabled rules.
	Settings *Settings `yaml:"settings,omitempty" json:"settings,omitempty"`
	// Methodology lists the methodologies whose threats analysis raises:
	// stride, linddun. Empty means both when the model holds personal data,
	// otherwise stride (see Methodologies).
	Methodology []Methodology `yaml:"methodology,omitempty" json:"methodology,omitempty"`
	// Data lists the data assets the system handles.
	Data []DataAsset `yaml:"data,omitempty" json:"data,omitempty"`
	// Components lists processes, data stores and external entities.
	Components []Component `yaml:"components,omitempty" json:"components,omitempty"`
	// TrustBoundaries lists the trust boundaries, possibly nested.
	TrustBoundaries []TrustBoundary `yaml:"trust_boundaries,omitempty" json:"trust_boundaries,omitempty"`
	// Flows lists the data flows between components.
	Flows []Flow `yaml:"flows,omitempty" json:"flows,omitempty"`
	// Controls declares the model's own controls and the state of catalog controls.
	Controls []Control `yaml:"controls,omitempty" json:"controls,omitempty"`
	// Threats lists threats written by hand, next to the generated ones.
	Threats []ManualThreat `yaml:"threats,omitempty" json:"threats,omitempty"`
	// Treatments is the risk register state, keyed by stable threat id.
	Treatments []Treatment `yaml:"treatments,omitempty" json:"treatments,omitempty"`

	// Files lists every file the model was loaded from, root first.
	Files []string `yaml:"-" json:"-"`
	// RequiredRules are the rules the central policy requires (set by
	// policy.Apply on the governed model): they run whatever the model's
	// methodology or disabled rules say.
	RequiredRules []string `yaml:"-" json:"-"`
	index         *Index
}

// Methodologies returns the methodologies analysis applies: the model's
// methodology list when it sets one, otherwise STRIDE, and LINDDUN too
// when a data asset is personal.
func (m *Model) Methodologies() []Methodology {
	if len(m.Methodology) > 0 {
		return m.Methodology
	}
	for i := range m.Data {
		if m.Data[i].Personal {
			return []Methodology{MethodSTRIDE, MethodLINDDUN}
		}
	}
	return []Methodology{MethodSTRIDE}
}

// Applies reports whether analysis applies the methodology.
func (m *Model) Applies(method Methodology) bool {
	for _, x := range m.Methodologies() {
		if x == method {
			return true
		}
	}
	return false
}

// System describes the modelled system.
type System struct {
	Source `yaml:"-" json:"-"`
	// ID is a short machine name, e.g. "payments".
	ID string `yaml:"id" json:"id" jsonschema:"required"`
	// Name is the human name.
	Name        string `yaml:"name" json:"name" jsonschema:"required"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Owner is the accountable team.
	Owner string `yaml:"owner,omitempty" json:"owner,omitempty"`
	// RiskOwner is the senior risk owner (SRO) who may accept risk.
	RiskOwner string `yaml:"risk_owner,omitempty" json:"risk_owner,omitempty"`
	// RiskAcceptors lists further people allowed to accept risk (besides the risk owner).
	RiskAcceptors []string `yaml:"risk_acceptors,omitempty" json:"risk_acceptors,omitempty"`
	// Classification is the classification of the model itself.
	Classification Classification `yaml:"classification,omitempty" json:"classification,omitempty"`
	// Reviewed is the date of the last review of the model.
	Reviewed *Date    `yaml:"reviewed,omitempty" json:"reviewed,omitempty"`
	Tags     []string `yaml:"tags,omitempty" json:"tags,omitempty"`
}

// CIA holds confidentiality, integrity and availability ratings.
type CIA struct {
	Source          `yaml:"-" json:"-"`
	Confidentiality Rating `yaml:"confidentiality,omitempty" json:"confidentiality,omitempty"`
	Integrity       Rating `yaml:"integrity,omitempty" json:"integrity,omitempty"`
	Availability    Rating `yaml:"availability,omitempty" json:"availability,omitempty"`
}

// TagInferredData marks a data asset an import added because the file
// models none: what it is worth is unknown until the model rates it.
const TagInferredData = "inferred-data"

// Inferred reports whether an import inferred the data asset (it carries
// TagInferredData): its ratings are a guess, not the model's.
func (d *DataAsset) Inferred() bool { return slices.Contains(d.Tags, TagInferredData) }

// DataAsset is a kind of data the system handles.
type DataAsset struct {
	Source      `yaml:"-" json:"-"`
	ID          string `yaml:"id" json:"id" jsonschema:"required"`
	Name        string `yaml:"name,omitempty" json:"name,omitempty"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Classification is required: it drives impact.
	Classification Classification `yaml:"classification" json:"classification" jsonschema:"required"`
	CIA            CIA            `yaml:"cia,omitempty" json:"cia,omitempty"`
	// Personal marks personal data (PII), which raises privacy threats.
	Personal bool     `yaml:"personal,omitempty" json:"personal,omitempty"`
	Quantity Quantity `yaml:"quantity,omitempty" json:"quantity,omitempty"`
	Owner    string   `yaml:"owner,omitempty" json:"owner,omitempty"`
	Tags     []string `yaml:"tags,omitempty" json:"tags,omitempty"`
}

// Component is a process, data store or external entity.
type Component struct {
	Source      `yaml:"-" json:"-"`
	ID          string        `yaml:"id" json:"id" jsonschema:"required"`
	Name        string        `yaml:"name,omitempty" json:"name,omitempty"`
	Description string        `yaml:"description,omitempty" json:"description,omitempty"`
	Type        ComponentType `yaml:"type" json:"type" jsonschema:"required"`
	// Technology is free text: "nginx", "postgresql", "spring-boot".
	Technology string `yaml:"technology,omitempty" json:"technology,omitempty"`
	// InternetFacing marks components reachable from the internet.
	InternetFacing bool    `yaml:"internet_facing,omitempty" json:"internet_facing,omitempty"`
	Hosting        Hosting `yaml:"hosting,omitempty" json:"hosting,omitempty"`
	// TrustBoundary places the component in a trust boundary (alternative to the boundary's contains).
	TrustBoundary string `yaml:"trust_boundary,omitempty" json:"trust_boundary,omitempty"`
	// Processes lists data assets the component handles in memory.
	Processes []string `yaml:"processes,omitempty" json:"processes,omitempty"`
	// Stores lists data assets the component keeps at rest.
	Stores []string `yaml:"stores,omitempty" json:"stores,omitempty"`
	// Controls lists control ids (the model's own or catalog ids) in place on the component.
	Controls []string `yaml:"controls,omitempty" json:"controls,omitempty"`
	// Authentication is how users or callers log in to the component.
	Authentication   Authentication `yaml:"authentication,omitempty" json:"authentication,omitempty"`
	EncryptionAtRest AtRest         `yaml:"encryption_at_rest,omitempty" json:"encryption_at_rest,omitempty"`
	// DataFormats lists input formats the component parses.
	DataFormats []DataFormat `yaml:"data_formats,omitempty" json:"data_formats,omitempty"`
	// CustomCode marks components whose code the team writes.
	CustomCode bool `yaml:"custom_code,omitempty" json:"custom_code,omitempty"`
	// HumanUse marks components people use directly (a browser, an admin console).
	HumanUse bool `yaml:"human_use,omitempty" json:"human_use,omitempty"`
	// AdminInterface marks components that expose an administration interface.
	AdminInterface bool `yaml:"admin_interface,omitempty" json:"admin_interface,omitempty"`
	// MultiTenant marks components shared by several tenants.
	MultiTenant bool `yaml:"multi_tenant,omitempty" json:"multi_tenant,omitempty"`
	// OutOfScope excludes the component from threat identification.
	OutOfScope bool   `yaml:"out_of_scope,omitempty" json:"out_of_scope,omitempty"`
	Owner      string `yaml:"owner,omitempty" json:"owner,omitempty"`
	// Runtime names a shared runtime (host, cluster) the component runs on.
	Runtime string   `yaml:"runtime,omitempty" json:"runtime,omitempty"`
	Tags    []string `yaml:"tags,omitempty" json:"tags,omitempty"`
	// Detection says which log events are about the component, so that
	// detection alerts name it.
	Detection *Detection `yaml:"detection,omitempty" json:"detection,omitempty"`
}

// Detection ties log events to a component: an event belongs to it when
// any of the lists matches. Names compare without regard to case; * in a
// value matches any run of characters.
type Detection struct {
	// Hosts are host names, matched against the event's host fields
	// (Computer, Hostname, host.name, ...).
	Hosts []string `yaml:"hosts,omitempty" json:"hosts,omitempty"`
	// Services are service names, matched against the event's service
	// fields (service.name, ServiceName, ...).
	Services []string `yaml:"services,omitempty" json:"services,omitempty"`
	// LogSources are Sigma log sources: an alert of a rule reading one of
	// them is about the component.
	LogSources []DetectionLogSource `yaml:"log_sources,omitempty" json:"log_sources,omitempty"`
	// Fields map an event field to the values that mark the component's
	// events, e.g. process.executable: ['C:\\app\\*'].
	Fields map[string][]string `yaml:"fields,omitempty" json:"fields,omitempty"`
}

// DetectionLogSource is a Sigma log source; empty parts match any.
type DetectionLogSource struct {
	Product  string `yaml:"product,omitempty" json:"product,omitempty"`
	Category string `yaml:"category,omitempty" json:"category,omitempty"`
	Service  string `yaml:"service,omitempty" json:"service,omitempty"`
}

// TrustBoundary groups components that trust each other.
type TrustBoundary struct {
	Source      `yaml:"-" json:"-"`
	ID          string       `yaml:"id" json:"id" jsonschema:"required"`
	Name        string       `yaml:"name,omitempty" json:"name,omitempty"`
	Description string       `yaml:"description,omitempty" json:"description,omitempty"`
	Type        BoundaryType `yaml:"type" json:"type" jsonschema:"required"`
	// Contains lists component ids and nested trust boundary ids.
	Contains []string `yaml:"contains,omitempty" json:"contains,omitempty"`
	Tags     []string `yaml:"tags,omitempty" json:"tags,omitempty"`
}

// Flow is a data flow from one component to another (the caller is From).
type Flow struct {
	Source      `yaml:"-" json:"-"`
	ID          string   `yaml:"id" json:"id" jsonschema:"required"`
	Name        string   `yaml:"name,omitempty" json:"name,omitempty"`
	Description string   `yaml:"description,omitempty" json:"description,omitempty"`
	From        string   `yaml:"from" json:"from" jsonschema:"required"`
	To          string   `yaml:"to" json:"to" jsonschema:"required"`
	Protocol    Protocol `yaml:"protocol" json:"protocol" jsonschema:"required"`
	// Authentication is how From proves its identity to To.
	Authentication Authentication `yaml:"authentication,omitempty" json:"authentication,omitempty"`
	Authorization  Authorization  `yaml:"authorization,omitempty" json:"authorization,omitempty"`
	// Encryption defaults to what the protocol gives (tls for https, none for http).
	Encryption   Encryption `yaml:"encryption,omitempty" json:"encryption,omitempty"`
	DataSent     []string   `yaml:"data_sent,omitempty" json:"data_sent,omitempty"`
	DataReceived []string   `yaml:"data_received,omitempty" json:"data_received,omitempty"`
	VPN          bool       `yaml:"vpn,omitempty" json:"vpn,omitempty"`
	Readonly     bool       `yaml:"readonly,omitempty" json:"readonly,omitempty"`
	IPFiltered   bool       `yaml:"ip_filtered,omitempty" json:"ip_filtered,omitempty"`
	Usage        Usage      `yaml:"usage,omitempty" json:"usage,omitempty"`
	// Controls lists control ids in place on the flow.
	Controls []string `yaml:"controls,omitempty" json:"controls,omitempty"`
	Tags     []string `yaml:"tags,omitempty" json:"tags,omitempty"`
}

// EffectiveEncryption is the flow's encryption, derived from the protocol when not set.
func (f *Flow) EffectiveEncryption() Encryption {
	if f.Encryption != "" {
		return f.Encryption
	}
	if f.VPN {
		return "vpn"
	}
	if f.Protocol.Encrypted() {
		return "tls"
	}
	return "none"
}

// Effect is how much an implemented control lowers likelihood and impact (0..4 steps).
type Effect struct {
	Source     `yaml:"-" json:"-"`
	Likelihood int `yaml:"likelihood,omitempty" json:"likelihood,omitempty" jsonschema:"minimum=0,maximum=4"`
	Impact     int `yaml:"impact,omitempty" json:"impact,omitempty" jsonschema:"minimum=0,maximum=4"`
}

// Control is a security control: the model's own, or the state of a catalog control.
type Control struct {
	Source      `yaml:"-" json:"-"`
	ID          string `yaml:"id" json:"id" jsonschema:"required"`
	Name        string `yaml:"name,omitempty" json:"name,omitempty"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Catalog is the catalog control this one implements (e.g. "waf"); empty when ID is itself a catalog id.
	Catalog string        `yaml:"catalog,omitempty" json:"catalog,omitempty"`
	Status  ControlStatus `yaml:"status" json:"status" jsonschema:"required"`
	// Effect overrides the catalog's default effect.
	Effect *Effect `yaml:"effect,omitempty" json:"effect,omitempty"`
	// Mitigates lists what this control addresses (own controls): rule ids,
	// manual threat ids, or threat classes as CWE-n or CAPEC-n. A whole
	// STRIDE category is too broad to count.
	Mitigates []string `yaml:"mitigates,omitempty" json:"mitigates,omitempty"`
	Owner     string   `yaml:"owner,omitempty" json:"owner,omitempty"`
	// Evidence is a link or note proving the control is in place.
	Evidence string `yaml:"evidence,omitempty" json:"evidence,omitempty"`
	// VerifiedBy is who verified that the control is in place and works.
	VerifiedBy string `yaml:"verified_by,omitempty" json:"verified_by,omitempty"`
}

// ManualThreat is a threat written by hand.
type ManualThreat struct {
	Source      `yaml:"-" json:"-"`
	ID          string   `yaml:"id" json:"id" jsonschema:"required"`
	Title       string   `yaml:"title" json:"title" jsonschema:"required"`
	Description string   `yaml:"description,omitempty" json:"description,omitempty"`
	STRIDE      []STRIDE `yaml:"stride,omitempty" json:"stride,omitempty"`
	// Targets lists the element ids (components, flows, data, boundaries) the threat concerns.
	Targets []string `yaml:"targets" json:"targets" jsonschema:"required"`
	// Likelihood and Impact are 1..5; zero lets analysis derive them.
	Likelihood int      `yaml:"likelihood,omitempty" json:"likelihood,omitempty" jsonschema:"minimum=1,maximum=5"`
	Impact     int      `yaml:"impact,omitempty" json:"impact,omitempty" jsonschema:"minimum=1,maximum=5"`
	CWE        []int    `yaml:"cwe,omitempty" json:"cwe,omitempty"`
	CAPEC      []int    `yaml:"capec,omitempty" json:"capec,omitempty"`
	ATTACK     []string `yaml:"attack,omitempty" json:"attack,omitempty"`
	// Mitigations lists control ids that address the threat.
	Mitigations []string `yaml:"mitigations,omitempty" json:"mitigations,omitempty"`
}

// Treatment is the register state of one threat.
type Treatment struct {
	Source `yaml:"-" json:"-"`
	// Threat is the stable threat id, e.g. "missing-authentication@web-to-api".
	Threat        string          `yaml:"threat" json:"threat" jsonschema:"required"`
	Status        TreatmentStatus `yaml:"status" json:"status" jsonschema:"required"`
	Owner         string          `yaml:"owner,omitempty" json:"owner,omitempty"`
	Due           *Date           `yaml:"due,omitempty" json:"due,omitempty"`
	Justification string          `yaml:"justification,omitempty" json:"justification,omitempty"`
	// AcceptedBy must be the system's risk owner or a listed risk acceptor.
	AcceptedBy string `yaml:"accepted_by,omitempty" json:"accepted_by,omitempty"`
	Expires    *Date  `yaml:"expires,omitempty" json:"expires,omitempty"`
	// TransferredTo names who carries a transferred risk (insurer, supplier).
	TransferredTo string `yaml:"transferred_to,omitempty" json:"transferred_to,omitempty"`
	Ticket        string `yaml:"ticket,omitempty" json:"ticket,omitempty"`
	Reviewed      *Date  `yaml:"reviewed,omitempty" json:"reviewed,omitempty"`
	// VerifiedBy is who verified a mitigation (a person, team or review).
	VerifiedBy string `yaml:"verified_by,omitempty" json:"verified_by,omitempty"`
	// CheckedBy is the old name of VerifiedBy, still read: validation warns
	// (deprecated_key) and Verifier uses it when VerifiedBy is empty.
	CheckedBy string `yaml:"checked_by,omitempty" json:"checked_by,omitempty"`
	// Evidence is a link or note showing a mitigation is in place. Status
	// mitigated counts only with Evidence and a verifier; without them the
	// mitigation is only claimed, and the threat stays open.
	Evidence string `yaml:"evidence,omitempty" json:"evidence,omitempty"`
}

// Verifier returns who verified the treatment: VerifiedBy, else the
// deprecated CheckedBy.
func (t *Treatment) Verifier() string {
	if v := strings.TrimSpace(t.VerifiedBy); v != "" {
		return v
	}
	return strings.TrimSpace(t.CheckedBy)
}

// RiskAppetite is the most risk the system may carry untreated.
type RiskAppetite struct {
	Source      `yaml:"-" json:"-"`
	MaxSeverity Severity `yaml:"max_severity" json:"max_severity" jsonschema:"required"`
	// ByCategory tightens (or loosens) the limit per STRIDE category or "privacy".
	ByCategory map[string]Severity `yaml:"by_category,omitempty" json:"by_category,omitempty"`
}

// Settings tunes analysis.
type Settings struct {
	Source `yaml:"-" json:"-"`
	Matrix *Matrix `yaml:"matrix,omitempty" json:"matrix,omitempty"`
	// ReviewIntervalDays is how often the model must be reviewed (default 365).
	ReviewIntervalDays int `yaml:"review_interval_days,omitempty" json:"review_interval_days,omitempty" jsonschema:"minimum=1"`
	// MaxAcceptanceDays caps how far ahead an acceptance may expire (default 365).
	MaxAcceptanceDays int `yaml:"max_acceptance_days,omitempty" json:"max_acceptance_days,omitempty" jsonschema:"minimum=1"`
	// DisabledRules lists rule ids not to run.
	DisabledRules []string `yaml:"disabled_rules,omitempty" json:"disabled_rules,omitempty"`
}

// Matrix is a risk matrix: Bands[likelihood-1][impact-1] is the severity.
type Matrix struct {
	Source          `yaml:"-" json:"-"`
	LikelihoodNames []string     `yaml:"likelihood_names,omitempty" json:"likelihood_names,omitempty"`
	ImpactNames     []string     `yaml:"impact_names,omitempty" json:"impact_names,omitempty"`
	Bands           [][]Severity `yaml:"bands,omitempty" json:"bands,omitempty"`
}

// MaxAcceptanceDays is settings.max_acceptance_days, or its default of 365:
// the longest an acceptance may run from its review.
func (m *Model) MaxAcceptanceDays() int {
	if s := m.Settings; s != nil && s.MaxAcceptanceDays > 0 {
		return s.MaxAcceptanceDays
	}
	return 365
}

// ReviewIntervalDays is settings.review_interval_days, or its default of
// 365: how often the model must be reviewed.
func (m *Model) ReviewIntervalDays() int {
	if s := m.Settings; s != nil && s.ReviewIntervalDays > 0 {
		return s.ReviewIntervalDays
	}
	return 365
}

// Date is a calendar date written YYYY-MM-DD.
type Date struct {
	time.Time
}

// String renders the date as YYYY-MM-DD.
func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalJSON writes the date as "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// MarshalYAML writes the date as YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) { return d.String(), nil }

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	return Date{t}, err
}
