package threats

import "testing"

func TestMissingFileValidation(t *testing.T) {
	const rule = "missing-file-validation"
	const head = "rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n"
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"custom upload handler", "  - {id: web, type: web-application, custom_code: true, data_formats: [json, file]}\n", []string{rule + "@web"}, ""},
		{"product accepting files", "  - {id: web, type: web-application, data_formats: [file]}\n", nil, ""},
		{"custom code without files", "  - {id: web, type: web-application, custom_code: true, data_formats: [json]}\n", nil, ""},
		{"upload validation in place", "  - {id: web, type: web-application, custom_code: true, data_formats: [file], controls: [upload-validation]}\n",
			[]string{rule + "@web"}, "upload-validation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, rule, head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, rule, head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
}
