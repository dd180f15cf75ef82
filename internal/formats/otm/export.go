package otm

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// The OTM document, in the key order of the specification's examples.
type document struct {
	OTMVersion      string           `json:"otmVersion"`
	Project         project          `json:"project"`
	Representations []representation `json:"representations,omitempty"`
	Assets          []asset          `json:"assets,omitempty"`
	Components      []component      `json:"components,omitempty"`
	Dataflows       []dataflow       `json:"dataflows,omitempty"`
	TrustZones      []trustZone      `json:"trustZones,omitempty"`
	Threats         []threat         `json:"threats,omitempty"`
	Mitigations     []mitigation     `json:"mitigations,omitempty"`
}

// attrs are an element's free-form attributes: strings, and the values
// of other kinds the import kept (as JSON).
type attrs map[string]any

// extra holds the keys of an OTM object that Rampart has no field for,
// kept by the import and written back after the object's own keys.
type extra map[string]json.RawMessage

type project struct {
	Name         string   `json:"name"`
	ID           string   `json:"id"`
	Description  string   `json:"description,omitempty"`
	Owner        string   `json:"owner,omitempty"`
	OwnerContact string   `json:"ownerContact,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	Attributes   attrs    `json:"attributes,omitempty"`
}

type size struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

type position struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

type representation struct {
	Name string `json:"name"`
	ID   string `json:"id"`
	Type string `json:"type"`
	Size *size  `json:"size,omitempty"`
}

type repElement struct {
	Representation string    `json:"representation"`
	Name           string    `json:"name,omitempty"`
	ID             string    `json:"id"`
	Position       *position `json:"position,omitempty"`
	Size           *size     `json:"size,omitempty"`
}

type assetRisk struct {
	Confidentiality float64 `json:"confidentiality"`
	Integrity       float64 `json:"integrity"`
	Availability    float64 `json:"availability"`
	Comment         string  `json:"comment,omitempty"`
}

type asset struct {
	Name        string    `json:"name"`
	ID          string    `json:"id"`
	Description string    `json:"description,omitempty"`
	Risk        assetRisk `json:"risk"`
	Attributes  attrs     `json:"attributes,omitempty"`
}

type parent struct {
	TrustZone string `json:"trustZone,omitempty"`
	Component string `json:"component,omitempty"`
	Extra     extra  `json:"-"`
}

type assetInstance struct {
	Processed []string `json:"processed,omitempty"`
	Stored    []string `json:"stored,omitempty"`
	Extra     extra    `json:"-"`
}

type mitigationInstance struct {
	Mitigation string `json:"mitigation"`
	State      string `json:"state"`
}

type threatInstance struct {
	Threat      string               `json:"threat"`
	State       string               `json:"state"`
	Mitigations []mitigationInstance `json:"mitigations,omitempty"`
}

type component struct {
	Name            string           `json:"name"`
	ID              string           `json:"id"`
	Description     string           `json:"description,omitempty"`
	Parent          parent           `json:"parent"`
	Type            string           `json:"type"`
	Tags            []string         `json:"tags,omitempty"`
	Representations []repElement     `json:"representations,omitempty"`
	Assets          *assetInstance   `json:"assets,omitempty"`
	Threats         []threatInstance `json:"threats,omitempty"`
	Attributes      attrs            `json:"attributes,omitempty"`
	Extra           extra            `json:"-"`
}

type dataflow struct {
	Name          string           `json:"name"`
	ID            string           `json:"id"`
	Description   string           `json:"description,omitempty"`
	Bidirectional bool             `json:"bidirectional,omitempty"`
	Source        string           `json:"source"`
	Destination   string           `json:"destination"`
	Tags          []string         `json:"tags,omitempty"`
	Assets        []string         `json:"assets,omitempty"`
	Threats       []threatInstance `json:"threats,omitempty"`
	Attributes    attrs            `json:"attributes,omitempty"`
	Extra         extra            `json:"-"`
}

type trustRisk struct {
	TrustRating float64 `json:"trustRating"`
	Extra       extra   `json:"-"`
}

type trustZone struct {
	Name            string       `json:"name"`
	ID              string       `json:"id"`
	Type            string       `json:"type,omitempty"`
	Description     string       `json:"description,omitempty"`
	Risk            trustRisk    `json:"risk"`
	Parent          *parent      `json:"parent,omitempty"`
	Representations []repElement `json:"representations,omitempty"`
	Attributes      attrs        `json:"attributes,omitempty"`
	Extra           extra        `json:"-"`
}

type threatRisk struct {
	Likelihood        *float64 `json:"likelihood"`
	LikelihoodComment string   `json:"likelihoodComment,omitempty"`
	Impact            float64  `json:"impact"`
	ImpactComment     string   `json:"impactComment,omitempty"`
	// Extra holds the further risk values the import kept (riskComments...).
	Extra extra `json:"-"`
}

// MarshalJSON writes the risk with the further values the import kept.
func (r threatRisk) MarshalJSON() ([]byte, error) {
	type plain threatRisk
	return withExtra(plain(r), r.Extra)
}

// MarshalJSON writes the threat with the further properties the import kept.
func (t threat) MarshalJSON() ([]byte, error) {
	type plain threat
	return withExtra(plain(t), t.Extra)
}

// MarshalJSON writes the parent with the further keys the import kept.
func (p parent) MarshalJSON() ([]byte, error) {
	type plain parent
	return withExtra(plain(p), p.Extra)
}

// MarshalJSON writes the component's assets with the further keys the import kept.
func (a assetInstance) MarshalJSON() ([]byte, error) {
	type plain assetInstance
	return withExtra(plain(a), a.Extra)
}

// MarshalJSON writes the component with the further keys the import kept.
func (c component) MarshalJSON() ([]byte, error) {
	type plain component
	return withExtra(plain(c), c.Extra)
}

// MarshalJSON writes the dataflow with the further keys the import kept.
func (f dataflow) MarshalJSON() ([]byte, error) {
	type plain dataflow
	return withExtra(plain(f), f.Extra)
}

// MarshalJSON writes the trust zone's risk with the further keys the import kept.
func (r trustRisk) MarshalJSON() ([]byte, error) {
	type plain trustRisk
	return withExtra(plain(r), r.Extra)
}

// MarshalJSON writes the trust zone with the further keys the import kept.
func (z trustZone) MarshalJSON() ([]byte, error) {
	type plain trustZone
	return withExtra(plain(z), z.Extra)
}

// withExtra encodes v, an object, followed by the extra keys in key order.
func withExtra(v any, extra extra) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = bytes.TrimSuffix(b, []byte("}"))
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(append(append(b, kb...), ':'), extra[k]...)
	}
	return append(b, '}'), nil
}

type threat struct {
	Name        string     `json:"name"`
	ID          string     `json:"id"`
	Description string     `json:"description,omitempty"`
	Categories  []string   `json:"categories,omitempty"`
	CWEs        []string   `json:"cwes,omitempty"`
	Risk        threatRisk `json:"risk"`
	Tags        []string   `json:"tags,omitempty"`
	Attributes  attrs      `json:"attributes,omitempty"`
	// Extra holds the further properties the import kept.
	Extra extra `json:"-"`
}

type mitigation struct {
	Name          string  `json:"name"`
	ID            string  `json:"id"`
	Description   string  `json:"description,omitempty"`
	RiskReduction float64 `json:"riskReduction"`
	Attributes    attrs   `json:"attributes,omitempty"`
}

const diagramID = "rampart-diagram"

var strideOTM = map[model.STRIDE]string{
	model.Spoofing: "Spoofing", model.Tampering: "Tampering", model.Repudiation: "Repudiation",
	model.InformationDisclosure: "Information Disclosure", model.DenialOfService: "Denial of Service",
	model.ElevationOfPrivilege: "Elevation of Privilege",
}

var ratingScore = map[model.Rating]float64{"negligible": 0, "low": 25, "medium": 50, "high": 75, "critical": 100}

type exporter struct {
	m        *model.Model
	ix       *model.Index
	problems model.Problems
	doc      document
	mitIDs   map[string]bool
}

func (ex *exporter) warn(pos model.Pos, path, format string, args ...any) {
	ex.problems = append(ex.problems, foreign.Warn(pos, path, "", fmt.Sprintf(format, args...)))
}

func export(ctx context.Context, m *model.Model, found []threats.Threat, asYAML bool) ([]byte, model.Problems, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	m = infer.Revert(m) // what was inferred on import stays out of the file
	ex := &exporter{m: m, ix: m.Index(), mitIDs: map[string]bool{}}
	ex.build(found)
	out, err := foreign.EncodeJSON(ex.doc, "OTM")
	if err != nil {
		return nil, ex.problems, err
	}
	if asYAML {
		y, err := jsonToYAML(out)
		if err != nil {
			return nil, ex.problems, fmt.Errorf("encode OTM as YAML: %w", err)
		}
		out = y
	}
	ex.problems.Sort()
	return out, ex.problems, ctx.Err()
}

// jsonToYAML re-encodes a JSON document as block-style YAML, keeping key order.
func jsonToYAML(data []byte) ([]byte, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, err
	}
	var clear func(*yaml.Node)
	clear = func(x *yaml.Node) {
		x.Style = 0
		if x.Kind == yaml.ScalarNode && x.Tag == "!!str" && strings.Contains(x.Value, "\n") {
			x.Style = yaml.LiteralStyle
		}
		for _, c := range x.Content {
			clear(c)
		}
	}
	clear(&n)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func splitTags(tags []string) (plain []string, a attrs, special map[string]string) {
	a, special = attrs{}, map[string]string{}
	for _, t := range tags {
		switch {
		case strings.HasPrefix(t, tagAttribute):
			k, v, _ := strings.Cut(strings.TrimPrefix(t, tagAttribute), "=")
			a[k] = v
		case strings.HasPrefix(t, tagType), strings.HasPrefix(t, tagTrustRating), strings.HasPrefix(t, tagOwnerContact):
			k, v, _ := strings.Cut(t, ":")
			special[k+":"] = v
		case t == tagBidirectional:
			special[t] = "true"
		case foreign.DiagramTag(t):
		default:
			plain = append(plain, t)
		}
	}
	return plain, a, special
}

func orNil(a attrs) attrs {
	if len(a) == 0 {
		return nil
	}
	return a
}

func (ex *exporter) build(found []threats.Threat) {
	m := ex.m
	ex.problems = append(ex.problems, foreign.ModelLosses(m, "OTM", "data")...)
	tags, a, special := splitTags(m.System.Tags)
	ex.doc = document{OTMVersion: Version, Project: project{Name: m.System.Name, ID: m.System.ID, Description: m.System.Description,
		Owner: m.System.Owner, OwnerContact: special[tagOwnerContact], Tags: tags, Attributes: orNil(a)}}
	lay := foreign.Arrange(m, func(*model.Component) (float64, float64) { return 120, 80 })
	var maxX, maxY float64
	for _, r := range lay.Nodes {
		maxX, maxY = max(maxX, r.X+r.W), max(maxY, r.Y+r.H)
	}
	for _, r := range lay.Boxes {
		maxX, maxY = max(maxX, r.X+r.W), max(maxY, r.Y+r.H)
	}
	ex.doc.Representations = []representation{{Name: "Rampart diagram", ID: diagramID, Type: "diagram", Size: &size{maxX + 40, maxY + 40}}}
	rep := func(id, name string, r foreign.Rect) []repElement {
		return []repElement{{Representation: diagramID, Name: name, ID: id + "-shape", Position: &position{r.X, r.Y}, Size: &size{r.W, r.H}}}
	}
	for _, d := range m.Data {
		as := asset{Name: cmp.Or(d.Name, d.ID), ID: d.ID, Description: d.Description,
			Risk: assetRisk{Confidentiality: score(d.CIA.Confidentiality), Integrity: score(d.CIA.Integrity), Availability: score(d.CIA.Availability)}}
		if i := strings.LastIndex(as.Description, riskPrefix); i >= 0 && (i == 0 || strings.HasSuffix(as.Description[:i], "\n\n")) {
			as.Description, as.Risk.Comment = strings.TrimSuffix(as.Description[:i], "\n\n"), as.Description[i+len(riskPrefix):]
		}
		_, aa, _ := splitTags(d.Tags)
		aa[attrPrefix+"classification"] = string(d.Classification)
		if d.Personal {
			aa[attrPrefix+"personal"] = "true"
		}
		if d.Quantity != "" {
			aa[attrPrefix+"quantity"] = string(d.Quantity)
		}
		if d.Owner != "" {
			aa[attrPrefix+"owner"] = d.Owner
		}
		as.Attributes = aa
		ex.doc.Assets = append(ex.doc.Assets, as)
	}
	// Trust zones; components outside every boundary go into one generated zone.
	needDefault := false
	for _, c := range m.Components {
		if ex.ix.Boundaries[ex.ix.Parent[c.ID]] == nil && (c.Runtime == "" || ex.ix.Components[c.Runtime] == nil) {
			needDefault = true
		}
	}
	for _, b := range m.TrustBoundaries {
		tags, a, special := splitTags(b.Tags)
		desc, props := takeKept(b.Description)
		tz := trustZone{Name: cmp.Or(b.Name, b.ID), ID: b.ID, Type: special[tagType], Description: desc,
			Representations: rep(b.ID, b.Name, lay.Boxes[b.ID])}
		var parentExtra extra
		putKept(props, &tz.Extra, &a, map[string]*extra{"risk": &tz.Risk.Extra, "parent": &parentExtra})
		if tz.Type == "" {
			tz.Type = string(b.Type)
		} else {
			a[attrPrefix+"type"] = string(b.Type)
		}
		tz.Risk.TrustRating = 50
		if v, ok := special[tagTrustRating]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				tz.Risk.TrustRating = f
			}
		}
		if p := ex.ix.Parent[b.ID]; ex.ix.Boundaries[p] != nil || len(parentExtra) > 0 {
			tz.Parent = &parent{Extra: parentExtra}
			if ex.ix.Boundaries[p] != nil {
				tz.Parent.TrustZone = p
			}
		}
		if len(tags) > 0 {
			a[attrPrefix+"tags"] = strings.Join(tags, ",")
		}
		tz.Attributes = orNil(a)
		ex.doc.TrustZones = append(ex.doc.TrustZones, tz)
	}
	const defaultZone = "rampart-unzoned"
	if needDefault {
		ex.doc.TrustZones = append(ex.doc.TrustZones, trustZone{Name: "Outside every trust boundary", ID: defaultZone, Type: "default",
			Description: "Components the model places in no trust boundary (OTM requires a parent for each component).",
			Risk:        trustRisk{TrustRating: 50}, Attributes: attrs{attrGenerated: "true"}})
	}
	list := foreign.Threats(m, found)
	instances := ex.instances(list)
	for i := range m.Components {
		c := &m.Components[i]
		tags, a, special := splitTags(c.Tags)
		desc, props := takeKept(c.Description)
		oc := component{Name: cmp.Or(c.Name, c.ID), ID: c.ID, Description: desc, Type: special[tagType], Tags: tags,
			Representations: rep(c.ID, c.Name, lay.Nodes[c.ID]), Threats: instances[c.ID]}
		if oc.Type == "" {
			oc.Type = string(c.Type)
		} else if componentType(oc.Type) != c.Type {
			a[attrPrefix+"type"] = string(c.Type)
		}
		switch {
		case ex.ix.Boundaries[ex.ix.Parent[c.ID]] != nil:
			oc.Parent.TrustZone = ex.ix.Parent[c.ID]
			if c.Runtime != "" {
				a[attrPrefix+"runtime"] = c.Runtime
			}
		case c.Runtime != "" && ex.ix.Components[c.Runtime] != nil:
			oc.Parent.Component = c.Runtime
		default:
			oc.Parent.TrustZone = defaultZone
			if c.Runtime != "" {
				a[attrPrefix+"runtime"] = c.Runtime
			}
		}
		var assetsExtra extra
		putKept(props, &oc.Extra, &a, map[string]*extra{"parent": &oc.Parent.Extra, "assets": &assetsExtra})
		if len(c.Processes) > 0 || len(c.Stores) > 0 || len(assetsExtra) > 0 {
			oc.Assets = &assetInstance{Processed: c.Processes, Stored: c.Stores, Extra: assetsExtra}
		}
		for k, v := range map[string]string{"technology": c.Technology, "hosting": string(c.Hosting), "authentication": string(c.Authentication),
			"encryption_at_rest": string(c.EncryptionAtRest), "owner": c.Owner, "internet_facing": boolStr(c.InternetFacing),
			"custom_code": boolStr(c.CustomCode), "human_use": boolStr(c.HumanUse), "admin_interface": boolStr(c.AdminInterface),
			"multi_tenant": boolStr(c.MultiTenant), "out_of_scope": boolStr(c.OutOfScope), "data_formats": joinFormats(c.DataFormats)} {
			if v != "" {
				a[attrPrefix+k] = v
			}
		}
		oc.Attributes = orNil(a)
		ex.doc.Components = append(ex.doc.Components, oc)
	}
	for i := range m.Flows {
		f := &m.Flows[i]
		tags, a, special := splitTags(f.Tags)
		desc, props := takeKept(f.Description)
		df := dataflow{Name: cmp.Or(f.Name, f.ID), ID: f.ID, Description: desc, Bidirectional: special[tagBidirectional] == "true",
			Source: f.From, Destination: f.To, Tags: tags, Threats: instances[f.ID]}
		putKept(props, &df.Extra, &a, nil)
		df.Assets = append(append(df.Assets, f.DataSent...), f.DataReceived...)
		if f.Protocol != "other" && !hasTag(tags, string(f.Protocol)) {
			a[attrPrefix+"protocol"] = string(f.Protocol)
		}
		for k, v := range map[string]string{"authentication": string(f.Authentication), "authorization": string(f.Authorization),
			"encryption": string(f.Encryption), "usage": string(f.Usage), "vpn": boolStr(f.VPN), "readonly": boolStr(f.Readonly),
			"ip_filtered": boolStr(f.IPFiltered), "data_received": strings.Join(f.DataReceived, ",")} {
			if v != "" {
				a[attrPrefix+k] = v
			}
		}
		df.Attributes = orNil(a)
		ex.doc.Dataflows = append(ex.doc.Dataflows, df)
	}
	for _, t := range list {
		if len(instances[threatKey(t.ID)]) == 0 {
			continue // not placed: warned in instances
		}
		ot := threat{Name: t.Title, ID: otmID("threat", t.ID), Description: t.Description}
		for _, s := range t.STRIDE {
			ot.Categories = append(ot.Categories, strideOTM[s])
		}
		ot.Description, ot.Categories, ot.Tags, ot.Risk = splitDescription(ot.Description, ot.Categories)
		ot.Description = ex.keptProperties(&ot, ot.Description)
		for _, n := range t.CWE {
			ot.CWEs = append(ot.CWEs, "CWE-"+strconv.Itoa(n))
		}
		if t.Likelihood > 0 {
			l := float64(t.Likelihood * 20)
			ot.Risk.Likelihood = &l
		}
		ot.Risk.Impact = float64(t.Impact * 20)
		if !t.Manual() {
			ot.Attributes = attrs{attrPrefix + "rule": t.Rule}
		}
		ex.doc.Threats = append(ex.doc.Threats, ot)
	}
	ex.mitigations(list)
}

// threatKey is the key under which instances records that a threat was placed.
func threatKey(id string) string { return "\x00" + id }

// otmID is the OTM id of a threat or mitigation: the importer gives one
// whose OTM id another element has the Rampart id kind:id, and OTM keeps
// threats, mitigations and elements apart, so the prefix goes.
func otmID(kind, id string) string {
	if rest, ok := strings.CutPrefix(id, kind+":"); ok && rest != "" {
		return rest
	}
	return id
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return ""
}

func joinFormats(fs []model.DataFormat) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ",")
}

func hasTag(tags []string, t string) bool {
	for _, x := range tags {
		if strings.EqualFold(x, t) {
			return true
		}
	}
	return false
}

func score(r model.Rating) float64 {
	if r == "" {
		return ratingScore["low"]
	}
	return ratingScore[r]
}

// splitDescription takes back the lines the importer appended to a threat's
// description for OTM fields Rampart has no place for.
func splitDescription(desc string, cats []string) (string, []string, []string, threatRisk) {
	var risk threatRisk
	var tags []string
	parts := strings.Split(desc, "\n\n")
	kept := parts[:0]
	for _, p := range parts {
		switch {
		case strings.HasPrefix(p, categoriesPrefix):
			cats = append(cats, splitList(strings.TrimPrefix(p, categoriesPrefix))...)
		case strings.HasPrefix(p, tagsPrefix):
			tags = splitList(strings.TrimPrefix(p, tagsPrefix))
		case strings.HasPrefix(p, likelihoodPrefix):
			risk.LikelihoodComment = strings.TrimPrefix(p, likelihoodPrefix)
		case strings.HasPrefix(p, impactPrefix):
			risk.ImpactComment = strings.TrimPrefix(p, impactPrefix)
		default:
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "\n\n"), cats, tags, risk
}

// takeKept takes the paragraph of properties the importer kept for an
// element (propsPrefix) out of its description.
func takeKept(desc string) (string, map[string]json.RawMessage) {
	parts := strings.Split(desc, "\n\n")
	kept := parts[:0]
	var props map[string]json.RawMessage
	for _, p := range parts {
		js, ok := strings.CutPrefix(p, propsPrefix)
		var these map[string]json.RawMessage
		if !ok || json.Unmarshal([]byte(js), &these) != nil {
			kept = append(kept, p)
			continue
		}
		if props == nil {
			props = map[string]json.RawMessage{}
		}
		for k, v := range these {
			props[k] = v
		}
	}
	return strings.Join(kept, "\n\n"), props
}

// putKept puts the properties the importer kept for an element back: its
// attributes into a, the keys of its nested objects into their extras
// (nested, by key), the others into top.
func putKept(props map[string]json.RawMessage, top *extra, a *attrs, nested map[string]*extra) {
	for k, v := range props {
		if x, ok := nested[k]; ok {
			_ = json.Unmarshal(v, x)
			continue
		}
		if k == "attributes" {
			var as map[string]json.RawMessage
			if json.Unmarshal(v, &as) != nil {
				continue
			}
			if *a == nil {
				*a = attrs{}
			}
			for ak, av := range as {
				var s string
				if json.Unmarshal(av, &s) == nil {
					(*a)[ak] = s
				} else {
					(*a)[ak] = av
				}
			}
			continue
		}
		if *top == nil {
			*top = extra{}
		}
		(*top)[k] = v
	}
}

// keptProperties takes back the properties the importer kept for a threat
// (its paragraph propsPrefix) into the threat, its risk and attributes.
func (ex *exporter) keptProperties(ot *threat, desc string) string {
	desc, props := takeKept(desc)
	putKept(props, &ot.Extra, &ot.Attributes, map[string]*extra{"risk": &ot.Risk.Extra})
	return desc
}

// instances builds the threat instances on each component and dataflow.
func (ex *exporter) instances(list []foreign.Threat) map[string][]threatInstance {
	out := map[string][]threatInstance{}
	for _, t := range list {
		state := ex.state(t)
		placed := 0
		for _, target := range t.Targets {
			if !t.Manual() && placed > 0 {
				break // an identified threat is about its first target
			}
			if ex.ix.Components[target] == nil && ex.ix.Flows[target] == nil {
				if !t.Manual() {
					continue
				}
				ex.warn(t.Pos, "", "OTM attaches threats to components and dataflows only; threat '%s' on '%s' is not attached there", t.ID, target)
				continue
			}
			ti := threatInstance{Threat: otmID("threat", t.ID), State: state}
			listed := ex.listed(target)
			for _, cid := range t.Mitigations {
				ms := "recommended"
				if listed[cid] {
					ms = "required"
					if ex.implemented(cid) {
						ms = "implemented"
					}
				}
				ti.Mitigations = append(ti.Mitigations, mitigationInstance{Mitigation: otmID("mitigation", cid), State: ms})
				ex.mitIDs[cid] = true
			}
			out[target] = append(out[target], ti)
			placed++
		}
		if placed > 0 {
			out[threatKey(t.ID)] = []threatInstance{{}}
		} else {
			ex.warn(t.Pos, "", "threat '%s' has no component or dataflow target; not exported", t.ID)
		}
	}
	return out
}

func (ex *exporter) listed(elem string) map[string]bool {
	out := map[string]bool{}
	var list []string
	if c := ex.ix.Components[elem]; c != nil {
		list = c.Controls
	} else if f := ex.ix.Flows[elem]; f != nil {
		list = f.Controls
	}
	for _, id := range list {
		out[id] = true
	}
	return out
}

func (ex *exporter) implemented(cid string) bool {
	if c := ex.ix.Controls[cid]; c != nil {
		return c.Status == "implemented"
	}
	return false
}

func (ex *exporter) state(t foreign.Threat) string {
	switch t.Status {
	case "open", "":
		return "exposed"
	case "mitigated":
		return "mitigated"
	case "mitigating":
		return "partly-mitigated"
	case "false-positive":
		return "not-applicable"
	case "accepted":
		return "accepted"
	}
	ex.warn(t.Pos, "", "threat '%s' is %s; OTM has no such state, written as mitigated", t.ID, t.Status)
	return "mitigated"
}

func (ex *exporter) mitigations(list []foreign.Threat) {
	for _, c := range ex.m.Controls {
		ex.mitIDs[c.ID] = true
	}
	ids := make([]string, 0, len(ex.mitIDs))
	for id := range ex.mitIDs {
		ids = append(ids, id)
	}
	// Own controls in model order, then catalog controls by id.
	order := map[string]int{}
	for i, c := range ex.m.Controls {
		order[c.ID] = i + 1
	}
	sort.Slice(ids, func(i, j int) bool {
		oi, oj := order[ids[i]], order[ids[j]]
		if (oi == 0) != (oj == 0) {
			return oi != 0
		}
		if oi != oj {
			return oi < oj
		}
		return ids[i] < ids[j]
	})
	for _, id := range ids {
		mi := mitigation{ID: otmID("mitigation", id), Name: id, RiskReduction: 50}
		if c := ex.ix.Controls[id]; c != nil {
			mi.Name, mi.Description = cmp.Or(c.Name, c.ID), c.Description
			if c.Catalog != "" {
				mi.Attributes = attrs{attrPrefix + "catalog": c.Catalog}
			}
			if c.Effect != nil {
				mi.RiskReduction = float64(c.Effect.Likelihood * 25)
			}
		} else if cc, ok := catalog.LookupControl(id); ok {
			mi.Name = cc.Name
		}
		ex.doc.Mitigations = append(ex.doc.Mitigations, mi)
	}
}
