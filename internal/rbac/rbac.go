// Package rbac decides who may do what on the register. Roles come from the
// threat modelling policy's RACI; what each role may do is data (the
// Permissions table), granted per system or team where the RACI makes the
// role local, and nothing is allowed that no grant allows. Reads of a system
// also need a clearance at least as high as the system's classification.
package rbac

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// Role is one of the RACI's roles.
type Role string

// The roles. The RACI names the CISO, the SRO, project and operations
// security leads, and development and operations teams; risk owners come
// from its policy statements; admin, viewer and auditor run and read the
// register.
const (
	Admin        Role = "admin"
	CISO         Role = "ciso"
	SRO          Role = "sro"
	SecurityLead Role = "security-lead"
	RiskOwner    Role = "risk-owner"
	Developer    Role = "developer"
	Viewer       Role = "viewer"
	Auditor      Role = "auditor"
	// Ingest is a log shipper's role: it sends the events of its systems
	// to detection and reads nothing.
	Ingest Role = "ingest"
)

// Roles lists every role in a stable order.
func Roles() []Role {
	return []Role{Admin, CISO, SRO, SecurityLead, RiskOwner, Developer, Viewer, Auditor, Ingest}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Action is one thing a user can ask the register to do.
type Action string

// The actions. System actions apply to one system (and its team); the
// others apply to the whole register.
const (
	ReadSystem        Action = "system:read"        // systems, versions, threats, register, reviews
	ManageSystem      Action = "system:manage"      // create a system, set its owner team, risk owner, SRO, classification, tier
	PushModel         Action = "model:push"         // push a model version
	UpdateRegister    Action = "register:update"    // status, owner, due date, comments of a threat
	RequestAcceptance Action = "acceptance:request" // draft and submit a risk acceptance
	DecideAcceptance  Action = "acceptance:decide"  // approve or reject a submitted acceptance
	RevokeAcceptance  Action = "acceptance:revoke"  // revoke an accepted risk
	RequestException  Action = "exception:request"  // draft and submit a policy exception
	DecideException   Action = "exception:decide"   // approve or reject a policy exception
	CompleteReview    Action = "review:complete"    // sign off an SRO or annual model review
	ReadPolicy        Action = "policy:read"        // organisation policy: matrix, appetite, SLAs, review periods
	SetPolicy         Action = "policy:write"       // change the organisation policy
	ManageUsers       Action = "user:manage"        // users, their grants and other users' tokens
	ReadAudit         Action = "audit:read"         // export and verify the audit trail
	ExportUnredacted  Action = "export:unredacted"  // export names and free text unmasked
	ReadAlerts        Action = "alert:read"         // a system's detection alerts
	IngestEvents      Action = "events:ingest"      // send a system's events to detection
)

// Actions lists every action in a stable order.
func Actions() []Action {
	return []Action{ReadSystem, ManageSystem, PushModel, UpdateRegister, RequestAcceptance, DecideAcceptance,
		RevokeAcceptance, RequestException, DecideException, CompleteReview, ReadPolicy, SetPolicy,
		ManageUsers, ReadAudit, ExportUnredacted, ReadAlerts, IngestEvents}
}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return slices.Contains(Actions(), a) }

// SystemScoped reports whether the action applies to one system, so that a
// grant scoped to a system or team can allow it and clearance applies.
func (a Action) SystemScoped() bool {
	switch a {
	case ReadPolicy, SetPolicy, ManageUsers, ReadAudit, ExportUnredacted:
		return false
	}
	return true
}

// Permissions is what each role may do, read from the RACI:
//   - CISO: responsible for strategy and risk appetite (the policy), accountable
//     for the rest, so reads every system; consulted, not deciding, on accepting risk.
//   - SRO: accountable for accepting risk and for policy exceptions; reviews
//     threat models within the policy's period; responsible for treatment design.
//   - Security lead: responsible for assessments, modelling, validation and for
//     preparing risk acceptances and exceptions; cannot decide them.
//   - Risk owner: accountable for the system's cyber risk, so may accept it.
//   - Developer (development and operations teams): models and treats threats,
//     and, being responsible for designing the risk treatment strategy, may
//     propose acceptance as a treatment; deciding it stays with the SRO and
//     risk owner, who are accountable for it.
//   - Viewer reads; auditor reads and verifies the audit trail.
//   - Admin runs the register (users, systems) but decides no risk.
//   - Alerts (monitoring and detection) are read by those who run security:
//     the CISO, SROs, security leads, admins and auditors, and by the
//     teams for their own systems; viewers and risk owners see the register,
//     not the alerts.
//   - Ingest sends events and nothing else, so a log shipper's token can
//     read nothing if it leaks.
var Permissions = map[Role][]Action{
	Admin:        {ReadSystem, ManageSystem, ReadPolicy, ManageUsers, ReadAudit, ExportUnredacted, ReadAlerts},
	CISO:         {ReadSystem, ManageSystem, ReadPolicy, SetPolicy, ExportUnredacted, ReadAlerts},
	SRO:          {ReadSystem, UpdateRegister, DecideAcceptance, RevokeAcceptance, DecideException, CompleteReview, ReadPolicy, ReadAlerts},
	SecurityLead: {ReadSystem, PushModel, UpdateRegister, RequestAcceptance, RequestException, ReadPolicy, ReadAlerts},
	RiskOwner:    {ReadSystem, UpdateRegister, DecideAcceptance, RevokeAcceptance, ReadPolicy},
	Developer:    {ReadSystem, PushModel, UpdateRegister, RequestAcceptance, ReadPolicy, ReadAlerts},
	Viewer:       {ReadSystem, ReadPolicy},
	Auditor:      {ReadSystem, ReadPolicy, ReadAudit, ReadAlerts},
	Ingest:       {IngestEvents},
}

// Scope says where a grant applies.
type Scope string

// Scopes a grant can have.
const (
	Global     Scope = "global" // every system
	TeamScope  Scope = "team"   // the systems of one owner team
	SystemOnly Scope = "system" // one system
)

// scopes lists, per role, the scopes the RACI allows: organisation-wide roles
// are global only, a risk owner is the owner of a given system, and teams
// and their security leads work on their own systems.
var scopes = map[Role][]Scope{
	Admin:        {Global},
	CISO:         {Global},
	SRO:          {Global, TeamScope, SystemOnly},
	SecurityLead: {Global, TeamScope, SystemOnly},
	RiskOwner:    {SystemOnly},
	Developer:    {TeamScope, SystemOnly},
	Viewer:       {Global, TeamScope, SystemOnly},
	Auditor:      {Global},
	Ingest:       {Global, TeamScope, SystemOnly},
}

// Grant gives a role to a user, everywhere or for one team or system.
type Grant struct {
	Role Role `json:"role"`
	// Team is the owner team the grant is limited to, if any.
	Team string `json:"team,omitempty"`
	// System is the system id the grant is limited to, if any.
	System string `json:"system,omitempty"`
}

// Scope returns where the grant applies.
func (g Grant) Scope() Scope {
	switch {
	case g.System != "":
		return SystemOnly
	case g.Team != "":
		return TeamScope
	}
	return Global
}

// String renders the grant as role, role@team:NAME or role@system:ID.
func (g Grant) String() string {
	switch g.Scope() {
	case SystemOnly:
		return string(g.Role) + "@system:" + g.System
	case TeamScope:
		return string(g.Role) + "@team:" + g.Team
	}
	return string(g.Role)
}

// ParseGrant reads the form String writes and checks it.
func ParseGrant(s string) (Grant, error) {
	role, where, scoped := strings.Cut(strings.TrimSpace(s), "@")
	g := Grant{Role: Role(role)}
	if scoped {
		kind, name, ok := strings.Cut(where, ":")
		switch {
		case !ok || name == "":
			return Grant{}, fmt.Errorf("grant %q: want ROLE, ROLE@team:NAME or ROLE@system:ID", s)
		case kind == "team":
			g.Team = name
		case kind == "system":
			g.System = name
		default:
			return Grant{}, fmt.Errorf("grant %q: scope %q: want team or system", s, kind)
		}
	}
	return g, g.Validate()
}

// Validate checks the role is known and the scope is one the RACI allows for it.
func (g Grant) Validate() error {
	if !g.Role.Valid() {
		return fmt.Errorf("unknown role %q: want one of %s", g.Role, joinRoles(Roles()))
	}
	if g.Team != "" && g.System != "" {
		return fmt.Errorf("grant %s: give a team or a system, not both", g.Role)
	}
	if !slices.Contains(scopes[g.Role], g.Scope()) {
		return fmt.Errorf("role %s cannot be granted %s-wide: it may be granted %s", g.Role, g.Scope(), joinScopes(scopes[g.Role]))
	}
	return nil
}

// Principal is an authenticated caller.
type Principal struct {
	// User is the user's name.
	User   string
	Grants []Grant
	// Clearance is the highest classification the user may read.
	Clearance model.Classification
	// Within, when not nil, narrows the caller to what these grants allow
	// too (an API token's scopes): an action needs a grant from Grants and
	// one from Within, so a token never widens its user's rights.
	Within []Grant
}

// Resource is what an action applies to: a system, or nothing for
// register-wide actions.
type Resource struct {
	System         string
	Team           string
	Classification model.Classification
}

// ErrForbidden is wrapped by every refusal.
var ErrForbidden = errors.New("forbidden")

// Allowed reports whether p may do a on r; see Check for the reason when not.
func (p *Principal) Allowed(a Action, r Resource) bool { return p.Check(a, r) == nil }

// Check returns nil when p may do a on r, or an error wrapping ErrForbidden
// that says why not.
func (p *Principal) Check(a Action, r Resource) error {
	if p == nil {
		return fmt.Errorf("%w: not signed in", ErrForbidden)
	}
	if p.Within != nil && !anyAllows(p.Within, a, r) {
		return fmt.Errorf("%w: this token is not scoped for %s%s", ErrForbidden, a, onSystem(a, r))
	}
	if !anyAllows(p.Grants, a, r) {
		return fmt.Errorf("%w: %s may not %s%s", ErrForbidden, p.User, a, onSystem(a, r))
	}
	if a.SystemScoped() && r.Classification.Level() > p.Clearance.Level() {
		return fmt.Errorf("%w: system %s is classified %s, above %s's clearance (%s)",
			ErrForbidden, r.System, r.Classification, p.User, clearanceName(p.Clearance))
	}
	return nil
}

func anyAllows(grants []Grant, a Action, r Resource) bool {
	for _, g := range grants {
		if g.Validate() == nil && slices.Contains(Permissions[g.Role], a) && g.covers(a, r) {
			return true
		}
	}
	return false
}

func onSystem(a Action, r Resource) string {
	if a.SystemScoped() && r.System != "" {
		return " on system " + r.System
	}
	return ""
}

func (g Grant) covers(a Action, r Resource) bool {
	switch {
	case g.Scope() == Global:
		return true
	case a == ReadPolicy:
		// The policy (matrix, appetite, SLAs) is what every team works to:
		// any grant that includes reading it covers it, whatever its scope.
		return true
	}
	switch g.Scope() {
	case TeamScope:
		return a.SystemScoped() && r.Team != "" && r.Team == g.Team
	case SystemOnly:
		return a.SystemScoped() && r.System != "" && r.System == g.System
	}
	return false
}

// Visible filters systems to those p may read: list endpoints use it so
// that lists leave out systems above the caller's clearance or outside
// their grants.
func Visible[T any](p *Principal, items []T, res func(T) Resource) []T {
	out := items[:0:0]
	for _, it := range items {
		if p.Allowed(ReadSystem, res(it)) {
			out = append(out, it)
		}
	}
	return out
}

func clearanceName(c model.Classification) string {
	if c == "" {
		return "public"
	}
	return string(c)
}

func joinRoles(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func joinScopes(ss []Scope) string {
	s := make([]string, len(ss))
	for i, r := range ss {
		s[i] = string(r) + "-wide"
	}
	return strings.Join(s, " or ")
}
