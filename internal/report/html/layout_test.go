package html

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rampart-sec/rampart/internal/model"
)

// TestLayoutWidths opens the report in Chromium at a phone's width (390 px)
// and a desktop's (1440 px) and checks that nothing is cut off or broken
// into a column of single letters. With RAMPART_SCREENSHOTS=DIR it also
// saves what it saw as DIR/report-390.png and DIR/report-1440.png.
func TestLayoutWidths(t *testing.T) {
	exe := chromium(t)
	r := analyse(t, example)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, []byte(render(t, r)), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.DisableGPU, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	for _, width := range []int64{390, 1440} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			type metrics struct {
				DocWidth   float64 `json:"docWidth"`
				HeatRight  float64 `json:"heatRight"`
				HeatScroll bool    `json:"heatScroll"`
				IDPerLine  float64 `json:"idPerLine"`
				IDText     string  `json:"idText"`
				Wide       string  `json:"wide"`
			}
			var vopts []chromedp.EmulateViewportOption
			if width < 600 {
				vopts = append(vopts, chromedp.EmulateMobile)
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844, vopts...),
				chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.ID("register-table"))); err != nil {
				t.Fatal(err)
			}
			m, err := chromedp.Run(ctx, chromedp.Evaluate[metrics](strings.ReplaceAll(`(() => {
					const heat = document.querySelector("table.heat");
					const box = heat.getBoundingClientRect();
					const wrap = heat.closest(".scroll");
					// The id drawn on the most lines: an id broken a letter or
					// two per line takes many.
					let fewest = 1e9, text = "";
					for (const c of document.querySelectorAll("#register-table td:first-child a, ul.inst code, code.tid")) {
						const lines = c.getClientRects().length;
						const perLine = c.textContent.length / Math.max(1, lines);
						if (lines > 1 && perLine < fewest) { fewest = perLine; text = c.textContent; }
					}
					let wide = "";
					for (const e of document.querySelectorAll("body *")) {
						const r = e.getBoundingClientRect();
						if (r.right > WIDTH + 1 && !e.closest(".scroll, .dfd-frame")) {
							wide += e.tagName + "." + e.className + "#" + (e.id || "") + " right " + Math.round(r.right) + "; ";
							if (wide.length > 300) { break; }
						}
					}
					return {docWidth: document.documentElement.scrollWidth,
						heatRight: wrap ? Math.min(box.right, wrap.getBoundingClientRect().right) : box.right,
						heatScroll: !!wrap && wrap.scrollWidth > wrap.clientWidth,
						idPerLine: fewest, idText: text, wide: wide};
				})()`, "WIDTH", fmt.Sprint(width))))
			if err != nil {
				t.Fatal(err)
			}
			if m.DocWidth > float64(width)+1 {
				t.Errorf("the page is %.0f px wide in a %d px window: something is cut off (%s)", m.DocWidth, width, m.Wide)
			}
			if m.HeatRight > float64(width)+1 {
				t.Errorf("the heatmap ends at %.0f px in a %d px window", m.HeatRight, width)
			}
			if m.IDPerLine < 8 {
				t.Errorf("id %q is broken into lines of %.1f characters", m.IDText, m.IDPerLine)
			}
			if dir := os.Getenv("RAMPART_SCREENSHOTS"); dir != "" {
				// The phone shot shows the heatmap, the desktop shot the top.
				if width < 600 {
					if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("heatmap").scrollIntoView()`)); err != nil {
						t.Fatal(err)
					}
				}
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("report-%d.png", width)), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestHeatmapFiltersAndAddress selects a heatmap cell and expects the
// register to show exactly that cell's open threats, with the filter in the
// address; opening an address with filters in it applies them.
func TestHeatmapFiltersAndAddress(t *testing.T) {
	exe := chromium(t)
	r := analyse(t, example)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, []byte(render(t, r)), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.DisableGPU, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	// The busiest cell, worked out from the result, not from the page.
	var best [2]int
	for l := 1; l <= 5; l++ {
		for i := 1; i <= 5; i++ {
			if r.Summary.Heatmap[l-1][i-1] > r.Summary.Heatmap[best[0]][best[1]] {
				best = [2]int{l - 1, i - 1}
			}
		}
	}
	want := r.Summary.Heatmap[best[0]][best[1]]
	key := fmt.Sprintf("%d-%d", best[0]+1, best[1]+1)
	visible := `Array.from(document.querySelectorAll("#register-table tbody tr")).filter(r => !r.hidden).length`

	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.ID("register-table")),
		chromedp.Focus(chromedp.CSS(`table.heat button[data-cell="`+key+`"]`)), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[int](visible))
	if err != nil {
		t.Fatal(err)
	}
	if shown != want {
		t.Errorf("cell %s shows %d rows, want its %d open threats", key, shown, want)
	}
	search, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
	if err != nil {
		t.Fatal(err)
	}
	if search != "?cell="+key {
		t.Errorf("address query after selecting cell %s is %q", key, search)
	}

	// The highest severity the example has: the filter must show exactly its breaches.
	sev := model.Severity("critical")
	if r.Summary.BySeverity[sev] == 0 {
		sev = "high"
	}
	critical := r.Summary.BySeverity[sev]
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path+"?sev="+string(sev)+"&breach=1"), chromedp.WaitVisible(chromedp.ID("register-table"))); err != nil {
		t.Fatal(err)
	}
	shown, err = chromedp.Run(ctx, chromedp.Evaluate[int](visible))
	if err != nil {
		t.Fatal(err)
	}
	breachingCritical := 0
	for _, f := range r.Findings {
		if f.Residual.Severity == sev && f.Breach {
			breachingCritical++
		}
	}
	if critical == 0 || shown != breachingCritical {
		t.Errorf("?sev=%s&breach=1 shows %d rows, want %d (of %d %s)", sev, shown, breachingCritical, critical, sev)
	}
	sel, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-sev").value + "," + document.getElementById("f-breach").checked`))
	if err != nil {
		t.Fatal(err)
	}
	if sel != string(sev)+",true" {
		t.Errorf("the filter controls show %q after loading the address", sel)
	}
}
