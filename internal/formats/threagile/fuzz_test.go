package threagile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// FuzzImport feeds arbitrary bytes to the importer: it must never panic,
// every error must carry a position, and a file imported without errors
// must give a model that writes and loads back without errors.
func FuzzImport(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte(""))
	f.Add([]byte("threagile_version: 1.0.0\ntitle: x\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("data_assets: {X: {<<: {id: x}}}\ntechnical_assets: {}\n"))
	f.Add([]byte(base + "risk_tracking:\n  missing-authentication@*@*@*: {status: mitigated}\n"))
	if dir, err := fixtureDirIfPresent(); err == nil {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, problems, err := Import(context.Background(), "fuzz.yaml", data, formats.Options{})
		if err != nil {
			t.Fatalf("error without a cancelled context: %v", err)
		}
		errs := problems.Errors()
		for _, p := range errs {
			if p.Pos.File != "fuzz.yaml" || p.Pos.Line < 1 {
				t.Fatalf("error without a position: %s", p)
			}
		}
		if len(errs) > 0 || m == nil {
			return
		}
		out, err := model.Marshal(m)
		if err != nil {
			t.Fatalf("imported model does not write: %v", err)
		}
		_, back, err := model.LoadBytes(context.Background(), "fuzz.rampart.yaml", out, model.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if e := back.Errors(); len(e) > 0 {
			t.Fatalf("imported model does not load back: %v\n%s", e, out)
		}
		if _, _, err := Export(context.Background(), m, threats.Identify(m, builtin.Rules())); err != nil {
			t.Fatalf("imported model does not export: %v", err)
		}
	})
}

// fixtureDirIfPresent locates the shared Threagile fixtures without skipping.
func fixtureDirIfPresent() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			fx := filepath.Join(dir, "..", "shared", "fixtures", "threagile")
			_, err := os.Stat(fx)
			return fx, err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// generate writes a Threagile model with n technical assets: a chain of
// links, data on every asset, a boundary per hundred assets and some
// risk tracking.
func generate(n int) []byte {
	var b strings.Builder
	b.WriteString("threagile_version: 1.0.0\ntitle: Generated\nbusiness_criticality: important\ndata_assets:\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "  Data %d:\n    id: data-%d\n    description: data %d\n    usage: business\n    quantity: many\n    confidentiality: %s\n    integrity: critical\n    availability: important\n",
			i, i, i, []string{"public", "internal", "restricted", "confidential", "strictly-confidential"}[i%5])
	}
	b.WriteString("technical_assets:\n")
	techs := []string{"web-application", "database", "web-service-rest", "file-server", "application-server"}
	for i := 0; i < n; i++ {
		typ := "process"
		if i%5 == 1 || i%5 == 3 {
			typ = "datastore"
		}
		fmt.Fprintf(&b, "  Asset %d:\n    id: asset-%d\n    description: asset %d\n    type: %s\n    usage: business\n    used_as_client_by_human: false\n    out_of_scope: false\n    size: component\n    technology: %s\n    tags: []\n    internet: %v\n    machine: container\n    encryption: none\n    owner: team\n    confidentiality: internal\n    integrity: operational\n    availability: operational\n    multi_tenant: false\n    redundant: false\n    custom_developed_parts: true\n    data_assets_processed: [data-%d, data-%d]\n    data_assets_stored: [data-%d]\n    data_formats_accepted: [json]\n",
			i, i, i, typ, techs[i%5], i%50 == 0, i%50, (i+7)%50, i%50)
		if i+1 < n {
			fmt.Fprintf(&b, "    communication_links:\n      Call %d:\n        target: asset-%d\n        description: call\n        protocol: https\n        authentication: token\n        authorization: technical-user\n        tags: []\n        vpn: false\n        ip_filtered: false\n        readonly: false\n        usage: business\n        data_assets_sent: [data-%d]\n        data_assets_received: [data-%d]\n",
				i, i+1, i%50, (i+3)%50)
		} else {
			b.WriteString("    communication_links:\n")
		}
	}
	b.WriteString("trust_boundaries:\n")
	for i := 0; i < n; i += 100 {
		fmt.Fprintf(&b, "  Zone %d:\n    id: zone-%d\n    description: zone\n    type: network-cloud-security-group\n    tags: []\n    technical_assets_inside: [", i, i)
		for j := i; j < i+100 && j < n; j++ {
			if j > i {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "asset-%d", j)
		}
		b.WriteString("]\n    trust_boundaries_nested: []\n")
	}
	b.WriteString("shared_runtimes:\n  Cluster:\n    id: cluster\n    description: cluster\n    technical_assets_running: [asset-0, asset-1, asset-2]\n")
	return []byte(b.String())
}

// TestGeneratedImports checks the benchmark's input is a valid model.
func TestGeneratedImports(t *testing.T) {
	m, problems, err := Import(context.Background(), "generated.yaml", generate(300), formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("generated model has problems:\n%s", problemLines(errs))
	}
	if len(m.Components) != 300 || len(m.Flows) != 299 || len(m.TrustBoundaries) != 3 {
		t.Errorf("generated model: %d components, %d flows, %d boundaries", len(m.Components), len(m.Flows), len(m.TrustBoundaries))
	}
}

// BenchmarkImport5000 imports a generated 5,000-asset Threagile model
// (target: under 500 ms per import).
func BenchmarkImport5000(b *testing.B) {
	data := generate(5000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, problems, err := Import(context.Background(), "generated.yaml", data, formats.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if errs := problems.Errors(); len(errs) > 0 {
			b.Fatalf("%d problems, first: %s", len(errs), errs[0])
		}
	}
}

// BenchmarkParseYAML5000 only parses the generated model's YAML into nodes:
// the floor under BenchmarkImport5000.
func BenchmarkParseYAML5000(b *testing.B) {
	data := generate(5000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var n yaml.Node
		if err := yaml.Unmarshal(data, &n); err != nil {
			b.Fatal(err)
		}
	}
}
