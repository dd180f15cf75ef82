package threatcomposer

import (
	"cmp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/model"
)

type entity struct {
	obj     foreign.Obj
	tcID    string
	id      string // Rampart id
	numeric int
	meta    map[string][]string
	// rule is set for a threat Rampart's rules identified and the exporter
	// wrote (its comments say so): it comes back with the rules, so only
	// its status is imported, as the treatment of id.
	rule string
	// derived marks a mitigation the exporter wrote for a catalog control
	// that only rule-identified threats name; it comes back with them.
	derived bool
}

type importer struct {
	d           *foreign.Doc
	m           *model.Model
	ids         *foreign.IDs
	system      string // id of the component standing for the whole application
	threats     map[string]*entity
	threatOrder []*entity
	mits        map[string]*entity
	mitOrder    []*entity
	assumptions map[string]*entity
	asmOrder    []*entity
	assets      map[string]string // impacted asset name -> data id
	assetOrder  []string
	// links
	threatMits map[string][]string // threat tc id -> mitigation tc ids
	mitThreats map[string][]string
	threatAsm  map[string][]string // threat tc id -> assumption tc ids
	mitAsm     map[string][]string
	// desc is what the architecture and data flow descriptions say about
	// the system's parts; threatComps the components each threat names.
	desc        described
	threatComps map[string][]string
}

func newImporter(d *foreign.Doc) *importer {
	return &importer{d: d, m: &model.Model{Rampart: model.SchemaVersion}, ids: foreign.NewIDs(),
		threats: map[string]*entity{}, mits: map[string]*entity{}, assumptions: map[string]*entity{}, assets: map[string]string{},
		threatMits: map[string][]string{}, mitThreats: map[string][]string{}, threatAsm: map[string][]string{}, mitAsm: map[string][]string{}}
}

var topKeys = map[string]bool{"schema": true, "workspace": true, "applicationInfo": true, "architecture": true, "dataflow": true,
	"assumptions": true, "mitigations": true, "assumptionLinks": true, "mitigationLinks": true, "threats": true}

func (im *importer) run() {
	root, ok := im.d.Object(im.d.Root, "")
	if !ok || !root.Present() {
		if ok {
			im.d.Errorf(im.d.Root, "", "", "expected an object, found %s", foreign.Describe(im.d.Root))
		}
		return
	}
	v, ok := root.Num("schema", true)
	if !ok {
		return
	}
	switch {
	case v == 1 || v == 1.1:
	case v > 1 && v < 2:
		im.d.Warnf(root.At("schema"), "schema", "", "Threat Composer schema %v is newer than the 1.1 this importer knows; reading it as 1.1", v)
	default:
		im.d.Errorf(root.At("schema"), "schema", "this importer reads schemas 1 and 1.1; export the workspace again from a current Threat Composer",
			"unsupported Threat Composer schema %v", v)
		return
	}
	for _, k := range root.Keys() {
		if !topKeys[k] {
			im.d.Warnf(root.At(k), k, "", "unknown section '%s' dropped", k)
		}
	}
	im.application(root)
	im.declare(root, "assumptions", "A", &im.asmOrder, im.assumptions)
	im.declare(root, "mitigations", "M", &im.mitOrder, im.mits)
	im.declare(root, "threats", "T", &im.threatOrder, im.threats)
	im.links(root)
	im.readMetadata()
	im.ruleThreats()
	im.workspace(root)
	im.locateThreats()
	im.systemComponent()
	im.mitigations()
	im.threatList()
	im.assumptionText()
	im.idText()
}

// readMetadata reads every entity's metadata once.
func (im *importer) readMetadata() {
	for _, list := range [][]*entity{im.asmOrder, im.mitOrder, im.threatOrder} {
		for _, e := range list {
			e.meta = im.metadata(e.obj)
		}
	}
}

// ruleThreats recognises the threats and mitigations an export from
// Rampart wrote for what its rules identify, so that a round trip does not
// turn them into hand-written ones (they come back with the rules).
func (im *importer) ruleThreats() {
	for _, e := range im.threatOrder {
		rule, id, ok := ruleThreat(strings.Join(e.meta["Comments"], "\n\n"))
		// The export shortens the rule's tag to Threat Composer's tag length.
		if ok && slices.Contains(e.obj.Strs("tags"), tags([]string{rule})[0]) && e.tcID == foreign.UUID("threat", id) {
			e.rule, e.id = rule, id
		}
	}
	derived := map[string]string{} // uuid -> catalog control id
	for _, id := range catalog.ControlIDs() {
		derived[foreign.UUID("mitigation", id)] = id
	}
	for _, e := range im.mitOrder {
		cid, ok := derived[e.tcID]
		if !ok {
			continue
		}
		onlyRules := len(im.mitAsm[e.tcID]) == 0
		for _, tid := range im.mitThreats[e.tcID] {
			onlyRules = onlyRules && im.threats[tid].rule != ""
		}
		st := e.obj.Str("status", false)
		e.derived = onlyRules && (st == "" || st == "mitigationIdentified") && len(e.meta) == 0
		e.id = cid // the catalog control it stands for
	}
}

// idText keeps the ids (UUIDs) the file gave the imported threats,
// mitigations and assumptions, so that an export writes them again.
func (im *importer) idText() {
	var lines []string
	for _, list := range [][]*entity{im.threatOrder, im.mitOrder, im.asmOrder} {
		for _, e := range list {
			if e.rule == "" && !e.derived && e.tcID != "" {
				lines = append(lines, "- "+e.id+": "+e.tcID)
			}
		}
	}
	if len(lines) > 0 {
		im.m.System.Description = joinText(im.m.System.Description, headIDs+"\n\n"+strings.Join(lines, "\n"))
	}
}

// known lists the keys Threat Composer's strict schema allows per entity.
var known = map[string]map[string]bool{
	"threats": set("id", "numericId", "displayOrder", "metadata", "tags", "threatSource", "prerequisites", "threatAction",
		"threatImpact", "impactedGoal", "impactedAssets", "statement", "customTemplate", "displayedStatement", "status"),
	"mitigations": set("id", "numericId", "displayOrder", "metadata", "tags", "content", "status"),
	"assumptions": set("id", "numericId", "displayOrder", "metadata", "tags", "content"),
}

func set(keys ...string) map[string]bool {
	out := map[string]bool{}
	for _, k := range keys {
		out[k] = true
	}
	return out
}

func (im *importer) application(root foreign.Obj) {
	app, _ := root.Obj("applicationInfo")
	name := app.Str("name", false)
	sys := model.System{ID: cmp.Or(foreign.Slug(name), "threat-composer-workspace"), Name: cmp.Or(strings.TrimSpace(name), "Threat Composer workspace"),
		Description: app.Str("description", false)}
	if app.Present() {
		sys.SetPos(im.d.Pos(app.N), app.Path)
	} else {
		sys.SetPos(im.d.Pos(im.d.Root), "")
	}
	for _, sec := range []struct{ key, head string }{{"architecture", headArchitecture}, {"dataflow", headDataflow}} {
		o, ok := root.Obj(sec.key)
		if !ok || !o.Present() {
			continue
		}
		if desc := strings.TrimSpace(o.Str("description", false)); desc != "" {
			sys.Description = joinText(sys.Description, sec.head+"\n\n"+desc)
		}
		if o.Has("image") {
			o.Str("image", false)
			im.d.Warnf(o.At("image"), o.KeyPath("image"), "keep the diagram next to the model, or draw it with rampart diagram",
				"the %s diagram image is not kept", sec.key)
		}
	}
	if ws, ok := root.Obj("workspace"); ok && ws.Present() {
		im.d.Warnf(ws.N, "workspace", "", "workspace settings are not kept")
	}
	im.m.System = sys
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + "\n\n" + b
}

// declare reads the entities of one section and gives each a Rampart id
// from its numeric id: T-3, M-7, A-2.
func (im *importer) declare(root foreign.Obj, key, prefix string, order *[]*entity, byID map[string]*entity) {
	usedNum := map[int]bool{}
	for _, it := range root.Arr(key, false) {
		o, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		id := o.Str("id", true)
		if id == "" {
			continue
		}
		if prev, dup := byID[id]; dup {
			im.d.Errorf(o.At("id"), o.KeyPath("id"), "", "duplicate id '%s' (already used at %s)", id, im.d.Pos(prev.obj.N))
			continue
		}
		for _, k := range o.Keys() {
			if !known[key][k] {
				im.d.Warnf(o.At(k), o.KeyPath(k), "", "unknown key '%s' dropped", k)
			}
		}
		e := &entity{obj: o, tcID: id}
		if n, ok := o.Num("numericId", true); ok {
			e.numeric = int(n)
		}
		cand := ""
		if e.numeric > 0 && !usedNum[e.numeric] {
			cand = prefix + "-" + strconv.Itoa(e.numeric)
			usedNum[e.numeric] = true
		}
		e.id = im.ids.Take(prefix, cand, prefix+"-"+foreign.Slug(id))
		byID[id] = e
		*order = append(*order, e)
	}
}

func (im *importer) links(root foreign.Obj) {
	for _, it := range root.Arr("mitigationLinks", false) {
		o, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		mid := o.Str("mitigationId", true)
		lid := o.Str("linkedId", true)
		if mid == "" || lid == "" {
			continue
		}
		if im.mits[mid] == nil {
			im.d.Warnf(o.At("mitigationId"), o.KeyPath("mitigationId"), danglingHint, "link to unknown mitigation '%s' dropped", mid)
			continue
		}
		switch {
		case im.threats[lid] != nil:
			im.threatMits[lid] = appendUnique(im.threatMits[lid], mid)
			im.mitThreats[mid] = appendUnique(im.mitThreats[mid], lid)
		case im.assumptions[lid] != nil:
			im.mitAsm[mid] = appendUnique(im.mitAsm[mid], lid)
		default:
			im.d.Warnf(o.At("linkedId"), o.KeyPath("linkedId"), danglingHint, "link of mitigation %s to unknown threat or assumption '%s' dropped", im.mits[mid].id, lid)
		}
	}
	for _, it := range root.Arr("assumptionLinks", false) {
		o, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		aid := o.Str("assumptionId", true)
		lid := o.Str("linkedId", true)
		typ := o.Str("type", true)
		if aid == "" || lid == "" {
			continue
		}
		if im.assumptions[aid] == nil {
			im.d.Warnf(o.At("assumptionId"), o.KeyPath("assumptionId"), danglingHint, "link to unknown assumption '%s' dropped", aid)
			continue
		}
		switch typ {
		case "Threat":
			if im.threats[lid] == nil {
				im.d.Warnf(o.At("linkedId"), o.KeyPath("linkedId"), danglingHint, "link of assumption %s to unknown threat '%s' dropped", im.assumptions[aid].id, lid)
				continue
			}
			im.threatAsm[lid] = appendUnique(im.threatAsm[lid], aid)
		case "Mitigation":
			if im.mits[lid] == nil {
				im.d.Warnf(o.At("linkedId"), o.KeyPath("linkedId"), danglingHint, "link of assumption %s to unknown mitigation '%s' dropped", im.assumptions[aid].id, lid)
				continue
			}
			im.mitAsm[lid] = appendUnique(im.mitAsm[lid], aid)
		case "":
		default:
			im.d.Errorf(o.At("type"), o.KeyPath("type"), "", "unknown link type '%s', expected Threat or Mitigation", typ)
		}
	}
}

// danglingHint explains why links to missing entities are only warnings:
// Threat Composer keeps links when their entity is deleted, so real exports
// contain them.
const danglingHint = "Threat Composer keeps links to deleted entities; the link carries nothing else"

func appendUnique[T comparable](list []T, v T) []T {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// metadata reads an entity's metadata list into key -> values.
func (im *importer) metadata(o foreign.Obj) map[string][]string {
	out := map[string][]string{}
	for _, it := range o.Arr("metadata", false) {
		mo, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		key := mo.Str("key", true)
		v := mo.Get("value")
		switch {
		case v == nil:
			mo.Missing("value", "")
		case v.Kind == yaml.ScalarNode && v.Tag == "!!str":
			out[key] = append(out[key], v.Value)
		case v.Kind == yaml.SequenceNode:
			out[key] = append(out[key], mo.Strs("value")...)
		default:
			im.d.Errorf(v, mo.KeyPath("value"), "", "expected a string or an array of strings, found %s", foreign.Describe(v))
		}
	}
	return out
}

// onlyComments warns about metadata other than comments, which mitigations
// and assumptions cannot carry.
func (im *importer) onlyComments(o foreign.Obj, meta map[string][]string) {
	keys := make([]string, 0, len(meta))
	for k := range meta {
		if k != "Comments" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		im.d.Warnf(o.At("metadata"), o.KeyPath("metadata"), "", "metadata '%s' dropped", k)
	}
}

func (im *importer) entityTags(e *entity) []string { return e.obj.Strs("tags") }

// systemComponent creates the component standing for the whole application:
// Threat Composer threats name no model elements.
func (im *importer) systemComponent() {
	if len(im.threatOrder) == 0 && len(im.mitOrder) == 0 || !im.unlocated() {
		return
	}
	im.system = im.ids.Take("application", im.m.System.ID)
	c := model.Component{ID: im.system, Name: im.m.System.Name, Type: "process", Tags: []string{tagApplication},
		Description: "The whole application: Threat Composer describes threats against the application, not against its individual components."}
	c.SetPos(im.m.System.Pos, im.m.System.Path)
	im.m.Components = append(im.m.Components, c)
	if len(im.m.Components) == 1 {
		im.d.Warnf(im.d.Root, "", "model the components and flows, then retarget the threats",
			"Threat Composer threats name no model elements; they target the component '%s' standing for the whole application", im.system)
		return
	}
	im.d.Warnf(im.d.Root, "", "retarget those threats and controls in the model",
		"the threats and mitigations that name no component the descriptions list target the component '%s' standing for the whole application", im.system)
}

func (im *importer) componentByID(id string) *model.Component {
	for i := range im.m.Components {
		if im.m.Components[i].ID == id {
			return &im.m.Components[i]
		}
	}
	return nil
}

func (im *importer) mitigations() {
	for _, e := range im.mitOrder {
		if e.derived {
			continue
		}
		o := e.obj
		content := o.Str("content", true)
		meta := e.meta
		im.onlyComments(o, meta)
		c := model.Control{ID: e.id, Name: oneLine(content), Description: strings.Join(meta["Comments"], "\n\n"), Status: "planned"}
		switch st := o.Str("status", false); st {
		case "mitigationResolved":
			c.Status = "implemented"
		case "mitigationIdentified", "mitigationInProgress", "":
		case "mitigationResolvedWillNotAction":
			im.d.Warnf(o.At("status"), o.KeyPath("status"), "remove the control, or accept the threats it addressed",
				"mitigation %s will not be actioned; Rampart has no such control status, imported as planned", e.id)
		default:
			im.d.Warnf(o.At("status"), o.KeyPath("status"), "statuses: mitigationIdentified, mitigationInProgress, mitigationResolved, mitigationResolvedWillNotAction",
				"unknown mitigation status '%s'; imported as planned", st)
		}
		if tags := im.entityTags(e); len(tags) > 0 {
			c.Description = joinText(c.Description, lineTags+strings.Join(tags, "; "))
		}
		if asm := im.mitAsm[e.tcID]; len(asm) > 0 {
			c.Description = joinText(c.Description, lineAssumptions+strings.Join(im.asmIDs(asm), ", "))
		}
		for _, tid := range im.mitThreats[e.tcID] {
			if im.threats[tid].rule == "" {
				c.Mitigates = append(c.Mitigates, im.threats[tid].id)
			}
		}
		c.SetPos(im.d.Pos(o.N), o.Path)
		im.m.Controls = append(im.m.Controls, c)
		on := im.mitigationComps(e)
		if len(on) == 0 && im.system != "" {
			on = []string{im.system}
		}
		for _, id := range on {
			if comp := im.componentByID(id); comp != nil {
				comp.Controls = append(comp.Controls, c.ID)
			}
		}
	}
}

func (im *importer) asmIDs(tcIDs []string) []string {
	out := make([]string, 0, len(tcIDs))
	for _, id := range tcIDs {
		out = append(out, im.assumptions[id].id)
	}
	return out
}

var strideLetters = map[string]model.STRIDE{
	"S": model.Spoofing, "T": model.Tampering, "R": model.Repudiation,
	"I": model.InformationDisclosure, "D": model.DenialOfService, "E": model.ElevationOfPrivilege,
}

var priorityLI = map[string]int{"High": 4, "Medium": 3, "Low": 2}

var goalRating = map[int]model.Rating{4: "high", 3: "medium", 2: "low"}

func (im *importer) threatList() {
	// One threat and one treatment per entry: allocate them once.
	im.m.Threats = make([]model.ManualThreat, 0, len(im.threatOrder))
	im.m.Treatments = make([]model.Treatment, 0, len(im.threatOrder))
	for _, e := range im.threatOrder {
		if e.rule != "" {
			im.ruleTreatment(e)
			continue
		}
		o := e.obj
		g := grammar{Source: o.Str("threatSource", false), Prereq: o.Str("prerequisites", false), Action: o.Str("threatAction", false),
			Impact: o.Str("threatImpact", false), Goals: o.Strs("impactedGoal"), Assets: o.Strs("impactedAssets")}
		statement := strings.TrimSpace(o.Str("statement", false))
		if statement == "" {
			if g.Action == "" {
				im.d.Errorf(o.N, o.Path, "write at least the threat action, or the full statement", "threat %s has neither a statement nor a threat action", e.id)
				continue
			}
			statement = g.statement()
		}
		if o.Has("customTemplate") {
			im.d.Warnf(o.At("customTemplate"), o.KeyPath("customTemplate"), "", "the custom statement template of %s is not kept; its statement is", e.id)
		}
		meta := e.meta
		comps := im.threatComps[e.tcID]
		if len(comps) == 0 {
			comps = []string{im.system}
		}
		mt := model.ManualThreat{ID: e.id, Title: oneLine(statement), Targets: comps}
		mt.SetPos(im.d.Pos(o.N), o.Path)
		for _, letters := range meta["STRIDE"] {
			s, ok := strideLetters[letters]
			if !ok {
				im.d.Warnf(o.At("metadata"), o.KeyPath("metadata"), "STRIDE letters are S, T, R, I, D and E", "unknown STRIDE letter '%s' dropped", letters)
				continue
			}
			mt.STRIDE = appendUnique(mt.STRIDE, s)
		}
		if p := meta["Priority"]; len(p) > 0 {
			if n, ok := priorityLI[p[0]]; ok {
				mt.Likelihood, mt.Impact = n, n
			} else {
				im.d.Warnf(o.At("metadata"), o.KeyPath("metadata"), "priorities are High, Medium and Low", "unknown priority '%s'; likelihood and impact left to analysis", p[0])
			}
		}
		for key := range meta {
			if key != "STRIDE" && key != "Priority" && key != "Comments" {
				im.d.Warnf(o.At("metadata"), o.KeyPath("metadata"), "", "metadata '%s' dropped", key)
			}
		}
		desc := strings.Join(meta["Comments"], "\n\n")
		if !g.empty() {
			desc = joinText(desc, g.block())
		}
		if tags := im.entityTags(e); len(tags) > 0 {
			desc = joinText(desc, lineTags+strings.Join(tags, "; "))
		}
		if asm := im.threatAsm[e.tcID]; len(asm) > 0 {
			desc = joinText(desc, lineAssumptions+strings.Join(im.asmIDs(asm), ", "))
		}
		mt.Description = desc
		for _, a := range g.Assets {
			id := im.asset(a, g.Goals, mt.Likelihood)
			mt.Targets = appendUnique(mt.Targets, id)
			for _, cid := range comps {
				if comp := im.componentByID(cid); comp == nil {
					continue
				} else if comp.Type.Kind() == model.KindDataStore {
					comp.Stores = appendUnique(comp.Stores, id)
				} else {
					comp.Processes = appendUnique(comp.Processes, id)
				}
			}
		}
		for _, mid := range im.threatMits[e.tcID] {
			mt.Mitigations = append(mt.Mitigations, im.mits[mid].id)
		}
		im.m.Threats = append(im.m.Threats, mt)
		im.m.Treatments = append(im.m.Treatments, im.treatment(e, mt.ID))
	}
	if len(im.assetOrder) > 0 {
		im.d.Warnf(im.d.Root, "", "set each data asset's classification in the model",
			"the %d impacted assets become data assets classified 'internal'; Threat Composer does not classify them", len(im.assetOrder))
	}
}

// treatment reads a threat's status as the treatment of threat id.
func (im *importer) treatment(e *entity, id string) model.Treatment {
	o := e.obj
	tr := model.Treatment{Threat: id}
	switch st := o.Str("status", false); st {
	case "threatResolved":
		tr.Status = "mitigated"
	case "threatResolvedNotUseful":
		tr.Status, tr.Justification = "false-positive", notUseful
	case "threatIdentified", "":
		tr.Status = "open"
	default:
		tr.Status = "open"
		im.d.Warnf(o.At("status"), o.KeyPath("status"), "statuses: threatIdentified, threatResolved, threatResolvedNotUseful",
			"unknown threat status '%s'; imported as open", st)
	}
	tr.SetPos(im.d.Pos(o.At("status")), o.KeyPath("status"))
	return tr
}

// ruleTreatment keeps the status of a threat Rampart's rules identified
// (the threat itself comes back with the rules): a status other than
// identified becomes its treatment.
func (im *importer) ruleTreatment(e *entity) {
	if tr := im.treatment(e, e.id); tr.Status != "open" {
		im.m.Treatments = append(im.m.Treatments, tr)
	}
}

// asset returns the data asset for an impacted asset, creating it on first
// use; the goals a threat impacts raise its CIA ratings to the threat's priority.
func (im *importer) asset(name string, goals []string, level int) string {
	key := strings.ToLower(strings.TrimSpace(name))
	id, ok := im.assets[key]
	if !ok {
		id = im.ids.Take("asset", foreign.Slug(name))
		im.assets[key] = id
		im.assetOrder = append(im.assetOrder, id)
		im.m.Data = append(im.m.Data, model.DataAsset{ID: id, Name: strings.TrimSpace(name), Classification: "internal"})
	}
	d := &im.m.Data[indexOf(im.m.Data, id)]
	r := goalRating[level]
	for _, g := range goals {
		var field *model.Rating
		switch strings.ToLower(g) {
		case "confidentiality":
			field = &d.CIA.Confidentiality
		case "integrity":
			field = &d.CIA.Integrity
		case "availability":
			field = &d.CIA.Availability
		}
		if field != nil && r != "" && r.Score() > field.Score() {
			*field = r
		}
	}
	return id
}

func indexOf(data []model.DataAsset, id string) int {
	for i := range data {
		if data[i].ID == id {
			return i
		}
	}
	return -1
}

// assumptionText keeps the assumptions in the system description, where
// threats and controls refer to them by id.
func (im *importer) assumptionText() {
	if len(im.asmOrder) == 0 {
		return
	}
	lines := []string{headAssumptions, ""}
	var dropped []string
	for _, e := range im.asmOrder {
		content := oneLine(e.obj.Str("content", true))
		lines = append(lines, "- "+e.id+": "+content)
		meta := e.meta
		im.onlyComments(e.obj, meta)
		if len(meta["Comments"]) > 0 || len(im.entityTags(e)) > 0 {
			dropped = append(dropped, e.id)
		}
	}
	im.m.System.Description = joinText(im.m.System.Description, strings.Join(lines, "\n"))
	if len(dropped) > 0 {
		sort.Strings(dropped)
		im.d.Warnf(im.d.Root, "assumptions", "", "the comments and tags of assumptions %s are not kept", strings.Join(dropped, ", "))
	}
}
