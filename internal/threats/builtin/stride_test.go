package builtin

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func TestStrideMatrixWithRules(t *testing.T) {
	m := loadModel(t, "test.yaml", `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: restricted}
components:
  - {id: api, type: api}
  - {id: db, type: database, stores: [pii]}
flows:
  - {id: q, from: api, to: db, protocol: jdbc, data_sent: [pii], controls: [tls]}
`)
	r1, ok1 := Lookup("unencrypted-communication")
	r2, ok2 := Lookup("unencrypted-asset")
	if !ok1 || !ok2 {
		t.Fatal("rules renamed: unencrypted-communication or unencrypted-asset not registered")
	}
	states := map[string]string{}
	for _, c := range threats.StrideMatrix(m, threats.Identify(m, []threats.Rule{r1, r2})) {
		states[c.Element+"/"+string(c.Category)] = c.State
	}
	for key, want := range map[string]string{
		"q/information-disclosure":  threats.StrideMitigated, // unencrypted-communication, TLS control in place
		"db/information-disclosure": threats.StrideOpen,      // unencrypted-asset, nothing in place
		"db/tampering":              threats.StrideNoThreat,
		"api/spoofing":              threats.StrideNoThreat,
	} {
		if states[key] != want {
			t.Errorf("%s: state %q, want %q", key, states[key], want)
		}
	}
}

func BenchmarkStrideMatrix(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n")
	const n = 2000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "  - {id: c%d, type: service}\n", i)
	}
	sb.WriteString("flows:\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&sb, "  - {id: f%d, from: c%d, to: c%d, protocol: http, authentication: password}\n", i, i-1, i)
	}
	m, _, err := model.LoadBytes(b.Context(), "bench.yaml", []byte(sb.String()), model.Options{})
	if err != nil {
		b.Fatal(err)
	}
	found := threats.Identify(m, Rules())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		threats.StrideMatrix(m, found)
	}
}
