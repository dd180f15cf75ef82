package stream

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/detect/ruleset"
)

func TestMalformedLinesNeverStopTheStream(t *testing.T) {
	dir := t.TempDir() + "/r.yml"
	rule := "title: t\nid: 22222222-2222-2222-2222-222222222222\ntags: [attack.t1059.001, attack.execution, attack.T1059]\nlogsource: {product: windows}\ndetection:\n  s: {Image|endswith: '\\cmd.exe'}\n  condition: s\n"
	if err := writeFile(dir, rule); err != nil {
		t.Fatal(err)
	}
	set, err := ruleset.Load(context.Background(), []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := New(set)
	hit := `{"Channel":"x","Image":"C:\\cmd.exe"}`
	input := strings.Join([]string{hit, `{"a":"` + strings.Repeat("x", MaxLine) + `"}`, "{", hit, ""}, "\n") + hit // last line without newline
	var alerts []*Alert
	if err := d.Run(context.Background(), "in", strings.NewReader(input), func(a *Alert) error { alerts = append(alerts, a); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 3 || d.Stats.Events != 3 || d.Stats.Malformed != 2 || d.Stats.Reasons["too large"] != 1 || d.Stats.Reasons["not JSON"] != 1 {
		t.Fatalf("%d alerts, stats %+v", len(alerts), d.Stats)
	}
	if alerts[2].Source != "in:5" || strings.Join(alerts[0].Attack, ",") != "T1059,T1059.001" {
		t.Errorf("alert %+v", alerts[2])
	}
}

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o644) }
