package threats

import "testing"

func TestMissingCloudHardening(t *testing.T) {
	const rule = "missing-cloud-hardening"
	const head = "rampart: 1\nsystem: {id: s, name: S}\n"
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"cloud account boundary",
			"trust_boundaries:\n  - {id: acct, type: cloud-account, contains: [api]}\ncomponents:\n  - {id: api, type: api}\n",
			[]string{rule + "@acct"}, ""},
		{"boundary tagged with a provider and a service-tagged component",
			"trust_boundaries:\n  - {id: net, type: network-segment, tags: [aws], contains: [web, files]}\ncomponents:\n  - {id: web, type: web-server, tags: [aws:ec2]}\n  - {id: files, type: file-storage}\n",
			[]string{rule + "@net", rule + "@web"}, ""},
		{"provider tag without a boundary",
			"components:\n  - {id: a, type: api, tags: [azure]}\n  - {id: b, type: api, tags: [azure]}\n",
			[]string{rule + "@a"}, ""},
		{"cloud hosting outside any boundary",
			"components:\n  - {id: fn, type: serverless-function, hosting: serverless}\n",
			[]string{rule + "@fn"}, ""},
		{"on-premises only",
			"trust_boundaries:\n  - {id: dc, type: network-on-premises, contains: [api]}\ncomponents:\n  - {id: api, type: api, hosting: on-premises}\n",
			nil, ""},
		{"empty cloud boundary",
			"trust_boundaries:\n  - {id: acct, type: cloud-account}\ncomponents:\n  - {id: api, type: api}\n",
			nil, ""},
		{"cloud hardening in place",
			"components:\n  - {id: bucket, type: object-storage, tags: [aws:s3], controls: [cloud-hardening]}\n",
			[]string{rule + "@bucket"}, "cloud-hardening"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, rule, head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, rule, head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, rule, head+tests[1].model, rule+"@web", "'web'", "aws:ec2")
}
