package treatment

import (
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
)

func date(s string) *model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func TestResolve(t *testing.T) {
	list := []model.Treatment{
		{Threat: "a@x", Status: "accepted", AcceptedBy: "sro", Justification: "low value", Expires: date("2026-06-30")},
		{Threat: "b@x", Status: "accepted", AcceptedBy: "sro", Justification: "ok", Expires: date("2026-11-24")},
		{Threat: "c@x", Status: "mitigating", Owner: "alice", Due: date("2026-10-01")},
		{Threat: "legacy-rule@x", Status: "false-positive", Justification: "not applicable"},
		{Threat: "orphan@x", Status: "open"},
	}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	r := NewRegister(list, now)
	tests := []struct {
		name      string
		id        string
		aliases   []string
		byControl bool
		status    model.TreatmentStatus
		open      bool
		expired   bool
		overdue   bool
		source    Source
	}{
		{"expired acceptance counts as open", "a@x", nil, false, "accepted", true, true, false, FromRegister},
		{"acceptance valid through its expiry day", "b@x", nil, false, "accepted", false, false, false, FromRegister},
		{"overdue mitigation", "c@x", nil, false, "mitigating", true, false, true, FromRegister},
		{"matched through an alias", "new-rule@x", []string{"legacy-rule@x"}, false, "false-positive", false, false, false, FromRegister},
		{"no entry, control in place", "d@x", nil, true, "mitigated", false, false, false, FromControls},
		{"no entry, nothing in place", "e@x", nil, false, "open", true, false, false, FromDefault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := r.Resolve(tt.id, tt.aliases, tt.byControl)
			if s.Status != tt.status || s.Open() != tt.open || s.Expired != tt.expired || s.Overdue != tt.overdue || s.Source != tt.source {
				t.Errorf("got %+v (open %v)", s, s.Open())
			}
		})
	}
	unused := r.Unused(list)
	if len(unused) != 1 || unused[0].Threat != "orphan@x" {
		t.Errorf("unused entries: %v", unused)
	}
}
