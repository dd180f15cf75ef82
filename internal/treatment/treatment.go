// Package treatment applies the risk register kept in a model to identified
// threats: each threat's status, owner, due date and acceptance, with
// expired acceptances and overdue actions flagged. It does no I/O.
package treatment

import (
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
)

// Source says where a threat's status came from.
type Source string

// Status sources.
const (
	FromRegister Source = "register" // a treatments entry in the model
	FromControls Source = "controls" // an implemented control addresses the threat
	FromDefault  Source = "default"  // nothing: the threat is open
)

// StatusClaimed is the state of a threat the register says is mitigated
// without evidence and verified_by: it counts as open and lowers no risk.
const StatusClaimed model.TreatmentStatus = "claimed"

// State is the register state of one threat after applying the register.
type State struct {
	Status        model.TreatmentStatus `json:"status"`
	Source        Source                `json:"source"`
	Owner         string                `json:"owner,omitempty"`
	Due           string                `json:"due,omitempty"`
	Justification string                `json:"justification,omitempty"`
	AcceptedBy    string                `json:"accepted_by,omitempty"`
	Expires       string                `json:"expires,omitempty"`
	TransferredTo string                `json:"transferred_to,omitempty"`
	Ticket        string                `json:"ticket,omitempty"`
	Evidence      string                `json:"evidence,omitempty"`
	VerifiedBy    string                `json:"verified_by,omitempty"`
	// Expired is set when an acceptance has run out: the threat counts as open again.
	Expired bool `json:"expired,omitempty"`
	// Overlong is set when an acceptance expires further ahead than the
	// longest acceptance allowed (Register.LimitAcceptances): granted no
	// later than now, it was granted for too long, so it does not count
	// and the threat is open.
	Overlong bool `json:"overlong,omitempty"`
	// Claimed is set when the register says mitigated without evidence and
	// verified_by: the status is then "claimed" and the threat counts as open.
	Claimed bool `json:"claimed,omitempty"`
	// Overdue is set when an open or mitigating threat is past its due date.
	Overdue bool `json:"overdue,omitempty"`
	// Key is the register key that matched (a threat id or an alias such as a Threagile id).
	Key string `json:"key,omitempty"`
}

// Open reports whether the threat still counts as untreated risk.
func (s State) Open() bool { return s.Expired || s.Overlong || !s.Status.Closed() }

// Gated reports whether the threat's residual risk is compared with the
// appetite: when it is open, and when it is mitigated, by controls or by a
// verified mitigation on the register (the residual then says how much
// risk the mitigation leaves, and a treated threat still above appetite
// fails the gate). A valid acceptance, a transfer, an avoided threat and a
// false positive take it out of the gate.
func (s State) Gated() bool { return s.Open() || s.Status == "mitigated" }

// VerifiedMitigation reports whether the register says the threat is
// mitigated, with evidence and a verifier.
func (s State) VerifiedMitigation() bool {
	return s.Source == FromRegister && s.Status == "mitigated"
}

// Register indexes a model's treatments by threat id.
type Register struct {
	byID map[string]*model.Treatment
	used map[string]bool
	now  time.Time
	// maxDays is the longest an acceptance may run from now; 0 for no limit.
	maxDays int
}

// NewRegister indexes the treatments; now decides expiry and overdue flags.
func NewRegister(list []model.Treatment, now time.Time) *Register {
	r := &Register{byID: make(map[string]*model.Treatment, len(list)), used: map[string]bool{}, now: now}
	for i := range list {
		if _, dup := r.byID[list[i].Threat]; !dup {
			r.byID[list[i].Threat] = &list[i]
		}
	}
	return r
}

// LimitAcceptances sets the longest an acceptance may still run on the
// register's date: one expiring more than days ahead is Overlong.
func (r *Register) LimitAcceptances(days int) { r.maxDays = days }

// Resolve returns the state of a threat known by id and aliases (other keys
// a register may use for it, e.g. Threagile risk ids). mitigatedByControl
// tells whether an implemented control addresses it.
func (r *Register) Resolve(id string, aliases []string, mitigatedByControl bool) State {
	t, key := r.byID[id], id
	for _, a := range aliases {
		if t != nil {
			break
		}
		t, key = r.byID[a], a
	}
	if t == nil {
		if mitigatedByControl {
			return State{Status: "mitigated", Source: FromControls}
		}
		return State{Status: "open", Source: FromDefault}
	}
	r.used[key] = true
	s := State{
		Status:        t.Status,
		Source:        FromRegister,
		Owner:         t.Owner,
		Justification: t.Justification,
		AcceptedBy:    t.AcceptedBy,
		TransferredTo: t.TransferredTo,
		Ticket:        t.Ticket,
		Evidence:      t.Evidence,
		VerifiedBy:    t.Verifier(),
		Key:           key,
	}
	if t.Status == "mitigated" && (strings.TrimSpace(t.Evidence) == "" || t.Verifier() == "") {
		s.Status, s.Claimed = StatusClaimed, true
	}
	if t.Due != nil {
		s.Due = t.Due.String()
		s.Overdue = !t.Status.Closed() && r.now.After(t.Due.AddDate(0, 0, 1))
	}
	if t.Expires != nil {
		s.Expires = t.Expires.String()
		s.Expired = t.Status == "accepted" && !r.now.Before(t.Expires.AddDate(0, 0, 1))
		s.Overlong = t.Status == "accepted" && r.maxDays > 0 && t.Expires.After(r.now.AddDate(0, 0, r.maxDays))
	}
	return s
}

// Unused returns the register entries that matched no threat, in model order.
func (r *Register) Unused(list []model.Treatment) []*model.Treatment {
	var out []*model.Treatment
	for i := range list {
		if !r.used[list[i].Threat] {
			out = append(out, &list[i])
		}
	}
	return out
}
