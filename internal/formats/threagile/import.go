package threagile

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/ids"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// Mapping records how an imported model's Threagile ids became Rampart ids:
// the table behind the comment written at the top of an imported model.
type Mapping struct {
	// IDs maps Threagile element ids that changed onto their Rampart ids
	// (communication link ids always change: Threagile's '>' becomes '.').
	IDs map[string]string
	// Risks maps each risk_tracking key onto the Rampart threat ids whose
	// treatments it became; a key mapped onto nothing was not carried.
	Risks map[string][]string
	// Keys lists the risk_tracking keys in file order.
	Keys []string
	// Shadowed marks keys whose every threat is tracked by a more specific key.
	Shadowed map[string]bool
	// Links counts the communication links (whose ids all change).
	Links int
}

// Notes renders the mapping as comment lines for the top of an imported model.
func (mp *Mapping) Notes(file string) []string {
	out := []string{"Imported from the Threagile model " + filepath.Base(file) + "."}
	if mp.Links > 0 {
		out = append(out, "Communication link ids 'asset>link-title' are written as flow ids 'asset.link-title'.")
	}
	var changed []string
	for k, v := range mp.IDs {
		if strings.Contains(k, ">") {
			continue
		}
		changed = append(changed, "  "+k+" -> "+v)
	}
	sort.Strings(changed)
	if len(changed) > 0 {
		out = append(out, "Threagile ids written differently here:")
		out = append(out, changed...)
	}
	if len(mp.Keys) > 0 {
		out = append(out, "Threagile risk_tracking keys and the treatments they became:")
		for _, k := range mp.Keys {
			ids := mp.Risks[k]
			if len(ids) == 0 && mp.Shadowed[k] {
				out = append(out, "  "+k+" -> (every threat it matches is tracked by a more specific key)")
				continue
			}
			if len(ids) == 0 {
				out = append(out, "  "+k+" -> (not carried: matches no threat Rampart identifies)")
				continue
			}
			if line := "  " + k + " -> " + strings.Join(ids, ", "); len(line) <= 100 {
				out = append(out, line)
				continue
			}
			out = append(out, "  "+k+" ->")
			for _, id := range ids {
				out = append(out, "      "+id)
			}
		}
	}
	return out
}

// Import converts a Threagile YAML model into a Rampart model. Problems point
// at the Threagile file's own lines; warnings name what Rampart cannot carry.
// The error is only for a cancelled context.
func Import(ctx context.Context, name string, data []byte, opts formats.Options) (*model.Model, model.Problems, error) {
	m, _, problems, err := ImportMapping(ctx, name, data, opts)
	return m, problems, err
}

// ImportNotes is Import that also returns the comment lines describing how
// ids were mapped, for the top of the written model.
func ImportNotes(ctx context.Context, name string, data []byte, opts formats.Options) (*model.Model, []string, model.Problems, error) {
	m, mp, problems, err := ImportMapping(ctx, name, data, opts)
	if mp == nil {
		return m, nil, problems, err
	}
	return m, mp.Notes(name), problems, err
}

// ImportMapping converts the Threagile file name (holding data) and its
// includes, which must lie in name's directory tree or opts.IncludeRoot's,
// and returns how Threagile ids became Rampart ids.
func ImportMapping(ctx context.Context, name string, data []byte, opts formats.Options) (*model.Model, *Mapping, model.Problems, error) {
	b := build(ctx, name, data, opts, false)
	if b.startOver && ctx.Err() == nil {
		// A piece of a large file did not parse on its own: read the files
		// whole, so that the problems are those of any file.
		b = build(ctx, name, data, opts, true)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, b.problems, fmt.Errorf("import %s: %w", name, err)
	}
	b.finish(name)
	b.problems.Sort()
	return b.m, &b.mapping, b.problems, ctx.Err()
}

// build reads the file and its includes into a builder, parsing each file
// whole or, when whole is false, the long sections of large files piece by
// piece.
func build(ctx context.Context, name string, data []byte, opts formats.Options, whole bool) *builder {
	b := newBuilder(ctx, opts)
	b.tree = source.NewTree(filepath.Dir(name), opts.IncludeRoot)
	b.whole = whole
	b.file(name, data, nil)
	return b
}

// pendingRef is a reference to a Threagile element, resolved once every file is read.
type pendingRef struct {
	id  string
	pos model.Pos
	// base is the key path of the reference, or of its list when idx >= 0.
	base string
	idx  int
}

// path renders the reference's key path (only needed for messages).
func (r pendingRef) path() string {
	if r.idx < 0 {
		return r.base
	}
	return r.base + "[" + strconv.Itoa(r.idx) + "]"
}

func ref(id string, pos model.Pos, path string) pendingRef {
	return pendingRef{id: id, pos: pos, base: path, idx: -1}
}

type pendingRisk struct {
	syntheticID string
	threat      *model.ManualThreat
	refs        []pendingRef // most relevant elements in synthetic id order
	breach      []pendingRef
	category    string
	// threatID is the id of the manual threat the risk became ("" when not carried).
	threatID string
}

type pendingTracking struct {
	key           string
	pos           model.Pos
	path          string
	status        string
	justification string
	ticket        string
	checkedBy     string
	date          *model.Date
}

type dropInfo struct {
	pos   model.Pos
	path  string
	msg   string
	hint  string
	count int
}

type single struct {
	v   string
	pos model.Pos
}

type builder struct {
	ctx      context.Context
	tree     *source.Tree // where includes may be read from
	opts     formats.Options
	problems model.Problems
	m        *model.Model
	mapping  Mapping

	nfiles int
	chain  map[string]bool
	seen   map[string]string

	singles map[string]single
	desc    []string

	// Threagile ids onto Rampart ids, per element kind.
	dataID, assetID, boundaryID, runtimeID, linkID map[string]string
	// firstPos remembers where each Threagile id was declared, per kind.
	firstPos map[string]model.Pos
	used     idSet
	titles   map[string]model.Pos

	assetIdx    map[string]int // Threagile asset id -> index in m.Components
	compRefs    map[int][2][]pendingRef
	flowRefs    map[int][2][]pendingRef
	flowTo      map[int]pendingRef
	flowSource  map[int]string
	boundaryRef map[int][2][]pendingRef
	runtimeRefs map[string][]pendingRef
	risks       []pendingRisk
	tracking    []pendingTracking
	categories  map[string]bool

	dropped   map[string]*dropInfo
	dropOrder []string

	// whole makes every file be parsed whole; otherwise the long sections
	// of large files are read piece by piece (see source.ParseYAMLSections),
	// and startOver is set when a piece could not be read so.
	whole, startOver bool
}

func newBuilder(ctx context.Context, opts formats.Options) *builder {
	return &builder{
		ctx: ctx, opts: opts, m: &model.Model{Rampart: model.SchemaVersion},
		mapping: Mapping{IDs: map[string]string{}, Risks: map[string][]string{}, Shadowed: map[string]bool{}},
		chain:   map[string]bool{}, seen: map[string]string{}, singles: map[string]single{},
		dataID: map[string]string{}, assetID: map[string]string{}, boundaryID: map[string]string{},
		runtimeID: map[string]string{}, linkID: map[string]string{}, firstPos: map[string]model.Pos{},
		used: idSet{}, titles: map[string]model.Pos{}, assetIdx: map[string]int{},
		compRefs: map[int][2][]pendingRef{}, flowRefs: map[int][2][]pendingRef{}, flowTo: map[int]pendingRef{},
		flowSource: map[int]string{}, boundaryRef: map[int][2][]pendingRef{}, runtimeRefs: map[string][]pendingRef{},
		categories: map[string]bool{}, dropped: map[string]*dropInfo{},
	}
}

// streamed are the sections read entry by entry, which a large file may
// hold in pieces.
var streamed = []string{"data_assets", "technical_assets", "trust_boundaries", "shared_runtimes", "risk_tracking"}

// parse turns a file into its root node and the further pieces of its long
// sections, or records why it cannot. The input layer parses it (in
// parallel when it is large), refusing bad bytes and alias bombs; the hints
// are Threagile's.
func (b *builder) parse(name string, data []byte) (*yaml.Node, *source.Rest) {
	lim := source.Limits{MaxExpansion: cmp.Or(b.opts.MaxExpansion, model.DefaultMaxExpansion)}
	var doc *source.Doc
	var rest *source.Rest
	if b.whole {
		doc = source.ParseYAML(name, data, lim)
	} else {
		doc, rest = source.ParseYAMLSections(name, data, lim, streamed...)
	}
	for _, p := range doc.Problems {
		switch {
		case p.Code == source.CodeEmpty && len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))) == 0:
			p.Hint = "a Threagile model starts with threagile_version and title"
		case p.Code == source.CodeEmpty:
			p.Message, p.Hint = "file holds no YAML document", ""
		case p.Code == source.CodeDocuments:
			p.Hint = "a Threagile model file holds one document; use includes to split it"
		}
		b.problems = append(b.problems, p)
	}
	return doc.Root, rest
}

func (b *builder) readFile(ctx context.Context, path string) ([]byte, error) {
	limit := b.opts.MaxFileSize
	if limit <= 0 {
		limit = model.DefaultMaxFileSize
	}
	if b.opts.ReadFile != nil {
		return b.opts.ReadFile(ctx, path, limit)
	}
	return source.ReadFile(ctx, path, limit)
}

// topKeys lists every top-level key of Threagile's schema.
var topKeys = []string{"threagile_version", "includes", "title", "author", "contributors", "date", "application_description",
	"business_overview", "technical_overview", "business_criticality", "management_summary_comment", "security_requirements",
	"questions", "abuse_cases", "tags_available", "data_assets", "technical_assets", "trust_boundaries", "shared_runtimes",
	"individual_risk_categories", "custom_risk_categories", "risk_tracking", "diagram_tweak_nodesep", "diagram_tweak_ranksep",
	"diagram_tweak_edge_layout", "diagram_tweak_suppress_edge_labels", "diagram_tweak_layout_left_to_right",
	"diagram_tweak_invisible_connections_between_assets", "diagram_tweak_same_rank_assets"}

// file reads one Threagile file (the root or an include) into the builder.
func (b *builder) file(name string, data []byte, includedAt *pendingRef) {
	abs, err := filepath.Abs(name)
	if err != nil {
		abs = name
	}
	if includedAt == nil {
		b.nfiles++ // includes are counted when they are tried
	}
	b.seen[abs] = name
	b.chain[abs] = true
	defer delete(b.chain, abs)
	node, rest := b.parse(name, data)
	if node == nil {
		return
	}
	r := &reader{file: name, problems: &b.problems, maxExpand: model.DefaultMaxExpansion, rest: rest}
	defer func() {
		if !rest.Complete() {
			b.startOver = true
		}
	}()
	if node.Kind != yaml.MappingNode {
		r.errf(node, "", "a Threagile model is a mapping starting with threagile_version, title, data_assets and technical_assets",
			"expected a mapping of model sections, found %s", model.DescribeNode(node))
		return
	}
	top := r.object(node, "", "a Threagile model")
	if top == nil {
		return
	}
	root := includedAt == nil
	b.header(r, top, root)
	for e := range top.each("data_assets", "data asset") {
		b.dataAsset(r, e)
	}
	for e := range top.each("technical_assets", "technical asset") {
		b.technicalAsset(r, e)
	}
	for e := range top.each("trust_boundaries", "trust boundary") {
		b.trustBoundary(r, e)
	}
	for e := range top.each("shared_runtimes", "shared runtime") {
		b.sharedRuntime(r, e)
	}
	for _, key := range []string{"individual_risk_categories", "custom_risk_categories"} {
		for _, e := range top.titledList(key, "risk category") {
			b.riskCategory(r, e)
		}
	}
	for e := range top.each("risk_tracking", "risk tracking entry") {
		b.riskTracking(r, e)
	}
	b.commentedTracking(name, data)
	includes := top.list("includes")
	top.unknown(topKeys)
	if r.aborted {
		return
	}
	// Includes are read after the including file, relative to it.
	dir := filepath.Dir(name)
	for i, inc := range includes {
		b.include(dir, inc.v, pendingRef{id: inc.v, pos: r.pos(inc.n), base: "includes", idx: i})
	}
}

func (b *builder) include(dir, inc string, at pendingRef) {
	if err := b.ctx.Err(); err != nil {
		return
	}
	path := inc
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, inc)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if b.chain[abs] {
		b.errAt(at, "remove one of the includes", "includes form a cycle through '%s'", inc)
		return
	}
	if prev, dup := b.seen[abs]; dup {
		b.errAt(at, "include each file once", "'%s' is already included (as %s)", inc, prev)
		return
	}
	limit := b.opts.MaxIncludes
	if limit <= 0 {
		limit = model.DefaultMaxIncludes
	}
	if b.nfiles >= limit {
		b.errAt(at, "merge some of the files; every include counts, those that failed too", "more than %d model files", limit)
		return
	}
	b.nfiles++
	if !b.tree.Contains(abs) {
		b.errAt(at, "includes name files under the root model's directory", "include '%s' is outside the model's directory tree (%s)",
			inc, strings.Join(b.tree.Roots(), ", "))
		return
	}
	data, err := b.readFile(b.ctx, path)
	if err != nil {
		hint := ""
		if errors.Is(err, os.ErrNotExist) {
			hint = "include paths are relative to the including file"
		}
		b.errAt(at, hint, "cannot read include: %v", err)
		return
	}
	b.file(path, data, &at)
}

func (b *builder) errAt(ref pendingRef, hint, format string, args ...any) {
	b.problems = append(b.problems, model.Problem{Pos: ref.pos, Path: ref.path(), Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (b *builder) warnAt(pos model.Pos, path, hint, format string, args ...any) {
	b.problems = append(b.problems, model.Problem{Pos: pos, Path: path, Message: fmt.Sprintf(format, args...), Hint: hint, Severity: source.Warning})
}

// drop records a value Rampart cannot carry. Drops of the same kind are
// reported once, with a count, at the first place they occur.
func (b *builder) drop(o *obj, key, kind, msg, hint string) {
	n := o.node(key)
	if n == nil {
		return
	}
	v := o.r.resolve(n)
	if isNull(v) || (v.Kind == yaml.ScalarNode && (v.Value == "" || v.Value == "false" || v.Value == "0")) ||
		(v.Kind != yaml.ScalarNode && len(v.Content) == 0) {
		return
	}
	d := b.dropped[kind]
	if d == nil {
		d = &dropInfo{pos: o.r.pos(n), path: joinPath(o.path, key), msg: msg, hint: hint}
		b.dropped[kind] = d
		b.dropOrder = append(b.dropOrder, kind)
	}
	d.count++
}

// setSingle records a top-level value that included files may also set.
func (b *builder) setSingle(r *reader, o *obj, key string) string {
	v := strings.TrimSpace(o.str(key))
	if v == "" {
		return ""
	}
	pos := o.at(key)
	if prev, ok := b.singles[key]; ok {
		if prev.v != v {
			r.errf(o.r.resolve(o.node(key)), key, "set it in one file only", "%s '%s' conflicts with '%s' set at %s", key, v, prev.v, prev.pos)
		}
		return ""
	}
	b.singles[key] = single{v, pos}
	return v
}

// header reads the model-level keys.
func (b *builder) header(r *reader, top *obj, root bool) {
	if v := b.setSingle(r, top, "threagile_version"); v != "" {
		if !strings.HasPrefix(v, "1.") && v != "1" {
			r.errf(r.resolve(top.node("threagile_version")), "threagile_version", "this importer reads Threagile 1.x models",
				"unsupported threagile_version '%s'", v)
		}
	} else if root && !top.has("threagile_version") {
		r.errf(top.n, "", "add threagile_version: 1.0.0 at the top", "missing required key 'threagile_version'")
	}
	if v := b.setSingle(r, top, "title"); v != "" {
		b.m.System.Name = v
		b.m.System.ID = sanitize(ids.Slug(v))
		b.m.System.SetPos(top.at("title"), "title")
	} else if root && !top.has("title") {
		r.errf(top.n, "", "give the model a title", "missing required key 'title'")
	}
	if v := b.setSingle(r, top, "date"); v != "" {
		d, err := model.ParseDate(v)
		if err != nil {
			r.errf(r.resolve(top.node("date")), "date", "write the date as YYYY-MM-DD, e.g. 2020-07-01", "expected a date, found '%s'", v)
		} else {
			b.m.System.Reviewed = &d
		}
	}
	if top.has("business_criticality") {
		if v := top.enum("business_criticality", criticality, false); v != "" {
			if prev, ok := b.singles["business_criticality"]; ok && prev.v != v {
				r.errf(r.resolve(top.node("business_criticality")), "business_criticality", "set it in one file only",
					"business_criticality '%s' conflicts with '%s' set at %s", v, prev.v, prev.pos)
			} else if !ok {
				b.singles["business_criticality"] = single{v, top.at("business_criticality")}
				b.drop(top, "business_criticality", "business_criticality", "business_criticality is not carried: Rampart derives impact from the data at stake", "")
			}
		}
	} else if root {
		r.warnf(top.n, "", "Threagile requires business_criticality", "missing key 'business_criticality'")
	}
	if v := strings.TrimSpace(top.str("management_summary_comment")); v != "" {
		b.desc = append(b.desc, v)
	}
	for _, key := range []string{"application_description", "business_overview", "technical_overview"} {
		n := top.node(key)
		if n == nil {
			continue
		}
		ov := r.object(n, key, "an overview with description and images")
		if ov == nil {
			continue
		}
		if v := strings.TrimSpace(ov.str("description")); v != "" {
			b.desc = append(b.desc, v)
		}
		b.drop(ov, "images", "images", "overview images are not carried", "")
		ov.unknown([]string{"description", "images"})
	}
	if n := top.node("author"); n != nil {
		if a := r.object(n, "author", "an author with name and homepage"); a != nil {
			b.drop(a, "name", "author", "the model's author is not carried", "")
			b.drop(a, "homepage", "author", "the model's author is not carried", "")
			b.drop(a, "contact", "author", "the model's author is not carried", "")
			a.unknown([]string{"name", "homepage", "contact"})
		}
	}
	b.drop(top, "contributors", "contributors", "contributors are not carried", "")
	for _, key := range []string{"questions", "abuse_cases", "security_requirements"} {
		b.drop(top, key, key, key+" are not carried: Rampart models hold no free-form report sections", "keep them next to the model")
	}
	_ = top.list("tags_available") // tags are carried on the elements that use them
	for _, key := range []string{"diagram_tweak_nodesep", "diagram_tweak_ranksep", "diagram_tweak_edge_layout", "diagram_tweak_suppress_edge_labels",
		"diagram_tweak_layout_left_to_right", "diagram_tweak_invisible_connections_between_assets", "diagram_tweak_same_rank_assets"} {
		b.drop(top, key, "diagram_tweak", "diagram tweaks are not carried: Rampart lays out its diagrams itself", "")
	}
}

// claimID gives a Threagile element a Rampart id unique across the model.
func (b *builder) claimID(r *reader, idNode *yaml.Node, path, threagileID, kind, suffix string) string {
	id := sanitize(threagileID)
	out := b.used.claim(id, kind, suffix)
	if out != threagileID {
		b.mapping.IDs[threagileID] = out
		why := "it is not a valid Rampart id"
		if id == threagileID {
			why = "the id is already used by a " + b.used[id]
		}
		r.warnf(idNode, path, "Threagile keeps ids unique per kind, Rampart across the whole model",
			"%s id '%s' becomes '%s': %s", kind, threagileID, out, why)
	} else if !validThreagileID(threagileID) {
		r.warnf(idNode, path, "Threagile allows only letters, digits and hyphens in ids", "id '%s' is not a valid Threagile id", threagileID)
	}
	return out
}

// validThreagileID reports whether an id is valid in Threagile (letters, digits, hyphens).
func validThreagileID(id string) bool { return threagileID.MatchString(id) }

// declare records a Threagile id of a kind; duplicates are errors, as in Threagile.
func (b *builder) declare(r *reader, idNode *yaml.Node, path, kind, id string) bool {
	key := kind + "\x00" + id
	if prev, dup := b.firstPos[key]; dup {
		r.errf(idNode, path, "ids are unique per kind in Threagile", "duplicate %s id '%s' (first at %s)", kind, id, prev)
		return false
	}
	b.firstPos[key] = r.pos(idNode)
	return true
}

// title checks that a title is defined once across all files.
func (b *builder) title(r *reader, e entry, section, kind string) bool {
	key := section + "\x00" + e.title
	if prev, dup := b.titles[key]; dup {
		r.errf(e.key, titled("", section, e.title), "define each element in one file", "%s '%s' is already defined at %s", kind, e.title, prev)
		return false
	}
	b.titles[key] = r.pos(e.key)
	return true
}

func refsOf(r *reader, o *obj, key string) []pendingRef {
	items := o.list(key)
	if len(items) == 0 {
		return nil
	}
	base := joinPath(o.path, key)
	out := make([]pendingRef, 0, len(items))
	for i, it := range items {
		out = append(out, pendingRef{id: strings.TrimSpace(it.v), pos: r.pos(it.n), base: base, idx: i})
	}
	return out
}

func tagsOf(o *obj) []string {
	items := o.list("tags")
	if len(items) == 0 {
		return nil
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if t := strings.ToLower(strings.TrimSpace(it.v)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// describeText is a description unless it merely repeats the title.
func describeText(desc, title string) string {
	desc = strings.TrimSpace(desc)
	if desc == strings.TrimSpace(title) {
		return ""
	}
	return desc
}

var dataKeys = []string{"id", "description", "usage", "tags", "origin", "owner", "quantity", "confidentiality", "integrity",
	"availability", "justification_cia_rating"}

func (b *builder) dataAsset(r *reader, e entry) {
	o := e.o
	if !b.title(r, e, "data_assets", "data asset") {
		return
	}
	tid, idNode := o.requireID("data asset")
	d := model.DataAsset{Name: e.title, Description: describeText(o.str("description"), e.title)}
	d.SetPos(r.pos(e.key), o.path)
	o.enum("usage", usages, true)
	b.drop(o, "usage", "data usage", "the usage (business/devops) of data assets is not carried", "")
	d.Quantity = model.Quantity(o.enum("quantity", quantities, true))
	if c := o.enum("confidentiality", confidentialityValues, true); c != "" {
		d.Classification = confidentiality[c].class
		d.CIA.Confidentiality = confidentiality[c].rating
	}
	d.CIA.Integrity = criticalityRating[o.enum("integrity", criticality, true)]
	d.CIA.Availability = criticalityRating[o.enum("availability", criticality, true)]
	d.Owner = strings.TrimSpace(o.str("owner"))
	d.Tags = tagsOf(o)
	if j := strings.TrimSpace(o.str("justification_cia_rating")); j != "" {
		d.Description = joinText(d.Description, ciaMarker+j)
	}
	b.drop(o, "origin", "data origin", "the origin of data assets is not carried", "")
	o.unknown(dataKeys)
	if tid == "" || !b.declare(r, idNode, joinPath(o.path, "id"), "data asset", tid) {
		return
	}
	d.ID = b.claimID(r, idNode, joinPath(o.path, "id"), tid, "data asset", "data")
	b.dataID[tid] = d.ID
	b.m.Data = append(b.m.Data, d)
}

// Markers of text appended to descriptions, so that export can split it again.
const (
	ciaMarker        = "CIA rating: "
	outOfScopeMarker = "Out of scope: "
)

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + "\n\n" + b
}

var assetKeys = []string{"id", "description", "type", "usage", "used_as_client_by_human", "out_of_scope", "justification_out_of_scope",
	"size", "technology", "technologies", "tags", "internet", "machine", "encryption", "owner", "confidentiality", "integrity",
	"availability", "justification_cia_rating", "multi_tenant", "redundant", "custom_developed_parts", "data_assets_processed",
	"data_assets_stored", "data_formats_accepted", "diagram_tweak_order", "communication_links"}

var linkKeys = []string{"target", "description", "protocol", "authentication", "authorization", "tags", "vpn", "ip_filtered",
	"readonly", "usage", "data_assets_sent", "data_assets_received", "diagram_tweak_weight", "diagram_tweak_constraint"}

func (b *builder) technicalAsset(r *reader, e entry) {
	o := e.o
	if !b.title(r, e, "technical_assets", "technical asset") {
		return
	}
	tid, idNode := o.requireID("technical asset")
	c := model.Component{Name: e.title, Description: describeText(o.str("description"), e.title)}
	c.SetPos(r.pos(e.key), o.path)
	assetType := o.enum("type", assetTypes, true)
	if o.enum("usage", usages, true) == "devops" {
		b.drop(o, "usage", "asset usage", "the usage (devops) of technical assets is not carried", "")
	}
	c.HumanUse = o.boolean("used_as_client_by_human")
	c.OutOfScope = o.boolean("out_of_scope")
	if j := strings.TrimSpace(o.str("justification_out_of_scope")); j != "" {
		c.Description = joinText(c.Description, outOfScopeMarker+j)
	}
	if o.enum("size", sizes, true) != "" {
		b.drop(o, "size", "asset size", "the size (system/service/application/component) of technical assets is not carried", "")
	}
	tech := ""
	if o.has("technology") {
		if canonical, ok := technologyAliases[strings.TrimSpace(o.str("technology"))]; ok {
			tech = canonical
		} else {
			tech = o.enum("technology", technologiesValues, !o.has("technologies"))
		}
	}
	var techs []string
	for _, it := range o.list("technologies") {
		v := strings.TrimSpace(it.v)
		if canonical, ok := technologyAliases[v]; ok {
			v = canonical
		}
		techs = append(techs, v)
	}
	if tech == "" && len(techs) > 0 {
		tech = techs[0]
		if _, ok := technologies[tech]; !ok {
			r.warnf(o.r.resolve(o.node("technologies")), joinPath(o.path, "technologies"), "",
				"technology '%s' is not one this importer knows; the component is typed from its Threagile type", tech)
		}
	} else if !o.has("technology") && len(techs) == 0 {
		r.errf(o.n, joinPath(o.path, "technology"), "allowed values: see Threagile's schema, e.g. web-application, database, browser",
			"missing required key 'technology'")
	}
	if len(techs) > 0 {
		c.Technology = strings.Join(techs, ", ")
	} else {
		c.Technology = tech
	}
	if assetType != "" {
		c.Type = componentType(assetType, tech, c.HumanUse)
	}
	c.Tags = tagsOf(o)
	c.InternetFacing = o.boolean("internet")
	switch o.enum("machine", machines, true) {
	case "container":
		c.Hosting = "container"
	case "serverless":
		c.Hosting = "serverless"
	case "physical", "virtual":
		b.drop(o, "machine", "asset machine", "the machine kind (physical/virtual) of technical assets is not carried", "")
	}
	if enc := o.enum("encryption", encryptionsValues, true); enc != "" && enc != "none" {
		c.EncryptionAtRest = model.AtRest(encryptions[enc].to)
		if encryptions[enc].approx {
			b.drop(o, "encryption", "asset encryption "+enc, "encryption '"+enc+"' becomes encryption at rest '"+encryptions[enc].to+"'", "")
		}
	}
	c.Owner = strings.TrimSpace(o.str("owner"))
	o.enum("confidentiality", confidentialityValues, true)
	o.enum("integrity", criticality, true)
	o.enum("availability", criticality, true)
	for _, k := range []string{"confidentiality", "integrity", "availability", "justification_cia_rating"} {
		b.drop(o, k, "asset cia", "the CIA ratings of technical assets are not carried: Rampart rates the data a component handles",
			"rate the data assets the component processes or stores instead")
	}
	c.MultiTenant = o.boolean("multi_tenant")
	if o.boolean("redundant") {
		b.drop(o, "redundant", "asset redundant", "redundant: true on technical assets is not carried", "")
	}
	c.CustomCode = o.boolean("custom_developed_parts")
	processed, stored := refsOf(r, o, "data_assets_processed"), refsOf(r, o, "data_assets_stored")
	for i, it := range o.list("data_formats_accepted") {
		v := strings.TrimSpace(it.v)
		if v == "" {
			continue
		}
		ok := false
		for _, f := range []string{"json", "xml", "serialization", "file", "csv"} {
			if v == f {
				ok = true
			}
		}
		if !ok {
			r.errf(it.n, joinPath(o.path, "data_formats_accepted")+"["+strconv.Itoa(i)+"]",
				suggest(v, []string{"json", "xml", "serialization", "file", "csv"}),
				"unknown data format '%s', expected one of json, xml, serialization, file, csv", v)
			continue
		}
		c.DataFormats = append(c.DataFormats, model.DataFormat(v))
	}
	b.drop(o, "diagram_tweak_order", "diagram_tweak", "diagram tweaks are not carried: Rampart lays out its diagrams itself", "")
	links := o.entries("communication_links", "communication link")
	o.unknown(assetKeys)
	if tid == "" || !b.declare(r, idNode, joinPath(o.path, "id"), "technical asset", tid) {
		return
	}
	c.ID = b.claimID(r, idNode, joinPath(o.path, "id"), tid, "technical asset", "component")
	b.assetID[tid] = c.ID
	idx := len(b.m.Components)
	b.assetIdx[tid] = idx
	b.compRefs[idx] = [2][]pendingRef{processed, stored}
	b.m.Components = append(b.m.Components, c)
	for _, le := range links {
		b.link(r, tid, c.ID, le)
	}
}

func (b *builder) link(r *reader, sourceTID, sourceID string, e entry) {
	o := e.o
	f := model.Flow{Name: e.title, From: sourceID, Description: describeText(o.str("description"), e.title)}
	f.SetPos(r.pos(e.key), o.path)
	targetNode := o.node("target")
	target := strings.TrimSpace(o.str("target"))
	if target == "" {
		at := o.n
		if targetNode != nil {
			at = r.resolve(targetNode)
		}
		r.errf(at, joinPath(o.path, "target"), "name the technical asset id the link goes to", "missing required key 'target'")
	}
	if p := o.enum("protocol", protocolsValues, true); p != "" {
		pm := protocols[p]
		f.Protocol = model.Protocol(pm.to)
		if pm.tls {
			f.Encryption = "tls"
		}
		if pm.approx {
			b.drop(o, "protocol", "protocol "+p, "protocol '"+p+"' has no exact Rampart counterpart and becomes '"+pm.to+"'", "")
		}
	}
	if a := o.enum("authentication", authenticationsValues, true); a != "" {
		am := authentications[a]
		f.Authentication = model.Authentication(am.to)
		if am.approx {
			b.drop(o, "authentication", "authentication "+a, "authentication '"+a+"' has no exact Rampart counterpart and becomes '"+am.to+"'", "")
		}
	}
	if a := o.enum("authorization", authorizationsValues, true); a != "" {
		f.Authorization = model.Authorization(authorizations[a].to)
	}
	f.Tags = tagsOf(o)
	f.VPN = o.boolean("vpn")
	f.IPFiltered = o.boolean("ip_filtered")
	f.Readonly = o.boolean("readonly")
	f.Usage = model.Usage(o.enum("usage", usages, true))
	sent, received := refsOf(r, o, "data_assets_sent"), refsOf(r, o, "data_assets_received")
	b.drop(o, "diagram_tweak_weight", "diagram_tweak", "diagram tweaks are not carried: Rampart lays out its diagrams itself", "")
	b.drop(o, "diagram_tweak_constraint", "diagram_tweak", "diagram tweaks are not carried: Rampart lays out its diagrams itself", "")
	o.unknown(linkKeys)
	tlink := linkID(sourceTID, e.title)
	if !b.declare(r, e.key, o.path, "communication link", tlink) {
		return
	}
	f.ID = b.used.claim(sanitize(flowID(sourceID, e.title)), "flow", "flow")
	b.linkID[tlink] = f.ID
	b.mapping.IDs[tlink] = f.ID
	b.mapping.Links++
	idx := len(b.m.Flows)
	b.flowRefs[idx] = [2][]pendingRef{sent, received}
	b.flowTo[idx] = ref(target, o.at("target"), joinPath(o.path, "target"))
	b.flowSource[idx] = sourceTID
	b.m.Flows = append(b.m.Flows, f)
}

var boundaryKeys = []string{"id", "description", "type", "tags", "technical_assets_inside", "trust_boundaries_nested"}

func (b *builder) trustBoundary(r *reader, e entry) {
	o := e.o
	if !b.title(r, e, "trust_boundaries", "trust boundary") {
		return
	}
	tid, idNode := o.requireID("trust boundary")
	tb := model.TrustBoundary{Name: e.title, Description: describeText(o.str("description"), e.title)}
	tb.SetPos(r.pos(e.key), o.path)
	if t := o.enum("type", boundaryTypesValues, true); t != "" {
		tb.Type = model.BoundaryType(boundaryTypes[t].to)
		if boundaryTypes[t].approx {
			b.drop(o, "type", "boundary "+t, "trust boundary type '"+t+"' has no exact Rampart counterpart and becomes '"+boundaryTypes[t].to+"'", "")
		}
	}
	tb.Tags = tagsOf(o)
	inside, nested := refsOf(r, o, "technical_assets_inside"), refsOf(r, o, "trust_boundaries_nested")
	o.unknown(boundaryKeys)
	if tid == "" || !b.declare(r, idNode, joinPath(o.path, "id"), "trust boundary", tid) {
		return
	}
	tb.ID = b.claimID(r, idNode, joinPath(o.path, "id"), tid, "trust boundary", "boundary")
	b.boundaryID[tid] = tb.ID
	b.boundaryRef[len(b.m.TrustBoundaries)] = [2][]pendingRef{inside, nested}
	b.m.TrustBoundaries = append(b.m.TrustBoundaries, tb)
}

var runtimeKeys = []string{"id", "description", "tags", "technical_assets_running"}

func (b *builder) sharedRuntime(r *reader, e entry) {
	o := e.o
	if !b.title(r, e, "shared_runtimes", "shared runtime") {
		return
	}
	tid, idNode := o.requireID("shared runtime")
	b.drop(o, "description", "runtime details", "shared runtimes become each component's runtime; their titles, descriptions and tags are not carried", "")
	b.drop(o, "tags", "runtime details", "shared runtimes become each component's runtime; their titles, descriptions and tags are not carried", "")
	running := refsOf(r, o, "technical_assets_running")
	o.unknown(runtimeKeys)
	if tid == "" || !b.declare(r, idNode, joinPath(o.path, "id"), "shared runtime", tid) {
		return
	}
	b.runtimeID[tid] = sanitize(tid)
	b.runtimeRefs[tid] = running
}

var categoryKeys = []string{"id", "title", "description", "impact", "asvs", "cheat_sheet", "action", "mitigation", "check", "function",
	"stride", "detection_logic", "risk_assessment", "false_positives", "model_failure_possible_reason", "cwe", "risks_identified"}

var riskKeys = []string{"severity", "exploitation_likelihood", "exploitation_impact", "data_breach_probability",
	"data_breach_technical_assets", "most_relevant_data_asset", "most_relevant_technical_asset", "most_relevant_communication_link",
	"most_relevant_trust_boundary", "most_relevant_shared_runtime"}

func (b *builder) riskCategory(r *reader, e entry) {
	o := e.o
	tid, idNode := o.requireID("risk category")
	stride := o.enum("stride", model.STRIDE("").Values(), true)
	o.enum("function", functions, false)
	desc := describeText(o.str("description"), e.title)
	if v := strings.TrimSpace(o.str("impact")); v != "" {
		desc = joinText(desc, "Impact: "+v)
	}
	if v := strings.TrimSpace(o.str("mitigation")); v != "" {
		desc = joinText(desc, "Mitigation: "+v)
	}
	for _, k := range []string{"asvs", "cheat_sheet", "action", "check", "function", "detection_logic", "risk_assessment", "false_positives", "model_failure_possible_reason"} {
		b.drop(o, k, "category details", "risk category details other than description, impact, mitigation, STRIDE and CWE are not carried", "")
	}
	cwe := o.integer("cwe")
	risks := o.entries("risks_identified", "identified risk")
	o.unknown(categoryKeys)
	if tid == "" || !b.declare(r, idNode, joinPath(o.path, "id"), "risk category", tid) {
		return
	}
	b.categories[tid] = true
	for _, re := range risks {
		ro := re.o
		t := &model.ManualThreat{Title: plain(re.title), Description: desc}
		t.SetPos(r.pos(re.key), ro.path)
		if stride != "" {
			t.STRIDE = []model.STRIDE{model.STRIDE(stride)}
		}
		if cwe > 0 {
			t.CWE = []int{cwe}
		}
		ro.enum("severity", severities, true)
		b.drop(ro, "severity", "risk severity", "the severity of identified risks is not carried: Rampart derives it from likelihood and impact", "")
		t.Likelihood = likelihoodScore[ro.enum("exploitation_likelihood", likelihoods, false)]
		t.Impact = impactScore[ro.enum("exploitation_impact", impacts, false)]
		ro.enum("data_breach_probability", breachProbs, false)
		b.drop(ro, "data_breach_probability", "risk breach probability", "the data breach probability of identified risks is not carried", "")
		one := func(key string) pendingRef {
			return ref(strings.TrimSpace(ro.str(key)), ro.at(key), joinPath(ro.path, key))
		}
		// Threagile builds the id from the most relevant elements in this order.
		refs := []pendingRef{one("most_relevant_technical_asset"), one("most_relevant_communication_link"),
			one("most_relevant_trust_boundary"), one("most_relevant_shared_runtime"), one("most_relevant_data_asset")}
		syn := tid
		for _, ref := range refs {
			if ref.id != "" {
				syn += "@" + ref.id
			}
		}
		pr := pendingRisk{syntheticID: syn, threat: t, refs: refs, breach: refsOf(r, ro, "data_breach_technical_assets"), category: tid}
		ro.unknown(riskKeys)
		b.risks = append(b.risks, pr)
	}
}

// pendingMarker opens the commented-out risk_tracking entries Rampart's
// exporter writes for risks its rules identify (Threagile refuses tracking
// of risks it does not raise itself, so they cannot be live entries).
const pendingMarker = "  # Treatments of risks that Rampart's rules identify"

// commentedTracking reads the commented-out risk_tracking entries that
// follow pendingMarker, so that a model exported by Rampart comes back with
// all its treatments. Positions are those of the comment lines.
func (b *builder) commentedTracking(name string, data []byte) {
	i := bytes.Index(data, []byte("\n"+pendingMarker))
	if i < 0 {
		return
	}
	startLine := bytes.Count(data[:i+1], []byte("\n")) + 1
	lines := strings.Split(string(data[i+1:]), "\n")
	var text strings.Builder
	first := -1
	for j, l := range lines {
		if !strings.HasPrefix(l, "  #") {
			break
		}
		body := strings.TrimPrefix(l, "  #")
		if strings.HasPrefix(body, " ") && !strings.HasPrefix(body, "  ") && first < 0 {
			text.WriteString("\n") // the explanation above the entries
			continue
		}
		if first < 0 {
			first = j
		}
		text.WriteString(body + "\n")
	}
	if first < 0 {
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text.String()), &doc); err != nil || len(doc.Content) == 0 {
		b.problems = append(b.problems, model.Problem{Pos: model.Pos{File: name, Line: startLine + first, Column: 4}, Severity: source.Warning,
			Message: "the commented-out risk_tracking entries are not valid YAML; they are not read", Hint: "uncomment them or remove them"})
		return
	}
	shift(doc.Content[0], startLine-1, 3)
	r := &reader{file: name, problems: &b.problems, maxExpand: model.DefaultMaxExpansion}
	top := r.object(doc.Content[0], "risk_tracking", "commented-out risk tracking")
	if top == nil {
		return
	}
	for _, f := range top.fields {
		sub := r.object(f.val, titled("", "risk_tracking", f.key.Value), "a risk tracking entry")
		if sub != nil {
			b.riskTracking(r, entry{title: f.key.Value, key: f.key, o: sub})
		}
	}
}

// shift moves a parsed node's positions to where its text sits in the file.
func shift(n *yaml.Node, lines, cols int) {
	n.Line += lines
	n.Column += cols
	for _, c := range n.Content {
		shift(c, lines, cols)
	}
}

var trackingKeys = []string{"status", "justification", "ticket", "date", "checked_by"}

func (b *builder) riskTracking(r *reader, e entry) {
	o := e.o
	t := pendingTracking{key: strings.TrimSpace(e.title), pos: r.pos(e.key), path: o.path}
	t.status = o.enum("status", riskStatuses, true)
	t.justification = strings.TrimSpace(o.str("justification"))
	t.ticket = strings.TrimSpace(o.str("ticket"))
	t.checkedBy = strings.TrimSpace(o.str("checked_by"))
	if v := strings.TrimSpace(o.str("date")); v != "" {
		if d, err := model.ParseDate(v); err == nil {
			t.date = &d
		} else {
			r.errf(r.resolve(o.node("date")), joinPath(o.path, "date"), "write the date as YYYY-MM-DD", "expected a date, found '%s'", v)
		}
	}
	o.unknown(trackingKeys)
	if t.status == "" {
		return
	}
	b.tracking = append(b.tracking, t)
	b.mapping.Keys = append(b.mapping.Keys, t.key)
}

// resolveRef maps a Threagile reference onto a Rampart id, or reports it.
func (b *builder) resolveRef(ref pendingRef, ids map[string]string, what string) (string, bool) {
	if id, ok := ids[ref.id]; ok {
		return id, true
	}
	if ref.id == "" {
		b.errAt(ref, "", "empty reference, expected a %s id", what)
		return "", false
	}
	b.errAt(ref, suggest(ref.id, keysOf(ids)), "unknown %s '%s'", what, ref.id)
	return "", false
}

func (b *builder) resolveAll(refs []pendingRef, ids map[string]string, what string) []string {
	var out []string
	seen := map[string]bool{}
	for _, ref := range refs {
		if id, ok := b.resolveRef(ref, ids, what); ok && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// finish resolves references, builds threats and treatments and validates.
func (b *builder) finish(name string) {
	m := b.m
	for i := range m.Components {
		refs := b.compRefs[i]
		m.Components[i].Processes = b.resolveAll(refs[0], b.dataID, "data asset")
		m.Components[i].Stores = b.resolveAll(refs[1], b.dataID, "data asset")
	}
	kept := m.Flows[:0]
	for i := range m.Flows {
		f := m.Flows[i]
		refs := b.flowRefs[i]
		f.DataSent = b.resolveAll(refs[0], b.dataID, "data asset")
		f.DataReceived = b.resolveAll(refs[1], b.dataID, "data asset")
		to := b.flowTo[i]
		if to.id != "" {
			if id, ok := b.resolveRef(to, b.assetID, "technical asset"); ok {
				f.To = id
			}
		}
		if f.To != "" && f.To == f.From {
			b.warnAt(f.Pos, f.Path, "model what happens inside an asset with its processed and stored data",
				"communication link '%s' goes from technical asset '%s' to itself and is not carried", f.Name, b.flowSource[i])
			continue
		}
		kept = append(kept, f)
	}
	m.Flows = kept
	b.boundaries()
	b.runtimes()
	b.individualRisks()
	if len(b.problems.Errors()) == 0 {
		b.treatments()
	}
	for _, kind := range b.dropOrder {
		d := b.dropped[kind]
		msg := d.msg
		if d.count > 1 {
			msg += fmt.Sprintf(" (%d times; the first is here)", d.count)
		}
		b.warnAt(d.pos, d.path, d.hint, "%s", msg)
	}
	if m.System.Name == "" {
		m.System.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	if m.System.ID == "" {
		m.System.ID = sanitize(ids.Slug(m.System.Name))
		if m.System.ID == "id" || m.System.ID == "" {
			m.System.ID = "threagile-model"
		}
	}
	if len(b.desc) > 0 {
		m.System.Description = strings.Join(b.desc, "\n\n")
	}
	m.Files = []string{name}
	m.Reindex()
	if len(b.problems.Errors()) == 0 {
		b.problems = append(b.problems, model.Validate(m, model.Options{})...)
	}
}

func (b *builder) boundaries() {
	holder := map[string]pendingRef{}
	holderOf := map[string]string{}
	for i := range b.m.TrustBoundaries {
		tb := &b.m.TrustBoundaries[i]
		refs := b.boundaryRef[i]
		for _, ref := range refs[0] {
			id, ok := b.resolveRef(ref, b.assetID, "technical asset")
			if !ok {
				continue
			}
			if prev, dup := holderOf[id]; dup {
				b.errAt(ref, "an asset sits in one trust boundary; nest boundaries instead",
					"technical asset '%s' is already inside trust boundary '%s' (%s)", ref.id, prev, holder[id].pos)
				continue
			}
			holderOf[id], holder[id] = tb.ID, ref
			tb.Contains = append(tb.Contains, id)
		}
		for _, ref := range refs[1] {
			id, ok := b.resolveRef(ref, b.boundaryID, "trust boundary")
			if !ok {
				continue
			}
			if id == tb.ID {
				b.errAt(ref, "", "trust boundary '%s' is nested in itself", ref.id)
				continue
			}
			if prev, dup := holderOf[id]; dup {
				b.errAt(ref, "a boundary is nested in one other boundary", "trust boundary '%s' is already nested in '%s' (%s)", ref.id, prev, holder[id].pos)
				continue
			}
			holderOf[id], holder[id] = tb.ID, ref
			tb.Contains = append(tb.Contains, id)
		}
	}
}

func (b *builder) runtimes() {
	ids := keysOf(b.runtimeRefs)
	sort.Slice(ids, func(i, j int) bool {
		return b.firstPos["shared runtime\x00"+ids[i]].Line < b.firstPos["shared runtime\x00"+ids[j]].Line
	})
	for _, rt := range ids {
		for _, ref := range b.runtimeRefs[rt] {
			if _, ok := b.resolveRef(ref, b.assetID, "technical asset"); !ok {
				continue
			}
			c := &b.m.Components[b.assetIdx[ref.id]]
			if c.Runtime != "" && c.Runtime != b.runtimeID[rt] {
				b.warnAt(ref.pos, ref.path(), "Rampart gives each component one runtime",
					"technical asset '%s' already runs on shared runtime '%s'; its place on '%s' is not carried", ref.id, c.Runtime, rt)
				continue
			}
			c.Runtime = b.runtimeID[rt]
		}
	}
}

// individualRisks turns the identified risks of individual risk categories into manual threats.
func (b *builder) individualRisks() {
	for i := range b.risks {
		pr := &b.risks[i]
		t := pr.threat
		kinds := []struct {
			ids  map[string]string
			what string
		}{{b.assetID, "technical asset"}, {b.linkID, "communication link"}, {b.boundaryID, "trust boundary"}, {b.runtimeID, "shared runtime"}, {b.dataID, "data asset"}}
		ok := true
		for j, ref := range pr.refs {
			if ref.id == "" {
				continue
			}
			id, found := b.resolveRef(ref, kinds[j].ids, kinds[j].what)
			if !found {
				ok = false
				continue
			}
			if kinds[j].what == "shared runtime" {
				b.warnAt(ref.pos, ref.path(), "", "shared runtime '%s' is not an element in Rampart and cannot be the target of a threat", ref.id)
				continue
			}
			t.Targets = appendNew(t.Targets, id)
		}
		for _, id := range b.resolveAll(pr.breach, b.assetID, "technical asset") {
			t.Targets = appendNew(t.Targets, id)
		}
		if !ok {
			continue
		}
		if len(t.Targets) == 0 {
			b.warnAt(t.Pos, t.Path, "name its most relevant technical asset, link, boundary or data asset",
				"identified risk '%s' names no element Rampart can target and is not carried", t.Title)
			continue
		}
		id := sanitize(strings.ReplaceAll(strings.ReplaceAll(pr.syntheticID, "@", ":"), ">", "."))
		t.ID = b.used.claim(id, "threat", "risk")
		pr.threatID = t.ID
		if t.ID != pr.syntheticID {
			b.mapping.IDs[pr.syntheticID] = t.ID
		}
		b.m.Threats = append(b.m.Threats, *t)
	}
}

func appendNew(list []string, id string) []string {
	for _, x := range list {
		if x == id {
			return list
		}
	}
	return append(list, id)
}

// treatments translates risk_tracking entries onto treatments of the
// Rampart threats they correspond to.
func (b *builder) treatments() {
	if len(b.tracking) == 0 {
		return
	}
	// Threagile compares risk ids without regard to case (it lowercases them).
	manual := map[string]string{} // lowercased synthetic id -> manual threat id
	categories := map[string]bool{}
	for c := range b.categories {
		categories[strings.ToLower(c)] = true
	}
	for _, pr := range b.risks {
		if pr.threatID != "" {
			manual[strings.ToLower(pr.syntheticID)] = pr.threatID
		}
	}
	var found []threats.Threat
	identified := false
	order := make([]int, len(b.tracking))
	for i := range order {
		order[i] = i
	}
	// Exact keys first, then wildcards from the most to the least specific, as in Threagile.
	sort.SliceStable(order, func(i, j int) bool {
		return strings.Count(b.tracking[order[i]].key, "*") < strings.Count(b.tracking[order[j]].key, "*")
	})
	treated := map[string]string{} // threat id -> key that treats it
	for _, i := range order {
		tr := b.tracking[i]
		rule, parts := splitRiskID(tr.key)
		lkey := strings.ToLower(tr.key)
		var targets []string
		switch {
		case manual[lkey] != "":
			targets = []string{manual[lkey]}
		case categories[strings.ToLower(rule)]:
			lrule, lparts := splitRiskID(lkey)
			for _, pr := range b.risks {
				lsyn := strings.ToLower(pr.syntheticID)
				if strings.ToLower(pr.category) == lrule && wildcardMatch(lparts, lsyn) && manual[lsyn] != "" {
					targets = append(targets, manual[lsyn])
				}
			}
		case byThreagile[rule] != nil:
			resolved, ok := b.resolveParts(tr, byThreagile[rule], parts)
			if !ok {
				continue
			}
			if !identified {
				found = threats.Identify(b.m, builtin.Rules())
				identified = true
			}
			want := map[string]bool{}
			for _, id := range byThreagile[rule].Rampart {
				want[id] = true
			}
			for _, t := range found {
				if want[t.Rule] && b.matches(resolved, t.Targets) {
					targets = append(targets, t.ID)
				}
			}
		default:
			b.warnAt(tr.pos, tr.path, "Rampart maps Threagile's built-in rules and the model's individual risk categories",
				"risk_tracking key '%s' names rule '%s', which is neither a Threagile built-in rule nor an individual risk category here; its tracking is not carried", tr.key, rule)
			continue
		}
		var ids []string
		for _, id := range targets {
			if !b.elementsKnown(id) {
				b.warnAt(tr.pos, tr.path, "", "risk_tracking key '%s' maps onto threat '%s', whose id names something that is not a model element; its tracking is not carried", tr.key, id)
				continue
			}
			if prev, dup := treated[id]; dup {
				if !strings.Contains(tr.key, "*") {
					b.warnAt(tr.pos, tr.path, "", "risk_tracking key '%s' maps onto threat '%s', already treated by key '%s'; the first is kept", tr.key, id, prev)
				}
				continue
			}
			treated[id] = tr.key
			ids = append(ids, id)
			b.m.Treatments = append(b.m.Treatments, b.treatment(tr, id))
		}
		sort.Strings(ids)
		b.mapping.Risks[tr.key] = ids
		if len(targets) > 0 && len(ids) == 0 {
			b.mapping.Shadowed[tr.key] = true
		}
		switch {
		case len(targets) == 0:
			hint := "Rampart rules " + strings.Join(ruleList(rule), ", ") + " find no such threat in this model"
			if len(ruleList(rule)) == 0 {
				hint = ""
			}
			b.warnAt(tr.pos, tr.path, hint, "risk_tracking key '%s' matches no threat Rampart identifies; its tracking is not carried", tr.key)
		case len(ids) > 0:
			b.warnAt(tr.pos, tr.path, "the import's header comment lists every key and its threats",
				"risk_tracking key '%s' becomes the treatment of %s", tr.key, strings.Join(ids, ", "))
		}
	}
	sort.SliceStable(b.m.Treatments, func(i, j int) bool { return b.m.Treatments[i].Pos.Line < b.m.Treatments[j].Pos.Line })
}

// elementsKnown reports whether a threat id can key a treatment: a manual
// threat, or a rule id whose element part names model elements only.
func (b *builder) elementsKnown(threatID string) bool {
	ix := b.m.Index()
	if ix.Threats[threatID] != nil {
		return true
	}
	_, elems, ok := strings.Cut(threatID, "@")
	if !ok {
		return false
	}
	for _, e := range strings.Split(elems, "+") {
		if k := ix.Kind(e); k == "" || k == model.ElemControl {
			return false
		}
	}
	return true
}

func ruleList(rule string) []string {
	if r := byThreagile[rule]; r != nil {
		return r.Rampart
	}
	return nil
}

// wildcardMatch reports whether a risk id matches a tracking key's parts, where '*' matches any one part.
func wildcardMatch(keyParts []string, syntheticID string) bool {
	_, parts := splitRiskID(syntheticID)
	if len(parts) != len(keyParts) {
		return false
	}
	for i, p := range keyParts {
		if p != "*" && p != parts[i] {
			return false
		}
	}
	return true
}

// resolveParts maps the non-wildcard parts of a risk id onto Rampart ids.
func (b *builder) resolveParts(tr pendingTracking, rm *RuleMapping, parts []string) ([]string, bool) {
	var out []string
	for i, p := range parts {
		for _, piece := range strings.Split(p, "->") { // forwarded accesses: link->link
			piece = strings.TrimSpace(piece)
			if piece == "*" || piece == "" {
				continue
			}
			kind := PartAny
			if i < len(rm.Parts) {
				kind = rm.Parts[i]
			}
			id, ok := b.lookupPart(piece, kind)
			if !ok {
				b.warnAt(tr.pos, tr.path, "check the key against the model's ids",
					"risk_tracking key '%s' names '%s', which is no element of this model; its tracking is not carried", tr.key, piece)
				return nil, false
			}
			if id != "" {
				out = append(out, id)
			}
		}
	}
	return out, true
}

// lookupPart finds the Rampart id of one part; shared runtimes resolve to ""
// (they are not elements) but are known.
func (b *builder) lookupPart(p string, kind Part) (string, bool) {
	try := func(ids map[string]string) (string, bool) { id, ok := ids[p]; return id, ok }
	order := map[Part][]map[string]string{
		PartAsset: {b.assetID}, PartFrom: {b.assetID}, PartTo: {b.assetID}, PartLink: {b.linkID}, PartData: {b.dataID},
		PartBoundary: {b.boundaryID},
	}[kind]
	order = append(order, b.assetID, b.linkID, b.dataID, b.boundaryID)
	for _, ids := range order {
		if id, ok := try(ids); ok {
			return id, true
		}
	}
	if id, ok := b.runtimeID[p]; ok {
		return id, true // Rampart rules name a shared runtime by its id
	}
	return "", false
}

// matches reports whether a Rampart threat's targets correspond to a risk
// id's resolved parts: every part is among the threat's elements (a flow
// brings its endpoints), or every target of the threat is among the parts.
func (b *builder) matches(parts, targets []string) bool {
	if len(parts) == 0 {
		return true
	}
	ix := b.m.Index()
	closure := func(ids []string) map[string]bool {
		set := map[string]bool{}
		for _, id := range ids {
			set[id] = true
			if f := ix.Flows[id]; f != nil {
				set[f.From], set[f.To] = true, true
			}
		}
		return set
	}
	tset := closure(targets)
	all := true
	for _, p := range parts {
		if !tset[p] {
			all = false
			break
		}
	}
	if all {
		return true
	}
	pset := closure(parts)
	for _, t := range targets {
		if !pset[t] {
			return false
		}
	}
	return true
}

// treatment builds the register entry for one tracked threat.
func (b *builder) treatment(tr pendingTracking, threat string) model.Treatment {
	t := model.Treatment{Threat: threat, Justification: tr.justification, Ticket: tr.ticket, VerifiedBy: tr.checkedBy, Reviewed: tr.date}
	t.SetPos(tr.pos, tr.path)
	st := statuses[tr.status]
	t.Status = model.TreatmentStatus(st.to)
	if st.approx {
		b.warnAt(tr.pos, tr.path+".status", "", "status '%s' has no Rampart counterpart; threat '%s' is open", tr.status, threat)
	}
	switch t.Status {
	case "accepted":
		if tr.checkedBy == "" || tr.date == nil {
			b.warnAt(tr.pos, tr.path, "Rampart records who accepted a risk and until when",
				"accepted risk '%s' has no checked_by or date, so it cannot be an acceptance in Rampart; threat '%s' is open", tr.key, threat)
			t.Status = "open"
			break
		}
		t.AcceptedBy = tr.checkedBy
		exp := model.Date{Time: tr.date.AddDate(0, 0, 365)}
		t.Expires = &exp
		if !contains(b.m.System.RiskAcceptors, tr.checkedBy) && b.m.System.RiskOwner != tr.checkedBy {
			b.m.System.RiskAcceptors = append(b.m.System.RiskAcceptors, tr.checkedBy)
		}
		if t.Justification == "" {
			t.Justification = "(no justification given in Threagile)"
		}
		b.warnAt(tr.pos, tr.path, "review the acceptance and set its real expiry",
			"Threagile acceptances do not expire; the acceptance of '%s' is set to expire 365 days after its date (%s), and %s is listed as a risk acceptor",
			threat, exp, tr.checkedBy)
	case "false-positive":
		if t.Justification == "" {
			t.Justification = "(no justification given in Threagile)"
			b.warnAt(tr.pos, tr.path, "say why it is a false positive", "false positive '%s' has no justification", tr.key)
		}
	}
	return t
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
