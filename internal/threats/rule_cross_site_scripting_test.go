package threats

import "testing"

func TestCrossSiteScripting(t *testing.T) {
	const head = "rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n"
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"web application", "  - {id: web, type: web-application}\n", []string{"cross-site-scripting@web"}, ""},
		{"CMS by technology", "  - {id: cms, type: process, technology: cms}\n", []string{"cross-site-scripting@cms"}, ""},
		{"backend API", "  - {id: api, type: api}\n", nil, ""},
		{"out of scope web application", "  - {id: web, type: web-application, out_of_scope: true}\n", nil, ""},
		{"output encoding in place", "  - {id: web, type: web-application, controls: [output-encoding]}\n", []string{"cross-site-scripting@web"}, "output-encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, "cross-site-scripting", head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, "cross-site-scripting", head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
}
