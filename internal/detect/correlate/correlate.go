// Package correlate runs Sigma correlation rules (event_count,
// value_count, temporal, temporal_ordered, value_sum, value_avg,
// value_percentile) over the matches of the rules they refer to, grouped
// by field values within a timespan. State is bounded: groups idle for
// longer than the timespan are evicted, and each correlation keeps at most
// MaxGroups groups and MaxValues values a group.
package correlate

import (
	"container/list"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/source"
)

// Limits bound the state of one correlation rule.
type Limits struct {
	MaxGroups int // group-by keys held at once; the least recent is evicted
	MaxValues int // timestamps or values held for one group
}

// DefaultLimits hold 100,000 groups of up to 10,000 values.
var DefaultLimits = Limits{MaxGroups: 100000, MaxValues: 10000}

// Alert is one correlation rule firing for one group.
type Alert struct {
	Rule    *sigma.Rule
	Group   map[string]string // group-by field → value
	Value   float64           // the count, sum, average or percentile
	First   time.Time
	Last    time.Time
	Matches []string // the rules the correlation refers to
}

// Engine holds the correlation rules and their state. It is not safe for
// concurrent use; partition events by group-by key across engines.
type Engine struct {
	Limits Limits
	corrs  []*corr
	byRule map[*sigma.Rule][]*ref
	quiet  map[*sigma.Rule]bool
	// Evicted counts groups dropped for the group limit (not for age).
	Evicted int
}

type ref struct {
	c     *corr
	index int // the rule's place in the correlation's rules
	// fields maps each group-by name to this rule's own field (aliases).
	fields []string
}

type corr struct {
	rule   *sigma.Rule
	c      *sigma.Correlation
	groups map[string]*list.Element
	lru    *list.List // of *group, least recent at the front
}

type group struct {
	key    string
	values map[string]string
	last   time.Time
	times  []time.Time // event_count, temporal*: times in the window
	nums   []sample    // value_sum, value_avg, value_percentile
	seen   map[string]time.Time
	steps  []time.Time // temporal: last match of each rule; ordered: chain
}

type sample struct {
	t time.Time
	v float64
}

// New resolves each correlation rule's references to the loaded rules
// (by id or name). A correlation naming an unknown rule is reported and
// left out.
func New(rules []*sigma.Rule) (*Engine, sigma.Problems) {
	e := &Engine{Limits: DefaultLimits, byRule: map[*sigma.Rule][]*ref{}, quiet: map[*sigma.Rule]bool{}}
	names := map[string]*sigma.Rule{}
	for _, r := range rules {
		for _, n := range r.Ref() {
			names[n] = r
		}
	}
	var problems sigma.Problems
	for _, r := range rules {
		if r.Kind != sigma.CorrelationRule || r.Correlation == nil {
			continue
		}
		c := &corr{rule: r, c: r.Correlation, groups: map[string]*list.Element{}, lru: list.New()}
		var refs []*ref
		ok := true
		for i, name := range c.c.Rules {
			base, found := names[name]
			if !found {
				problems = append(problems, sigma.Problem{Pos: c.c.Pos, Path: fmt.Sprintf("correlation.rules[%d]", i),
					Message: fmt.Sprintf("correlation refers to %q, which is not a loaded rule", name), Hint: "name a rule by its id or name", Code: source.CodeReference})
				ok = false
				continue
			}
			rf := &ref{c: c, index: i}
			for _, g := range c.c.GroupBy {
				f := g
				if a, isAlias := c.c.Aliases[g]; isAlias {
					f = a[name]
					if f == "" {
						for _, n := range base.Ref() {
							if a[n] != "" {
								f = a[n]
							}
						}
					}
					if f == "" {
						problems = append(problems, sigma.Problem{Pos: c.c.Pos, Path: "correlation.aliases." + g,
							Message: fmt.Sprintf("alias %q gives no field for rule %q", g, name), Hint: "map every referred rule to its field", Code: source.CodeReference})
						ok = false
					}
				}
				rf.fields = append(rf.fields, f)
			}
			refs = append(refs, rf)
		}
		if !ok {
			continue
		}
		e.corrs = append(e.corrs, c)
		for i, rf := range refs {
			base := names[c.c.Rules[i]]
			e.byRule[base] = append(e.byRule[base], rf)
			if !c.c.Generate {
				e.quiet[base] = true
			}
		}
	}
	return e, problems
}

// Quiet tells whether a rule's own matches are not alerts: it is referred
// to by a correlation without "generate: true".
func (e *Engine) Quiet(r *sigma.Rule) bool { return e.quiet[r] }

// Uses tells whether any correlation refers to r.
func (e *Engine) Uses(r *sigma.Rule) bool { return len(e.byRule[r]) > 0 }

// Groups returns the number of groups held, for tests and metrics.
func (e *Engine) Groups() int {
	n := 0
	for _, c := range e.corrs {
		n += len(c.groups)
	}
	return n
}

// Observe feeds one match of rule r on ev at time t and returns the
// correlations that fire.
func (e *Engine) Observe(r *sigma.Rule, ev *event.Event, t time.Time) []Alert {
	var out []Alert
	for _, rf := range e.byRule[r] {
		if a, ok := e.observe(rf, r, ev, t); ok {
			out = append(out, a)
		}
	}
	return out
}

func value(ev *event.Event, field string) (string, bool) {
	f, ok := ev.Get(field)
	if !ok || f.Kind == event.Null {
		return "", false
	}
	return f.Value, true
}

func (e *Engine) observe(rf *ref, r *sigma.Rule, ev *event.Event, t time.Time) (Alert, bool) {
	c := rf.c
	span := c.c.Timespan
	// The group key: every group-by field must be present.
	vals := make(map[string]string, len(rf.fields))
	var key strings.Builder
	for i, f := range rf.fields {
		v, ok := value(ev, f)
		if !ok {
			return Alert{}, false
		}
		vals[c.c.GroupBy[i]] = v
		key.WriteString(strconv.Quote(v))
		key.WriteByte(0)
	}
	e.expire(c, t)
	g := e.group(c, key.String(), vals, t)
	since := t.Add(-span)
	fire := false
	var v float64
	switch c.c.Type {
	case "event_count":
		g.times = trim(append(g.times, t), since, e.Limits.MaxValues)
		v = float64(len(g.times))
		fire = holds(c.c.Condition, v)
	case "value_count":
		x, ok := value(ev, c.c.Condition.Field)
		if !ok {
			return Alert{}, false
		}
		if g.seen == nil {
			g.seen = map[string]time.Time{}
		}
		for k, at := range g.seen {
			if at.Before(since) {
				delete(g.seen, k)
			}
		}
		if _, dup := g.seen[x]; dup || len(g.seen) < e.Limits.MaxValues {
			g.seen[x] = t
		}
		v = float64(len(g.seen))
		fire = holds(c.c.Condition, v)
	case "value_sum", "value_avg", "value_percentile":
		x, ok := value(ev, c.c.Condition.Field)
		if !ok {
			return Alert{}, false
		}
		n, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return Alert{}, false
		}
		g.nums = trimSamples(append(g.nums, sample{t, n}), since, e.Limits.MaxValues)
		switch c.c.Type {
		case "value_sum":
			for _, s := range g.nums {
				v += s.v
			}
		case "value_avg":
			for _, s := range g.nums {
				v += s.v
			}
			v /= float64(len(g.nums))
		default:
			// The percentile rank of this value among the group's values.
			below := 0
			for _, s := range g.nums {
				if s.v <= n {
					below++
				}
			}
			v = 100 * float64(below) / float64(len(g.nums))
		}
		fire = holds(c.c.Condition, v)
	case "temporal":
		if g.steps == nil {
			g.steps = make([]time.Time, len(c.c.Rules))
		}
		g.steps[rf.index] = t
		n := 0
		for _, at := range g.steps {
			if !at.IsZero() && !at.Before(since) {
				n++
			}
		}
		v = float64(n)
		if c.c.Condition.Set {
			fire = holds(c.c.Condition, v)
		} else {
			fire = n == len(c.c.Rules)
		}
	case "temporal_ordered":
		if g.steps == nil {
			g.steps = make([]time.Time, 0, len(c.c.Rules))
		}
		// The chain advances when this rule is the next step; the first
		// step restarts it.
		switch {
		case rf.index == len(g.steps):
			g.steps = append(g.steps, t)
		case rf.index == 0:
			g.steps = append(g.steps[:0], t)
		}
		if len(g.steps) > 0 && g.steps[0].Before(since) {
			g.steps = g.steps[:0]
			if rf.index == 0 {
				g.steps = append(g.steps, t)
			}
		}
		v = float64(len(g.steps))
		fire = len(g.steps) == len(c.c.Rules)
	}
	if !fire {
		return Alert{}, false
	}
	a := Alert{Rule: c.rule, Group: vals, Value: v, Last: t, First: g.first(t), Matches: slices.Clone(c.c.Rules)}
	// A group that fired starts again.
	e.drop(c, g.key)
	return a, true
}

func (g *group) first(t time.Time) time.Time {
	first := t
	for _, at := range g.times {
		if at.Before(first) {
			first = at
		}
	}
	for _, s := range g.nums {
		if s.t.Before(first) {
			first = s.t
		}
	}
	for _, at := range g.steps {
		if !at.IsZero() && at.Before(first) {
			first = at
		}
	}
	for _, at := range g.seen {
		if at.Before(first) {
			first = at
		}
	}
	return first
}

func holds(c sigma.CorrelationCondition, v float64) bool {
	switch c.Op {
	case "gt":
		return v > c.Value
	case "gte":
		return v >= c.Value
	case "lt":
		return v < c.Value
	case "lte":
		return v <= c.Value
	case "eq":
		return v == c.Value
	case "neq":
		return v != c.Value
	}
	return false
}

func trim(ts []time.Time, since time.Time, limit int) []time.Time {
	i := sort.Search(len(ts), func(i int) bool { return !ts[i].Before(since) })
	if len(ts)-i > limit {
		i = len(ts) - limit
	}
	if i > 0 {
		ts = slices.Delete(ts, 0, i)
	}
	return ts
}

func trimSamples(s []sample, since time.Time, limit int) []sample {
	i := 0
	for i < len(s) && s[i].t.Before(since) {
		i++
	}
	if len(s)-i > limit {
		i = len(s) - limit
	}
	if i > 0 {
		s = slices.Delete(s, 0, i)
	}
	return s
}

// group returns the group for key, creating it (and evicting the least
// recent group beyond the limit).
func (e *Engine) group(c *corr, key string, vals map[string]string, t time.Time) *group {
	if el, ok := c.groups[key]; ok {
		g := el.Value.(*group)
		if t.After(g.last) {
			g.last = t
		}
		c.lru.MoveToBack(el)
		return g
	}
	g := &group{key: key, values: vals, last: t}
	c.groups[key] = c.lru.PushBack(g)
	for e.Limits.MaxGroups > 0 && len(c.groups) > e.Limits.MaxGroups {
		oldest := c.lru.Front().Value.(*group)
		e.drop(c, oldest.key)
		e.Evicted++
	}
	return g
}

// expire drops the groups idle for longer than the timespan.
func (e *Engine) expire(c *corr, now time.Time) {
	since := now.Add(-c.c.Timespan)
	for el := c.lru.Front(); el != nil; {
		g := el.Value.(*group)
		if !g.last.Before(since) {
			return
		}
		next := el.Next()
		c.lru.Remove(el)
		delete(c.groups, g.key)
		el = next
	}
}

func (e *Engine) drop(c *corr, key string) {
	if el, ok := c.groups[key]; ok {
		c.lru.Remove(el)
		delete(c.groups, key)
	}
}

// timeFields are the fields an event's time is read from, in order.
var timeFields = []string{"@timestamp", "timestamp", "TimeCreated_SystemTime", "Event.System.TimeCreated.#attributes.SystemTime", "TimeCreated", "UtcTime", "time", "EventTime"}

// TimeOf returns an event's own time, from the first time field that
// parses, or false.
func TimeOf(ev *event.Event) (time.Time, bool) {
	for _, name := range timeFields {
		f, ok := ev.Get(name)
		if !ok {
			continue
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, f.Value); err == nil {
				return t, true
			}
		}
		if f.Kind == event.Number {
			if s, err := strconv.ParseFloat(f.Value, 64); err == nil {
				return time.Unix(0, int64(s*1e9)).UTC(), true
			}
		}
	}
	return time.Time{}, false
}

// PartitionFields returns event fields on which every correlation's groups
// agree: two events in one group of any correlation have equal values in
// each of them, so events split across workers by those values keep every
// group on one worker. A group-by field counts when it is the same field
// for all the rules a correlation refers to (an alias mapping rules to
// different fields does not). With no correlation, free is true: events
// may go anywhere. With correlations but no such field, fields is empty
// and events must all go to one worker.
func (e *Engine) PartitionFields() (fields []string, free bool) {
	if len(e.corrs) == 0 {
		return nil, true
	}
	var common map[string]bool
	for _, c := range e.corrs {
		plain := map[string]bool{}
		for g := range c.c.GroupBy {
			var field string
			same := true
			for _, refs := range e.byRule {
				for _, x := range refs {
					if x.c != c {
						continue
					}
					if field == "" {
						field = x.fields[g]
					} else if x.fields[g] != field {
						same = false
					}
				}
			}
			if same && field != "" {
				plain[field] = true
			}
		}
		if common == nil {
			common = plain
			continue
		}
		for f := range common {
			if !plain[f] {
				delete(common, f)
			}
		}
	}
	for f := range common {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return fields, false
}
