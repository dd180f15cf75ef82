package server

import (
	"context"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// Workflow is what the API asks of the register's workflow service: every
// change goes through it, so that its rules (transitions, separation of
// duties, due dates from the SLA, history, audit entries, jobs) hold for
// the API exactly as for any other caller. Callers have passed the role
// checks before; actor is the signed-in user's name.
type Workflow interface {
	CreateSystem(ctx context.Context, actor string, s store.System) (store.System, error)
	UpdateSystem(ctx context.Context, actor string, s store.System) (store.System, error)
	// PushVersion stores a validated, analysed model version and brings the
	// system's threats up to date (new, changed, gone).
	PushVersion(ctx context.Context, actor, systemID string, source []byte, res *analysis.Result, ref string) (store.ModelVersion, error)
	UpdateThreat(ctx context.Context, actor string, c ThreatUpdate) (store.Threat, error)
	Comment(ctx context.Context, actor, systemID, threatID, text string) (store.ThreatEvent, error)

	RequestAcceptance(ctx context.Context, actor string, r AcceptanceRequest) (store.Acceptance, error)
	SubmitAcceptance(ctx context.Context, actor string, id, version int64, note string) (store.Acceptance, error)
	ApproveAcceptance(ctx context.Context, actor string, id, version int64, note string) (store.Acceptance, error)
	RejectAcceptance(ctx context.Context, actor string, id, version int64, note string) (store.Acceptance, error)
	RevokeAcceptance(ctx context.Context, actor string, id, version int64, note string) (store.Acceptance, error)

	RequestException(ctx context.Context, actor string, e store.Exception, submit bool) (store.Exception, error)
	SubmitException(ctx context.Context, actor string, id, version int64, note string) (store.Exception, error)
	ApproveException(ctx context.Context, actor string, id, version int64, note string) (store.Exception, error)
	RejectException(ctx context.Context, actor string, id, version int64, note string) (store.Exception, error)
	RevokeException(ctx context.Context, actor string, id, version int64, note string) (store.Exception, error)

	CompleteReview(ctx context.Context, actor string, id, version int64, notes string) (store.Review, error)
	SetPolicy(ctx context.Context, actor string, p store.Policy) (store.Policy, error)
}

// ThreatUpdate changes a threat's register entry; nil fields stay as they are.
type ThreatUpdate struct {
	SystemID, ThreatID string
	// Version is the threat version the change is based on.
	Version int64
	Status  *model.TreatmentStatus
	Owner   *string
	Due     *string
}

// AcceptanceRequest asks for a risk acceptance of one or more threats.
type AcceptanceRequest struct {
	SystemID      string
	Threats       []string
	Justification string
	Expires       string
	// Extends is the acceptance this one renews (0: none).
	Extends int64
	// Submit submits at once rather than leaving a draft.
	Submit bool
}
