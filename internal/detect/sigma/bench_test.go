package sigma_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

// otrfLines reads the recorded attack simulations, one JSON event a line.
func otrfLines(b testing.TB) [][]byte {
	b.Helper()
	files, err := filepath.Glob(filepath.Join(testfixtures.Path(b, "sigma/events-otrf"), "*.jsonl"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no OTRF recordings: %v", err)
	}
	var lines [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) > 0 {
				lines = append(lines, bytes.Clone(sc.Bytes()))
			}
		}
	}
	return lines
}

func decodeAll(b testing.TB, lines [][]byte) []*event.Event {
	d := event.NewDecoder()
	out := make([]*event.Event, len(lines))
	for i, l := range lines {
		out[i] = &event.Event{}
		if err := d.Decode(l, out[i]); err != nil {
			b.Fatalf("line %d: %v", i, err)
		}
	}
	return out
}

// reportCPU adds CPU time per event and events per CPU-second.
func reportCPU(b *testing.B, start func() int64, events int) {
	used := processCPU().Nanoseconds() - start()
	n := float64(b.N) * float64(events)
	if used > 0 && n > 0 {
		b.ReportMetric(float64(used)/n, "cpu-ns/event")
		b.ReportMetric(n/(float64(used)/1e9), "events/cpu-s")
	}
}

func BenchmarkCompileCorpus(b *testing.B) {
	rules, _, _ := corpusRules(b)
	runtime.GC()
	cpu := processCPU()
	b.ResetTimer()
	for b.Loop() {
		if _, probs := sigma.Compile(rules); len(probs.Errors()) > 0 {
			b.Fatal(probs)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((processCPU()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}

func benchMatch(b *testing.B, rules []*sigma.Rule) {
	evs := decodeAll(b, otrfLines(b))
	eng, _ := sigma.Compile(rules)
	m := eng.NewMatcher()
	alerts := 0
	runtime.GC()
	cpu := processCPU().Nanoseconds()
	b.ResetTimer()
	for b.Loop() {
		for _, ev := range evs {
			m.Match(ev, func(sigma.Match) { alerts++ })
		}
	}
	b.StopTimer()
	reportCPU(b, func() int64 { return cpu }, len(evs))
	b.ReportMetric(float64(alerts)/float64(b.N), "alerts/pass")
}

// BenchmarkMatch100 matches the OTRF events with the 100 regression rules.
func BenchmarkMatch100(b *testing.B) {
	rules, _, _ := loadDir(b, filepath.Join(testfixtures.Path(b, "sigma"), "rules"))
	benchMatch(b, windowsRules(b, rules))
}

// BenchmarkMatchCorpus matches the OTRF events with the whole corpus.
func BenchmarkMatchCorpus(b *testing.B) {
	rules, _, _ := corpusRules(b)
	benchMatch(b, rules)
}

// BenchmarkThroughputCorpus decodes and matches the OTRF JSON lines with
// the whole corpus on one goroutine: the events/s of one core.
func BenchmarkThroughputCorpus(b *testing.B) {
	lines := otrfLines(b)
	rules, _, _ := corpusRules(b)
	eng, _ := sigma.Compile(rules)
	m := eng.NewMatcher()
	d := event.NewDecoder()
	var ev event.Event
	bytesIn := 0
	for _, l := range lines {
		bytesIn += len(l)
	}
	runtime.GC()
	cpu := processCPU().Nanoseconds()
	b.SetBytes(int64(bytesIn))
	b.ResetTimer()
	for b.Loop() {
		for _, l := range lines {
			if err := d.Decode(l, &ev); err != nil {
				b.Fatal(err)
			}
			m.Match(&ev, func(sigma.Match) {})
		}
	}
	b.StopTimer()
	reportCPU(b, func() int64 { return cpu }, len(lines))
}
