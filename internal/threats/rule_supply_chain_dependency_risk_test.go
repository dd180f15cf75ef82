package threats

import "testing"

func TestSupplyChainDependencyRisk(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: api, name: Order API, type: api, custom_code: true}
`
	runRuleCases(t, "supply-chain-dependency-risk", []ruleCase{
		{name: "custom code without a pipeline",
			src:    head,
			want:   []string{"supply-chain-dependency-risk@api"},
			detail: map[string][]string{"supply-chain-dependency-risk@api": {"Order API"}}},
		{name: "custom code delivered by a pipeline without scanning",
			src: head + `  - {id: ci, name: CI, type: build-pipeline}
flows:
  - {id: deploy, from: ci, to: api, protocol: https, usage: devops}
`,
			want:   []string{"supply-chain-dependency-risk@api", "supply-chain-dependency-risk@ci"},
			detail: map[string][]string{"supply-chain-dependency-risk@api": {"CI"}}},
		{name: "pipeline with dependency scanning covers what it delivers",
			src: head + `  - {id: ci, type: build-pipeline, controls: [dependency-scanning]}
flows:
  - {id: deploy, from: ci, to: api, protocol: https, usage: devops}
`,
			want:    []string{"supply-chain-dependency-risk@ci"},
			inPlace: map[string][]string{"supply-chain-dependency-risk@ci": {"dependency-scanning"}}},
		{name: "dependency scanning declared on the component",
			src: `
rampart: 1
system: {id: s, name: S}
components:
  - {id: api, type: api, custom_code: true, controls: [dependency-scanning]}
`,
			want:    []string{"supply-chain-dependency-risk@api"},
			inPlace: map[string][]string{"supply-chain-dependency-risk@api": {"dependency-scanning"}}},
		{name: "off-the-shelf component", src: `
rampart: 1
system: {id: s, name: S}
components:
  - {id: db, type: database, technology: postgresql}
  - {id: saas, type: third-party-service}
`},
	})
}
