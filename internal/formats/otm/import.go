package otm

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// Tags and attributes that carry what OTM has and Rampart has no field for
// (and back).
const (
	tagType          = "otm-type:"
	tagTrustRating   = "trust-rating:"
	tagOwnerContact  = "owner-contact:"
	tagAttribute     = "attribute:"
	tagBidirectional = "bidirectional"
	attrPrefix       = "rampart."
	attrGenerated    = "rampart.generated"
	categoriesPrefix = "Categories: "
	tagsPrefix       = "Tags: "
	// propsPrefix opens the paragraph that keeps, as JSON, what an OTM
	// threat says that Rampart has no field for (further risk values such
	// as riskComments, free-form attributes, properties of other tools).
	propsPrefix      = "OTM properties: "
	likelihoodPrefix = "Likelihood: "
	impactPrefix     = "Impact: "
	riskPrefix       = "Risk: "
	naJustification  = "Marked not applicable in the Open Threat Model."
)

type instance struct {
	elem        string
	state       string
	stateNode   *yaml.Node
	mitigations []mitInstance
	node        *yaml.Node
	path        string
}

type mitInstance struct {
	id    string
	state string
	node  *yaml.Node
	path  string
}

type threatDef struct {
	obj        foreign.Obj
	id         string
	instances  []instance
	title      string
	desc       string
	stride     []model.STRIDE
	cwe        []int
	likelihood int
	impact     int
	rule       string
}

type importer struct {
	d        *foreign.Doc
	m        *model.Model
	ids      *foreign.IDs
	zones    map[string]string // OTM id -> Rampart id
	comps    map[string]string
	flows    map[string]string
	assets   map[string]string
	threats  map[string]*threatDef
	order    []string // threat ids in declaration order
	mits     map[string]foreign.Obj
	mitOrder []string
	skipZone map[string]bool // generated zones not imported
	mitUses  map[string]*mitUse
	mitID    map[string]string // OTM mitigation id -> control id
	guessed  map[string]bool   // components whose OTM type no keyword matched
}

func newImporter(d *foreign.Doc) *importer {
	return &importer{d: d, m: &model.Model{Rampart: model.SchemaVersion}, ids: foreign.NewIDs(),
		zones: map[string]string{}, comps: map[string]string{}, flows: map[string]string{}, assets: map[string]string{},
		threats: map[string]*threatDef{}, mits: map[string]foreign.Obj{}, skipZone: map[string]bool{}, guessed: map[string]bool{}}
}

func (im *importer) run() {
	root, ok := im.d.Object(im.d.Root, "")
	if !ok || !root.Present() {
		if ok {
			im.d.Errorf(im.d.Root, "", "an OTM document starts with otmVersion and project", "expected an object, found %s", foreign.Describe(im.d.Root))
		}
		return
	}
	if !im.version(root) {
		return
	}
	im.project(root)
	im.representations(root)
	// Declarations first, so that references can be checked in any order.
	im.declareThreats(root)
	im.declareMitigations(root)
	im.assetsSection(root)
	im.trustZones(root)
	im.components(root)
	im.dataflows(root)
	im.threatInstances()
	im.mitigationControls()
}

func (im *importer) version(root foreign.Obj) bool {
	v := root.Get("otmVersion")
	if foreign.IsNull(v) {
		root.Missing("otmVersion", "OTM documents start with otmVersion: 0.2.0")
		return false
	}
	s := v.Value
	if v.Kind != yaml.ScalarNode {
		im.d.Errorf(v, "otmVersion", "", "expected a version string, found %s", foreign.Describe(v))
		return false
	}
	switch {
	case s == "0.1.0", s == "0.2.0", s == "0.1", s == "0.2":
		return true
	case strings.HasPrefix(s, "0.1.") || strings.HasPrefix(s, "0.2."):
		im.d.Warnf(v, "otmVersion", "", "OTM version %s is newer than the 0.1.0 and 0.2.0 this importer knows; reading it as 0.2.0", s)
		return true
	}
	im.d.Errorf(v, "otmVersion", "this importer reads OTM 0.1.0 and 0.2.0", "unsupported OTM version '%s'", s)
	return false
}

func (im *importer) project(root foreign.Obj) {
	p, ok := root.Obj("project")
	if !ok {
		return
	}
	if !p.Present() {
		root.Missing("project", "give project.name and project.id")
		return
	}
	name := p.Str("name", true)
	id := p.ID("id", true)
	sys := model.System{ID: cmp.Or(foreign.Sanitize(id), foreign.Slug(name), "otm-project"), Name: cmp.Or(name, id, "OTM project"),
		Description: p.Str("description", false), Owner: p.Str("owner", false)}
	if c := p.Str("ownerContact", false); c != "" {
		sys.Tags = append(sys.Tags, tagOwnerContact+c)
	}
	sys.Tags = append(sys.Tags, p.Strs("tags")...)
	sys.Tags = append(sys.Tags, attributes(p, false)...)
	sys.SetPos(im.d.Pos(p.N), "project")
	im.m.System = sys
}

// attributes turns an element's free-form attributes into tags, except the
// rampart.* attributes Export writes for fields OTM lacks. An attribute
// that is no plain value is dropped with a warning, unless kept is set:
// then only strings become tags, and the element's kept properties
// (otherProperties) hold the others.
func attributes(o foreign.Obj, kept bool) []string {
	a, ok := o.Obj("attributes")
	if !ok || !a.Present() {
		return nil
	}
	var out []string
	for _, k := range a.Keys() {
		if strings.HasPrefix(k, attrPrefix) {
			continue
		}
		v := a.Get(k)
		if kept && !plainAttr(v) {
			continue
		}
		if v == nil || v.Kind != yaml.ScalarNode {
			a.D.Warnf(v, a.KeyPath(k), "", "attribute '%s' is not a plain value; dropped", k)
			continue
		}
		out = append(out, tagAttribute+k+"="+v.Value)
	}
	return out
}

// rampartAttr reads an attribute Export wrote for a Rampart field.
func rampartAttr(o foreign.Obj, field string) string {
	a, ok := o.Obj("attributes")
	if !ok || !a.Present() {
		return ""
	}
	v := a.Get(attrPrefix + field)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

func (im *importer) representations(root foreign.Obj) {
	reps := root.Arr("representations", false)
	var names []string
	for _, it := range reps {
		r, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		r.Str("name", true)
		r.Str("id", true)
		r.Str("type", true)
		names = append(names, cmp.Or(r.Str("name", false), r.Str("id", false)))
	}
	if len(reps) > 0 {
		im.d.Warnf(root.At("representations"), "representations", "",
			"representations (%s) and the positions of elements in them are not kept; export lays the diagram out again", strings.Join(names, ", "))
	}
}

func (im *importer) declareThreats(root foreign.Obj) {
	for _, it := range root.Arr("threats", false) {
		t, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		id := t.ID("id", true)
		if id == "" {
			continue
		}
		if _, dup := im.threats[id]; dup {
			im.d.Errorf(t.At("id"), t.KeyPath("id"), "", "duplicate threat id '%s'", id)
			continue
		}
		im.threats[id] = im.threatDef(t, id)
		im.order = append(im.order, id)
	}
}

func (im *importer) declareMitigations(root foreign.Obj) {
	for _, it := range root.Arr("mitigations", false) {
		mo, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		id := mo.ID("id", true)
		mo.Str("name", true)
		mo.Num("riskReduction", true)
		if id == "" {
			continue
		}
		if _, dup := im.mits[id]; dup {
			im.d.Errorf(mo.At("id"), mo.KeyPath("id"), "", "duplicate mitigation id '%s'", id)
			continue
		}
		im.mits[id] = mo
		im.mitOrder = append(im.mitOrder, id)
	}
}

// rating maps a 0..100 score onto a CIA rating.
func rating(v float64) model.Rating {
	switch {
	case v >= 90:
		return "critical"
	case v >= 65:
		return "high"
	case v >= 40:
		return "medium"
	case v >= 15:
		return "low"
	}
	return "negligible"
}

func (im *importer) assetsSection(root foreign.Obj) {
	for _, it := range root.Arr("assets", false) {
		a, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		oid := a.ID("id", true)
		name := a.Str("name", true)
		if oid == "" {
			continue
		}
		if _, dup := im.assets[oid]; dup {
			im.d.Errorf(a.At("id"), a.KeyPath("id"), "", "duplicate asset id '%s'", oid)
			continue
		}
		da := model.DataAsset{ID: im.ids.Take("asset", oid, name), Name: name, Description: a.Str("description", false)}
		da.SetPos(im.d.Pos(a.N), a.Path)
		risk, _ := a.Obj("risk")
		if !risk.Present() {
			a.Missing("risk", "give risk.confidentiality, integrity and availability, 0 to 100")
		}
		c, okc := risk.Num("confidentiality", risk.Present())
		i, oki := risk.Num("integrity", risk.Present())
		av, oka := risk.Num("availability", risk.Present())
		if okc {
			da.CIA.Confidentiality = rating(c)
		}
		if oki {
			da.CIA.Integrity = rating(i)
		}
		if oka {
			da.CIA.Availability = rating(av)
		}
		if cm := risk.Str("comment", false); cm != "" {
			da.Description = joinText(da.Description, riskPrefix+cm)
		}
		da.Classification = model.Classification(rampartAttr(a, "classification"))
		if da.Classification == "" {
			switch {
			case c >= 90:
				da.Classification = "restricted"
			case c >= 60:
				da.Classification = "confidential"
			case c >= 30:
				da.Classification = "internal"
			default:
				da.Classification = "public"
			}
		}
		da.Personal = rampartAttr(a, "personal") == "true"
		da.Quantity = model.Quantity(rampartAttr(a, "quantity"))
		da.Owner = rampartAttr(a, "owner")
		da.Tags = attributes(a, false)
		im.assets[oid] = da.ID
		im.m.Data = append(im.m.Data, da)
	}
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n\n" + b
}

var boundaryTypes = []struct {
	word string
	typ  model.BoundaryType
}{
	{"vpc", "vpc"}, {"security-group", "security-group"}, {"account", "cloud-account"}, {"cloud", "cloud-account"},
	{"aws", "cloud-account"}, {"azure", "cloud-account"}, {"gcp", "cloud-account"}, {"container", "container"},
	{"kubernetes", "container"}, {"k8s", "container"}, {"on-prem", "network-on-premises"}, {"premises", "network-on-premises"},
	{"physical", "physical"}, {"organisation", "organisation"}, {"organization", "organisation"}, {"execution", "execution-environment"},
}

func boundaryType(otmType string) model.BoundaryType {
	l := strings.ToLower(otmType)
	for _, v := range model.BoundaryType("").Values() {
		if l == v {
			return model.BoundaryType(v)
		}
	}
	for _, bt := range boundaryTypes {
		if strings.Contains(l, bt.word) {
			return bt.typ
		}
	}
	return "network-segment"
}

type parentRef struct {
	zone, comp string
	node       *yaml.Node
	path       string
}

// parent reads a parent object in either OTM form: {trustZone: id} |
// {component: id} (0.2.0), or {id: x, type: trustZone|component}.
func (im *importer) parent(o foreign.Obj, required bool) parentRef {
	p, ok := o.Obj("parent")
	if !ok {
		return parentRef{}
	}
	if !p.Present() {
		if required {
			o.Missing("parent", "a component sits in a trust zone or another component: parent: {trustZone: id}")
		}
		return parentRef{}
	}
	ref := parentRef{node: p.N, path: p.Path}
	switch {
	case p.Has("trustZone"):
		ref.zone, ref.node, ref.path = p.ID("trustZone", false), p.At("trustZone"), p.KeyPath("trustZone")
	case p.Has("component"):
		ref.comp, ref.node, ref.path = p.ID("component", false), p.At("component"), p.KeyPath("component")
	case p.Has("id"):
		id, typ := p.ID("id", false), p.Str("type", true)
		ref.node, ref.path = p.At("id"), p.KeyPath("id")
		switch strings.ToLower(typ) {
		case "trustzone", "trust-zone":
			ref.zone = id
		case "component":
			ref.comp = id
		default:
			im.d.Errorf(p.At("type"), p.KeyPath("type"), "", "unknown parent type '%s', expected trustZone or component", typ)
		}
	default:
		im.d.Errorf(p.N, p.Path, "write parent: {trustZone: id} or parent: {component: id}", "parent names neither a trustZone nor a component")
	}
	return ref
}

// zone is a trust zone read, with the parent it names.
type zone struct {
	b      int
	parent parentRef
}

func (im *importer) trustZones(root foreign.Obj) {
	var zs []zone
	for _, it := range root.Arr("trustZones", false) {
		z, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		oid := z.ID("id", true)
		name := z.Str("name", true)
		if oid == "" {
			continue
		}
		if _, dup := im.zones[oid]; dup {
			im.d.Errorf(z.At("id"), z.KeyPath("id"), "", "duplicate trust zone id '%s'", oid)
			continue
		}
		if rampartAttr(z, "generated") == "true" {
			im.skipZone[oid] = true
			im.zones[oid] = ""
			continue
		}
		risk, _ := z.Obj("risk")
		if !risk.Present() {
			z.Missing("risk", "give risk.trustRating, 0 to 100")
		}
		b := model.TrustBoundary{ID: im.ids.Take("zone", oid, name), Name: name, Description: z.Str("description", false)}
		typ := z.Str("type", false)
		b.Type = model.BoundaryType(rampartAttr(z, "type"))
		if b.Type == "" {
			b.Type = boundaryType(typ)
		}
		if typ != "" && typ != string(b.Type) {
			b.Tags = append(b.Tags, tagType+typ)
		}
		if tr, ok := risk.Num("trustRating", risk.Present()); ok {
			b.Tags = append(b.Tags, tagTrustRating+strconv.FormatFloat(tr, 'f', -1, 64))
		}
		b.Tags = append(b.Tags, attributes(z, true)...)
		b.Tags = append(b.Tags, splitList(rampartAttr(z, "tags"))...)
		if props := im.otherProperties(z, zoneKeys, plainAttr); props != "" {
			b.Description = joinText(b.Description, propsPrefix+props)
		}
		b.SetPos(im.d.Pos(z.N), z.Path)
		im.zones[oid] = b.ID
		zs = append(zs, zone{b: len(im.m.TrustBoundaries), parent: im.parent(z, false)})
		im.m.TrustBoundaries = append(im.m.TrustBoundaries, b)
	}
	for _, z := range zs {
		p := z.parent
		switch {
		case p.zone != "":
			if pid, ok := im.zones[p.zone]; !ok {
				im.d.Errorf(p.node, p.path, model.Suggest(p.zone, keys(im.zones)), "unknown trust zone '%s'", p.zone)
			} else if pid != "" {
				pb := im.boundary(pid)
				pb.Contains = append(pb.Contains, im.m.TrustBoundaries[z.b].ID)
			}
		case p.comp != "":
			im.d.Warnf(p.node, p.path, "", "trust zone '%s' sits in component '%s'; Rampart boundaries cannot sit in components, so it is kept at the top level",
				im.m.TrustBoundaries[z.b].ID, p.comp)
		}
	}
	im.zoneCycles(zs)
}

// zoneCycles reports trust zones whose parents lead back to themselves,
// at the parent that closes the cycle, and breaks each cycle there.
func (im *importer) zoneCycles(zs []zone) {
	parentOf := map[string]string{} // Rampart boundary id -> parent's
	at := map[string]parentRef{}
	for _, z := range zs {
		if pid := im.zones[z.parent.zone]; z.parent.zone != "" && pid != "" {
			id := im.m.TrustBoundaries[z.b].ID
			parentOf[id], at[id] = pid, z.parent
		}
	}
	done := map[string]bool{}
	for _, z := range zs {
		start := im.m.TrustBoundaries[z.b].ID
		var chain []string
		onChain := map[string]bool{}
		for id := start; id != "" && !done[id]; id = parentOf[id] {
			if onChain[id] {
				i := slices.Index(chain, id)
				cycle := append(chain[i:], id)
				last := chain[len(chain)-1]
				p := at[last]
				im.d.Errorf(p.node, p.path, "a trust zone cannot sit inside itself; give one of them another parent, or none",
					"trust zones form a cycle through their parents: %s", strings.Join(cycle, " → "))
				if pb := im.boundary(parentOf[last]); pb != nil {
					pb.Contains = slices.DeleteFunc(pb.Contains, func(c string) bool { return c == last })
				}
				delete(parentOf, last)
				break
			}
			onChain[id] = true
			chain = append(chain, id)
		}
		for _, id := range chain {
			done[id] = true
		}
	}
}

func (im *importer) boundary(id string) *model.TrustBoundary {
	for i := range im.m.TrustBoundaries {
		if im.m.TrustBoundaries[i].ID == id {
			return &im.m.TrustBoundaries[i]
		}
	}
	return nil
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var componentTypes = []struct {
	word string
	typ  model.ComponentType
}{
	{"database", "database"}, {"rds", "database"}, {"dynamodb", "database"}, {"sql", "database"}, {"postgres", "database"},
	{"mysql", "database"}, {"mongo", "database"}, {"db", "database"}, {"bucket", "object-storage"}, {"s3", "object-storage"},
	{"storage", "file-storage"}, {"queue", "queue"}, {"sqs", "queue"}, {"kafka", "message-broker"}, {"cache", "cache"},
	{"redis", "cache"}, {"browser", "browser"}, {"web-client", "browser"}, {"mobile", "mobile-app"}, {"user", "user"},
	{"actor", "user"}, {"identity", "identity-provider"}, {"idp", "identity-provider"}, {"cognito", "identity-provider"},
	{"load-balancer", "load-balancer"}, {"elb", "load-balancer"}, {"gateway", "api-gateway"}, {"waf", "waf"},
	{"lambda", "serverless-function"}, {"function", "serverless-function"}, {"api", "api"}, {"web-service", "api"},
	{"web-app", "web-application"}, {"webapp", "web-application"}, {"web-server", "web-server"}, {"log", "log-store"},
	{"vault", "vault"}, {"secret", "vault"}, {"third-party", "third-party-service"}, {"external", "external-entity"},
}

func componentType(otmType string) model.ComponentType {
	t, _ := knownType(otmType)
	return t
}

// knownType maps an OTM type onto Rampart's types, reporting whether it
// knew it (otherwise the type is process, a guess).
func knownType(otmType string) (model.ComponentType, bool) {
	l := strings.ToLower(otmType)
	for _, v := range model.ComponentType("").Values() {
		if l == v {
			return model.ComponentType(v), true
		}
	}
	for _, ct := range componentTypes {
		if strings.Contains(l, ct.word) {
			return ct.typ, true
		}
	}
	return "process", false
}

func (im *importer) components(root foreign.Obj) {
	type pending struct {
		c      int
		parent parentRef
	}
	items := root.Arr("components", false)
	list := make([]pending, 0, len(items))
	threatsOf := make([]struct {
		o    foreign.Obj
		elem string
	}, 0, len(items))
	im.m.Components = slices.Grow(im.m.Components, len(items))
	for _, it := range items {
		co, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		oid := co.ID("id", true)
		name := co.Str("name", true)
		typ := co.Str("type", true)
		if oid == "" {
			continue
		}
		if _, dup := im.comps[oid]; dup {
			im.d.Errorf(co.At("id"), co.KeyPath("id"), "", "duplicate component id '%s'", oid)
			continue
		}
		c := model.Component{ID: im.ids.Take("component", oid, name), Name: name, Description: co.Str("description", false)}
		c.Type = model.ComponentType(rampartAttr(co, "type"))
		if c.Type == "" {
			var known bool
			if c.Type, known = knownType(typ); !known {
				im.guessed[c.ID] = true
			}
		}
		if typ != "" && typ != string(c.Type) {
			c.Tags = append(c.Tags, tagType+typ)
		}
		c.Tags = append(c.Tags, co.Strs("tags")...)
		c.Tags = append(c.Tags, attributes(co, true)...)
		im.componentAttrs(co, &c)
		if as, ok := co.Obj("assets"); ok && as.Present() {
			c.Processes = im.assetRefs(as, "processed")
			c.Stores = im.assetRefs(as, "stored")
		}
		if props := im.otherProperties(co, componentKeys, plainAttr); props != "" {
			c.Description = joinText(c.Description, propsPrefix+props)
		}
		c.SetPos(im.d.Pos(co.N), co.Path)
		im.comps[oid] = c.ID
		list = append(list, pending{len(im.m.Components), im.parent(co, true)})
		im.m.Components = append(im.m.Components, c)
		threatsOf = append(threatsOf, struct {
			o    foreign.Obj
			elem string
		}{co, c.ID})
	}
	for _, p := range list {
		c := &im.m.Components[p.c]
		switch {
		case p.parent.zone != "":
			zid, ok := im.zones[p.parent.zone]
			if !ok {
				im.d.Errorf(p.parent.node, p.parent.path, model.Suggest(p.parent.zone, keys(im.zones)), "unknown trust zone '%s'", p.parent.zone)
			} else if zid != "" {
				b := im.boundary(zid)
				b.Contains = append(b.Contains, c.ID)
			}
		case p.parent.comp != "":
			pid, ok := im.comps[p.parent.comp]
			if !ok {
				im.d.Errorf(p.parent.node, p.parent.path, model.Suggest(p.parent.comp, keys(im.comps)), "unknown component '%s'", p.parent.comp)
				continue
			}
			// A component inside another runs on it; it shares its parent's trust zone.
			c.Runtime = pid
		}
	}
	// Components nested in components join the trust zone of their host.
	ix := map[string]string{}
	for _, b := range im.m.TrustBoundaries {
		for _, id := range b.Contains {
			ix[id] = b.ID
		}
	}
	for i := range im.m.Components {
		c := &im.m.Components[i]
		if c.Runtime == "" {
			continue
		}
		host, seen := c.Runtime, map[string]bool{c.ID: true}
		for ix[host] == "" && !seen[host] {
			seen[host] = true
			next := ""
			for _, h := range im.m.Components {
				if h.ID == host {
					next = h.Runtime
				}
			}
			if next == "" {
				break
			}
			host = next
		}
		if z := ix[host]; z != "" {
			b := im.boundary(z)
			b.Contains = append(b.Contains, c.ID)
		}
	}
	for _, t := range threatsOf {
		im.readInstances(t.o, t.elem)
	}
}

// hints gives inference the OTM type of each component whose type says
// more than Rampart read from it and its plain tags, and the tags of each dataflow, to read
// besides the names, and the components whose OTM type no keyword of
// componentTypes matched (their kind is a guess).
func (im *importer) hints() infer.Hints {
	h := infer.Hints{Texts: map[string]string{}, AnyKind: im.guessed}
	for _, c := range im.m.Components {
		var words []string
		for _, t := range c.Tags {
			if typ, ok := strings.CutPrefix(t, tagType); ok {
				words = append([]string{typ}, words...)
			} else if !strings.Contains(t, ":") {
				words = append(words, t) // a plain tag such as "postgres" or "tomcat"
			}
		}
		h.Texts[c.ID] = strings.Join(words, " ")
	}
	for _, f := range im.m.Flows {
		h.Texts[f.ID] = strings.Join(f.Tags, " ")
	}
	return h
}

// componentAttrs restores Rampart fields Export kept as rampart.* attributes.
func (im *importer) componentAttrs(o foreign.Obj, c *model.Component) {
	c.Technology = rampartAttr(o, "technology")
	c.Hosting = model.Hosting(rampartAttr(o, "hosting"))
	c.Authentication = model.Authentication(rampartAttr(o, "authentication"))
	c.EncryptionAtRest = model.AtRest(rampartAttr(o, "encryption_at_rest"))
	c.Owner = rampartAttr(o, "owner")
	c.InternetFacing = rampartAttr(o, "internet_facing") == "true"
	c.CustomCode = rampartAttr(o, "custom_code") == "true"
	c.HumanUse = rampartAttr(o, "human_use") == "true"
	c.AdminInterface = rampartAttr(o, "admin_interface") == "true"
	c.MultiTenant = rampartAttr(o, "multi_tenant") == "true"
	c.OutOfScope = rampartAttr(o, "out_of_scope") == "true"
	if r := rampartAttr(o, "runtime"); r != "" {
		c.Runtime = r
	}
	for _, f := range splitList(rampartAttr(o, "data_formats")) {
		c.DataFormats = append(c.DataFormats, model.DataFormat(f))
	}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (im *importer) assetRefs(o foreign.Obj, key string) []string {
	var out []string
	items := o.Arr(key, false)
	for _, it := range items {
		if foreign.IsNull(it.N) {
			continue
		}
		if it.N.Kind != yaml.ScalarNode {
			im.d.Errorf(it.N, it.Path, "", "expected an asset id, found %s", foreign.Describe(it.N))
			continue
		}
		id, ok := im.assets[it.N.Value]
		if !ok {
			im.d.Errorf(it.N, it.Path, model.Suggest(it.N.Value, keys(im.assets)), "unknown asset '%s'", it.N.Value)
			continue
		}
		out = append(out, id)
	}
	return out
}

var protocols = func() map[string]bool {
	out := map[string]bool{}
	for _, p := range model.Protocol("").Values() {
		out[p] = true
	}
	return out
}()

func (im *importer) dataflows(root foreign.Obj) {
	for _, it := range root.Arr("dataflows", false) {
		fo, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		oid := fo.ID("id", true)
		name := fo.Str("name", true)
		src := fo.ID("source", true)
		dst := fo.ID("destination", true)
		if oid == "" {
			continue
		}
		if _, dup := im.flows[oid]; dup {
			im.d.Errorf(fo.At("id"), fo.KeyPath("id"), "", "duplicate dataflow id '%s'", oid)
			continue
		}
		from, okf := im.comps[src]
		to, okt := im.comps[dst]
		if src != "" && !okf {
			im.d.Errorf(fo.At("source"), fo.KeyPath("source"), model.Suggest(src, keys(im.comps)), "dataflow '%s' source is unknown component '%s'", oid, src)
		}
		if dst != "" && !okt {
			im.d.Errorf(fo.At("destination"), fo.KeyPath("destination"), model.Suggest(dst, keys(im.comps)), "dataflow '%s' destination is unknown component '%s'", oid, dst)
		}
		if !okf || !okt {
			continue
		}
		if from == to {
			im.d.Warnf(fo.N, fo.Path, "", "dataflow '%s' from component '%s' to itself is not kept", oid, src)
			continue
		}
		f := model.Flow{ID: im.ids.Take("flow", oid, name), Name: name, Description: fo.Str("description", false), From: from, To: to}
		f.Tags = fo.Strs("tags")
		f.Protocol = model.Protocol(rampartAttr(fo, "protocol"))
		if f.Protocol == "" {
			f.Protocol = "other"
			for _, t := range f.Tags {
				if protocols[strings.ToLower(t)] {
					f.Protocol = model.Protocol(strings.ToLower(t))
					break
				}
			}
		}
		if fo.Bool("bidirectional") {
			f.Tags = append(f.Tags, tagBidirectional)
		}
		f.Tags = append(f.Tags, attributes(fo, true)...)
		f.Authentication = model.Authentication(rampartAttr(fo, "authentication"))
		f.Authorization = model.Authorization(rampartAttr(fo, "authorization"))
		f.Encryption = model.Encryption(rampartAttr(fo, "encryption"))
		f.Usage = model.Usage(rampartAttr(fo, "usage"))
		f.VPN = rampartAttr(fo, "vpn") == "true"
		f.Readonly = rampartAttr(fo, "readonly") == "true"
		f.IPFiltered = rampartAttr(fo, "ip_filtered") == "true"
		var assets []string
		for _, it := range fo.Arr("assets", false) {
			if foreign.IsNull(it.N) {
				continue
			}
			id, ok := im.assets[it.N.Value]
			if !ok || it.N.Kind != yaml.ScalarNode {
				im.d.Errorf(it.N, it.Path, model.Suggest(it.N.Value, keys(im.assets)), "unknown asset '%s'", it.N.Value)
				continue
			}
			assets = append(assets, id)
		}
		received := map[string]bool{}
		for _, r := range splitList(rampartAttr(fo, "data_received")) {
			received[r] = true
		}
		for _, a := range assets {
			if received[a] {
				f.DataReceived = append(f.DataReceived, a)
			} else {
				f.DataSent = append(f.DataSent, a)
			}
		}
		if props := im.otherProperties(fo, dataflowKeys, plainAttr); props != "" {
			f.Description = joinText(f.Description, propsPrefix+props)
		}
		f.SetPos(im.d.Pos(fo.N), fo.Path)
		im.flows[oid] = f.ID
		im.m.Flows = append(im.m.Flows, f)
		im.readInstances(fo, f.ID)
	}
}

// readInstances records the threat instances on a component or dataflow.
func (im *importer) readInstances(o foreign.Obj, elem string) {
	for _, it := range o.Arr("threats", false) {
		to, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		tid := to.ID("threat", true)
		state := to.Str("state", true)
		if tid == "" {
			continue
		}
		def := im.threats[tid]
		if def == nil {
			im.d.Errorf(to.At("threat"), to.KeyPath("threat"), model.Suggest(tid, im.order), "unknown threat '%s'", tid)
			continue
		}
		in := instance{elem: elem, state: state, stateNode: to.At("state"), node: to.N, path: to.Path}
		for _, mit := range to.Arr("mitigations", false) {
			mo, ok := im.d.ItemObj(mit)
			if !ok {
				continue
			}
			mid := mo.ID("mitigation", true)
			mstate := mo.Str("state", true)
			if mid == "" {
				continue
			}
			if _, ok := im.mits[mid]; !ok {
				im.d.Errorf(mo.At("mitigation"), mo.KeyPath("mitigation"), model.Suggest(mid, im.mitOrder), "unknown mitigation '%s'", mid)
				continue
			}
			in.mitigations = append(in.mitigations, mitInstance{id: mid, state: mstate, node: mo.At("state"), path: mo.KeyPath("state")})
		}
		def.instances = append(def.instances, in)
	}
}

var strideCategories = map[string]model.STRIDE{
	"spoofing": model.Spoofing, "tampering": model.Tampering, "repudiation": model.Repudiation,
	"information disclosure": model.InformationDisclosure, "information-disclosure": model.InformationDisclosure,
	"denial of service": model.DenialOfService, "denial-of-service": model.DenialOfService,
	"elevation of privilege": model.ElevationOfPrivilege, "elevation-of-privilege": model.ElevationOfPrivilege,
	"spoof": model.Spoofing, "tamper": model.Tampering, "info disclosure": model.InformationDisclosure,
	"dos": model.DenialOfService, "eop": model.ElevationOfPrivilege, "elevation of privileges": model.ElevationOfPrivilege,
}

// strideCategory reads a STRIDE category in any of the spellings found in
// real files: any case, words joined by spaces, '-' or '_', "with data"
// and plurals ("Elevation of Privileges", as the Microsoft Threat
// Modeling Tool writes it; "Denial-Of-Service"; "Tampering with data").
func strideCategory(c string) (model.STRIDE, bool) {
	k := strings.Join(strings.FieldsFunc(strings.ToLower(c), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '\t'
	}), " ")
	k = strings.TrimSuffix(k, " with data")
	k = strings.TrimSuffix(k, " of identity")
	if s, ok := strideCategories[k]; ok {
		return s, true
	}
	s, ok := strideCategories[strings.TrimSuffix(k, "s")]
	return s, ok
}

// level maps a 0..100 score onto 1..5; a value outside 0..100 is read as
// the nearest end of the scale, with a warning.
func (im *importer) level(o foreign.Obj, key string, v float64) int {
	if v < 0 || v > 100 || math.IsNaN(v) {
		end := 100.0
		if !(v > 100) {
			end = 0
		}
		im.d.Warnf(o.At(key), o.KeyPath(key), "OTM scores run from 0 to 100",
			"%s %v is outside 0..100; read as %v", key, v, end)
	}
	n := int(math.Ceil(v / 20))
	return max(1, min(5, n))
}

// threatStatus maps a threat instance state onto a treatment status.
func (im *importer) threatStatus(in instance) model.TreatmentStatus {
	switch strings.ReplaceAll(strings.ToLower(strings.TrimSpace(in.state)), "_", "-") {
	case "exposed", "expose", "open", "identified", "new", "":
		return "open"
	case "mitigated", "mitigate", "implemented":
		return "mitigated"
	case "partly-mitigated", "partially-mitigated", "partlymitigated":
		return "mitigating"
	case "not-applicable", "notapplicable", "na", "n/a", "not applicable", "false-positive":
		return "false-positive"
	case "accepted", "accept":
		im.d.Warnf(in.stateNode, in.path+".state", "record the acceptance with accepted_by, justification and expires in Rampart",
			"state 'accepted' cannot be carried over: a Rampart acceptance needs who accepted it, why and until when; imported as open")
		return "open"
	}
	im.d.Warnf(in.stateNode, in.path+".state", "known states: exposed, mitigated, partly-mitigated, not-applicable, accepted",
		"unknown threat state '%s'; imported as open", in.state)
	return "open"
}

// threatDef reads a threat declaration.
func (im *importer) threatDef(t foreign.Obj, id string) *threatDef {
	def := &threatDef{obj: t, id: id, title: cmp.Or(t.Str("name", true), id), desc: t.Str("description", false)}
	var other []string
	for _, c := range t.Strs("categories") {
		if s, ok := strideCategory(c); ok {
			def.stride = appendUnique(def.stride, s)
		} else {
			other = append(other, c)
		}
	}
	if len(other) > 0 {
		def.desc = joinText(def.desc, categoriesPrefix+strings.Join(other, ", "))
	}
	for _, it := range t.Arr("cwes", false) {
		if foreign.IsNull(it.N) {
			continue
		}
		s := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(it.N.Value)), "CWE-")
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || it.N.Kind != yaml.ScalarNode {
			im.d.Errorf(it.N, it.Path, "CWE ids look like CWE-79", "invalid CWE id '%s'", it.N.Value)
			continue
		}
		def.cwe = append(def.cwe, n)
	}
	risk, _ := t.Obj("risk")
	if !risk.Present() {
		t.Missing("risk", "give risk.likelihood and risk.impact, 0 to 100")
	}
	if l, ok := risk.Num("likelihood", false); ok {
		def.likelihood = im.level(risk, "likelihood", l)
	}
	if i, ok := risk.Num("impact", risk.Present()); ok {
		def.impact = im.level(risk, "impact", i)
	}
	if c := risk.Str("likelihoodComment", false); c != "" {
		def.desc = joinText(def.desc, likelihoodPrefix+c)
	}
	if c := risk.Str("impactComment", false); c != "" {
		def.desc = joinText(def.desc, impactPrefix+c)
	}
	if tags := t.Strs("tags"); len(tags) > 0 {
		def.desc = joinText(def.desc, tagsPrefix+strings.Join(tags, ", "))
	}
	def.rule = rampartAttr(t, "rule")
	if props := im.otherProperties(t, threatKeys, nil); props != "" {
		def.desc = joinText(def.desc, propsPrefix+props)
	}
	return def
}

// knownKeys are the keys of an OTM element that Rampart reads into its own
// fields, and for a key holding an object, the keys of that object it
// reads; the others are kept (otherProperties).
type knownKeys map[string]map[string]bool

// The keys read of threats, components, trust zones and dataflows.
var (
	threatKeys = knownKeys{"id": nil, "name": nil, "description": nil, "categories": nil, "cwes": nil, "tags": nil, "attributes": nil,
		"risk": {"likelihood": true, "likelihoodComment": true, "impact": true, "impactComment": true}}
	componentKeys = knownKeys{"id": nil, "name": nil, "description": nil, "type": nil, "tags": nil, "attributes": nil,
		"representations": nil, "threats": nil, "parent": {"trustZone": true, "component": true},
		"assets": {"processed": true, "stored": true}}
	zoneKeys = knownKeys{"id": nil, "name": nil, "description": nil, "type": nil, "attributes": nil, "representations": nil,
		"risk": {"trustRating": true}, "parent": {"trustZone": true, "component": true}}
	dataflowKeys = knownKeys{"id": nil, "name": nil, "description": nil, "bidirectional": nil, "source": nil, "destination": nil,
		"tags": nil, "assets": nil, "threats": nil, "attributes": nil, "representations": nil}
)

// plainAttr reports whether an attribute is a plain string, which becomes
// a tag, rather than a kept property (numbers, booleans and structures
// keep their type that way).
func plainAttr(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str"
}

// otherProperties renders, as one line of JSON, the keys of an OTM element
// (and of its nested objects) that Rampart has no field for, and its
// attributes other than Rampart's own and those tagged (tagged reports
// which; nil keeps every attribute), so that nothing the file says is
// dropped and the export writes them back; "" when there are none.
func (im *importer) otherProperties(o foreign.Obj, known knownKeys, tagged func(*yaml.Node) bool) string {
	out := map[string]any{}
	collect := func(o foreign.Obj, skip func(string, *yaml.Node) bool) map[string]any {
		m := map[string]any{}
		if !o.Present() {
			return m
		}
		for _, k := range o.Keys() {
			n := o.Get(k)
			if skip(k, n) {
				continue
			}
			var v any
			if n != nil && n.Decode(&v) == nil {
				m[k] = v
			}
		}
		return m
	}
	for k, v := range collect(o, func(k string, _ *yaml.Node) bool { _, ok := known[k]; return ok }) {
		out[k] = v
	}
	for k, sub := range known {
		if sub == nil {
			continue
		}
		if n := o.Get(k); n == nil || n.Kind != yaml.MappingNode {
			continue
		}
		so, _ := o.Obj(k)
		if r := collect(so, func(k string, _ *yaml.Node) bool { return sub[k] }); len(r) > 0 {
			out[k] = r
		}
	}
	if n := o.Get("attributes"); n != nil && n.Kind == yaml.MappingNode {
		a, _ := o.Obj("attributes")
		as := collect(a, func(k string, n *yaml.Node) bool {
			return strings.HasPrefix(k, attrPrefix) || tagged != nil && tagged(n)
		})
		if len(as) > 0 {
			out["attributes"] = as
		}
	}
	if len(out) == 0 {
		return ""
	}
	b, err := json.Marshal(out)
	if err != nil {
		im.d.Warnf(o.N, o.Path, "", "the further properties of %s cannot be kept: %v", o.Path, err)
		return ""
	}
	return string(b)
}

type group struct {
	status model.TreatmentStatus
	insts  []instance
	key    string
}

// threatInstances turns each OTM threat into one manual threat per group of
// instances that share a state.
func (im *importer) threatInstances() {
	// Mitigations become controls; their ids are taken before the threats'.
	im.mitID = map[string]string{}
	for _, mid := range im.mitOrder {
		im.mitID[mid] = im.separate("mitigation", mid, im.mits[mid])
	}
	for _, tid := range im.order {
		def := im.threats[tid]
		t := def.obj
		if len(def.instances) == 0 {
			im.d.Warnf(t.N, t.Path, "reference it from a component's or dataflow's threats", "threat '%s' is not attached to any component or dataflow; not imported", tid)
			continue
		}
		var groups []*group
		for _, in := range def.instances {
			// Instances split by state only: where a mitigation is
			// implemented or required is kept by placing it on the element.
			st := im.threatStatus(in)
			key := string(st)
			var g *group
			for _, x := range groups {
				if x.key == key {
					g = x
				}
			}
			if g == nil {
				g = &group{status: st, key: key}
				groups = append(groups, g)
			}
			g.insts = append(g.insts, in)
		}
		if im.ruleThreat(def, groups) {
			continue
		}
		for _, g := range groups {
			id := tid
			if len(groups) > 1 {
				id = tid + "." + g.insts[0].elem
			}
			im.manualThreat(def, g, im.separate("threat", id, def.obj))
		}
	}
}

// separate gives an OTM threat or mitigation its Rampart id. OTM keeps
// threats, mitigations and elements apart; Rampart ids are unique across
// the model, so an id another element already has becomes kind:id (which
// Export writes back as id), with a warning; never a silent id-2.
func (im *importer) separate(kind, id string, o foreign.Obj) string {
	if !im.ids.Used(foreign.Sanitize(id)) {
		return im.ids.Take(kind, id)
	}
	out := im.ids.Take(kind, kind+":"+id)
	im.d.Warnf(o.At("id"), o.KeyPath("id"), "OTM keeps threats, mitigations and elements apart; Rampart ids are unique across the model, and the export writes the id back",
		"%s id '%s' is also the id of another element; it is '%s' in Rampart", kind, id, out)
	return out
}

// ruleThreat records the register state of a threat Rampart identified and
// exported, instead of turning it into a manual threat.
func (im *importer) ruleThreat(def *threatDef, groups []*group) bool {
	rule, elems, ok := strings.Cut(def.id, "@")
	if def.rule == "" || !ok || rule != def.rule || len(groups) != 1 {
		return false
	}
	if _, known := builtin.Lookup(rule); !known {
		return false
	}
	all := map[string]bool{}
	for _, id := range im.comps {
		all[id] = true
	}
	for _, id := range im.flows {
		all[id] = true
	}
	for _, id := range im.assets {
		all[id] = true
	}
	for _, id := range im.zones {
		all[id] = true
	}
	for _, e := range strings.Split(elems, "+") {
		if !all[e] {
			return false
		}
	}
	g := groups[0]
	tr := model.Treatment{Threat: def.id, Status: g.status}
	if g.status == "false-positive" {
		tr.Justification = naJustification
	}
	tr.SetPos(im.d.Pos(g.insts[0].stateNode), g.insts[0].path+".state")
	im.m.Treatments = append(im.m.Treatments, tr)
	return true
}

func mitState(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "implemented", "done", "mitigated":
		return "implemented"
	case "required", "planned", "in-progress", "proposed":
		return "required"
	case "not-applicable", "na", "rejected", "not applicable":
		return "rejected"
	}
	return "recommended"
}

func (im *importer) manualThreat(def *threatDef, g *group, id string) {
	t := def.obj
	mt := model.ManualThreat{ID: id, Title: def.title, Description: def.desc, STRIDE: def.stride, CWE: def.cwe,
		Likelihood: def.likelihood, Impact: def.impact}
	mt.SetPos(im.d.Pos(t.N), t.Path)
	seenMit := map[string]bool{}
	for _, in := range g.insts {
		mt.Targets = append(mt.Targets, in.elem)
		for _, mi := range in.mitigations {
			if !seenMit[mi.id] {
				seenMit[mi.id] = true
				mt.Mitigations = append(mt.Mitigations, im.mitID[mi.id])
			}
			im.useMitigation(mi, in.elem, mt.ID, mt.STRIDE)
		}
	}
	im.m.Threats = append(im.m.Threats, mt)
	tr := model.Treatment{Threat: mt.ID, Status: g.status}
	if g.status == "false-positive" {
		tr.Justification = naJustification
	}
	tr.SetPos(im.d.Pos(g.insts[0].stateNode), g.insts[0].path+".state")
	im.m.Treatments = append(im.m.Treatments, tr)
}

func appendUnique[T comparable](list []T, v T) []T {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

type mitUse struct {
	implemented, required bool
	states                map[string][]string // state -> elements
	mitigates             []string
	elems                 map[string]bool
}

func (im *importer) useMitigation(mi mitInstance, elem, threatID string, stride []model.STRIDE) {
	if im.mitUses == nil {
		im.mitUses = map[string]*mitUse{}
	}
	u := im.mitUses[mi.id]
	if u == nil {
		u = &mitUse{states: map[string][]string{}, elems: map[string]bool{}}
		im.mitUses[mi.id] = u
	}
	st := mitState(mi.state)
	u.states[st] = append(u.states[st], elem)
	if strings.Contains(threatID, "-") {
		u.mitigates = appendUnique(u.mitigates, threatID)
	}
	switch st {
	case "implemented":
		u.implemented = true
	case "required":
		u.required = true
	case "rejected":
		im.d.Warnf(mi.node, mi.path, "", "mitigation '%s' is '%s' on '%s'; it is not placed on the element", mi.id, mi.state, elem)
		return
	default:
		return // recommended only: linked from the threat, not placed
	}
	if !u.elems[elem] {
		u.elems[elem] = true
		im.placeControl(elem, im.mitID[mi.id])
	}
}

func (im *importer) placeControl(elem, cid string) {
	for i := range im.m.Components {
		if im.m.Components[i].ID == elem {
			im.m.Components[i].Controls = appendUnique(im.m.Components[i].Controls, cid)
			return
		}
	}
	for i := range im.m.Flows {
		if im.m.Flows[i].ID == elem {
			im.m.Flows[i].Controls = appendUnique(im.m.Flows[i].Controls, cid)
			return
		}
	}
}

// mitigationControls turns OTM mitigations into the model's own controls.
func (im *importer) mitigationControls() {
	for _, mid := range im.mitOrder {
		mo := im.mits[mid]
		c := model.Control{ID: im.mitID[mid], Name: mo.Str("name", false), Description: mo.Str("description", false), Status: "planned"}
		c.Catalog = rampartAttr(mo, "catalog")
		if rr, ok := mo.Num("riskReduction", false); ok && rr > 0 {
			steps := int(math.Round(rr / 25))
			c.Effect = &model.Effect{Likelihood: max(0, min(4, steps))}
		}
		if u := im.mitUses[mid]; u != nil {
			if u.implemented {
				c.Status = "implemented"
				if u.required {
					im.d.Warnf(mo.N, mo.Path, "", "mitigation '%s' is implemented on %s but only required on %s; Rampart keeps one status per control: implemented",
						mid, strings.Join(u.states["implemented"], ", "), strings.Join(u.states["required"], ", "))
				}
			}
			c.Mitigates = u.mitigates
		}
		if a, _ := mo.Obj("attributes"); a.Present() {
			var ks []string
			for _, k := range a.Keys() {
				if !strings.HasPrefix(k, attrPrefix) {
					ks = append(ks, k)
				}
			}
			if len(ks) > 0 {
				im.d.Warnf(mo.At("attributes"), mo.KeyPath("attributes"), "", "mitigation attributes (%s) are not kept", strings.Join(ks, ", "))
			}
		}
		c.SetPos(im.d.Pos(mo.N), mo.Path)
		im.m.Controls = append(im.m.Controls, c)
	}
}
