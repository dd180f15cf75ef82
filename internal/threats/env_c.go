package threats

import (
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// Helpers shared by the rules on logging, monitoring, privacy, backups,
// supply chain and tenant isolation.

// personalAmong returns the ids of the personal data assets among ids, in order, without duplicates.
func (e *Env) personalAmong(ids ...[]string) []string {
	return e.dataAmong(func(d *model.DataAsset) bool { return d.Personal }, ids...)
}

// classifiedAmong returns the ids of the data assets among ids classified at
// level or above (0 public, 1 internal, 2 confidential, 3 restricted).
func (e *Env) classifiedAmong(level int, ids ...[]string) []string {
	return e.dataAmong(func(d *model.DataAsset) bool { return d.Classification.Level() >= level }, ids...)
}

// dataAmong returns the ids of the data assets among ids that satisfy keep.
func (e *Env) dataAmong(keep func(*model.DataAsset) bool, ids ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range ids {
		for _, id := range list {
			if d := e.Ix.Data[id]; d != nil && !seen[id] && keep(d) {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// nameList renders element ids as a readable list of their names, most
// valuable data first when they are data assets: "A", "A and B", "A, B and C".
func (e *Env) nameList(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range e.sortByValue(ids) {
		names[i] = e.Name(id)
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// clientSide reports whether a component runs on a user's or a device's
// side (browser, mobile or desktop app, IoT device), where server-side
// controls such as audit logging do not apply.
func clientSide(c *model.Component) bool {
	switch c.Type {
	case "browser", "mobile-app", "desktop-app", "iot-device":
		return true
	}
	return false
}

// monitoredBy returns the id of a monitoring component the component sends
// events to, or "" when there is none.
func (e *Env) monitoredBy(c *model.Component) string {
	for _, f := range e.Outgoing(c.ID) {
		if to := e.Target(f); to != nil && to.Type == "monitoring" {
			return to.ID
		}
	}
	return ""
}

// iotDevice reports whether a component is a connected device.
func iotDevice(c *model.Component) bool {
	return c != nil && (c.Type == "iot-device" || c.Hosting == "device")
}

// declares reports whether a control with the catalog id is listed on the
// element, implemented or planned.
func (e *Env) declares(elementID, control string) bool {
	for _, id := range e.listed(elementID) {
		if cid, _ := e.resolve(id); cid == control {
			return true
		}
	}
	return false
}

// buildPipeline reports whether a component builds or deploys software: a
// build-pipeline, or a process whose technology names a CI/CD system.
func buildPipeline(c *model.Component) bool {
	if c.Type == "build-pipeline" {
		return true
	}
	return Kind(c) == model.KindProcess && TechIs(c, "jenkins", "github-actions", "github actions", "gitlab-ci",
		"gitlab ci", "circleci", "teamcity", "bamboo", "tekton", "azure-pipelines", "azure pipelines",
		"buildkite", "drone-ci", "argocd", "argo-cd", "spinnaker")
}

// pipelinesInto returns the build pipelines with a flow into the component.
func (e *Env) pipelinesInto(c *model.Component) []*model.Component {
	var out []*model.Component
	for _, f := range e.Incoming(c.ID) {
		if from := e.Source(f); from != nil && buildPipeline(from) {
			out = append(out, from)
		}
	}
	return out
}

// networkBoundary returns the innermost network trust boundary holding an
// element, or "" when it is in none (outside every modelled network).
func (e *Env) networkBoundary(id string) string {
	for _, p := range e.Ix.BoundaryChain(id) {
		if b := e.Ix.Boundaries[p]; b != nil && b.Type.Network() {
			return p
		}
	}
	return ""
}
