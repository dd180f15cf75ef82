package builtin

import (
	"fmt"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// benchRules benchmarks the built-in rules with the given ids on models of
// 1,000 and 10,000 components built by gen, reporting the threats raised.
func benchRules(b *testing.B, ids []string, gen func(n int) *model.Model) {
	rules := lookupRules(b, ids)
	for _, n := range []int{1000, 10000} {
		m := gen(n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var found int
			for b.Loop() {
				found = len(threats.Identify(m, rules))
			}
			if found == 0 {
				b.Fatal("generated model raised no threats")
			}
			b.ReportMetric(float64(found), "threats")
		})
	}
}

// identityBenchModel builds a model with n components of the kinds the parity rules
// look at, spread over trust boundaries and shared runtimes, and 2n flows.
func identityBenchModel(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "gen", Name: "Generated"}}
	m.Data = []model.DataAsset{
		{ID: "acct", Classification: "restricted", Quantity: "many", CIA: model.CIA{Integrity: "critical", Availability: "high"}},
		{ID: "code", Classification: "internal", CIA: model.CIA{Integrity: "critical"}},
		{ID: "news", Classification: "public"},
	}
	boundaryTypes := []model.BoundaryType{"security-group", "cloud-account", "network-on-premises", "execution-environment"}
	nb := max(1, n/50)
	for i := range nb {
		b := model.TrustBoundary{ID: fmt.Sprintf("b%d", i), Type: boundaryTypes[i%len(boundaryTypes)]}
		if i%7 == 0 {
			b.Tags = []string{"aws"}
		}
		m.TrustBoundaries = append(m.TrustBoundaries, b)
	}
	kinds := []struct {
		t    model.ComponentType
		tech string
	}{
		{"browser", ""}, {"load-balancer", ""}, {"web-server", "nginx"}, {"service", "erp"}, {"database", ""},
		{"file-storage", ""}, {"identity-provider", ""}, {"identity-store", "ldap-server"}, {"source-repository", ""},
		{"build-pipeline", ""}, {"container-platform", ""}, {"api", ""}, {"desktop-app", "devops-client"},
	}
	for i := range n {
		k := kinds[i%len(kinds)]
		c := model.Component{ID: fmt.Sprintf("c%d", i), Type: k.t, Technology: k.tech,
			TrustBoundary: fmt.Sprintf("b%d", i%nb), Runtime: fmt.Sprintf("rt%d", i%max(1, n/20))}
		switch c.Type.Kind() {
		case model.KindDataStore:
			c.Stores = []string{"acct", "code", "news"}[:1+i%3]
		case model.KindProcess:
			c.Processes = []string{"acct"}
			c.CustomCode = i%2 == 0
			c.InternetFacing = i%5 == 0
			c.HumanUse = c.Type == "browser" || c.Type == "desktop-app"
			c.MultiTenant = i%6 == 0
			if i%3 == 0 {
				c.Hosting = "container"
				c.DataFormats = []model.DataFormat{"file"}
			}
			if i%11 == 0 {
				c.Tags = []string{"aws:ec2"}
			}
		}
		m.Components = append(m.Components, c)
	}
	protocols := []model.Protocol{"https", "ldaps", "nfs", "jdbc", "http"}
	authz := []model.Authorization{"technical-user", "enduser", "none"}
	for i := range 2 * n {
		from, to := i%n, (i*7+1)%n
		if from == to {
			to = (to + 1) % n
		}
		m.Flows = append(m.Flows, model.Flow{ID: fmt.Sprintf("f%d", i), From: fmt.Sprintf("c%d", from),
			To: fmt.Sprintf("c%d", to), Protocol: protocols[i%len(protocols)], Authentication: "token",
			Authorization: authz[i%len(authz)], DataSent: []string{"acct"}, DataReceived: []string{"code"}})
	}
	return m
}

func BenchmarkIdentityRules(b *testing.B) { benchRules(b, identityRules, identityBenchModel) }

// exposureBenchModel builds a model of n components in n/50 network segments and
// 2n flows, with data of every classification, vaults, pipelines, databases
// and web applications, so that every parity rule has work to do.
func exposureBenchModel(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "bench", Name: "Bench"}}
	for i, c := range []model.Classification{"public", "internal", "confidential", "restricted"} {
		m.Data = append(m.Data, model.DataAsset{ID: fmt.Sprintf("d%d", i), Classification: c})
	}
	segments := max(1, n/50)
	for i := 0; i < segments; i++ {
		m.TrustBoundaries = append(m.TrustBoundaries, model.TrustBoundary{ID: fmt.Sprintf("net%d", i), Type: "network-segment"})
	}
	types := []model.ComponentType{"web-application", "api", "database", "service", "build-pipeline", "vault", "search-index", "user"}
	for i := 0; i < n; i++ {
		c := model.Component{
			ID: fmt.Sprintf("c%d", i), Type: types[i%len(types)], TrustBoundary: fmt.Sprintf("net%d", i%segments),
			Processes: []string{fmt.Sprintf("d%d", i%4)}, Stores: []string{fmt.Sprintf("d%d", (i+1)%4)},
		}
		if i%3 == 0 {
			c.DataFormats = []model.DataFormat{"xml", "serialization"}
		}
		m.Components = append(m.Components, c)
	}
	protocols := []model.Protocol{"http", "https", "jdbc", "ssh", "tcp"}
	for i := 0; i < 2*n; i++ {
		f := model.Flow{
			ID: fmt.Sprintf("f%d", i), From: fmt.Sprintf("c%d", i%n), To: fmt.Sprintf("c%d", (i*7+1)%n),
			Protocol: protocols[i%len(protocols)], DataSent: []string{fmt.Sprintf("d%d", i%4)},
		}
		if i%4 == 0 {
			f.Usage = "devops"
		}
		m.Flows = append(m.Flows, f)
	}
	return m
}

func BenchmarkExposureRules(b *testing.B) { benchRules(b, exposureRules, exposureBenchModel) }

// beyondThreagileBenchModel builds a model with n components of mixed kinds and 2n flows
// that exercise the rules of the set.
func beyondThreagileBenchModel(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "gen", Name: "Generated"}}
	m.Data = []model.DataAsset{
		{ID: "pii", Classification: "confidential", Personal: true, CIA: model.CIA{Availability: "high"}},
		{ID: "secret", Classification: "restricted"},
		{ID: "public", Classification: "public"},
	}
	types := []model.ComponentType{"api", "database", "web-application", "log-store", "build-pipeline",
		"iot-device", "third-party-service", "object-storage"}
	for i := range n {
		c := model.Component{ID: fmt.Sprintf("c%d", i), Type: types[i%len(types)]}
		switch c.Type.Kind() {
		case model.KindDataStore:
			c.Stores = []string{"pii", "secret", "public"}[:1+i%3]
			c.MultiTenant = i%5 == 0
			if i%4 == 0 {
				c.Controls = []string{"backup"}
			}
		case model.KindProcess:
			c.Processes = []string{"pii"}
			c.CustomCode = i%2 == 0
			c.InternetFacing = i%3 == 0
			c.HumanUse = i%3 == 0
			c.AdminInterface = i%7 == 0
			c.Authentication = "password"
		}
		m.Components = append(m.Components, c)
	}
	for i := range 2 * n {
		from, to := i%n, (i*7+1)%n
		if from == to {
			to = (to + 1) % n
		}
		m.Flows = append(m.Flows, model.Flow{ID: fmt.Sprintf("f%d", i), From: fmt.Sprintf("c%d", from),
			To: fmt.Sprintf("c%d", to), Protocol: "mqtt", DataSent: []string{"pii"}, DataReceived: []string{"secret"}})
	}
	return m
}

func BenchmarkBeyondThreagileRules(b *testing.B) {
	benchRules(b, beyondThreagileRules, beyondThreagileBenchModel)
}
