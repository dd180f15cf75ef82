package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/risk"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
	"github.com/rampart-sec/rampart/internal/treatment"
)

// JSON writes the result in Rampart's versioned JSON format
// (docs/analysis-json.md). What a rule says about all of its threats (title,
// STRIDE, references, base ratings, recommended controls, Threagile ids) is
// written once in the rules section; a threat carries one of those fields
// only where its value differs from its rule's, so nothing is lost.
//
// The document is streamed: the threats, the STRIDE cells and the model
// warnings, which are nearly all of it, are written in batches through a
// few buffers, so memory does not grow with the size of the output; the
// batches are encoded on all cores and written in order. The bytes are those of
// encoding/json with two-space indentation and no HTML escaping.
func JSON(w io.Writer, r *analysis.Result) error {
	j := &jsonWriter{w: w, out: make([]byte, 0, 2*flushAt)}
	rules, ruleOf := jsonRules(r)
	j.open()
	j.field("format_version", r.FormatVersion)
	j.field("tool", r.Tool)
	j.field("as_of", r.AsOf)
	j.field("system", r.System)
	j.field("files", r.Files)
	j.field("model", r.Counts)
	j.field("appetite", r.Appetite)
	j.field("matrix", r.Matrix)
	j.field("summary", r.Summary)
	j.field("rules", rules)
	j.key("threats")
	// The threats list is never null, even for a result without findings.
	j.items(len(r.Findings), func(w *jsonWriter, i int) {
		f := &r.Findings[i]
		w.threat(f, ruleOf(f.Threat))
	})
	j.field("attack_paths", r.Paths)
	j.key("stride")
	if r.Stride == nil {
		j.raw("null")
	} else {
		j.items(len(r.Stride), func(w *jsonWriter, i int) { w.strideCell(&r.Stride[i]) })
	}
	j.field("warnings", r.Warnings)
	j.field("reviews", r.Reviews)
	j.key("model_warnings")
	if r.ModelWarnings == nil {
		j.raw("null")
	} else {
		j.items(len(r.ModelWarnings), func(w *jsonWriter, i int) { w.modelWarning(&r.ModelWarnings[i]) })
	}
	j.field("policy", r.Policy)
	j.close()
	j.raw("\n")
	j.flush()
	if j.err != nil {
		return fmt.Errorf("write json: %w", j.err)
	}
	return nil
}

// ruleFields are the fields a rule shares with its threats. A nil field is
// left out; a field pointing at a nil list is written as null.
type ruleFields struct {
	Title       *string          `json:"title,omitempty"`
	STRIDE      *[]model.STRIDE  `json:"stride,omitempty"`
	LINDDUN     *[]model.LINDDUN `json:"linddun,omitempty"`
	Category    *string          `json:"category,omitempty"`
	CWE         *[]threats.Ref   `json:"cwe,omitempty"`
	CAPEC       *[]threats.Ref   `json:"capec,omitempty"`
	ATTACK      *[]threats.Ref   `json:"attack,omitempty"`
	Likelihood  *int             `json:"base_likelihood,omitempty"`
	Impact      *int             `json:"base_impact,omitempty"`
	Mitigations *[]string        `json:"mitigations,omitempty"`
	// Countermeasures are the catalog's (ATT&CK mitigations, D3FEND).
	Countermeasures *[]threats.Countermeasure `json:"countermeasures,omitempty"`
	Threagile       *[]string                 `json:"threagile,omitempty"`
	Concern         *string                   `json:"concern,omitempty"`
}

// jsonRule is one rule that found threats.
type jsonRule struct {
	ID     string         `json:"id"`
	Origin threats.Origin `json:"origin"`
	ruleFields
	// Why and Fix are the rule's explanation, for built-in rules.
	Why string `json:"why,omitempty"`
	Fix string `json:"how_to_fix,omitempty"`
}

// fieldsOf takes a threat's rule-level fields. Empty lists and strings are
// left out, as the full threat's omitempty fields are.
func fieldsOf(t *threats.Threat) ruleFields {
	f := ruleFields{Title: &t.Title, STRIDE: &t.STRIDE, Likelihood: &t.Likelihood, Impact: &t.Impact}
	if t.Category != "" {
		f.Category = &t.Category
	}
	if len(t.CWE) > 0 {
		f.CWE = &t.CWE
	}
	if len(t.CAPEC) > 0 {
		f.CAPEC = &t.CAPEC
	}
	if len(t.ATTACK) > 0 {
		f.ATTACK = &t.ATTACK
	}
	if len(t.Mitigations) > 0 {
		f.Mitigations = &t.Mitigations
	}
	if len(t.LINDDUN) > 0 {
		f.LINDDUN = &t.LINDDUN
	}
	if len(t.Countermeasures) > 0 {
		f.Countermeasures = &t.Countermeasures
	}
	if len(t.Threagile) > 0 {
		f.Threagile = &t.Threagile
	}
	if t.Concern != "" {
		f.Concern = &t.Concern
	}
	return f
}

// minus keeps the fields of f that differ from the rule's; a field the rule
// has and f lacks is kept as an explicit empty value.
func (f ruleFields) minus(rule *ruleFields) ruleFields {
	return ruleFields{
		Title:       differing(f.Title, rule.Title, func(a, b *string) bool { return *a == *b }),
		STRIDE:      differing(f.STRIDE, rule.STRIDE, sameList[model.STRIDE]),
		Category:    differing(f.Category, rule.Category, func(a, b *string) bool { return *a == *b }),
		CWE:         differing(f.CWE, rule.CWE, sameList[threats.Ref]),
		CAPEC:       differing(f.CAPEC, rule.CAPEC, sameList[threats.Ref]),
		ATTACK:      differing(f.ATTACK, rule.ATTACK, sameList[threats.Ref]),
		Likelihood:  differing(f.Likelihood, rule.Likelihood, func(a, b *int) bool { return *a == *b }),
		Impact:      differing(f.Impact, rule.Impact, func(a, b *int) bool { return *a == *b }),
		Mitigations: differing(f.Mitigations, rule.Mitigations, sameList[string]),
		Threagile:   differing(f.Threagile, rule.Threagile, sameList[string]),
		LINDDUN:     differing(f.LINDDUN, rule.LINDDUN, sameList[model.LINDDUN]),
		Countermeasures: differing(f.Countermeasures, rule.Countermeasures, func(a, b *[]threats.Countermeasure) bool {
			return (*a == nil) == (*b == nil) && slices.EqualFunc(*a, *b, func(x, y threats.Countermeasure) bool {
				return x.ID == y.ID && x.Name == y.Name && x.Kind == y.Kind && x.URL == y.URL && slices.Equal(x.For, y.For)
			})
		}),
		Concern: differing(f.Concern, rule.Concern, func(a, b *string) bool { return *a == *b }),
	}
}

// differing returns nil when a and b are equal (both nil, or both set with
// same values), else a, or a pointer to the zero value when a is nil, so that
// a threat lacking a field its rule has says so explicitly.
func differing[T any](a, b *T, same func(a, b *T) bool) *T {
	switch {
	case a == nil && b == nil:
		return nil
	case a != nil && b != nil && same(a, b):
		return nil
	case a == nil:
		return new(T)
	}
	return a
}

// sameList compares two lists as reflect.DeepEqual does: a nil list only
// equals a nil list.
func sameList[T comparable](a, b *[]T) bool {
	return (*a == nil) == (*b == nil) && slices.Equal(*a, *b)
}

// jsonRules returns the rules section (sorted by id) and a function giving
// the rule-level fields of a threat's rule, nil for a hand-written threat,
// which is its own rule. A rule's fields are those of its first threat as
// the rule raised it (without findings collapsed into it).
func jsonRules(r *analysis.Result) ([]jsonRule, func(*threats.Threat) *ruleFields) {
	rules := []jsonRule{}
	at := map[string]int{}
	for i := range r.Findings {
		t := r.Findings[i].Threat
		if ownRule(t) {
			continue
		}
		if _, ok := at[t.Rule]; ok {
			continue
		}
		at[t.Rule] = len(rules)
		jr := jsonRule{ID: t.Rule, Origin: t.Origin, ruleFields: fieldsOf(t.Own())}
		if meta, ok := builtin.Lookup(t.Rule); ok {
			jr.Why, jr.Fix = meta.Why, meta.Mitigation
		}
		rules = append(rules, jr)
	}
	// The fields stay with the unsorted list: sorting moves the copies only.
	fields := make([]ruleFields, len(rules))
	for i := range rules {
		fields[i] = rules[i].ruleFields
	}
	slices.SortFunc(rules, func(a, b jsonRule) int { return strings.Compare(a.ID, b.ID) })
	return rules, func(t *threats.Threat) *ruleFields {
		if ownRule(t) {
			return nil
		}
		return &fields[at[t.Rule]]
	}
}

// ownRule reports a threat that is its own rule: a hand-written one.
func ownRule(t *threats.Threat) bool { return t.Origin == threats.OriginManual || t.Rule == "" }

// flushAt is how much the JSON writer buffers before it writes.
const flushAt = 64 << 10

// jsonWriter writes indented JSON; the first error sticks.
type jsonWriter struct {
	w   io.Writer // nil for a writer of one batch of items, which only buffers
	out []byte    // written at flushAt
	err error
	// buf and tmp hold the values written through encoding/json.
	buf, tmp bytes.Buffer
	// depth is the nesting of the innermost open object or list; first is
	// set until it has a member.
	depth int
	first bool
}

func (j *jsonWriter) raw(s string) { j.out = append(j.out, s...) }

func (j *jsonWriter) bytes(b []byte) { j.out = append(j.out, b...) }

// flush writes what is buffered.
func (j *jsonWriter) flush() {
	if j.err == nil && len(j.out) > 0 {
		_, j.err = j.w.Write(j.out)
	}
	j.out = j.out[:0]
}

// indent is the indentation of the deepest line the writer writes by hand.
const indent = "\n                    "

// newline starts a line indented to the current depth.
func (j *jsonWriter) newline() {
	if n := 1 + 2*j.depth; n <= len(indent) {
		j.raw(indent[:n])
		return
	}
	j.raw("\n")
	for range j.depth {
		j.raw("  ")
	}
}

// item starts a member of the innermost object or list on its own line.
func (j *jsonWriter) item() {
	if len(j.out) >= flushAt && j.w != nil {
		j.flush()
	}
	if j.first {
		j.first = false
	} else {
		j.raw(",")
	}
	j.newline()
}

// key starts a member of the innermost object.
func (j *jsonWriter) key(k string) {
	j.item()
	j.str(k)
	j.raw(": ")
}

// open starts an object and close ends it.
func (j *jsonWriter) open() {
	j.raw("{")
	j.depth++
	j.first = true
}

func (j *jsonWriter) close() { j.end("}") }

// end closes the innermost object or list; an empty one stays on its line.
func (j *jsonWriter) end(bracket string) {
	j.depth--
	if !j.first {
		j.newline()
	}
	j.raw(bracket)
	j.first = false
}

// list writes a list of n items (n > 0) written by each.
func (j *jsonWriter) list(n int, each func(i int)) {
	if n == 0 {
		j.raw("[]")
		return
	}
	j.raw("[")
	j.depth++
	j.first = true
	for i := range n {
		j.item()
		each(i)
	}
	j.end("]")
}

// itemBatch is how many items of a long list one batch encodes.
const itemBatch = 256

// items writes a list of n items as list does, each written by each into
// the writer it is given. A long list is cut into batches of itemBatch
// items, encoded on all cores, each into a buffer of its own, and written
// in order; at most two batches per core are in flight, and their buffers
// are reused.
func (j *jsonWriter) items(n int, each func(w *jsonWriter, i int)) {
	workers := runtime.GOMAXPROCS(0)
	if n <= itemBatch || workers < 2 {
		j.list(n, func(i int) { each(j, i) })
		return
	}
	j.raw("[")
	j.depth++
	batches := (n + itemBatch - 1) / itemBatch
	done := make([]chan *jsonWriter, batches)
	for b := range done {
		done[b] = make(chan *jsonWriter, 1)
	}
	free := make(chan *jsonWriter, 2*workers)
	for range cap(free) {
		free <- &jsonWriter{}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var w *jsonWriter
				select {
				case w = <-free:
				case <-stop:
					return
				}
				b := int(next.Add(1)) - 1
				if b >= batches {
					return
				}
				w.out, w.err, w.depth, w.first = w.out[:0], nil, j.depth, b == 0
				for i := b * itemBatch; i < min(n, (b+1)*itemBatch) && w.err == nil; i++ {
					w.item()
					each(w, i)
				}
				done[b] <- w
			}
		}()
	}
	for b := range done {
		w := <-done[b]
		if j.err == nil && w.err != nil {
			j.err = w.err
		}
		j.flush()
		if j.err == nil {
			_, j.err = j.w.Write(w.out)
		}
		free <- w
	}
	close(stop)
	wg.Wait()
	j.first = false
	j.end("]")
}

// field writes a member whose value goes through encoding/json.
func (j *jsonWriter) field(k string, v any) {
	j.key(k)
	j.value(v)
}

// value writes v as encoding/json would at the current depth.
func (j *jsonWriter) value(v any) {
	if j.err != nil {
		return
	}
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		j.err = err
		return
	}
	j.tmp.Reset()
	prefix := strings.Repeat("  ", j.depth)
	if err := json.Indent(&j.tmp, bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")), prefix, "  "); err != nil {
		j.err = err
		return
	}
	j.bytes(j.tmp.Bytes())
}

// str writes a JSON string as encoding/json does without HTML escaping:
// plain printable ASCII as it is, anything else through encoding/json.
func (j *jsonWriter) str(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			j.value(s)
			return
		}
	}
	j.out = append(j.out, '"')
	j.out = append(j.out, s...)
	j.out = append(j.out, '"')
}

func (j *jsonWriter) int(n int) { j.out = strconv.AppendInt(j.out, int64(n), 10) }

func (j *jsonWriter) bool(b bool) {
	if b {
		j.raw("true")
	} else {
		j.raw("false")
	}
}

// strs writes a list of strings; nil is null.
func strs[S ~string](j *jsonWriter, list []S) {
	if list == nil {
		j.raw("null")
		return
	}
	j.list(len(list), func(i int) { j.str(string(list[i])) })
}

func (j *jsonWriter) refs(list []threats.Ref) {
	if list == nil {
		j.raw("null")
		return
	}
	j.list(len(list), func(i int) {
		r := &list[i]
		j.open()
		j.key("id")
		j.str(r.ID)
		if r.Name != "" {
			j.key("name")
			j.str(r.Name)
		}
		j.key("url")
		j.str(r.URL)
		j.close()
	})
}

func (j *jsonWriter) ruleFields(f *ruleFields) {
	if f.Title != nil {
		j.key("title")
		j.str(*f.Title)
	}
	if f.STRIDE != nil {
		j.key("stride")
		strs(j, *f.STRIDE)
	}
	if f.LINDDUN != nil {
		j.key("linddun")
		strs(j, *f.LINDDUN)
	}
	if f.Category != nil {
		j.key("category")
		j.str(*f.Category)
	}
	for _, r := range []struct {
		name string
		list *[]threats.Ref
	}{{"cwe", f.CWE}, {"capec", f.CAPEC}, {"attack", f.ATTACK}} {
		if r.list != nil {
			j.key(r.name)
			j.refs(*r.list)
		}
	}
	if f.Likelihood != nil {
		j.key("base_likelihood")
		j.int(*f.Likelihood)
	}
	if f.Impact != nil {
		j.key("base_impact")
		j.int(*f.Impact)
	}
	if f.Mitigations != nil {
		j.key("mitigations")
		strs(j, *f.Mitigations)
	}
	if f.Countermeasures != nil {
		j.field("countermeasures", *f.Countermeasures)
	}
	if f.Threagile != nil {
		j.key("threagile")
		strs(j, *f.Threagile)
	}
	if f.Concern != nil {
		j.key("concern")
		j.str(*f.Concern)
	}
}

func (j *jsonWriter) score(s *risk.Score) {
	j.open()
	j.key("likelihood")
	j.int(s.Likelihood)
	j.key("impact")
	j.int(s.Impact)
	j.key("score")
	j.int(s.Score)
	j.key("severity")
	j.str(string(s.Severity))
	j.close()
}

func (j *jsonWriter) treatment(s *treatment.State) {
	j.open()
	j.key("status")
	j.str(string(s.Status))
	j.key("source")
	j.str(string(s.Source))
	for _, f := range []struct{ name, v string }{{"owner", s.Owner}, {"due", s.Due}, {"justification", s.Justification},
		{"accepted_by", s.AcceptedBy}, {"expires", s.Expires}, {"transferred_to", s.TransferredTo}, {"ticket", s.Ticket},
		{"evidence", s.Evidence}, {"verified_by", s.VerifiedBy}} {
		if f.v != "" {
			j.key(f.name)
			j.str(f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    bool
	}{{"expired", s.Expired}, {"overlong", s.Overlong}, {"claimed", s.Claimed}, {"overdue", s.Overdue}} {
		if f.v {
			j.key(f.name)
			j.bool(true)
		}
	}
	if s.Key != "" {
		j.key("key")
		j.str(s.Key)
	}
	j.close()
}

// threat writes a finding as an item of the threats list; rule holds its
// rule's fields, nil when the threat is its own rule.
func (j *jsonWriter) threat(f *analysis.Finding, rule *ruleFields) {
	t := f.Threat
	j.open()
	j.key("id")
	j.str(t.ID)
	j.key("rule")
	j.str(t.Rule)
	j.key("origin")
	j.str(string(t.Origin))
	j.key("description")
	j.str(t.Description)
	fields := fieldsOf(t)
	if rule != nil {
		fields = fields.minus(rule)
	}
	j.ruleFields(&fields)
	j.key("targets")
	strs(j, t.Targets)
	for _, l := range []struct {
		name string
		list []string
	}{{"data", t.Data}, {"controls_in_place", t.InPlace}, {"controls_planned", t.Planned}} {
		if len(l.list) > 0 {
			j.key(l.name)
			strs(j, l.list)
		}
	}
	j.key("position")
	j.pos(t.Pos)
	j.key("inherent")
	j.score(&f.Inherent)
	j.key("residual")
	j.score(&f.Residual)
	j.key("factors")
	strs(j, f.Factors)
	j.key("treatment")
	j.treatment(&f.Treatment)
	j.key("appetite_limit")
	j.str(string(f.Limit))
	j.key("breach")
	j.bool(f.Breach)
	if len(t.Related) > 0 {
		j.field("related", t.Related)
	}
	j.close()
}

// pos writes a position.
func (j *jsonWriter) pos(p model.Pos) {
	j.open()
	j.key("file")
	j.str(p.File)
	j.key("line")
	j.int(p.Line)
	j.key("column")
	j.int(p.Column)
	j.close()
}

// modelWarning writes a model warning as an item of its list: a large
// model has tens of thousands, so they are streamed like the threats.
func (j *jsonWriter) modelWarning(w *analysis.ModelWarning) {
	j.open()
	j.key("id")
	j.str(w.ID)
	j.key("rule")
	j.str(w.Rule)
	j.key("title")
	j.str(w.Title)
	j.key("description")
	j.str(w.Description)
	j.key("targets")
	strs(j, w.Targets)
	j.key("position")
	j.pos(w.Pos)
	j.close()
}

// strideCell writes a cell as an item of the stride list.
func (j *jsonWriter) strideCell(c *threats.StrideCell) {
	j.open()
	j.key("element")
	j.str(c.Element)
	j.key("kind")
	j.str(c.Kind)
	j.key("category")
	j.str(string(c.Category))
	j.key("state")
	j.str(c.State)
	if len(c.Threats) > 0 {
		j.key("threats")
		strs(j, c.Threats)
	}
	j.close()
}
