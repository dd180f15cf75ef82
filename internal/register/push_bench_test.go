package register_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// BenchmarkPush stores model versions of a system with 4,600 threats (what
// the built-in rules find in a 1,000-component model): the first push, then
// one where a tenth of the threats changed, on each engine.
//
//	go test -run '^$' -bench Push -benchtime 5x ./internal/register/
func BenchmarkPush(b *testing.B) {
	const threats = 4600
	version := func(shift int) *analysis.Result {
		fs := make([]analysis.Finding, threats)
		for i := range fs {
			l := 1 + (i+shift*(i%10/9))%5 // a tenth of them move with shift
			fs[i] = finding(fmt.Sprintf("rule-%02d@component-%04d", i%60, i), l, 1+i%5)
		}
		return result(fs...)
	}
	v1, v2 := version(0), version(1)
	for _, eng := range storetest.Engines {
		b.Run(eng.Name, func(b *testing.B) {
			var first, second time.Duration
			c0 := cpu()
			for range b.N {
				st := eng.Open(b, store.Options{})
				svc := register.New(st)
				ctx := context.Background()
				t0 := time.Now()
				if _, err := svc.PushVersion(ctx, dev, register.Push{Source: []byte("v1"), Result: v1}); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				p, err := svc.PushVersion(ctx, dev, register.Push{Source: []byte("v2"), Result: v2})
				if err != nil {
					b.Fatal(err)
				}
				first, second = first+t1.Sub(t0), second+time.Since(t1)
				if p.Version.Changed == 0 || p.Version.Changed > threats/5 {
					b.Fatalf("second push changed %d threats", p.Version.Changed)
				}
				_ = st.Close(ctx)
			}
			b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first-push-ms")
			b.ReportMetric(float64(second.Milliseconds())/float64(b.N), "second-push-ms")
			b.ReportMetric(float64((cpu()-c0).Milliseconds())/float64(b.N), "cpu-ms/both")
		})
	}
}
