package threats

import "testing"

func TestPushInsteadOfPullDeployment(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: ci, type: build-pipeline}
  - {id: repo, type: source-repository}
  - {id: web, type: web-server}
  - {id: ext, type: web-server, out_of_scope: true}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"pipeline pushes to a runtime", "  - {id: deploy, from: ci, to: web, protocol: ssh, usage: devops}\n", []string{"push-instead-of-pull-deployment@deploy"}},
		{"read-only access", "  - {id: deploy, from: ci, to: web, protocol: ssh, usage: devops, readonly: true}\n", nil},
		{"business flow", "  - {id: call, from: ci, to: web, protocol: https}\n", nil},
		{"pipeline writes to the repository", "  - {id: tag, from: ci, to: repo, protocol: ssh, usage: devops}\n", nil},
		{"out-of-scope target", "  - {id: deploy, from: ci, to: ext, protocol: ssh, usage: devops}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "push-instead-of-pull-deployment", base+tt.flows, tt.want...) })
	}
	t.Run("pull deployment declared on the flow", func(t *testing.T) {
		rbMitigated(t, "push-instead-of-pull-deployment",
			base+"  - {id: deploy, from: ci, to: web, protocol: ssh, usage: devops, controls: [pull-deployment]}\n",
			"push-instead-of-pull-deployment@deploy", "pull-deployment")
	})
}
