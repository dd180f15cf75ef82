package builtin

import (
	"fmt"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

// rbBenchModel builds a model of n components in n/50 network segments and
// 2n flows, with data of every classification, vaults, pipelines, databases
// and web applications, so that every parity rule has work to do.
func rbBenchModel(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "bench", Name: "Bench"}}
	for i, c := range []model.Classification{"public", "internal", "confidential", "restricted"} {
		m.Data = append(m.Data, model.DataAsset{ID: fmt.Sprintf("d%d", i), Classification: c})
	}
	segments := max(1, n/50)
	for i := 0; i < segments; i++ {
		m.TrustBoundaries = append(m.TrustBoundaries, model.TrustBoundary{ID: fmt.Sprintf("net%d", i), Type: "network-segment"})
	}
	types := []model.ComponentType{"web-application", "api", "database", "service", "build-pipeline", "vault", "search-index", "user"}
	for i := 0; i < n; i++ {
		c := model.Component{
			ID: fmt.Sprintf("c%d", i), Type: types[i%len(types)], TrustBoundary: fmt.Sprintf("net%d", i%segments),
			Processes: []string{fmt.Sprintf("d%d", i%4)}, Stores: []string{fmt.Sprintf("d%d", (i+1)%4)},
		}
		if i%3 == 0 {
			c.DataFormats = []model.DataFormat{"xml", "serialization"}
		}
		m.Components = append(m.Components, c)
	}
	protocols := []model.Protocol{"http", "https", "jdbc", "ssh", "tcp"}
	for i := 0; i < 2*n; i++ {
		f := model.Flow{
			ID: fmt.Sprintf("f%d", i), From: fmt.Sprintf("c%d", i%n), To: fmt.Sprintf("c%d", (i*7+1)%n),
			Protocol: protocols[i%len(protocols)], DataSent: []string{fmt.Sprintf("d%d", i%4)},
		}
		if i%4 == 0 {
			f.Usage = "devops"
		}
		m.Flows = append(m.Flows, f)
	}
	return m
}

func BenchmarkRulesB(b *testing.B) { benchRules(b, rulesB, rbBenchModel) }
