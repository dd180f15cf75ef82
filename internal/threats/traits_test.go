package threats

import (
	"math/bits"
	"slices"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

func TestTraitNames(t *testing.T) {
	if n := bits.Len64(uint64(TraitDataset)); n != len(TraitNames) {
		t.Fatalf("%d traits, %d names", n, len(TraitNames))
	}
	if got := (TraitWebApp | TraitVault).Names(); !slices.Equal(got, []string{"web-app", "vault"}) {
		t.Errorf("names %v", got)
	}
}

func TestTraitsOf(t *testing.T) {
	tests := []struct {
		typ     model.ComponentType
		tech    string
		has     Trait
		hasNone Trait
	}{
		{"service", "Interpreter service", 0, TraitWebApp | TraitHighValue},
		{"service", "SAP ERP", TraitHighValue | TraitUserData, 0},
		{"service", "HashiCorp Vault", TraitVault, 0},
		{"service", "LangGraph", TraitAgent | TraitLLM, 0},
		{"service", "MCP server", TraitAITool, TraitAgent},
		{"database", "PostgreSQL with pgvector", TraitVectorStore | TraitQueryable, 0},
		{"ai-agent", "", TraitAgent | TraitLLM, TraitAITool},
		{"vector-store", "", TraitVectorStore, TraitQueryable},
		{"model-registry", "", TraitModelStore, 0},
		{"build-pipeline", "GitHub Actions", TraitBuildPipeline, TraitSourceRepo},
		{"service", "GitHub Actions", TraitBuildPipeline, TraitSourceRepo},
		{"source-repository", "GitHub", TraitSourceRepo, TraitBuildPipeline},
		{"database", "gitlab-ci backups", 0, TraitBuildPipeline},
		{"service", "apache-flink", 0, TraitWebApp},
		{"web-server", "Apache httpd", TraitWebApp | TraitServesWeb, 0},
		{"service", "PostgreSQL 16", TraitQueryable, 0},
		{"browser", "", TraitClient, TraitBackend},
		{"user", "jenkins", 0, TraitBuildPipeline},
	}
	for _, tt := range tests {
		c := &model.Component{Type: tt.typ, Technology: tt.tech}
		got := TraitsOf(c)
		if got&tt.has != tt.has || got&tt.hasNone != 0 {
			t.Errorf("%s %q: traits %v, want %v and none of %v", tt.typ, tt.tech, got.Names(), tt.has.Names(), tt.hasNone.Names())
		}
	}
}

func TestTechIs(t *testing.T) {
	tests := []struct {
		tech  string
		words []string
		want  bool
	}{
		{"Interpreter service", []string{"erp"}, false},
		{"SAP ERP", []string{"erp"}, true},
		{"AWS Application Load Balancer", []string{"load-balancer"}, true},
		{"OpenAI GPT-4o", []string{"gpt", "openai"}, true},
		{"cryptography", []string{"gpt"}, false},
	}
	for _, tt := range tests {
		if got := TechIs(&model.Component{Type: "service", Technology: tt.tech}, tt.words...); got != tt.want {
			t.Errorf("TechIs(%q, %v) = %v", tt.tech, tt.words, got)
		}
	}
}

func TestRatingScale(t *testing.T) {
	tests := []struct {
		d              model.DataAsset
		want           Rating
		sensitive, top bool
	}{
		{model.DataAsset{Classification: "public"}, Rating{C: 0, I: 1, A: 1}, false, false},
		{model.DataAsset{Classification: "confidential"}, Rating{C: 3, I: 1, A: 1}, true, false},
		{model.DataAsset{Classification: "restricted"}, Rating{C: 4, I: 1, A: 1}, true, true},
		{model.DataAsset{Classification: "confidential", CIA: model.CIA{Confidentiality: "medium"}}, Rating{C: 2, I: 1, A: 1}, false, false},
		{model.DataAsset{Classification: "public", CIA: model.CIA{Availability: "critical"}}, Rating{C: 0, I: 1, A: 4}, true, true},
	}
	for _, tt := range tests {
		r := RateAsset(&tt.d)
		if r != tt.want || r.Sensitive() != tt.sensitive || r.Top() != tt.top {
			t.Errorf("%+v: %+v sensitive %v top %v", tt.d.CIA, r, r.Sensitive(), r.Top())
		}
		if r.Secrecy().A != 0 {
			t.Errorf("Secrecy keeps availability")
		}
	}
}

func TestRegistryAdd(t *testing.T) {
	good := Meta{ID: "r", Title: "T", Scope: ScopeComponent, STRIDE: []model.STRIDE{model.Spoofing}, Likelihood: 1, Impact: 1}
	check := func(*Env, func(Hit)) {}
	var reg Registry
	if err := reg.Add(Rule{Meta: good, Check: check}); err != nil {
		t.Fatal(err)
	}
	bad := []Rule{
		{Meta: good, Check: check}, // twice
		{Meta: good},               // no check
		{Meta: Meta{ID: "Bad ID", Title: "T", Scope: ScopeComponent, STRIDE: []model.STRIDE{model.Spoofing}, Likelihood: 1, Impact: 1}, Check: check},
		{Meta: Meta{ID: "s", Title: "T", Scope: "everywhere", STRIDE: []model.STRIDE{"spoof"}, Likelihood: 0, Impact: 6, ATTACK: []string{"T12"}}, Check: check},
	}
	for i, r := range bad {
		if err := reg.Add(r); err == nil {
			t.Errorf("case %d: accepted %+v", i, r.Meta)
		}
	}
	if _, ok := reg.Lookup("r"); !ok || len(reg.Rules()) != 1 {
		t.Errorf("registry holds %v", RuleIDs(reg.Rules()))
	}
}
