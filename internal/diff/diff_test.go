package diff

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
)

func analyse(t *testing.T, name string, src []byte) *analysis.Result {
	t.Helper()
	m, problems, err := model.LoadBytes(t.Context(), name, src, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs)
	}
	return analysis.Analyze(m, analysis.Options{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
}

func TestCompareFindsElementFlowAndThreatChanges(t *testing.T) {
	src, err := os.ReadFile("../../examples/online-shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	before := analyse(t, "before.yaml", src)
	// The new version adds an internet-facing store of orders and drops a
	// data asset's owner.
	edited := strings.Replace(string(src), "components:\n", `components:
  - id: legacy-ftp
    name: Legacy FTP drop
    type: datastore
    internet_facing: true
    stores: [orders]
`, 1)
	edited = strings.Replace(edited, "    owner: payments-provider\n", "", 1)
	after := analyse(t, "after.yaml", []byte(edited))

	r := Compare(before, after)
	want := map[string]Kind{"component/legacy-ftp": Added, "data/card-data": Changed}
	got := map[string]Kind{}
	for _, e := range r.Elements {
		got[e.Type+"/"+e.ID] = e.Change
		if e.ID == "card-data" && (len(e.Fields) != 1 || e.Fields[0] != "owner") {
			t.Errorf("card-data changed fields = %v, want [owner]", e.Fields)
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("element %s: %q, want %q (all: %v)", k, got[k], v, r.Elements)
		}
	}
	if len(got) != len(want) {
		t.Errorf("elements %v, want only %v", got, want)
	}
	added := 0
	for _, th := range r.Threats {
		if th.Change == Added {
			added++
			// A new threat is about the new component, or about the orders
			// it now also stores (one more copy of personal data).
			if !strings.Contains(th.ID, "legacy-ftp") && !strings.HasSuffix(th.ID, "@orders") {
				t.Errorf("new threat %s is not about the new component or the data it stores", th.ID)
			}
			if th.After.Severity == "" || th.Before.Severity != "" {
				t.Errorf("new threat %s scores before=%v after=%v", th.ID, th.Before, th.After)
			}
		}
	}
	if added == 0 {
		t.Error("a new internet-facing file server raised no new threat")
	}

	// Reversed, the same threats are gone and the component removed.
	back := Compare(after, before)
	gone := 0
	for _, th := range back.Threats {
		if th.Change == Removed {
			gone++
		}
	}
	if gone != added {
		t.Errorf("reverse diff: %d gone, want %d", gone, added)
	}
	if r := Compare(before, before); !r.Empty() {
		t.Errorf("a model compared with itself: %+v", r)
	}
}
