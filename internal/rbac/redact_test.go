package rbac

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

func classification(s string) model.Classification { return model.Classification(s) }

func TestRedactorMasksNamesAndFreeText(t *testing.T) {
	r, err := NewRedactor()
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{
		"threat": "missing-authentication@web",
		"status": "accepted",
		"owner":  "alice",
		"acceptance": map[string]any{
			"requested_by":  "alice",
			"decided_by":    "jane.doe",
			"justification": "the VPN is the only way in; Alice's team will add MFA in Q3",
			"expires":       "2027-06-30",
		},
		"comments": []any{map[string]any{"author": "bob", "body": "call me on 0123"}},
	}
	out, err := r.Value(in)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(out)
	s := string(raw)
	for _, leaked := range []string{"alice", "Alice", "jane.doe", "bob", "VPN", "0123"} {
		if strings.Contains(s, leaked) {
			t.Errorf("redacted export still contains %q: %s", leaked, s)
		}
	}
	for _, kept := range []string{"missing-authentication@web", "accepted", "2027-06-30", Redacted} {
		if !strings.Contains(s, kept) {
			t.Errorf("redacted export lost %q: %s", kept, s)
		}
	}
	m := out.(map[string]any)
	acc := m["acceptance"].(map[string]any)
	if m["owner"] != acc["requested_by"] {
		t.Errorf("the same name got two pseudonyms: %v vs %v", m["owner"], acc["requested_by"])
	}
	if m["owner"] == acc["decided_by"] {
		t.Error("two names got one pseudonym")
	}
	// The input is left alone.
	if in["owner"] != "alice" {
		t.Error("Value changed its input")
	}
}

func TestRedactorsDoNotShareKeys(t *testing.T) {
	a, _ := NewRedactor()
	b, _ := NewRedactor()
	if a.Pseudonym("alice") == b.Pseudonym("alice") {
		t.Error("two exports give the same pseudonym: they could be joined")
	}
	if a.Pseudonym("") != "" {
		t.Error("an empty name got a pseudonym")
	}
}

func TestRedactJSONLine(t *testing.T) {
	r, _ := NewRedactor()
	out, err := r.JSON([]byte(`{"seq":3,"actor":"carol","action":"acceptance.approve","data":{"reason":"fine by me"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "carol") || strings.Contains(string(out), "fine by me") || !strings.Contains(string(out), `"seq":3`) {
		t.Errorf("redacted line: %s", out)
	}
	if _, err := r.JSON([]byte(`{"broken`)); err == nil {
		t.Error("malformed JSON redacted without an error")
	}
}
