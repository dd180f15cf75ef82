package rbac

import (
	"errors"
	"strings"
	"testing"
)

var pay = Resource{System: "payments", Team: "team-pay", Classification: "official"}

func TestCheckFollowsTheRACI(t *testing.T) {
	other := Resource{System: "hr", Team: "team-hr", Classification: "official"}
	cases := []struct {
		grant Grant
		act   Action
		res   Resource
		want  bool
	}{
		// Accept risk: SRO accountable, risk owner accountable for their system,
		// security lead responsible (prepares), CISO and teams consulted.
		{Grant{Role: SRO}, DecideAcceptance, pay, true},
		{Grant{Role: RiskOwner, System: "payments"}, DecideAcceptance, pay, true},
		{Grant{Role: RiskOwner, System: "payments"}, DecideAcceptance, other, false},
		{Grant{Role: SecurityLead, Team: "team-pay"}, RequestAcceptance, pay, true},
		{Grant{Role: SecurityLead, Team: "team-pay"}, DecideAcceptance, pay, false},
		{Grant{Role: CISO}, DecideAcceptance, pay, false},
		// Teams design the treatment strategy, so they may propose acceptance,
		// for their own systems only, and never decide it.
		{Grant{Role: Developer, Team: "team-pay"}, RequestAcceptance, pay, true},
		{Grant{Role: Developer, Team: "team-pay"}, RequestAcceptance, other, false},
		{Grant{Role: Developer, Team: "team-pay"}, DecideAcceptance, pay, false},
		{Grant{Role: Developer, Team: "team-pay"}, RevokeAcceptance, pay, false},
		{Grant{Role: Admin}, DecideAcceptance, pay, false},
		// Risk appetite: the CISO's.
		{Grant{Role: CISO}, SetPolicy, Resource{}, true},
		{Grant{Role: SRO}, SetPolicy, Resource{}, false},
		{Grant{Role: Admin}, SetPolicy, Resource{}, false},
		// Teams model their own systems and nobody else's.
		{Grant{Role: Developer, Team: "team-pay"}, PushModel, pay, true},
		{Grant{Role: Developer, Team: "team-pay"}, PushModel, other, false},
		{Grant{Role: Developer, System: "payments"}, UpdateRegister, pay, true},
		{Grant{Role: Viewer}, PushModel, pay, false},
		{Grant{Role: Viewer}, ReadSystem, other, true},
		{Grant{Role: Viewer, Team: "team-pay"}, ReadSystem, other, false},
		// Exceptions: requested by security leads, approved by the SRO.
		{Grant{Role: SecurityLead}, RequestException, pay, true},
		{Grant{Role: SRO, System: "payments"}, DecideException, pay, true},
		{Grant{Role: RiskOwner, System: "payments"}, DecideException, pay, false},
		// Reviews by the SRO.
		{Grant{Role: SRO}, CompleteReview, pay, true},
		{Grant{Role: SecurityLead}, CompleteReview, pay, false},
		// Audit trail: auditors and admins.
		{Grant{Role: Auditor}, ReadAudit, Resource{}, true},
		{Grant{Role: Admin}, ReadAudit, Resource{}, true},
		{Grant{Role: CISO}, ReadAudit, Resource{}, false},
		{Grant{Role: Auditor}, UpdateRegister, pay, false},
		// Register-wide actions are never reached through a scoped grant,
		// except reading the policy every team works to.
		{Grant{Role: SRO, System: "payments"}, ReadPolicy, Resource{}, true},
		{Grant{Role: SRO, System: "payments"}, ReadAudit, Resource{}, false},
		{Grant{Role: SecurityLead, Team: "team-pay"}, SetPolicy, Resource{}, false},
		{Grant{Role: SRO}, ReadPolicy, Resource{}, true},
		// Users: the admin's alone.
		{Grant{Role: Admin}, ManageUsers, Resource{}, true},
		{Grant{Role: CISO}, ManageUsers, Resource{}, false},
		// Alerts: security roles and the system's own team; not viewers.
		{Grant{Role: SecurityLead, Team: "team-pay"}, ReadAlerts, pay, true},
		{Grant{Role: Developer, System: "payments"}, ReadAlerts, pay, true},
		{Grant{Role: Developer, System: "payments"}, ReadAlerts, other, false},
		{Grant{Role: Auditor}, ReadAlerts, pay, true},
		{Grant{Role: Viewer}, ReadAlerts, pay, false},
		{Grant{Role: RiskOwner, System: "payments"}, ReadAlerts, pay, false},
		// A log shipper sends events of its systems and reads nothing.
		{Grant{Role: Ingest, System: "payments"}, IngestEvents, pay, true},
		{Grant{Role: Ingest, System: "payments"}, IngestEvents, other, false},
		{Grant{Role: Ingest}, ReadSystem, pay, false},
		{Grant{Role: Ingest}, ReadAlerts, pay, false},
		{Grant{Role: Admin}, IngestEvents, pay, false},
		// A grant the RACI does not allow counts for nothing.
		{Grant{Role: RiskOwner}, DecideAcceptance, pay, false},
		{Grant{Role: Developer}, PushModel, pay, false},
	}
	for _, c := range cases {
		p := &Principal{User: "u", Grants: []Grant{c.grant}, Clearance: "official-sensitive"}
		err := p.Check(c.act, c.res)
		if got := err == nil; got != c.want {
			t.Errorf("%s %s on %q: allowed=%v, want %v (%v)", c.grant, c.act, c.res.System, got, c.want, err)
		}
		if err != nil && !errors.Is(err, ErrForbidden) {
			t.Errorf("%s %s: error %v does not wrap ErrForbidden", c.grant, c.act, err)
		}
	}
}

func TestNoGrantsNoAccess(t *testing.T) {
	p := &Principal{User: "new", Clearance: "top-secret"}
	for _, a := range Actions() {
		if p.Allowed(a, pay) || p.Allowed(a, Resource{}) {
			t.Errorf("a user with no grants may %s", a)
		}
	}
	var nobody *Principal
	if err := nobody.Check(ReadSystem, pay); err == nil || !strings.Contains(err.Error(), "not signed in") {
		t.Errorf("nil principal: %v", err)
	}
}

func TestClearanceGatesSystemActions(t *testing.T) {
	cases := []struct {
		clearance, classification string
		want                      bool
	}{
		{"official", "official", true},
		{"official", "official-sensitive", false},
		{"secret", "official-sensitive", true},
		{"", "public", true},
		{"", "internal", false},
		{"confidential", "restricted", false},
	}
	for _, c := range cases {
		p := &Principal{User: "v", Grants: []Grant{{Role: Viewer}}, Clearance: classification(c.clearance)}
		res := Resource{System: "s", Classification: classification(c.classification)}
		err := p.Check(ReadSystem, res)
		if got := err == nil; got != c.want {
			t.Errorf("clearance %q reading %q: allowed=%v, want %v (%v)", c.clearance, c.classification, got, c.want, err)
		}
		if err != nil && !strings.Contains(err.Error(), "clearance") {
			t.Errorf("refusal does not name the clearance: %v", err)
		}
	}
	// Register-wide actions do not depend on a system's classification.
	p := &Principal{User: "a", Grants: []Grant{{Role: Auditor}}}
	if !p.Allowed(ReadAudit, Resource{}) {
		t.Error("auditor without clearance cannot read the audit trail")
	}
}

func TestTokenLimitNarrowsNeverWidens(t *testing.T) {
	other := Resource{System: "web", Team: "team-pay", Classification: "official"}
	p := &Principal{User: "ci", Grants: []Grant{{Role: Developer, Team: "team-pay"}}, Clearance: "official",
		Within: []Grant{{Role: Developer, System: "payments"}, {Role: SRO}}}
	if !p.Allowed(PushModel, pay) {
		t.Error("push within the token's scope refused")
	}
	if err := p.Check(PushModel, other); err == nil || !strings.Contains(err.Error(), "token") {
		t.Errorf("push to another system of the team through a one-system token: %v", err)
	}
	if p.Allowed(DecideAcceptance, pay) {
		t.Error("a token scope widened a developer to deciding acceptances")
	}
	if !(&Principal{Grants: p.Grants, Clearance: "official"}).Allowed(PushModel, other) {
		t.Error("without a token the team grant covers the team's systems")
	}
}

func TestParseGrant(t *testing.T) {
	cases := []struct {
		in, want, err string
	}{
		{in: "ciso", want: "ciso"},
		{in: "developer@team:team-pay", want: "developer@team:team-pay"},
		{in: "risk-owner@system:payments", want: "risk-owner@system:payments"},
		{in: "risk-owner", err: "cannot be granted global-wide"},
		{in: "ciso@team:x", err: "cannot be granted team-wide"},
		{in: "devloper", err: "unknown role"},
		{in: "viewer@org:x", err: "want team or system"},
		{in: "viewer@team:", err: "want ROLE"},
	}
	for _, c := range cases {
		g, err := ParseGrant(c.in)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseGrant(%q) error %v, want %q", c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("ParseGrant(%q): %v", c.in, err)
		case g.String() != c.want:
			t.Errorf("ParseGrant(%q) = %s, want %s", c.in, g, c.want)
		}
	}
}

func TestVisible(t *testing.T) {
	p := &Principal{Grants: []Grant{{Role: Viewer, Team: "team-pay"}}, Clearance: "official"}
	all := []Resource{pay, {System: "hr", Team: "team-hr"}, {System: "vault", Team: "team-pay", Classification: "secret"},
		{System: "web", Team: "team-pay"}}
	got := Visible(p, all, func(r Resource) Resource { return r })
	var names []string
	for _, r := range got {
		names = append(names, r.System)
	}
	if strings.Join(names, ",") != "payments,web" {
		t.Errorf("visible = %v, want payments,web", names)
	}
}

func TestEveryRoleHasPermissionsAndScopes(t *testing.T) {
	for _, r := range Roles() {
		if len(Permissions[r]) == 0 || len(scopes[r]) == 0 {
			t.Errorf("role %s has no permissions or scopes", r)
		}
		for _, a := range Permissions[r] {
			if !a.Valid() {
				t.Errorf("role %s: unknown action %s", r, a)
			}
		}
	}
	// Separation of duties by data: nobody both runs users and decides risk.
	for _, r := range Roles() {
		has := func(a Action) bool {
			for _, x := range Permissions[r] {
				if x == a {
					return true
				}
			}
			return false
		}
		if has(ManageUsers) && (has(DecideAcceptance) || has(DecideException)) {
			t.Errorf("role %s both manages users and decides risk", r)
		}
	}
}
