package threats

import "testing"

func TestCrossSiteRequestForgery(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: user, type: browser, human_use: true}
`
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"browser to web application", "  - {id: web, type: web-application}\nflows:\n  - {id: f, from: user, to: web, protocol: https}\n",
			[]string{"cross-site-request-forgery@f"}, ""},
		{"ERP by technology", "  - {id: erp, type: service, technology: erp}\nflows:\n  - {id: f, from: user, to: erp, protocol: http}\n",
			[]string{"cross-site-request-forgery@f"}, ""},
		{"non-web protocol", "  - {id: web, type: web-application}\nflows:\n  - {id: f, from: user, to: web, protocol: ssh}\n", nil, ""},
		{"not a web application", "  - {id: db, type: database}\nflows:\n  - {id: f, from: user, to: db, protocol: https}\n", nil, ""},
		{"anti-CSRF tokens in place", "  - {id: web, type: web-application, controls: [csrf-token]}\nflows:\n  - {id: f, from: user, to: web, protocol: https}\n",
			[]string{"cross-site-request-forgery@f"}, "csrf-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, "cross-site-request-forgery", head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, "cross-site-request-forgery", head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, "cross-site-request-forgery", head+tests[0].model, "cross-site-request-forgery@f", "'web'", "'user'")
}
