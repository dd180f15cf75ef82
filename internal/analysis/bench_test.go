package analysis

import (
	"fmt"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

// Generate builds a deterministic model of n components and 2n flows in
// n/20 trust boundaries, with the variety rules look at (types, exposure,
// data of every classification, controls, custom code).
func Generate(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "gen", Name: "Generated", RiskOwner: "sro"},
		RiskAppetite: &model.RiskAppetite{MaxSeverity: "medium"}}
	classes := []model.Classification{"public", "internal", "confidential", "restricted"}
	for i := 0; i < max(n/10, 1); i++ {
		m.Data = append(m.Data, model.DataAsset{ID: fmt.Sprintf("d%d", i), Classification: classes[i%4],
			Personal: i%3 == 0, CIA: model.CIA{Confidentiality: "high", Integrity: "medium", Availability: "high"}})
	}
	types := []model.ComponentType{"web-application", "api", "service", "database", "queue", "cache",
		"identity-provider", "build-pipeline", "user", "object-storage"}
	for i := 0; i < max(n/20, 1); i++ {
		m.TrustBoundaries = append(m.TrustBoundaries, model.TrustBoundary{ID: fmt.Sprintf("b%d", i), Type: "network-segment"})
	}
	for i := 0; i < n; i++ {
		c := model.Component{ID: fmt.Sprintf("c%d", i), Type: types[i%len(types)], CustomCode: i%3 == 0,
			InternetFacing: i%25 == 0, TrustBoundary: fmt.Sprintf("b%d", i%len(m.TrustBoundaries)),
			Technology: "go", DataFormats: []model.DataFormat{"json"}}
		d := fmt.Sprintf("d%d", i%len(m.Data))
		if c.Type.Kind() == model.KindDataStore {
			c.Stores = []string{d}
		} else {
			c.Processes = []string{d}
		}
		if i%4 == 0 {
			c.Controls = []string{"waf", "audit-logging"}
		}
		m.Components = append(m.Components, c)
	}
	for i := 0; i < 2*n; i++ {
		from, to := i%n, (i*7+1)%n
		if from == to {
			to = (to + 1) % n
		}
		f := model.Flow{ID: fmt.Sprintf("f%d", i), From: fmt.Sprintf("c%d", from), To: fmt.Sprintf("c%d", to),
			Protocol: "https", DataSent: []string{fmt.Sprintf("d%d", i%len(m.Data))}}
		if i%3 == 0 {
			f.Protocol, f.Authentication = "http", "none"
		} else {
			f.Authentication = "token"
		}
		m.Flows = append(m.Flows, f)
	}
	return m
}

func benchAnalyze(b *testing.B, n int) {
	m := Generate(n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.Reindex()
		r := Analyze(m, Options{Now: asOf})
		if len(r.Findings) == 0 {
			b.Fatal("no threats")
		}
	}
}

func BenchmarkAnalyze1k(b *testing.B)  { benchAnalyze(b, 1_000) }
func BenchmarkAnalyze10k(b *testing.B) { benchAnalyze(b, 10_000) }
func BenchmarkAnalyze50k(b *testing.B) { benchAnalyze(b, 50_000) }
