// Package stream runs a rule set over streams of JSON-lines events: each
// line is decoded within limits, matched, fed to the correlations, and
// every alert handed on. Malformed lines are counted by reason and never
// stop the stream.
package stream

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/detect/correlate"
	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/ruleset"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
)

// Alert is one detection: a rule matching an event, or a correlation
// firing for a group.
type Alert struct {
	RuleID    string               `json:"rule_id,omitempty"`
	Title     string               `json:"title"`
	Level     string               `json:"level,omitempty"`
	Kind      string               `json:"kind"` // detection or correlation
	Tags      []string             `json:"tags,omitempty"`
	Attack    []string             `json:"attack,omitempty"` // ATT&CK technique ids, e.g. T1059.001
	Matched   []sigma.MatchedField `json:"matched,omitempty"`
	Group     map[string]string    `json:"group,omitempty"`
	Value     float64              `json:"value,omitempty"`
	Time      time.Time            `json:"time"`
	Source    string               `json:"source"` // file:line of the event
	Event     json.RawMessage      `json:"event,omitempty"`
	Component []string             `json:"components,omitempty"`
	Threats   []string             `json:"threats,omitempty"`
}

// Stats counts what a detector saw.
type Stats struct {
	Events    int            `json:"events"`
	Malformed int            `json:"malformed"`
	Reasons   map[string]int `json:"malformed_by_reason,omitempty"`
	Examples  []string       `json:"malformed_examples,omitempty"`
	Alerts    int            `json:"alerts"`
	ByRule    map[string]int `json:"alerts_by_rule,omitempty"`
}

// MaxLine bounds one event line.
const MaxLine = 1 << 20

const maxExamples = 5

// Detector matches events against a rule set and holds its own
// correlation state. It is not safe for concurrent use; detectors that
// share a rule set run side by side, each on its share of the events.
type Detector struct {
	matcher *sigma.Matcher
	dec     *event.Decoder
	corr    *correlate.Engine
	// Link, when set, adds model components and threats to an alert.
	Link func(a *Alert, ev *event.Event)
	// Now gives the time of events that carry none.
	Now   func() time.Time
	Stats Stats
}

// New returns a detector for the rule set.
func New(set *ruleset.Set) *Detector {
	// The set's correlations were checked when it loaded; this is a fresh
	// state for them.
	corr, _ := correlate.New(set.Rules)
	if set.Correlation != nil {
		corr.Limits = set.Correlation.Limits
	}
	return &Detector{
		matcher: set.Engine.NewMatcher(), dec: event.NewDecoder(), corr: corr, Now: time.Now,
		Stats: Stats{Reasons: map[string]int{}, ByRule: map[string]int{}},
	}
}

// Run reads JSON lines from r (named name in alerts and reports) and
// calls emit for every alert, until r ends, ctx is done or emit fails.
func (d *Detector) Run(ctx context.Context, name string, r io.Reader, emit func(*Alert) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		line    []byte
		tooLong bool
		err     error
	)
	for n := 1; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, tooLong, err = readLine(br, line[:0])
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			src := fmt.Sprintf("%s:%d", name, n)
			if tooLong {
				d.malformed(src, fmt.Errorf("%w: line longer than %d bytes", event.ErrTooLarge, MaxLine))
			} else if e := d.Process(src, line, emit); e != nil {
				return e
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
	}
}

// readLine reads one line into buf; a line over MaxLine is skipped and
// reported as too long.
func readLine(br *bufio.Reader, buf []byte) ([]byte, bool, error) {
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > MaxLine {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, tooLong, err
	}
}

var reasonRE = regexp.MustCompile(`^[^:]*`)

func (d *Detector) malformed(src string, err error) {
	d.Stats.Malformed++
	d.Stats.Reasons[Reason(err)]++
	if len(d.Stats.Examples) < maxExamples {
		d.Stats.Examples = append(d.Stats.Examples, fmt.Sprintf("%s: %v", src, err))
	}
}

// Reason names why an event is malformed, in a few words.
func Reason(err error) string {
	switch {
	case errors.Is(err, event.ErrSyntax):
		return "not JSON"
	case errors.Is(err, event.ErrTooLarge):
		return "too large"
	case errors.Is(err, event.ErrTooDeep):
		return "nested too deeply"
	case errors.Is(err, event.ErrTooMany):
		return "too many fields"
	case errors.Is(err, event.ErrNotObject):
		return "not a JSON object"
	}
	return reasonRE.FindString(err.Error())
}

// Process matches one JSON event (src says where it came from).
func (d *Detector) Process(src string, line []byte, emit func(*Alert) error) error {
	var ev event.Event
	if err := d.dec.Decode(line, &ev); err != nil {
		d.malformed(src, err)
		return nil
	}
	d.Stats.Events++
	t, ok := correlate.TimeOf(&ev)
	if !ok {
		t = d.Now()
	}
	var alerts []*Alert
	corr := d.corr
	d.matcher.Match(&ev, func(m sigma.Match) {
		if corr.Uses(m.Rule) {
			for _, c := range corr.Observe(m.Rule, &ev, t) {
				a := ruleAlert(c.Rule, "correlation", t, src)
				a.Group, a.Value = c.Group, c.Value
				alerts = append(alerts, a)
			}
		}
		if corr.Quiet(m.Rule) {
			return
		}
		a := ruleAlert(m.Rule, "detection", t, src)
		a.Matched = append([]sigma.MatchedField(nil), m.Fields...)
		a.Event = json.RawMessage(bytes.Clone(line))
		alerts = append(alerts, a)
	})
	for _, a := range alerts {
		if d.Link != nil {
			d.Link(a, &ev)
		}
		d.Stats.Alerts++
		d.Stats.ByRule[a.Title]++
		if err := emit(a); err != nil {
			return err
		}
	}
	return nil
}

func ruleAlert(r *sigma.Rule, kind string, t time.Time, src string) *Alert {
	return &Alert{RuleID: r.ID, Title: r.Title, Level: r.Level, Kind: kind, Tags: r.Tags, Attack: Techniques(r.Tags), Time: t, Source: src}
}

var techniqueRE = regexp.MustCompile(`^attack\.(t\d{4}(?:\.\d{3})?)$`)

// Techniques returns the ATT&CK technique ids of a rule's tags
// (attack.t1059.001 → T1059.001), sorted and without duplicates.
func Techniques(tags []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tags {
		if m := techniqueRE.FindStringSubmatch(strings.ToLower(t)); m != nil {
			id := strings.ToUpper(m[1])
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Summary renders the statistics for people, one fact a line.
func (s *Stats) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d events, %d alerts, %d malformed lines\n", s.Events, s.Alerts, s.Malformed)
	reasons := make([]string, 0, len(s.Reasons))
	for r := range s.Reasons {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(&b, "  malformed, %s: %d\n", r, s.Reasons[r])
	}
	for _, e := range s.Examples {
		fmt.Fprintf(&b, "  e.g. %s\n", e)
	}
	rules := make([]string, 0, len(s.ByRule))
	for r := range s.ByRule {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool {
		if s.ByRule[rules[i]] != s.ByRule[rules[j]] {
			return s.ByRule[rules[i]] > s.ByRule[rules[j]]
		}
		return rules[i] < rules[j]
	})
	for _, r := range rules {
		fmt.Fprintf(&b, "  %6d  %s\n", s.ByRule[r], r)
	}
	return b.String()
}
