// Package threagiletool runs the real Threagile CLI for tests: it builds it
// once from the source beside the repository (shared/anchors, with its
// build script, which caches the binary) and analyses models with it, so
// that tests can check that Threagile accepts Rampart's exports and compare
// Threagile's risks with Rampart's threats. Outside CI (CI unset) a missing
// toolchain or source skips the test; under CI=true it fails it.
package threagiletool

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/testfixtures"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// Binary returns the path of the Threagile CLI, building it on first use
// (about a minute; the build script caches it under the user's cache
// directory). THREAGILE, when set, names a binary to use instead.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("THREAGILE"); p != "" {
		return p
	}
	fixtures := testfixtures.Path(t, ".")
	script := filepath.Join(filepath.Dir(filepath.Clean(fixtures)), "anchors", "build-threagile.sh")
	buildOnce.Do(func() {
		if _, err := os.Stat(script); err != nil {
			buildErr = fmt.Errorf("threagile build script: %w", err)
			return
		}
		cmd := exec.Command("bash", script)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			buildErr = fmt.Errorf("build threagile: %w\n%s", err, errb.String())
			return
		}
		binary = strings.TrimSpace(out.String())
	})
	if buildErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the Threagile CLI is required in CI: %v", buildErr)
		}
		t.Skipf("the Threagile CLI cannot be built here: %v", buildErr)
	}
	return binary
}

// Risk is one risk of Threagile's risks.json.
type Risk struct {
	Category                  string   `json:"category"`
	SyntheticID               string   `json:"synthetic_id"`
	Title                     string   `json:"title"`
	TechnicalAsset            string   `json:"most_relevant_technical_asset"`
	Link                      string   `json:"most_relevant_communication_link"`
	Boundary                  string   `json:"most_relevant_trust_boundary"`
	SharedRuntime             string   `json:"most_relevant_shared_runtime"`
	DataAsset                 string   `json:"most_relevant_data_asset"`
	DataBreachTechnicalAssets []string `json:"data_breach_technical_assets"`
}

// Result is what one Threagile run produced.
type Result struct {
	// Risks are the risks Threagile raised (risks.json).
	Risks []Risk
	// CPU is the user and system CPU time the run took.
	CPU time.Duration
	// Output is Threagile's standard output and error.
	Output string
}

// Analyze runs `threagile analyze-model` on a model with every report but
// risks.json switched off. An error means Threagile refused the model
// (non-zero exit, or no risks.json written); it carries Threagile's output.
func Analyze(ctx context.Context, t testing.TB, modelYAML []byte) (Result, error) {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "threagile.yaml")
	if err := os.WriteFile(in, modelYAML, 0o644); err != nil {
		return Result{}, err
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		return Result{}, err
	}
	cmd := exec.CommandContext(ctx, bin, "analyze-model", "--model", in, "--output", out, "--temp-dir", out,
		"--skip-report-pdf", "--skip-report-adoc", "--skip-data-flow-diagram", "--skip-data-asset-diagram",
		"--skip-risks-excel", "--skip-tags-excel")
	cmd.Dir = dir
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	res := Result{Output: buf.String()}
	if ps := cmd.ProcessState; ps != nil {
		res.CPU = ps.UserTime() + ps.SystemTime()
	}
	if err != nil {
		return res, fmt.Errorf("threagile refused the model: %w\n%s", err, res.Output)
	}
	data, err := os.ReadFile(filepath.Join(out, "risks.json"))
	if err != nil {
		return res, fmt.Errorf("threagile wrote no risks.json: %w\n%s", err, res.Output)
	}
	if err := json.Unmarshal(data, &res.Risks); err != nil {
		return res, fmt.Errorf("threagile's risks.json: %w", err)
	}
	return res, nil
}
