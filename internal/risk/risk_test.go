package risk

import (
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

func TestDefaultMatrix(t *testing.T) {
	m := DefaultMatrix()
	tests := []struct {
		l, i int
		want model.Severity
	}{
		{1, 1, "low"}, {2, 2, "low"}, {1, 5, "medium"}, {3, 3, "medium"}, {2, 5, "high"},
		{4, 4, "high"}, {4, 5, "critical"}, {5, 5, "critical"}, {0, 9, "medium"}, // clamped to 1×5
	}
	for _, tt := range tests {
		if got := m.Severity(tt.l, tt.i); got != tt.want {
			t.Errorf("Severity(%d, %d) = %s, want %s", tt.l, tt.i, got, tt.want)
		}
	}
	if s := m.Rate(6, 3); s.Likelihood != 5 || s.Score != 15 || s.Severity != "high" {
		t.Errorf("Rate(6, 3) = %+v, want clamped 5×3 high", s)
	}
}

func TestMatrixFromSettings(t *testing.T) {
	row := []model.Severity{"low", "low", "low", "low", "critical"}
	m := &model.Model{Settings: &model.Settings{Matrix: &model.Matrix{
		Bands:           [][]model.Severity{row, row, row, row, row},
		LikelihoodNames: []string{"a", "b", "c", "d", "e"},
	}}}
	mx := MatrixFor(m)
	if mx.Severity(1, 5) != "critical" || mx.Severity(5, 4) != "low" {
		t.Errorf("custom bands not applied: %v", mx.Bands)
	}
	if mx.LikelihoodNames[4] != "e" || mx.ImpactNames[0] != "negligible" {
		t.Errorf("names: %v / %v", mx.LikelihoodNames, mx.ImpactNames)
	}
}

func TestLimit(t *testing.T) {
	a := &model.RiskAppetite{MaxSeverity: "high", ByCategory: map[string]model.Severity{
		"privacy": "low", "information-disclosure": "medium", "denial-of-service": "critical"}}
	tests := []struct {
		name     string
		a        *model.RiskAppetite
		stride   []model.STRIDE
		category string
		want     model.Severity
	}{
		{"no appetite uses the default", nil, []model.STRIDE{model.Tampering}, "", DefaultAppetite},
		{"overall maximum", a, []model.STRIDE{model.Tampering}, "", "high"},
		{"category tightens", a, []model.STRIDE{model.InformationDisclosure}, "", "medium"},
		{"category loosens", a, []model.STRIDE{model.DenialOfService}, "", "critical"},
		{"strictest of several", a, []model.STRIDE{model.DenialOfService, model.InformationDisclosure}, "", "medium"},
		{"rule category", a, []model.STRIDE{model.InformationDisclosure}, "privacy", "low"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Limit(tt.a, tt.stride, tt.category); got != tt.want {
				t.Errorf("Limit = %s, want %s", got, tt.want)
			}
		})
	}
	if !Exceeds("high", "medium") || Exceeds("medium", "medium") || Exceeds("low", "high") {
		t.Error("Exceeds compares ranks wrongly")
	}
}
