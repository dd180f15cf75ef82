package builtin_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/threatdragon"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// TestThreatDragonLINDDUNDiagram imports a Threat Dragon LINDDUN diagram,
// which models people, processes and stores but no data, and checks that
// analysis raises LINDDUN privacy threats on it, and none when the same
// diagram is a STRIDE one.
func TestThreatDragonLINDDUNDiagram(t *testing.T) {
	diagram := func(kind string) string {
		return `{"version": "2.6.0", "summary": {"title": "Clinic"}, "detail": {"diagrams": [{"id": 1, "title": "Patients", "diagramType": "` + kind + `", "cells": [
  {"id": "a", "shape": "actor", "position": {"x": 0, "y": 0}, "size": {"width": 100, "height": 50}, "data": {"type": "tm.Actor", "name": "Patient"}},
  {"id": "p", "shape": "process", "position": {"x": 300, "y": 0}, "size": {"width": 100, "height": 100}, "data": {"type": "tm.Process", "name": "Booking service"}},
  {"id": "s", "shape": "store", "position": {"x": 600, "y": 0}, "size": {"width": 100, "height": 50}, "data": {"type": "tm.Store", "name": "Appointments"}},
  {"id": "r", "shape": "process", "position": {"x": 600, "y": 300}, "size": {"width": 100, "height": 100}, "data": {"type": "tm.Process", "name": "Reminder job"}},
  {"id": "f1", "shape": "flow", "source": {"cell": "a"}, "target": {"cell": "p"}, "data": {"type": "tm.Flow", "name": "Book"}},
  {"id": "f2", "shape": "flow", "source": {"cell": "p"}, "target": {"cell": "s"}, "data": {"type": "tm.Flow", "name": "Save"}},
  {"id": "f3", "shape": "flow", "source": {"cell": "r"}, "target": {"cell": "s"}, "data": {"type": "tm.Flow", "name": "Mark sent"}}]}]}}`
	}
	analyse := func(kind string) []threats.Threat {
		m, ps, err := threatdragon.Import(context.Background(), "clinic.json", []byte(diagram(kind)), formats.Options{})
		if err != nil || len(ps.Errors()) > 0 {
			t.Fatalf("import: %v %v", err, ps.Errors())
		}
		if errs := model.Validate(m, model.Options{}).Errors(); len(errs) > 0 {
			t.Fatalf("imported model is invalid: %v", errs)
		}
		return threats.Identify(m, builtin.Rules())
	}
	var privacy []string
	for _, th := range analyse("LINDDUN") {
		if len(th.LINDDUN) > 0 {
			privacy = append(privacy, th.ID)
			if th.Category != "privacy" {
				t.Errorf("%s: category %q", th.ID, th.Category)
			}
		}
	}
	if len(privacy) == 0 {
		t.Fatal("no LINDDUN threats on a LINDDUN diagram")
	}
	for _, rule := range []string{"linddun-unaware-collection", "linddun-linkable-records"} {
		if !slices.ContainsFunc(privacy, func(id string) bool { return strings.HasPrefix(id, rule+"@") }) {
			t.Errorf("no %s threat among %v", rule, privacy)
		}
	}
	for _, th := range analyse("STRIDE") {
		if len(th.LINDDUN) > 0 {
			t.Errorf("LINDDUN threat %s on a STRIDE diagram without personal data", th.ID)
		}
	}
}
