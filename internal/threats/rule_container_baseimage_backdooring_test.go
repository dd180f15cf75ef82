package threats

import "testing"

func TestContainerBaseImageBackdooring(t *testing.T) {
	const head = "rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n"
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"containerised service", "  - {id: api, type: api, hosting: container}\n", []string{"container-baseimage-backdooring@api"}, ""},
		{"virtual machine", "  - {id: api, type: api, hosting: cloud-iaas}\n", nil, ""},
		{"out of scope container", "  - {id: api, type: api, hosting: container, out_of_scope: true}\n", nil, ""},
		{"image scanning in place", "  - {id: api, type: api, hosting: container, controls: [image-scanning]}\n", []string{"container-baseimage-backdooring@api"}, "image-scanning"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, "container-baseimage-backdooring", head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, "container-baseimage-backdooring", head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
}
