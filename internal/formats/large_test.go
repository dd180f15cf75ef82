package formats_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats"
)

// largeFile writes a file of one format with n elements: Threat Dragon
// processes spread over 100 trust boundary boxes, OTM components in one
// trust zone, Threat Composer threats naming 100 impacted assets.
func largeFile(format string, n int) []byte {
	var b strings.Builder
	switch format {
	case "threat-dragon":
		b.WriteString(`{"version":"2.3.0","summary":{"title":"large"},"detail":{"diagrams":[{"id":0,"title":"d","diagramType":"STRIDE","cells":[`)
		for i := range 100 {
			fmt.Fprintf(&b, `{"id":"b%d","shape":"trust-boundary-box","position":{"x":%d,"y":0},"size":{"width":1000,"height":%d},"data":{"type":"tm.BoundaryBox","name":"B%d"}},`,
				i, i*1000, n*2, i)
		}
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":"%08d-0000-4000-8000-000000000000","shape":"process","position":{"x":%d,"y":%d},"size":{"width":100,"height":100},"data":{"type":"tm.Process","name":"P%d"}}`,
				i, (i%100)*1000+10, i/100*120, i)
		}
		b.WriteString(`]}]}}`)
	case "otm":
		b.WriteString(`{"otmVersion":"0.2.0","project":{"name":"large","id":"large"},"trustZones":[{"id":"z","name":"Z","risk":{"trustRating":10}}],"components":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":"c%d","name":"C%d","type":"web-service","parent":{"trustZone":"z"}}`, i, i)
		}
		b.WriteString(`]}`)
	case "threat-composer":
		b.WriteString(`{"schema":1,"applicationInfo":{"name":"large"},"threats":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":"%08d-0000-4000-8000-000000000000","numericId":%d,"displayOrder":%d,"threatSource":"actor","threatAction":"do thing %d","impactedAssets":["asset %d"],"statement":"An actor can do thing %d","status":"threatIdentified"}`,
				i, i+1, i+1, i, i%100, i)
		}
		b.WriteString(`],"mitigations":[],"assumptions":[],"mitigationLinks":[],"assumptionLinks":[]}`)
	}
	return []byte(b.String())
}

// BenchmarkImportLarge imports files of 100,000 elements of each format
// (and 25,000, to show how cost grows).
func BenchmarkImportLarge(b *testing.B) {
	for _, format := range []string{"threat-dragon", "otm", "threat-composer"} {
		for _, n := range []int{25000, 100000} {
			f, err := formats.Lookup(format)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/%d", format, n), func(b *testing.B) {
				data := largeFile(format, n)
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					m, ps, err := f.Import(context.Background(), "large.json", data, formats.Options{})
					if err != nil || len(ps.Errors()) > 0 || m == nil {
						b.Fatal(err, ps.Errors())
					}
				}
			})
		}
	}
}

// TestLargeThreatDragonMembership checks that trust boundary membership is
// found for every process of a large diagram (it compares each cell with
// the boxes, not with every other cell).
func TestLargeThreatDragonMembership(t *testing.T) {
	f, err := formats.Lookup("threat-dragon")
	if err != nil {
		t.Fatal(err)
	}
	m, ps, err := f.Import(context.Background(), "large.json", largeFile("threat-dragon", 5000), formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatal(err, ps.Errors())
	}
	ix := m.Index()
	for _, c := range m.Components {
		if ix.Parent[c.ID] == "" {
			t.Fatalf("%s is in no trust boundary", c.ID)
		}
	}
}
