// Package reporttest builds large models for the report writers' tests and
// benchmarks, writes them as model files for end-to-end measurements, and
// loads and analyses model files for those tests.
package reporttest

import (
	"context"
	"fmt"
	"testing"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
)

// Model builds a deterministic model of n components in trust boundaries of
// 50, every fourth boundary holding the next three, with chains of flows
// from users through web applications, APIs and services to databases, and
// one confidential personal data asset.
func Model(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "big", Name: "Big system"},
		RiskAppetite: &model.RiskAppetite{MaxSeverity: "medium"}}
	m.Data = []model.DataAsset{{ID: "d", Name: "Customer data", Classification: "confidential",
		CIA: model.CIA{Confidentiality: "high", Integrity: "high"}, Personal: true}}
	types := []model.ComponentType{"user", "web-application", "api", "service", "database"}
	for z := 0; z*50 < n; z++ {
		tb := model.TrustBoundary{ID: fmt.Sprintf("zone-%d", z), Name: fmt.Sprintf("Zone %d", z), Type: "network-segment"}
		if z%4 == 0 {
			for k := z + 1; k < z+4 && k*50 < n; k++ {
				tb.Contains = append(tb.Contains, fmt.Sprintf("zone-%d", k))
			}
		}
		m.TrustBoundaries = append(m.TrustBoundaries, tb)
	}
	for i := 0; i < n; i++ {
		c := model.Component{ID: fmt.Sprintf("c%04d", i), Name: fmt.Sprintf("Component %d", i), Type: types[i%len(types)], Technology: "tech"}
		switch c.Type {
		case "user":
			c.HumanUse = true
		case "database":
			c.Stores = []string{"d"}
			c.TrustBoundary = fmt.Sprintf("zone-%d", i/50)
		default:
			c.Processes = []string{"d"}
			c.CustomCode = true
			c.InternetFacing = c.Type == "web-application"
			c.TrustBoundary = fmt.Sprintf("zone-%d", i/50)
		}
		m.Components = append(m.Components, c)
		if i%len(types) != 0 {
			m.Flows = append(m.Flows, model.Flow{ID: fmt.Sprintf("f%04d", i), From: fmt.Sprintf("c%04d", i-1), To: c.ID,
				Protocol: "https", DataSent: []string{"d"}})
		}
	}
	return m
}

// Analyse loads the model file at path and analyses it with o, failing the
// test when the file cannot be read or is invalid.
func Analyse(t testing.TB, path string, o analysis.Options) *analysis.Result {
	t.Helper()
	m, problems, err := model.Load(context.Background(), path, model.Options{})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("%s is invalid:\n%v", path, errs)
	}
	return analysis.Analyze(m, o)
}
