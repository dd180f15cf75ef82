package threats

import (
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// Helpers shared by the rules that classify components by what they are
// (technology traits), rate them by the data they hold (five-step
// confidentiality and criticality scales) and place them in networks.

// tgTrait is a property a kind of component usually has, e.g. "serves web
// pages" or "may hold secrets". Rules reason on traits rather than on type
// names so that one rule covers every way of writing a technology.
type tgTrait uint32

const (
	trWebApp            tgTrait = 1 << iota // renders web pages or serves a web UI
	trDevRelevant                           // part of development or delivery (repos, pipelines, registries)
	trSecrets                               // tends to collect secrets (repositories, registries)
	trContainerPlatform                     // runs other workloads' containers
	trForwarder                             // forwards traffic without acting on it
	trTolerated                             // security tooling that may see everything (monitoring, IDS)
	trIdentity                              // identity provider or identity store
	trIdentityStore                         // holds credentials or identities
	trNearHighValue                         // may sit next to high-value targets by design
	trLessProtected                         // typically exposed or weakly hardened
	trNoSegmentation                        // needs no segmentation of its own
	trHighValue                             // high-value target (application servers, IdPs, ERP)
	trEndUserRequests                       // processes requests on behalf of end users
	trPropagates                            // can pass the caller's identity on
	trFrontend                              // frontend side
	trBackend                               // backend side
	trFileSystem                            // a file system or file server
	trBuildPipeline                         // CI/CD pipeline
	trSourceRepo                            // source code repository
	trDevOpsClient                          // a developer's or operator's workstation
	trClient                                // a client device or program
	trCodeInspection                        // static analysis platform
)

// tgTypeTraits gives the traits of each component type.
var tgTypeTraits = map[model.ComponentType]tgTrait{
	"web-application":     trWebApp | trLessProtected | trEndUserRequests | trPropagates,
	"web-server":          trWebApp | trLessProtected | trEndUserRequests | trPropagates,
	"api":                 trBackend | trLessProtected | trEndUserRequests | trPropagates,
	"service":             trBackend | trPropagates,
	"serverless-function": trPropagates,
	"batch-job":           trBackend,
	"identity-provider":   trIdentity | trBackend | trHighValue | trWebApp | trPropagates,
	"load-balancer":       trForwarder | trNearHighValue | trFrontend | trPropagates,
	"reverse-proxy":       trForwarder | trNearHighValue | trFrontend | trNoSegmentation | trPropagates,
	"api-gateway":         trFrontend | trPropagates,
	"gateway":             trFrontend | trPropagates,
	"waf":                 trForwarder | trFrontend | trNoSegmentation | trPropagates,
	"message-broker":      trBackend | trPropagates,
	"build-pipeline":      trBuildPipeline | trDevRelevant | trLessProtected,
	"container-platform":  trContainerPlatform | trBackend,
	"monitoring":          trTolerated | trNearHighValue | trLessProtected,
	"vault":               trBackend,
	"mobile-app":          trClient | trFrontend | trLessProtected | trPropagates,
	"desktop-app":         trClient | trFrontend | trLessProtected | trPropagates,
	"browser":             trClient | trFrontend | trLessProtected | trPropagates,
	"iot-device":          trClient | trFrontend | trLessProtected | trPropagates,
	"database":            trBackend,
	"cache":               trBackend,
	"datastore":           trBackend,
	"file-storage":        trBackend | trFileSystem,
	"object-storage":      trBackend,
	"queue":               trBackend | trPropagates,
	"search-index":        trBackend,
	"log-store":           trBackend,
	"source-repository":   trSourceRepo | trDevRelevant | trSecrets | trLessProtected,
	"artifact-registry":   trDevRelevant | trSecrets | trLessProtected,
	"identity-store":      trIdentity | trIdentityStore | trBackend,
}

// tgTechTraits gives the traits of technologies written in a component's
// technology text: generic technology names (as Threagile models use them)
// and common products.
var tgTechTraits = map[string]tgTrait{
	"application-server":       trWebApp | trHighValue | trLessProtected | trEndUserRequests | trPropagates,
	"app-server":               trWebApp | trHighValue | trLessProtected | trEndUserRequests | trPropagates,
	"tomcat":                   trWebApp | trHighValue | trLessProtected | trEndUserRequests | trPropagates,
	"jboss":                    trWebApp | trHighValue | trLessProtected | trEndUserRequests | trPropagates,
	"artifact-registry":        trDevRelevant | trSecrets | trLessProtected,
	"nexus":                    trDevRelevant | trSecrets | trLessProtected,
	"artifactory":              trDevRelevant | trSecrets | trLessProtected,
	"harbor":                   trDevRelevant | trSecrets | trLessProtected,
	"batch-processing":         trBackend,
	"big-data-platform":        trBackend,
	"block-storage":            trBackend,
	"browser":                  trClient | trFrontend | trLessProtected | trPropagates,
	"build-pipeline":           trBuildPipeline | trDevRelevant | trLessProtected,
	"jenkins":                  trBuildPipeline | trDevRelevant | trLessProtected,
	"client-system":            trClient | trFrontend | trLessProtected | trPropagates,
	"cms":                      trWebApp | trFrontend | trLessProtected | trPropagates,
	"wordpress":                trWebApp | trFrontend | trLessProtected | trPropagates,
	"code-inspection-platform": trCodeInspection | trDevRelevant | trLessProtected,
	"sonarqube":                trCodeInspection | trDevRelevant | trLessProtected,
	"container-platform":       trContainerPlatform | trBackend,
	"kubernetes":               trContainerPlatform | trBackend,
	"openshift":                trContainerPlatform | trBackend,
	"docker":                   trContainerPlatform | trBackend,
	"data-lake":                trBackend,
	"database":                 trBackend,
	"postgresql":               trBackend,
	"mysql":                    trBackend,
	"oracle":                   trBackend,
	"mongodb":                  trBackend,
	"desktop":                  trClient | trFrontend | trLessProtected | trPropagates,
	"devops-client":            trDevOpsClient | trClient | trDevRelevant | trFrontend | trLessProtected | trPropagates,
	"ejb":                      trBackend | trLessProtected | trEndUserRequests | trPropagates,
	"erp":                      trWebApp | trBackend | trHighValue | trEndUserRequests | trPropagates,
	"event-listener":           trBackend,
	"file-server":              trBackend | trFileSystem,
	"local-file-system":        trFileSystem,
	"function":                 trPropagates,
	"gateway":                  trFrontend | trPropagates,
	"hsm":                      trBackend,
	"identity-provider":        trIdentity | trBackend | trHighValue | trWebApp | trPropagates,
	"keycloak":                 trIdentity | trBackend | trHighValue | trWebApp | trPropagates,
	"identity-store-database":  trIdentity | trIdentityStore | trBackend,
	"identity-store-ldap":      trIdentity | trIdentityStore | trBackend,
	"ldap-server":              trIdentity | trIdentityStore | trBackend,
	"active-directory":         trIdentity | trIdentityStore | trBackend,
	"ids":                      trTolerated | trNearHighValue | trNoSegmentation,
	"ips":                      trTolerated | trNearHighValue | trNoSegmentation,
	"iot-device":               trClient | trFrontend | trLessProtected | trPropagates,
	"load-balancer":            trForwarder | trNearHighValue | trFrontend | trPropagates,
	"mail-server":              trLessProtected,
	"mainframe":                trBackend | trLessProtected,
	"message-queue":            trBackend | trPropagates,
	"mobile-app":               trClient | trFrontend | trLessProtected | trPropagates,
	"monitoring":               trTolerated | trNearHighValue | trLessProtected,
	"siem":                     trTolerated | trNearHighValue | trLessProtected,
	"report-engine":            trWebApp | trEndUserRequests | trPropagates,
	"reverse-proxy":            trForwarder | trNearHighValue | trFrontend | trNoSegmentation | trPropagates,
	"scheduler":                trBackend | trLessProtected,
	"search-engine":            trBackend | trPropagates,
	"search-index":             trBackend,
	"service-mesh":             trBackend | trPropagates,
	"service-registry":         trNoSegmentation,
	"sourcecode-repository":    trSourceRepo | trDevRelevant | trSecrets | trLessProtected,
	"git":                      trSourceRepo | trDevRelevant | trSecrets | trLessProtected,
	"gitlab":                   trSourceRepo | trDevRelevant | trSecrets | trLessProtected,
	"github":                   trSourceRepo | trDevRelevant | trSecrets | trLessProtected,
	"bitbucket":                trSourceRepo | trDevRelevant | trSecrets | trLessProtected,
	"stream-processing":        trBackend,
	"vault":                    trBackend,
	"waf":                      trForwarder | trFrontend | trNoSegmentation | trPropagates,
	"web-application":          trWebApp | trLessProtected | trEndUserRequests | trPropagates,
	"web-server":               trWebApp | trLessProtected | trEndUserRequests | trPropagates,
	"nginx":                    trWebApp | trLessProtected | trEndUserRequests | trPropagates,
	"apache":                   trWebApp | trLessProtected | trEndUserRequests | trPropagates,
	"web-service-rest":         trBackend | trLessProtected | trEndUserRequests | trPropagates,
	"web-service-soap":         trBackend | trLessProtected | trEndUserRequests | trPropagates,
}

// tgTraits returns the traits of a component from its type and the words of its technology.
func tgTraits(c *model.Component) tgTrait {
	t := tgTypeTraits[c.Type]
	tech := strings.ToLower(strings.TrimSpace(c.Technology))
	if tech == "" {
		return t
	}
	if tt, ok := tgTechTraits[tech]; ok {
		return t | tt
	}
	for _, w := range strings.FieldsFunc(tech, func(r rune) bool {
		return r == ' ' || r == ',' || r == '/' || r == '(' || r == ')' || r == ';' || r == '+'
	}) {
		t |= tgTechTraits[w]
	}
	return t
}

// tgIs reports whether a component has every one of the traits.
func tgIs(c *model.Component, t tgTrait) bool { return tgTraits(c)&t == t }

// tgAny reports whether a component has at least one of the traits.
func tgAny(c *model.Component, t tgTrait) bool { return tgTraits(c)&t != 0 }

// Five-step scales used to rate data: confidentiality 0 public, 1 internal,
// 2 restricted, 3 confidential, 4 strictly confidential; integrity and
// availability 0 negligible .. 4 critical (mission critical).

// tgConfOf rates a data asset's confidentiality 0..4: from its CIA rating
// when given, else from its classification.
func tgConfOf(d *model.DataAsset) int {
	if d.CIA.Confidentiality != "" {
		return d.CIA.Confidentiality.Score() - 1
	}
	switch d.Classification.Level() {
	case 1:
		return 1
	case 2:
		return 3
	case 3:
		return 4
	}
	return 0
}

// tgCrit rates an integrity or availability rating 0..4.
func tgCrit(r model.Rating) int { return r.Score() - 1 }

// tgRating holds the highest confidentiality, integrity and availability (0..4) of some data.
type tgRating struct{ C, I, A int }

func (r *tgRating) add(d *model.DataAsset) {
	r.C = max(r.C, tgConfOf(d))
	r.I = max(r.I, tgCrit(d.CIA.Integrity))
	r.A = max(r.A, tgCrit(d.CIA.Availability))
}

// tgSensitive reports confidential data (3+) or critical integrity or availability (3+).
func (r tgRating) tgSensitive() bool { return r.C >= 3 || r.I >= 3 || r.A >= 3 }

// tgTop reports strictly confidential data or mission-critical integrity or availability.
func (r tgRating) tgTop() bool { return r.C >= 4 || r.I >= 4 || r.A >= 4 }

// tgRate returns the highest ratings of the data a component processes or
// stores, or a flow carries.
func (e *Env) tgRate(id string) tgRating {
	var r tgRating
	for _, d := range e.DataAtStake(id) {
		r.add(e.Ix.Data[d])
	}
	return r
}

// tgNetwork returns the innermost network trust boundary holding a component ("" when none).
func (e *Env) tgNetwork(id string) string {
	for _, p := range e.Ix.BoundaryChain(id) {
		if b := e.Ix.Boundaries[p]; b != nil && b.Type.Network() {
			return p
		}
	}
	return ""
}

// tgExecEnv returns the execution environment or container boundary directly
// holding a component, "" when its direct boundary is a network one, and "-"
// when the component is in no boundary at all.
func (e *Env) tgExecEnv(id string) string {
	p, ok := e.Ix.Parent[id]
	if !ok {
		return "-"
	}
	if b := e.Ix.Boundaries[p]; b != nil && !b.Type.Network() {
		return p
	}
	return ""
}

// tgFlowName names a flow for a description: its name, else "from → to".
func (e *Env) tgFlowName(f *model.Flow) string {
	if f.Name != "" {
		return "'" + f.Name + "'"
	}
	return "'" + e.Name(f.From) + " → " + e.Name(f.To) + "'"
}

// tgConnected reports whether a flow links two components in either direction.
func (e *Env) tgConnected(a, b string) bool {
	for _, f := range e.Outgoing(a) {
		if f.To == b {
			return true
		}
	}
	for _, f := range e.Outgoing(b) {
		if f.To == a {
			return true
		}
	}
	return false
}

// tgWebAccess reports whether a flow uses a protocol a browser can speak.
func tgWebAccess(p model.Protocol) bool {
	switch p {
	case "http", "https", "ws", "wss", "graphql":
		return true
	}
	return false
}

// tgLocal reports whether a flow stays inside one process or host.
func tgLocal(p model.Protocol) bool {
	return p == "in-process" || p == "local-file" || p == "ipc"
}

// Attacker attractiveness weights of the five-step scales: for data held
// (processed or stored) and for data moved by a flow.
var (
	tgConfHeld  = [5]float64{5, 8, 13, 21, 34}
	tgCritHeld  = [5]float64{3, 5, 8, 13, 21}
	tgMoved     = [5]float64{2, 3, 5, 8, 13}
	tgConfOwn   = [5]float64{8, 13, 21, 34, 55}
	tgCritOwn   = [5]float64{5, 8, 13, 21, 34}
	tgQuantityF = map[model.Quantity]float64{"very-few": 1, "few": 2, "many": 3, "very-many": 5}
)

func tgQuantity(d *model.DataAsset) float64 {
	if q, ok := tgQuantityF[d.Quantity]; ok {
		return q
	}
	return 1
}

// tgAttractiveness scores how attractive a component is to an attacker: the
// value of the data it holds and moves, weighted by quantity, scaled by what
// the component is (identity systems, pipelines and data stores count more,
// pure forwarders and monitoring less) and by multi-tenancy.
func (e *Env) tgAttractiveness(c *model.Component) float64 {
	if c.OutOfScope {
		return 0
	}
	own := e.tgRate(c.ID)
	score := tgConfOwn[own.C] + tgCritOwn[own.I] + tgCritOwn[own.A]
	for _, list := range [][]string{c.Processes, c.Stores} {
		for _, id := range list {
			if d := e.Ix.Data[id]; d != nil {
				q := tgQuantity(d)
				score += tgConfHeld[tgConfOf(d)]*q + tgCritHeld[tgCrit(d.CIA.Integrity)]*q + tgCritHeld[tgCrit(d.CIA.Availability)]
			}
		}
	}
	for _, f := range e.Outgoing(c.ID) {
		for _, list := range [][]string{f.DataSent, f.DataReceived} {
			for _, id := range list {
				if d := e.Ix.Data[id]; d != nil {
					q := tgQuantity(d)
					score += tgMoved[tgConfOf(d)]*q + tgMoved[tgCrit(d.CIA.Integrity)]*q + tgMoved[tgCrit(d.CIA.Availability)]
				}
			}
		}
	}
	tr := tgTraits(c)
	switch {
	case tr&trForwarder != 0 && tr&trNearHighValue != 0:
		score /= 5.5
	case c.Type == "monitoring" || tr&trTolerated != 0:
		score /= 5
	case tr&trContainerPlatform != 0:
		score *= 5
	}
	if c.Type == "vault" || tr&(trBuildPipeline|trSourceRepo) != 0 || c.Type == "artifact-registry" {
		score *= 2
	}
	if tr&trIdentity != 0 {
		score *= 2.5
	} else if Kind(c) == model.KindDataStore {
		score *= 2
	}
	if c.MultiTenant {
		score *= 1.5
	}
	return score
}

// tgRAA returns every component's relative attacker attractiveness in
// percent (1..100+): its attractiveness relative to the least and most
// attractive components of the model, raised by a third of the gap to the
// most attractive component it calls (an attacker pivots towards it).
// Computed once per call, in O(components + flows).
func (e *Env) tgRAA() map[string]float64 {
	comps := e.M.Components
	abs := make(map[string]float64, len(comps))
	lo, hi := 0.0, 0.0
	for i := range comps {
		c := &comps[i]
		a := e.tgAttractiveness(c)
		abs[c.ID] = a
		if i == 0 || a < lo {
			lo = a
		}
		if i == 0 || a > hi {
			hi = a
		}
	}
	if hi <= lo {
		hi = lo + 1
	}
	rel := func(a float64) float64 {
		p := (a - lo) / (hi - lo) * 100
		if p <= 0 {
			return 1
		}
		return p
	}
	out := make(map[string]float64, len(comps))
	for i := range comps {
		c := &comps[i]
		a := abs[c.ID]
		if !c.OutOfScope {
			bump := 0.0
			for _, f := range e.Outgoing(c.ID) {
				if d := rel(abs[f.To]) - rel(a); d > 0 {
					bump = max(bump, d/3)
				}
			}
			a += bump
		}
		out[c.ID] = rel(a)
	}
	return out
}

// tgMostSensitive returns the component among ids whose data is most
// valuable (ties broken by id), or "" when ids is empty.
func (e *Env) tgMostSensitive(ids []string) string {
	best, bestScore := "", -1
	for _, id := range ids {
		r := e.tgRate(id)
		s := r.C*100 + r.I*10 + r.A
		if s > bestScore || (s == bestScore && id < best) {
			best, bestScore = id, s
		}
	}
	return best
}

// tgDedupe returns ids without repeats, in first-seen order.
func tgDedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
