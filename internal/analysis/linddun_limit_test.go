package analysis

import (
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// TestLINDDUNLimit checks that an appetite limit on a LINDDUN category
// applies to the threats of that category, and only when it is the
// strictest of the threat's categories.
func TestLINDDUNLimit(t *testing.T) {
	a := &model.RiskAppetite{MaxSeverity: "high", ByCategory: map[string]model.Severity{
		"data-disclosure": "low", "privacy": "medium", "linking": "critical"}}
	tests := []struct {
		name string
		t    threats.Threat
		want model.Severity
	}{
		{"linddun category", threats.Threat{LINDDUN: []model.LINDDUN{model.DataDisclosure}, Category: "privacy"}, "low"},
		{"privacy stricter", threats.Threat{LINDDUN: []model.LINDDUN{model.Linking}, Category: "privacy"}, "medium"},
		{"no linddun", threats.Threat{STRIDE: []model.STRIDE{model.Tampering}}, "high"},
	}
	for _, tc := range tests {
		if got := limit(a, &tc.t); got != tc.want {
			t.Errorf("%s: limit %s, want %s", tc.name, got, tc.want)
		}
	}
	if got := limit(nil, &threats.Threat{LINDDUN: []model.LINDDUN{model.DataDisclosure}}); got != "medium" {
		t.Errorf("no appetite: limit %s, want the default", got)
	}
}
