package threatdragon

import (
	"cmp"
	"math"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// Cell kinds.
const (
	kActor   = "actor"
	kProcess = "process"
	kStore   = "store"
	kFlow    = "flow"
	kBox     = "box"
	kCurve   = "curve"
	kText    = "text"
)

var typeKinds = map[string]string{
	"tm.Actor": kActor, "tm.Process": kProcess, "tm.Store": kStore, "tm.Flow": kFlow,
	"tm.Boundary": kCurve, "tm.BoundaryBox": kBox, "tm.Text": kText,
}

var shapeKinds = map[string]string{
	"actor": kActor, "process": kProcess, "store": kStore, "flow": kFlow,
	"trust-boundary-curve": kCurve, "trust-boundary-box": kBox, "td-text-block": kText,
	"trust-broundary-curve": kCurve, // spelling used by some Threat Dragon releases
}

// attachDistance is how close (in diagram units) a loose flow end must be to
// a node to be attached to it.
const attachDistance = 40

type endpoint struct {
	cell  string
	port  string
	pt    point
	hasPt bool
	node  *yaml.Node
	path  string
}

type cell struct {
	obj      foreign.Obj
	data     foreign.Obj
	id       string
	kind     string
	name     string
	diagram  int
	box      rect
	hasBox   bool
	src, dst endpoint
	vertices []point
	elem     string // Rampart id; "" when the cell is not imported
}

func (c *cell) isNode() bool { return c.kind == kActor || c.kind == kProcess || c.kind == kStore }

type importer struct {
	d      *foreign.Doc
	m      *model.Model
	ids    *foreign.IDs
	cells  []*cell
	byID   map[string]*cell
	comps  map[string]*model.Component
	flows  map[string]*model.Flow
	bounds map[string]*model.TrustBoundary
	// publicTargets lists components reached over a public network.
	publicTargets []string
	// byThreatID maps a person-chosen threat id to its manual threat, so a
	// threat recorded on several cells becomes one threat with several targets.
	byThreatID map[string]int
}

func newImporter(d *foreign.Doc) *importer {
	return &importer{d: d, m: &model.Model{Rampart: model.SchemaVersion}, ids: foreign.NewIDs(), byID: map[string]*cell{},
		byThreatID: map[string]int{}}
}

func (im *importer) run() {
	root, ok := im.d.Object(im.d.Root, "")
	if !ok {
		return
	}
	if !im.version(root) {
		return
	}
	im.summary(root)
	detail, ok := root.Obj("detail")
	if !ok {
		return
	}
	if !detail.Present() {
		root.Missing("detail", "a Threat Dragon v2 model has summary and detail.diagrams")
		return
	}
	for _, it := range detail.Arr("contributors", false) {
		if c, ok := im.d.ItemObj(it); ok {
			if n := c.Str("name", false); n != "" {
				im.m.System.Tags = append(im.m.System.Tags, "contributor:"+n)
			}
		}
	}
	if r := detail.Str("reviewer", false); r != "" {
		im.m.System.Tags = append(im.m.System.Tags, "reviewer:"+r)
	}
	diagrams := detail.Arr("diagrams", true)
	for i, it := range diagrams {
		dg, ok := im.d.ItemObj(it)
		if !ok {
			continue
		}
		if dg.Has("diagramJson") {
			im.d.Errorf(dg.At("diagramJson"), dg.KeyPath("diagramJson"), "open the model in Threat Dragon 2 and save it to convert it",
				"this diagram is in the Threat Dragon version 1 format, expected version 2 cells")
			continue
		}
		im.diagram(dg, i)
		for _, ct := range dg.Arr("cells", false) {
			im.readCell(ct, i)
		}
	}
	im.assignIDs()
	im.elements()
	im.membership()
	// What names and labels say, before the threats: a threat an export
	// wrote for a rule then finds the elements it was raised on.
	if !im.d.HasErrors() {
		im.d.Problems = append(im.d.Problems, infer.Model(im.m, infer.Hints{Texts: protocolTexts(im.m)})...)
	}
	im.threats()
}

// diagram keeps a diagram's id, title, type and description as system
// tags (threat-dragon:diagram-N-...), so that an export draws it again.
func (im *importer) diagram(dg foreign.Obj, i int) {
	pre := tagDiagram + strconv.Itoa(i) + "-"
	if n, ok := dg.Num("id", false); ok {
		im.m.System.Tags = append(im.m.System.Tags, pre+"id="+strconv.FormatFloat(n, 'f', -1, 64))
	}
	for _, k := range []string{"title", "diagramType", "description"} {
		if v := dg.Str(k, false); v != "" {
			im.m.System.Tags = append(im.m.System.Tags, pre+k+"="+v)
		}
	}
	// A LINDDUN diagram asks for a privacy analysis next to the security one.
	if strings.EqualFold(dg.Str("diagramType", false), "LINDDUN") {
		im.m.Methodology = []model.Methodology{model.MethodSTRIDE, model.MethodLINDDUN}
	}
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}

// version refuses Threat Dragon v1 files and unknown major versions.
func (im *importer) version(root foreign.Obj) bool {
	v := root.Get("version")
	if foreign.IsNull(v) {
		im.d.Warnf(root.N, "version", "Threat Dragon 2 writes \"version\": \"2.x.y\"", "no Threat Dragon version given; reading the file as version 2")
		return true
	}
	s := root.Str("version", false)
	switch {
	case strings.HasPrefix(s, "2."), s == "2":
		im.m.System.Tags = append(im.m.System.Tags, tagVersion+s)
		return true
	case strings.HasPrefix(s, "1.") || s == "1":
		im.d.Errorf(v, "version", "open the model in Threat Dragon 2 and save it to convert it",
			"Threat Dragon version %s model; this importer reads version 2", s)
	case s != "":
		im.d.Errorf(v, "version", "", "unsupported Threat Dragon version '%s', expected 2.x", s)
	}
	return false
}

func (im *importer) summary(root foreign.Obj) {
	sum, ok := root.Obj("summary")
	if !ok {
		return
	}
	if !sum.Present() {
		root.Missing("summary", "a Threat Dragon v2 model starts with summary.title")
	}
	title := sum.Str("title", sum.Present())
	im.m.System = model.System{
		ID:          cmp.Or(foreign.Slug(title), "threat-dragon-model"),
		Name:        cmp.Or(title, "Threat Dragon model"),
		Description: sum.Str("description", false),
		Owner:       sum.Str("owner", false),
		Tags:        im.m.System.Tags,
	}
	im.m.System.SetPos(im.d.Pos(sum.N), "summary")
}

func (im *importer) readCell(it foreign.Item, diagram int) {
	o, ok := im.d.ItemObj(it)
	if !ok {
		return
	}
	id := o.ID("id", true)
	shape := o.Str("shape", false)
	data, _ := o.Obj("data")
	typ := data.Str("type", false)
	kind := typeKinds[typ]
	if kind == "" {
		kind = shapeKinds[shape]
	}
	if kind == "" {
		what := typ
		if what == "" {
			what = shape
		}
		im.d.Warnf(o.N, o.Path, "known cell types are tm.Actor, tm.Process, tm.Store, tm.Flow, tm.Boundary, tm.BoundaryBox and tm.Text",
			"unknown cell type '%s' dropped", what)
		return
	}
	if id == "" {
		return
	}
	if prev, dup := im.byID[id]; dup {
		im.d.Errorf(o.At("id"), o.KeyPath("id"), "every cell needs its own id", "duplicate cell id '%s' (already used at %s)", id, im.d.Pos(prev.obj.N))
		return
	}
	c := &cell{obj: o, data: data, id: id, kind: kind, diagram: diagram, name: data.Str("name", false)}
	if c.name == "" {
		c.name = labelText(o)
	}
	c.name = strings.TrimSpace(c.name)
	switch kind {
	case kActor, kProcess, kStore, kBox, kText:
		pos, _ := o.Obj("position")
		size, _ := o.Obj("size")
		x, okx := pos.Num("x", false)
		y, oky := pos.Num("y", false)
		w, okw := size.Num("width", false)
		h, okh := size.Num("height", false)
		if okx && oky && okw && okh {
			c.box, c.hasBox = rect{x, y, w, h}, true
		}
	case kFlow, kCurve:
		c.src = im.endpoint(o, "source")
		c.dst = im.endpoint(o, "target")
		for _, v := range o.Arr("vertices", false) {
			vo, ok := im.d.ItemObj(v)
			if !ok {
				continue
			}
			x, okx := vo.Num("x", true)
			y, oky := vo.Num("y", true)
			if okx && oky {
				c.vertices = append(c.vertices, point{x, y})
			}
		}
	}
	im.byID[id] = c
	im.cells = append(im.cells, c)
}

// labelText reads a cell's visible label when data.name is missing.
func labelText(o foreign.Obj) string {
	attrs, _ := o.Obj("attrs")
	for _, k := range []string{"text", "label"} {
		t, _ := attrs.Obj(k)
		if s := t.Str("text", false); s != "" {
			return s
		}
	}
	return ""
}

func (im *importer) endpoint(o foreign.Obj, key string) endpoint {
	e, ok := o.Obj(key)
	ep := endpoint{node: o.At(key), path: o.KeyPath(key)}
	if !ok {
		return ep
	}
	if !e.Present() {
		o.Missing(key, "a flow joins two cells: give source.cell and target.cell")
		return ep
	}
	if e.Has("cell") {
		ep.cell = e.ID("cell", false)
		ep.port = e.Str("port", false)
		ep.node = e.At("cell")
		ep.path = e.KeyPath("cell")
		return ep
	}
	x, okx := e.Num("x", false)
	y, oky := e.Num("y", false)
	if okx && oky {
		ep.pt, ep.hasPt = point{x, y}, true
		return ep
	}
	im.d.Errorf(e.N, ep.path, "give the id of the cell it is attached to in 'cell'", "expected 'cell' or 'x' and 'y'")
	return ep
}

// assignIDs gives every imported cell a Rampart id: the cell id when a
// person chose it, otherwise a slug of its name.
func (im *importer) assignIDs() {
	order := []string{kActor, kProcess, kStore, kBox, kCurve, kFlow}
	for _, k := range order {
		for _, c := range im.cells {
			if c.kind != k {
				continue
			}
			if !foreign.IsUUID(c.id) && foreign.ValidID(c.id) {
				c.elem = im.ids.Take(c.id, c.id)
			} else {
				c.elem = im.ids.Take(c.id, foreign.Slug(c.name), kindFallback(c.kind))
			}
		}
	}
}

func kindFallback(k string) string {
	switch k {
	case kBox, kCurve:
		return "boundary"
	case kFlow:
		return "flow"
	}
	return k
}

func (im *importer) pos(c *cell, path string) (model.Pos, string) {
	if path == "" {
		return im.d.Pos(c.obj.N), c.obj.Path
	}
	return im.d.Pos(c.obj.Get(path)), c.obj.KeyPath(path)
}

func (im *importer) elements() {
	im.comps = map[string]*model.Component{}
	im.flows = map[string]*model.Flow{}
	im.bounds = map[string]*model.TrustBoundary{}
	for _, c := range im.cells {
		switch {
		case c.isNode():
			comp := im.component(c)
			comp.Tags = append(comp.Tags, im.layoutTags(c)...)
			im.m.Components = append(im.m.Components, comp)
		case c.kind == kBox || c.kind == kCurve:
			b := model.TrustBoundary{ID: c.elem, Name: c.name, Description: c.data.Str("description", false), Type: "network-segment"}
			if c.kind == kCurve {
				b.Tags = []string{"curve"}
			}
			b.Tags = append(b.Tags, im.layoutTags(c)...)
			b.SetPos(im.pos(c, ""))
			im.m.TrustBoundaries = append(im.m.TrustBoundaries, b)
		case c.kind == kText:
			// Rampart has no text blocks; the system keeps it for the export.
			im.m.System.Tags = append(im.m.System.Tags, tagText+strconv.Itoa(c.diagram)+"="+c.id+" "+
				nums(c.box.X, c.box.Y, c.box.W, c.box.H)+" "+c.name)
		}
	}
	for _, c := range im.cells {
		if c.kind == kFlow {
			if f, ok := im.flow(c); ok {
				if f.Name == "" {
					f.Tags = append(f.Tags, tagUnnamed)
				}
				f.Tags = append(f.Tags, im.layoutTags(c)...)
				im.m.Flows = append(im.m.Flows, f)
			} else {
				c.elem = ""
			}
		}
	}
	for i := range im.m.Components {
		im.comps[im.m.Components[i].ID] = &im.m.Components[i]
	}
	for i := range im.m.Flows {
		im.flows[im.m.Flows[i].ID] = &im.m.Flows[i]
	}
	for i := range im.m.TrustBoundaries {
		im.bounds[im.m.TrustBoundaries[i].ID] = &im.m.TrustBoundaries[i]
	}
}

// layoutTags keeps what a Threat Dragon user sees of a cell and Rampart
// has no field for: its cell id (when it is not the element's id), its
// diagram (when not the first), position and size, line route and loose
// line ends.
func (im *importer) layoutTags(c *cell) []string {
	var tags []string
	if c.id != c.elem {
		tags = append(tags, tagCell+c.id)
	}
	if c.diagram > 0 {
		tags = append(tags, tagInDiagram+strconv.Itoa(c.diagram))
	}
	if c.hasBox {
		tags = append(tags, tagBox+nums(c.box.X, c.box.Y, c.box.W, c.box.H))
	}
	if len(c.vertices) > 0 {
		var pts []string
		for _, v := range c.vertices {
			pts = append(pts, nums(v.X, v.Y))
		}
		tags = append(tags, tagRoute+strings.Join(pts, ";"))
	}
	if c.src.hasPt && c.src.cell == "" {
		tags = append(tags, tagSourceAt+nums(c.src.pt.X, c.src.pt.Y))
	}
	if c.dst.hasPt && c.dst.cell == "" {
		tags = append(tags, tagTargetAt+nums(c.dst.pt.X, c.dst.pt.Y))
	}
	if c.src.port != "" {
		tags = append(tags, tagSourcePort+c.src.port)
	}
	if c.dst.port != "" {
		tags = append(tags, tagTargetPort+c.dst.port)
	}
	if c.name == "" && c.kind != kFlow {
		tags = append(tags, tagUnnamed)
	}
	return tags
}

func nums(vs ...float64) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(out, ",")
}

func (im *importer) component(c *cell) model.Component {
	d := c.data
	comp := model.Component{ID: c.elem, Name: c.name, Description: d.Str("description", false), OutOfScope: d.Bool("outOfScope")}
	comp.SetPos(im.pos(c, ""))
	if r := d.Str("reasonOutOfScope", false); r != "" {
		comp.Description = joinText(comp.Description, outOfScopePrefix+r)
	}
	tag := func(key, t string) {
		if d.Bool(key) {
			comp.Tags = append(comp.Tags, t)
		}
	}
	switch c.kind {
	case kActor:
		comp.Type = "external-entity"
		tag("providesAuthentication", tagProvidesAuth)
	case kProcess:
		comp.Type = "process"
		if d.Bool("isWebApplication") {
			comp.Type = "web-application"
		}
		tag("handlesCardPayment", tagCardPayment)
		tag("handlesGoodsOrServices", tagGoods)
		if p := d.Str("privilegeLevel", false); p != "" {
			comp.Tags = append(comp.Tags, tagPrivilege+p)
		}
	case kStore:
		comp.Type = "datastore"
		if d.Bool("isALog") {
			comp.Type = "log-store"
		}
		if d.Bool("isEncrypted") {
			comp.EncryptionAtRest = "platform"
		}
		tag("isSigned", tagSigned)
		tag("storesCredentials", tagCredentials)
		tag("storesInventory", tagInventory)
	}
	return comp
}

// Tags that carry Threat Dragon flags Rampart has no field for.
const (
	tagProvidesAuth  = "provides-authentication"
	tagCardPayment   = "handles-card-payment"
	tagGoods         = "handles-goods-or-services"
	tagPrivilege     = "privilege-level:"
	tagSigned        = "signed"
	tagCredentials   = infer.TagStoresCredentials
	tagInventory     = "stores-inventory"
	tagPublicNetwork = "public-network"
	tagBidirectional = "bidirectional"
	tagOutOfScope    = "out-of-scope"
	tagProtocol      = "protocol:"
	// Tags that keep the diagram as Threat Dragon draws it.
	tagVersion       = "threat-dragon:version="
	tagDiagram       = "threat-dragon:diagram-" // threat-dragon:diagram-N-title=..., -diagramType=, -description=, -id=
	tagInDiagram     = "threat-dragon:in-diagram="
	tagCell          = "threat-dragon:cell="
	tagBox           = "threat-dragon:box="
	tagRoute         = "threat-dragon:route="
	tagSourceAt      = "threat-dragon:source-at="
	tagTargetAt      = "threat-dragon:target-at="
	tagUnnamed       = "threat-dragon:unnamed"
	tagText          = "threat-dragon:text-" // threat-dragon:text-N=<cell id> <x,y,w,h> <text>
	tagSourcePort    = "threat-dragon:source-port="
	tagTargetPort    = "threat-dragon:target-port="
	outOfScopePrefix = "Out of scope: "
)

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n\n" + b
}

var protocolAliases = map[string]model.Protocol{
	"http/s": "https", "http(s)": "https", "https/tls": "https", "tls": "tcp", "ssl": "tcp", "mysql": "sql",
	"postgres": "sql", "postgresql": "sql", "tds": "sql", "websocket": "ws", "websockets": "ws", "rest": "https",
	"file": "local-file", "filesystem": "local-file", "file system": "local-file",
}

// protocol maps Threat Dragon's free-text protocol onto Rampart's list.
func protocol(s string) (p model.Protocol, known bool) {
	l := strings.ToLower(strings.TrimSpace(s))
	if l == "" {
		return "other", true
	}
	for _, v := range model.Protocol("").Values() {
		if l == v {
			return model.Protocol(v), true
		}
	}
	if a, ok := protocolAliases[l]; ok {
		return a, true
	}
	return "other", false
}

func (im *importer) flow(c *cell) (model.Flow, bool) {
	d := c.data
	from := im.resolveEnd(c, c.src, "source")
	to := im.resolveEnd(c, c.dst, "target")
	name := c.name
	if from == nil || to == nil {
		im.dropThreats(c, "its flow was dropped")
		return model.Flow{}, false
	}
	if from == to {
		im.d.Warnf(c.obj.N, c.obj.Path, "model what happens inside a component with its processes and stores",
			"flow '%s' from '%s' to itself dropped", name, from.name)
		im.dropThreats(c, "its flow was dropped")
		return model.Flow{}, false
	}
	encrypted := d.Bool("isEncrypted")
	raw := d.Str("protocol", false)
	proto, known := protocol(raw)
	f := model.Flow{ID: c.elem, Name: name, Description: d.Str("description", false), From: from.elem, To: to.elem, Protocol: proto}
	f.SetPos(im.pos(c, ""))
	if !known {
		im.d.Warnf(d.At("protocol"), d.KeyPath("protocol"), "", "protocol '%s' is not one Rampart knows; imported as 'other' and kept as a tag", raw)
	}
	if raw != "" && raw != strings.ToUpper(string(proto)) && raw != string(proto) {
		f.Tags = append(f.Tags, tagProtocol+raw) // exported back as written
	}
	if l := strings.ToLower(raw); l == "tls" || l == "ssl" {
		encrypted = true
	}
	if encrypted && !proto.Encrypted() {
		f.Encryption = "tls"
	}
	if !encrypted && proto.Encrypted() {
		im.d.Warnf(d.At("isEncrypted"), d.KeyPath("isEncrypted"), "", "flow '%s' is marked not encrypted but uses %s, which always encrypts; Rampart keeps %s",
			short(name), proto, proto)
	}
	if d.Bool("isPublicNetwork") {
		f.Tags = append(f.Tags, tagPublicNetwork)
		if to.kind != kActor {
			im.publicTargets = append(im.publicTargets, to.elem)
		}
	}
	if d.Bool("isBidirectional") {
		f.Tags = append(f.Tags, tagBidirectional)
	}
	if d.Bool("outOfScope") {
		f.Tags = append(f.Tags, tagOutOfScope)
		if r := d.Str("reasonOutOfScope", false); r != "" {
			f.Description = joinText(f.Description, outOfScopePrefix+r)
		}
		im.d.Warnf(d.At("outOfScope"), d.KeyPath("outOfScope"), "mark its endpoints out of scope instead",
			"Rampart flows cannot be out of scope; flow '%s' is kept with the tag '%s'", short(name), tagOutOfScope)
	}
	return f, true
}

// resolveEnd finds the node a flow end is attached to; a loose end is
// attached to the nearest node in its diagram when one is close.
func (im *importer) resolveEnd(c *cell, e endpoint, which string) *cell {
	if e.cell != "" {
		t := im.byID[e.cell]
		if t == nil {
			ids := make([]string, 0, len(im.byID))
			for id := range im.byID {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			im.d.Errorf(e.node, e.path, model.Suggest(e.cell, ids), "flow '%s' %s refers to unknown cell '%s'", short(c.name), which, e.cell)
			return nil
		}
		if !t.isNode() {
			im.d.Errorf(e.node, e.path, "flows join actors, processes and stores", "flow '%s' %s is a %s, expected an actor, process or store",
				short(c.name), which, describeKind(t.kind))
			return nil
		}
		return t
	}
	if !e.hasPt {
		return nil
	}
	var best *cell
	bestD := math.Inf(1)
	for _, n := range im.cells {
		if n.isNode() && n.hasBox && n.diagram == c.diagram {
			if dist := n.box.distance(e.pt); dist < bestD {
				best, bestD = n, dist
			}
		}
	}
	if best != nil && bestD <= attachDistance {
		im.d.Warnf(e.node, e.path, "attach the flow to the cell in Threat Dragon",
			"flow '%s' %s is not attached to a cell; attached to the nearest, '%s' (%.0f units away)", short(c.name), which, short(best.name), bestD)
		return best
	}
	im.d.Warnf(e.node, e.path, "attach the flow to a cell in Threat Dragon", "flow '%s' %s is not attached to any cell; the flow is dropped", short(c.name), which)
	return nil
}

func describeKind(k string) string {
	switch k {
	case kBox:
		return "trust boundary box"
	case kCurve:
		return "trust boundary curve"
	case kText:
		return "text block"
	}
	return k
}

func (im *importer) dropThreats(c *cell, why string) {
	for _, t := range threatItems(c) {
		if o, ok := im.d.Object(t.N, t.Path); ok {
			im.d.Warnf(t.N, t.Path, "", "threat '%s' dropped: %s", short(o.Str("title", false)), why)
		}
	}
}

func threatItems(c *cell) []foreign.Item {
	if c.data.Has("threats") {
		return c.data.Arr("threats", false)
	}
	return c.obj.Arr("threats", false)
}

// membership places components and boundaries into trust boundaries: a box
// holds what its area encloses (the smallest enclosing box wins); a curve
// holds what lies on its smaller side.
func (im *importer) membership() {
	parent := map[*cell]*cell{}
	// The boxes of each diagram, smallest first: a cell's parent is the
	// first that holds it, so each cell is compared with the boxes only
	// (not with every other cell).
	boxes := map[int][]*cell{}
	for _, b := range im.cells {
		if b.kind == kBox && b.hasBox && b.elem != "" {
			boxes[b.diagram] = append(boxes[b.diagram], b)
		}
	}
	for _, list := range boxes {
		sort.SliceStable(list, func(i, j int) bool { return list[i].box.area() < list[j].box.area() })
	}
	for _, n := range im.cells {
		if n.elem == "" || !n.hasBox || !(n.isNode() || n.kind == kBox) {
			continue
		}
		var best *cell
		for _, b := range boxes[n.diagram] {
			if b == n {
				continue
			}
			inside := b.box.contains(n.box.center())
			if n.kind == kBox {
				inside = b.box.encloses(n.box)
			}
			if inside {
				best = b
				break
			}
		}
		if best != nil {
			parent[n] = best
		}
	}
	// Curves claim top-level members on their smaller side.
	type claim struct {
		curve *cell
		size  int
	}
	claims := map[*cell]claim{}
	for _, cv := range im.cells {
		if cv.kind != kCurve || cv.elem == "" {
			continue
		}
		line := im.curveLine(cv)
		if len(line) < 2 {
			im.d.Warnf(cv.obj.N, cv.obj.Path, "", "trust boundary curve '%s' has no usable geometry; it encloses nothing", short(cv.name))
			continue
		}
		var left, right []*cell
		for _, n := range im.cells {
			if n.elem == "" || !n.hasBox || n.diagram != cv.diagram || !(n.isNode() || n.kind == kBox) || parent[n] != nil {
				continue
			}
			if sideOf(line, n.box.center()) {
				left = append(left, n)
			} else {
				right = append(right, n)
			}
		}
		side := left
		if len(right) > 0 && (len(left) == 0 || len(right) < len(left)) {
			side = right
		}
		names := make([]string, 0, len(side))
		for _, n := range side {
			names = append(names, n.elem)
			if cl, ok := claims[n]; !ok || len(side) < cl.size {
				claims[n] = claim{cv, len(side)}
			}
		}
		label := cv.name
		if label == "" {
			label = cv.elem
		}
		im.d.Warnf(cv.obj.N, cv.obj.Path, "check the members, or redraw it as a trust boundary box",
			"trust boundary curve '%s' has no area; the elements on its smaller side are placed in it: %s", short(label), strings.Join(names, ", "))
	}
	for n, cl := range claims {
		parent[n] = cl.curve
	}
	for _, n := range im.cells {
		if p := parent[n]; p != nil {
			b := im.bounds[p.elem]
			b.Contains = append(b.Contains, n.elem)
		}
	}
}

func (im *importer) curveLine(cv *cell) []point {
	var line []point
	add := func(e endpoint) {
		switch {
		case e.hasPt:
			line = append(line, e.pt)
		case e.cell != "":
			if t := im.byID[e.cell]; t != nil && t.hasBox {
				line = append(line, t.box.center())
			}
		}
	}
	add(cv.src)
	line = append(line, cv.vertices...)
	add(cv.dst)
	return line
}

var strideNames = map[string]model.STRIDE{
	"spoofing": model.Spoofing, "tampering": model.Tampering, "repudiation": model.Repudiation,
	"information disclosure": model.InformationDisclosure, "denial of service": model.DenialOfService,
	"elevation of privilege": model.ElevationOfPrivilege,
	// CIA model types map onto the STRIDE category that breaks the property.
	"confidentiality": model.InformationDisclosure, "integrity": model.Tampering, "availability": model.DenialOfService,
}

func normType(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "-", " "))), " ")
}

var severityLI = map[string]int{"critical": 5, "high": 4, "medium": 3, "low": 2}

// threats turns the threats recorded on cells into manual threats,
// mitigation controls and treatments.
func (im *importer) threats() {
	type pending struct {
		c  *cell
		it foreign.Item
	}
	var list []pending
	for _, c := range im.cells {
		for _, it := range threatItems(c) {
			if c.kind == kText {
				if o, ok := im.d.Object(it.N, it.Path); ok {
					im.d.Warnf(it.N, it.Path, "", "threat '%s' on a text block dropped", short(o.Str("title", false)))
				}
				continue
			}
			if c.elem == "" {
				continue // its flow was dropped, with a warning per threat
			}
			list = append(list, pending{c, it})
		}
	}
	seenTreat := map[string]bool{}
	for _, p := range list {
		o, ok := im.d.ItemObj(p.it)
		if !ok {
			continue
		}
		im.threat(p.c, o, seenTreat)
	}
	for _, id := range im.publicTargets {
		if c := im.comps[id]; c != nil {
			c.InternetFacing = true
		}
	}
}

func (im *importer) threat(c *cell, o foreign.Obj, seenTreat map[string]bool) {
	title := o.Str("title", false)
	tdID := o.ID("id", false)
	if tdID == "" {
		tdID = o.ID("threatId", false)
	}
	statusRaw := o.Str("status", false)
	status, ok := threatStatus(statusRaw)
	if !ok {
		im.d.Warnf(o.At("status"), o.KeyPath("status"), "Threat Dragon statuses are Open, Mitigated, NotApplicable, Accepted, Transferred, Avoided and Eliminated",
			"unknown threat status '%s', imported as open", statusRaw)
	}
	desc := o.Str("description", false)
	mitigation := strings.TrimSpace(o.Str("mitigation", false))
	severity := o.Str("severity", false)
	typ := o.Str("type", false)
	modelType := o.Str("modelType", false)
	score := o.Str("score", false)
	pos, path := im.d.Pos(o.N), o.Path

	// A threat Rampart identified and exported: keep only its register state.
	if rule, elems, isRule := strings.Cut(tdID, "@"); isRule {
		if _, known := builtin.Lookup(rule); known && im.allElements(strings.Split(elems, "+")) {
			if seenTreat[tdID] {
				return
			}
			seenTreat[tdID] = true
			if status == "open" {
				return // the threat comes back with the rules
			}
			t := model.Treatment{Threat: tdID, Status: status, Justification: statusJustification[statusKey(statusRaw)]}
			t.SetPos(pos, path)
			im.m.Treatments = append(im.m.Treatments, t)
			return
		}
	}
	if i, again := im.byThreatID[tdID]; again && tdID != "" {
		mt := &im.m.Threats[i]
		mt.Targets = append(mt.Targets, c.elem)
		for _, cid := range mt.Mitigations {
			im.listControl(c.elem, cid)
		}
		return
	}
	if title == "" {
		title = cmp.Or(typ, "Untitled threat")
		im.d.Warnf(o.N, path, "", "threat without a title; named '%s'", title)
	}
	var id string
	if tdID != "" && !foreign.IsUUID(tdID) && foreign.ValidID(tdID) {
		id = im.ids.Take(tdID, tdID)
	} else {
		id = im.ids.Take("threat", foreign.Slug(title), tdID)
	}
	mt := model.ManualThreat{ID: id, Title: title, Description: desc, Targets: []string{c.elem}}
	if line := threatLine(tdID, id, o, modelType); line != "" {
		mt.Description = joinText(mt.Description, line)
	}
	mt.SetPos(pos, path)
	if typ != "" {
		if s, ok := strideNames[normType(typ)]; ok && (modelType == "" || strings.EqualFold(modelType, "STRIDE") || strings.EqualFold(modelType, "CIA")) {
			mt.STRIDE = []model.STRIDE{s}
			if typ != strideTD[s] { // a CIA category, or another spelling: keep it as written
				mt.Description = joinText(mt.Description, categoryPrefix+typ+modelTypeSuffix(modelType))
			}
		} else {
			mt.Description = joinText(mt.Description, categoryPrefix+typ+modelTypeSuffix(modelType))
			im.d.Warnf(o.At("type"), o.KeyPath("type"), "", "threat type '%s'%s has no STRIDE equivalent; kept in the description",
				typ, modelTypeSuffix(modelType))
		}
	}
	if severity != "" {
		if n, ok := severityLI[strings.ToLower(severity)]; ok {
			mt.Likelihood, mt.Impact = n, n
		} else {
			im.d.Warnf(o.At("severity"), o.KeyPath("severity"), "severities are High, Medium and Low", "unknown severity '%s'; likelihood and impact are left to analysis", severity)
		}
	}
	if score != "" {
		mt.Description = joinText(mt.Description, scorePrefix+score)
	}
	if mitigation != "" {
		cid := im.ids.Take("mitigation", id+"-mitigation")
		ctl := model.Control{ID: cid, Name: firstLine(mitigation), Description: mitigation, Status: "planned"}
		if status == "mitigated" {
			ctl.Status = "implemented"
		}
		if strings.Contains(id, "-") {
			ctl.Mitigates = []string{id}
		}
		ctl.SetPos(im.d.Pos(o.At("mitigation")), o.KeyPath("mitigation"))
		im.m.Controls = append(im.m.Controls, ctl)
		mt.Mitigations = []string{cid}
		im.listControl(c.elem, cid)
	}
	if tdID != "" && !foreign.IsUUID(tdID) {
		im.byThreatID[tdID] = len(im.m.Threats)
	}
	im.m.Threats = append(im.m.Threats, mt)
	t := model.Treatment{Threat: id, Status: status, Justification: statusJustification[statusKey(statusRaw)]}
	t.SetPos(im.d.Pos(o.At("status")), o.KeyPath("status"))
	im.m.Treatments = append(im.m.Treatments, t)
}

// listControl puts a control on the component or flow it protects.
func (im *importer) listControl(elem, cid string) {
	if comp := im.comps[elem]; comp != nil {
		comp.Controls = append(comp.Controls, cid)
	} else if f := im.flows[elem]; f != nil {
		f.Controls = append(f.Controls, cid)
	}
}

// threatLine keeps a threat's Threat Dragon id (when the Rampart id is
// another), number and model type (when not STRIDE) in its description.
func threatLine(tdID, id string, o foreign.Obj, modelType string) string {
	var parts []string
	if tdID != "" && tdID != id {
		parts = append(parts, "id "+tdID)
	}
	if n, ok := o.Num("number", false); ok && n > 0 {
		parts = append(parts, "number "+strconv.FormatFloat(n, 'f', -1, 64))
	} else {
		parts = append(parts, "unnumbered")
	}
	if modelType != "" && modelType != "STRIDE" {
		parts = append(parts, "model type "+modelType)
	}
	if len(parts) == 0 {
		return ""
	}
	return threatPrefix + strings.Join(parts, ", ")
}

// statusKey normalises a Threat Dragon status for lookups.
func statusKey(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", ""), "/", "")
}

// statusJustification records the Threat Dragon statuses that Rampart's
// register folds into another status, so that an export writes them again.
var statusJustification = map[string]string{
	"na":            naJustification,
	"notapplicable": notApplicableJustification,
	"eliminated":    eliminatedJustification,
}

const (
	threatPrefix               = "Threat Dragon threat: "
	notApplicableJustification = "Marked not applicable in Threat Dragon."
	eliminatedJustification    = "Marked eliminated in Threat Dragon."
	naJustification            = "Marked not applicable (NA) in Threat Dragon."
	categoryPrefix             = "Category: "
	scorePrefix                = "Score: "
)

func modelTypeSuffix(mt string) string {
	if mt == "" || strings.EqualFold(mt, "STRIDE") {
		return ""
	}
	return " (" + mt + ")"
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	line = strings.TrimSpace(line)
	if r := []rune(line); len(r) > 80 {
		line = string(r[:77]) + "..."
	}
	return line
}

func (im *importer) allElements(ids []string) bool {
	for _, id := range ids {
		if im.comps[id] == nil && im.flows[id] == nil && im.bounds[id] == nil {
			return false
		}
	}
	return len(ids) > 0
}

// threatStatus maps the statuses of Threat Dragon 2.6 (and the NA of
// earlier releases) onto the register's.
func threatStatus(s string) (model.TreatmentStatus, bool) {
	switch statusKey(s) {
	case "open", "":
		return "open", true
	case "mitigated", "eliminated":
		return "mitigated", true
	case "na", "notapplicable":
		return "false-positive", true
	case "accepted":
		return "accepted", true
	case "transferred":
		return "transferred", true
	case "avoided":
		return "avoided", true
	}
	return "open", false
}
