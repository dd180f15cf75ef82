package web

import (
	"strings"
	"testing"
)

// TestSanitizeSVG checks a drawing keeps only shapes, text and their
// presentation attributes, and gains links only where asked.
func TestSanitizeSVG(t *testing.T) {
	in := `<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100pt" viewBox="0 0 100 50" onload="alert(1)">
<script>alert(2)</script>
<style>* { fill: red }</style>
<g id="c-web" class="node"><title>web</title>
<a xlink:href="javascript:alert(3)" xlink:title="web &lt;tip&gt;"><polygon fill="#fee2e2" stroke="#b91c1c" points="0,0 1,1" style="fill:url(https://evil.example/x)"/>
<text x="1" y="2" font-size="11">Web &amp; app</text></a></g>
<g id="c-lonely" class="node"><ellipse cx="1" cy="1" rx="2" ry="2" fill="url(#g)"/></g>
<g id="f-a-b" class="edge"><path d="M0,0L1,1" stroke="#4b5563"/></g>
<g id="fl-a-b" class="node"><text x="1" y="1">HTTPS</text></g>
<g id="fh-a-b" class="edge"><path d="M1,1L2,2" stroke="#4b5563"/></g>
<foreignObject><div>html</div></foreignObject>
<image href="https://evil.example/pixel.png"/>
</svg>`
	got, err := sanitizeSVG(strings.NewReader(in), func(id string) string {
		if id == "lonely" {
			return ""
		}
		return "#el-" + id
	})
	if err != nil {
		t.Fatal(err)
	}
	out := string(got)
	for _, bad := range []string{"script", "alert", "onload", "style", "javascript", "evil.example", "foreignObject", "<div", "image",
		"xlink", "url(", "width="} {
		if strings.Contains(out, bad) {
			t.Errorf("sanitised SVG keeps %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{`<a href="#el-web"><g id="c-web" class="node">`, `</g></a>`, `<a href="#el-a-b"><g id="f-a-b"`,
		`<a href="#el-a-b"><g id="fl-a-b"`, `<a href="#el-a-b"><g id="fh-a-b"`,
		`<g id="c-lonely" class="node"><ellipse cx="1" cy="1" rx="2" ry="2"></ellipse></g>`, `>Web &amp; app</text>`,
		`<polygon fill="#fee2e2" stroke="#b91c1c" points="0,0 1,1"></polygon>`, `viewBox="0 0 100 50"`, `role="group"`} {
		if !strings.Contains(out, want) {
			t.Errorf("sanitised SVG lacks %q:\n%s", want, out)
		}
	}
	if _, err := sanitizeSVG(strings.NewReader(`<svg><g></svg>`), func(string) string { return "" }); err == nil {
		t.Error("malformed SVG accepted")
	}
}
