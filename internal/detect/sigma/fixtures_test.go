package sigma_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/pipeline"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

// loadDir parses every rule file under dir.
func loadDir(t testing.TB, dir string) (rules []*sigma.Rule, problems map[string]sigma.Problems, files int) {
	t.Helper()
	problems = map[string]sigma.Problems{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		rs, ps := sigma.Parse(path, data)
		rules = append(rules, rs...)
		if errs := ps.Errors(); len(errs) > 0 {
			problems[path] = errs
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rules, problems, files
}

// readEvents decodes a file of one or more JSON values (pretty-printed or
// one a line).
func readEvents(t testing.TB, path string) []*event.Event {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	d := event.NewDecoder()
	var out []*event.Event
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			t.Fatal(err)
		}
		ev := &event.Event{}
		if err := d.Decode(buf.Bytes(), ev); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, ev)
	}
	return out
}

// windowsRules applies the built-in Windows pipeline (log sources as
// Channel and EventID conditions) to parsed rules.
func windowsRules(t testing.TB, rules []*sigma.Rule) []*sigma.Rule {
	t.Helper()
	p, err := pipeline.Builtin("windows")
	if err != nil {
		t.Fatal(err)
	}
	out, probs := p.Apply(rules)
	for _, pr := range probs {
		t.Logf("pipeline: %s", pr)
	}
	return out
}

func TestRegressionCases(t *testing.T) {
	dir := testfixtures.Path(t, "sigma")
	rules, problems, _ := loadDir(t, filepath.Join(dir, "rules"))
	for f, ps := range problems {
		t.Errorf("%s: %v", f, ps)
	}
	rules = windowsRules(t, rules)
	eng, cprobs := sigma.Compile(rules)
	for _, p := range cprobs.Errors() {
		t.Errorf("compile: %s", p)
	}
	m := eng.NewMatcher()
	cross := map[string][]string{}
	crossCount, events := 0, 0
	for _, r := range rules {
		base := strings.TrimSuffix(filepath.Base(r.Pos.File), ".yml")
		evs := readEvents(t, filepath.Join(dir, "events", base+".json"))
		matched := 0
		var missed []int
		for i, ev := range evs {
			events++
			own := false
			m.Match(ev, func(mt sigma.Match) {
				if mt.Rule == r {
					own = true
					if len(mt.Fields) == 0 {
						t.Errorf("%s event %d: match without matched fields", base, i)
					}
					return
				}
				crossCount++
				cross[base] = append(cross[base], strings.TrimSuffix(filepath.Base(mt.Rule.Pos.File), ".yml"))
			})
			if own {
				matched++
			} else {
				missed = append(missed, i)
			}
		}
		// A case's file may also hold the events around the attack.
		if matched == 0 {
			t.Errorf("%s: none of its %d events matches its rule %q", base, len(evs), r.Title)
		} else if len(missed) > 0 {
			t.Logf("%s: events %v of %d are context the rule does not match", base, missed, len(evs))
		}
	}
	keys := make([]string, 0, len(cross))
	for k := range cross {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("regression cases: %d rules, %d events; cross-rule matches (a rule firing on another rule's events): %d", len(rules), events, crossCount)
	for _, k := range keys {
		t.Logf("  events of %s also match: %s", k, strings.Join(cross[k], ", "))
	}
}
