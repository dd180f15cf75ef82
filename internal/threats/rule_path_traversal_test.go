package threats

import "testing"

func TestPathTraversal(t *testing.T) {
	const rule = "path-traversal"
	const head = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: app, type: service}
  - {id: ext, type: browser, out_of_scope: true}
`
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"service reads a file server", "  - {id: nfs, type: file-storage}\nflows:\n  - {id: f, from: app, to: nfs, protocol: nfs}\n", []string{rule + "@f"}, ""},
		{"file server by technology", "  - {id: nfs, type: datastore, technology: file-server}\nflows:\n  - {id: f, from: app, to: nfs, protocol: smb}\n", []string{rule + "@f"}, ""},
		{"out of scope caller", "  - {id: nfs, type: file-storage}\nflows:\n  - {id: f, from: ext, to: nfs, protocol: nfs}\n", nil, ""},
		{"database", "  - {id: db, type: database}\nflows:\n  - {id: f, from: app, to: db, protocol: jdbc}\n", nil, ""},
		{"input validation in place", "  - {id: nfs, type: file-storage}\nflows:\n  - {id: f, from: app, to: nfs, protocol: nfs, controls: [input-validation]}\n",
			[]string{rule + "@f"}, "input-validation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, rule, head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, rule, head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, rule, head+tests[0].model, rule+"@f", "'app'", "'nfs'")
}
