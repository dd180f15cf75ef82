package custom

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats"
)

// customScopes are the scopes a custom rule may have, with the CEL variable
// holding the element.
// Cost limits, in CEL cost units (one unit is roughly one basic operation;
// a million take 50 to 80 ms). Each bounds analysis however many elements
// the model has: one evaluation may spend evalLimit, one rule RuleBudget
// over a whole run, and all the custom rules of one load RunBudget between
// them (each rule gets an equal share when that is less than RuleBudget).
const (
	evalLimit = 1_000_000
	// RuleBudget is what one custom rule may spend in one analysis.
	RuleBudget = 10_000_000
	// RunBudget is what all the custom rules of one load may spend in one analysis.
	RunBudget = 50_000_000
)

var customScopes = map[threats.Scope]string{
	threats.ScopeComponent: "component",
	threats.ScopeFlow:      "flow",
	threats.ScopeData:      "data",
	threats.ScopeBoundary:  "boundary",
}

// celEnvs holds one CEL environment per scope; they are immutable once built.
var celEnvs = func() map[threats.Scope]*cel.Env {
	out := map[threats.Scope]*cel.Env{}
	for scope, name := range customScopes {
		env, err := cel.NewEnv(
			cel.CustomTypeProvider(newProvider(viewSchema)),
			cel.Variable(name, object(scopeTypes[name])),
			cel.Variable("model", object(typeModel)),
			ext.Strings(),
			ext.Sets(),
			ext.Lists(),
			cel.OptionalTypes(),
		)
		if err != nil {
			panic(fmt.Sprintf("building the CEL environment for %s rules: %v", scope, err)) // a programming error, caught by any test
		}
		out[scope] = env
	}
	return out
}()

// compile compiles a CEL expression found in node n, reporting errors at
// their position in the file. want is the type the expression must produce.
func (l *loader) compile(x threats.Expr, scope threats.Scope, want *types.Type) cel.Program {
	env := celEnvs[scope]
	ast, iss := env.Compile(x.Text)
	if iss != nil && iss.Err() != nil {
		missed := missedFields(scope, x.Text)
		for _, e := range iss.Errors() {
			l.dec.Errorf(x.Pos(e.Location.Line(), e.Location.Column()), x.Path, celHint(scope, e.Message, missed), "CEL: %s", e.Message)
		}
		return nil
	}
	out := ast.OutputType()
	if !out.IsExactType(want) {
		what, hint := "a boolean (true when the rule fires)", "compare values with ==, !=, <, in, or combine them with && and ||"
		if want == types.StringType {
			what, hint = "a string (the threat's description)", "join text with +; convert numbers with string(...)"
		}
		l.dec.Errorf(x.Pos(0, 0), x.Path, hint, "the expression gives %s, expected %s", out, what)
		return nil
	}
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize, cel.OptTrackCost), cel.CostLimit(evalLimit))
	if err != nil {
		l.dec.Errorf(x.Pos(0, 0), x.Path, "", "CEL: %v", err)
		return nil
	}
	return prg
}

var (
	undeclared     = regexp.MustCompile(`undeclared reference to '([^']+)'`)
	undefinedField = regexp.MustCompile(`undefined field '([^']+)'`)
)

func celHint(scope threats.Scope, msg string, missed map[string][]string) string {
	if m := undeclared.FindStringSubmatch(msg); m != nil {
		vars := []string{customScopes[scope], "model"}
		if s := source.Suggest(m[1], vars); s != "" {
			return s
		}
		return "a " + string(scope) + " rule sees the variables '" + customScopes[scope] + "' and 'model'"
	}
	if m := undefinedField.FindStringSubmatch(msg); m != nil {
		// The fields of the types the checker looked the name up in: a
		// suggestion from another type's fields (a component's 'typ' as a
		// rating's 'top') would mislead.
		var fields []string
		for _, t := range missed[m[1]] {
			for _, f := range viewSchema.fieldNames(t) {
				if !slices.Contains(fields, f) {
					fields = append(fields, f)
				}
			}
		}
		if fields == nil {
			fields = viewSchema.allFields()
		}
		if s := source.Suggest(m[1], fields); s != "" {
			return s
		}
		if slices.Contains(viewSchema.allFields(), m[1]) {
			return "other elements have a field '" + m[1] + "', this one does not (the ends of a flow have no incoming or outgoing flows); docs/custom-rules.md lists the fields of each element"
		}
		return "docs/custom-rules.md lists the fields of each element"
	}
	if strings.Contains(msg, "Syntax error") {
		return "CEL uses && || ! for logic, == for equality and 'quotes' for text"
	}
	return ""
}

// missedFields type-checks text again with a provider that records, for
// each field name the checker could not find, the object types it looked
// it up in, so that a did-you-mean names a field of the right type. It is
// only called for an expression that did not compile.
func missedFields(scope threats.Scope, text string) map[string][]string {
	rec := &recorder{provider: newProvider(viewSchema), missed: map[string][]string{}}
	env, err := celEnvs[scope].Extend(cel.CustomTypeProvider(rec))
	if err != nil {
		return nil
	}
	_, _ = env.Compile(text) // only the lookups it makes are wanted
	return rec.missed
}

// recorder is a provider that records failed field lookups.
type recorder struct {
	*provider
	missed map[string][]string
}

// FindStructFieldType implements types.Provider, recording the misses.
func (r *recorder) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	ft, ok := r.provider.FindStructFieldType(name, field)
	if !ok && !slices.Contains(r.missed[field], name) {
		r.missed[field] = append(r.missed[field], name)
	}
	return ft, ok
}

// celRule is a compiled custom rule.
type celRule struct {
	id     string
	scope  threats.Scope
	cond   cel.Program
	detail cel.Program
	// condAt and detailAt are where the two expressions are written, for
	// problems found when they run.
	condAt, detailAt exprAt
	cache            *celCache
	// budget is the cost the rule may spend in one run, over all elements.
	budget uint64
}

// overLimit reports whether err is an evaluation stopped at its cost limit.
func overLimit(err error) bool {
	var c interpreter.EvalCancelledError
	return errors.As(err, &c) && c.Cause == interpreter.CostLimitExceeded
}

// exprAt is where an expression of a rule is written.
type exprAt struct {
	pos  model.Pos
	path string
}

func at(x threats.Expr) exprAt { return exprAt{pos: x.Pos(0, 0), path: x.Path} }

// activation gives a condition its two variables without allocating a map.
type activation struct {
	name  string
	value any
	model any
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case a.name:
		return a.value, true
	case "model":
		return a.model, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// check evaluates the rule over every element of its scope. The rule may
// spend its budget over the whole run; one evaluation may spend at most
// evalLimit. A rule that runs out is switched off: it raises no threat and
// reports one error. Evaluation errors on single elements are reported once
// per rule, as a warning with the count.
func (cr *celRule) check(e *threats.Env, emit func(threats.Hit)) {
	d := cr.cache.get(e)
	act := &activation{name: customScopes[cr.scope], model: d.modelMap()}
	var (
		failures int
		firstErr error
		firstID  string
		firstAt  exprAt
		spent    uint64
		hits     []threats.Hit
	)
	// run evaluates one program and charges its cost; false means the budget is spent.
	run := func(prg cel.Program) (ref.Val, bool, error) {
		out, det, err := prg.Eval(act)
		// An evaluation stopped at the cost limit spent the limit; one that
		// failed otherwise (an index out of range) spent what it ran.
		cost := uint64(evalLimit)
		if det != nil && det.ActualCost() != nil && !overLimit(err) {
			cost = *det.ActualCost()
		}
		spent += cost
		return out, spent <= cr.budget, err
	}
	eval := func(id string, value ref.Val) bool {
		act.value = value
		out, ok, err := run(cr.cond)
		if !ok {
			return false
		}
		if err == nil {
			if b, isBool := out.(types.Bool); !isBool {
				err = fmt.Errorf("condition gave %s, not a boolean", out.Type())
			} else if !b {
				return true
			}
		}
		if err != nil {
			if failures == 0 {
				firstErr, firstID, firstAt = err, id, cr.condAt
			}
			failures++
			return true
		}
		h := threats.Hit{Targets: []string{id}}
		if cr.detail != nil {
			out, ok, err := run(cr.detail)
			if !ok {
				return false
			}
			if s, isString := out.(types.String); err == nil && isString {
				h.Detail = strings.TrimSpace(string(s))
			} else {
				if failures == 0 {
					if err == nil {
						err = fmt.Errorf("detail gave %s, not a string", out.Type())
					}
					firstErr, firstID, firstAt = err, id, cr.detailAt
				}
				failures++
			}
		}
		hits = append(hits, h)
		return true
	}
	if !cr.each(e, d, eval) {
		e.Fail(model.Problem{Pos: cr.condAt.pos, Path: cr.condAt.path, Code: source.CodeRuleFailed,
			Message: fmt.Sprintf("custom rule %s was switched off: it used up its evaluation budget of %d (CEL cost units) "+
				"after %d of the model's elements; it raised no threats", cr.id, cr.budget, len(hits)),
			Hint: "simplify the condition (fewer nested exists/all over lists), or split the rule"})
		return
	}
	if failures > 0 {
		e.Fail(model.Problem{Pos: firstAt.pos, Path: firstAt.path, Severity: source.Warning, Code: source.CodeRuleFailed,
			Message: fmt.Sprintf("custom rule %s could not be evaluated on %d element(s), first on %s: %v", cr.id, failures, firstID, firstErr),
			Hint:    "guard the expression, e.g. size(list) > 0 before list[0]"})
	}
	for _, h := range hits {
		emit(h)
	}
}

// each calls eval on every element of the rule's scope, in model order,
// stopping when eval returns false; it reports whether every element was evaluated.
func (cr *celRule) each(e *threats.Env, d *celData, eval func(id string, value ref.Val) bool) bool {
	switch cr.scope {
	case threats.ScopeComponent:
		maps := d.components()
		for i, c := range e.Components() {
			if !eval(c.ID, maps[i]) {
				return false
			}
		}
	case threats.ScopeFlow:
		maps := d.flowMaps()
		for _, f := range e.Flows() {
			if !eval(f.ID, maps[f]) {
				return false
			}
		}
	case threats.ScopeData:
		maps := d.dataMaps()
		for i := range e.M.Data {
			dt := &e.M.Data[i]
			if e.Ix.Data[dt.ID] == dt && !eval(dt.ID, maps[dt.ID]) {
				return false
			}
		}
	case threats.ScopeBoundary:
		maps := d.boundaryMaps()
		for i := range e.M.TrustBoundaries {
			b := &e.M.TrustBoundaries[i]
			if e.Ix.Boundaries[b.ID] == b && !eval(b.ID, maps[b.ID]) {
				return false
			}
		}
	}
	return true
}

// celCache builds the CEL views of one model's elements once and shares them
// between the custom rules of a load. It keeps the views of the last model
// analysed; another model replaces them.
type celCache struct {
	mu   sync.Mutex
	last *celData
}

func (c *celCache) get(e *threats.Env) *celData {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil || c.last.e != e {
		c.last = &celData{e: e}
	}
	return c.last
}

// view is an element as CEL sees it: a map from YAML key to an already
// converted CEL value, so evaluation converts nothing.
type view = map[string]ref.Val

var adapter = types.DefaultTypeAdapter

// celMap wraps a view as a CEL map value.
func celMap(v view) ref.Val { return types.NewMap(adapter, v) }

// celStrings wraps a list of text as a CEL list value.
func celStrings(s []string) ref.Val {
	if s == nil {
		s = []string{}
	}
	return types.NewStringList(adapter, s)
}

// ratingView is a rating as CEL sees it: confidentiality, integrity and
// availability on the 0..4 scale of threats.Rating, with sensitive and top.
func ratingView(r threats.Rating) ref.Val {
	return celMap(view{
		"confidentiality": types.Int(r.C),
		"integrity":       types.Int(r.I),
		"availability":    types.Int(r.A),
		"sensitive":       types.Bool(r.Sensitive()),
		"top":             types.Bool(r.Top()),
	})
}

// celData holds the CEL views of a model's elements, each kind built on first use.
type celData struct {
	e *threats.Env

	dataOnce, shallowOnce, flowOnce, compOnce, boundOnce, modelOnce sync.Once

	data    map[string]ref.Val
	shallow map[string]view
	flows   map[*model.Flow]ref.Val
	comps   []ref.Val
	bounds  map[string]ref.Val
	model   ref.Val
}

// dataMaps returns the view of every data asset by id: its fields plus
// level, cia_scores, stored_by, processed_by and carried_by.
func (d *celData) dataMaps() map[string]ref.Val {
	d.dataOnce.Do(func() {
		e := d.e
		storedBy, processedBy, carriedBy := map[string][]string{}, map[string][]string{}, map[string][]string{}
		for i := range e.M.Components {
			c := &e.M.Components[i]
			for _, id := range c.Stores {
				storedBy[id] = append(storedBy[id], c.ID)
			}
			for _, id := range c.Processes {
				processedBy[id] = append(processedBy[id], c.ID)
			}
		}
		for i := range e.M.Flows {
			f := &e.M.Flows[i]
			for _, list := range [][]string{f.DataSent, f.DataReceived} {
				for _, id := range list {
					if l := carriedBy[id]; len(l) == 0 || l[len(l)-1] != f.ID {
						carriedBy[id] = append(l, f.ID)
					}
				}
			}
		}
		d.data = make(map[string]ref.Val, len(e.Ix.Data))
		for id, a := range e.Ix.Data {
			m := fieldsOf(reflect.ValueOf(a).Elem())
			m["level"] = types.Int(a.Classification.Level())
			m["cia_scores"] = celMap(view{
				"confidentiality": types.Int(a.CIA.Confidentiality.Score()),
				"integrity":       types.Int(a.CIA.Integrity.Score()),
				"availability":    types.Int(a.CIA.Availability.Score()),
			})
			m["rating"] = ratingView(threats.RateAsset(a))
			m["stored_by"] = celStrings(storedBy[id])
			m["processed_by"] = celStrings(processedBy[id])
			m["carried_by"] = celStrings(carriedBy[id])
			d.data[id] = celMap(m)
		}
	})
	return d.data
}

// addAssets sets data, max_classification and personal for the data an element handles.
func (d *celData) addAssets(m view, id string) {
	data := d.dataMaps()
	ids := d.e.DataAtStake(id)
	list := make([]ref.Val, 0, len(ids))
	maxLevel, personal := 0, false
	for _, a := range ids {
		list = append(list, data[a])
		asset := d.e.Ix.Data[a]
		maxLevel = max(maxLevel, asset.Classification.Level())
		personal = personal || asset.Personal
	}
	m["data"] = types.NewRefValList(adapter, list)
	m["max_classification"] = types.Int(maxLevel)
	m["personal"] = types.Bool(personal)
}

// shallowComponents returns every component's view without its flows, by id:
// its fields plus kind, boundary, boundaries, data, max_classification,
// personal, untrusted and implemented_controls.
func (d *celData) shallowComponents() map[string]view {
	d.shallowOnce.Do(func() {
		e := d.e
		d.shallow = make(map[string]view, len(e.Ix.Components))
		for id, c := range e.Ix.Components {
			m := fieldsOf(reflect.ValueOf(c).Elem())
			m["kind"] = types.String(c.Type.Kind())
			m["boundary"] = types.String(e.Ix.Parent[id])
			m["boundaries"] = celStrings(e.Ix.BoundaryChain(id))
			d.addAssets(m, id)
			m["untrusted"] = types.Bool(e.Untrusted(c))
			m["traits"] = celStrings(e.Traits(c).Names())
			m["client"] = types.Bool(e.IsClient(c))
			m["network"] = types.String(e.Network(id))
			m["rating"] = ratingView(e.Rate(id))
			m["implemented_controls"] = celStrings(d.e.ImplementedControls(id))
			d.shallow[id] = m
		}
	})
	return d.shallow
}

// flowMaps returns every flow's view: its fields plus source and target
// (component views without flows), crosses_boundary, crosses_network,
// encrypted, effective_encryption, authenticated, data, max_classification,
// personal and implemented_controls.
func (d *celData) flowMaps() map[*model.Flow]ref.Val {
	d.flowOnce.Do(func() {
		e := d.e
		comps := d.shallowComponents()
		wrapped := make(map[string]ref.Val, len(comps))
		endpoint := func(id string) ref.Val {
			if v, ok := wrapped[id]; ok {
				return v
			}
			m := comps[id]
			if m == nil {
				m = view{"id": types.String(id)}
			}
			v := celMap(m)
			wrapped[id] = v
			return v
		}
		d.flows = make(map[*model.Flow]ref.Val, len(e.M.Flows))
		for i := range e.M.Flows {
			f := &e.M.Flows[i]
			m := fieldsOf(reflect.ValueOf(f).Elem())
			m["source"] = endpoint(f.From)
			m["target"] = endpoint(f.To)
			m["crosses_boundary"] = types.Bool(e.Crosses(f))
			m["crosses_network"] = types.Bool(e.CrossesNetwork(f))
			m["encrypted"] = types.Bool(e.Encrypted(f))
			m["effective_encryption"] = types.String(f.EffectiveEncryption())
			m["authenticated"] = types.Bool(e.Authenticated(f))
			m["rating"] = ratingView(e.Rate(f.ID))
			d.addAssets(m, f.ID)
			m["implemented_controls"] = celStrings(d.e.ImplementedControls(f.ID))
			d.flows[f] = celMap(m)
		}
	})
	return d.flows
}

// components returns the full views of the in-scope components, in model
// order: the shallow view plus incoming and outgoing flow views.
func (d *celData) components() []ref.Val {
	d.compOnce.Do(func() {
		e := d.e
		shallow, flows := d.shallowComponents(), d.flowMaps()
		list := func(fs []*model.Flow) ref.Val {
			out := make([]ref.Val, len(fs))
			for i, f := range fs {
				out[i] = flows[f]
			}
			return types.NewRefValList(adapter, out)
		}
		d.comps = make([]ref.Val, len(e.Components()))
		for i, c := range e.Components() {
			base := shallow[c.ID]
			m := make(view, len(base)+2)
			for k, v := range base {
				m[k] = v
			}
			m["incoming"] = list(e.Incoming(c.ID))
			m["outgoing"] = list(e.Outgoing(c.ID))
			d.comps[i] = celMap(m)
		}
	})
	return d.comps
}

// boundaryMaps returns every trust boundary's view by id: its fields plus
// parent, boundaries, network, components (directly inside) and nested
// (boundaries directly inside).
func (d *celData) boundaryMaps() map[string]ref.Val {
	d.boundOnce.Do(func() {
		e := d.e
		comps, nested := map[string][]string{}, map[string][]string{}
		for i := range e.M.Components {
			c := &e.M.Components[i]
			if p := e.Ix.Parent[c.ID]; p != "" {
				comps[p] = append(comps[p], c.ID)
			}
		}
		for i := range e.M.TrustBoundaries {
			b := &e.M.TrustBoundaries[i]
			if p := e.Ix.Parent[b.ID]; p != "" {
				nested[p] = append(nested[p], b.ID)
			}
		}
		d.bounds = make(map[string]ref.Val, len(e.Ix.Boundaries))
		for id, b := range e.Ix.Boundaries {
			m := fieldsOf(reflect.ValueOf(b).Elem())
			m["parent"] = types.String(e.Ix.Parent[id])
			m["boundaries"] = celStrings(e.Ix.BoundaryChain(id))
			m["network"] = types.Bool(b.Type.Network())
			m["components"] = celStrings(comps[id])
			m["nested"] = celStrings(nested[id])
			d.bounds[id] = celMap(m)
		}
	})
	return d.bounds
}

// modelMap returns the view of the model as a whole: system (its fields),
// counts, and controls (the declared controls).
func (d *celData) modelMap() ref.Val {
	d.modelOnce.Do(func() {
		m := d.e.M
		controls := make([]ref.Val, len(m.Controls))
		for i := range m.Controls {
			controls[i] = celMap(fieldsOf(reflect.ValueOf(&m.Controls[i]).Elem()))
		}
		d.model = celMap(view{
			"system": celMap(fieldsOf(reflect.ValueOf(&m.System).Elem())),
			"counts": celMap(view{
				"components": types.Int(len(m.Components)),
				"flows":      types.Int(len(m.Flows)),
				"data":       types.Int(len(m.Data)),
				"boundaries": types.Int(len(m.TrustBoundaries)),
				"controls":   types.Int(len(m.Controls)),
				"threats":    types.Int(len(m.Threats)),
			}),
			"controls": types.NewRefValList(adapter, controls),
		})
	})
	return d.model
}

// yamlFields caches, per struct type, the exported fields with a YAML key.
var yamlFields sync.Map // reflect.Type -> []yamlField

type yamlField struct {
	key   string
	index int
}

func fieldsFor(t reflect.Type) []yamlField {
	if v, ok := yamlFields.Load(t); ok {
		return v.([]yamlField)
	}
	var out []yamlField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if !sf.IsExported() || key == "" || key == "-" {
			continue
		}
		out = append(out, yamlField{key: key, index: i})
	}
	yamlFields.Store(t, out)
	return out
}

var dateType = reflect.TypeOf(model.Date{})

// fieldsOf returns a struct's fields by YAML key as CEL values: text, bool,
// int, lists and nested maps. Unset fields are present with their zero
// value, so conditions never fail on a missing key.
func fieldsOf(v reflect.Value) view {
	fields := fieldsFor(v.Type())
	m := make(view, len(fields)+12)
	for _, f := range fields {
		m[f.key] = celValue(v.Field(f.index))
	}
	return m
}

func celValue(v reflect.Value) ref.Val {
	if v.Type() == dateType {
		d := v.Interface().(model.Date)
		if d.IsZero() {
			return types.String("")
		}
		return types.String(d.String())
	}
	switch v.Kind() {
	case reflect.String:
		return types.String(v.String())
	case reflect.Bool:
		return types.Bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return types.Int(v.Int())
	case reflect.Pointer:
		if v.IsNil() {
			return types.NullValue
		}
		return celValue(v.Elem())
	case reflect.Struct:
		return celMap(fieldsOf(v))
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String {
			out := make([]string, v.Len())
			for i := range out {
				out[i] = v.Index(i).String()
			}
			return celStrings(out)
		}
		out := make([]ref.Val, v.Len())
		for i := range out {
			out[i] = celValue(v.Index(i))
		}
		return types.NewRefValList(adapter, out)
	case reflect.Map:
		out := make(view, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out[fmt.Sprint(iter.Key().Interface())] = celValue(iter.Value())
		}
		return celMap(out)
	}
	return types.NullValue
}
