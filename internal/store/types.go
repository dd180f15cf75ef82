package store

import (
	"encoding/json"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/risk"
)

// Dates without a time of day (due dates, expiries, review dates) are
// strings in the form YYYY-MM-DD, as in the model file's treatments.

// Policy is the organisation's threat modelling policy, set by the CISO role.
// There is one; Version is its ETag.
type Policy struct {
	Matrix   risk.Matrix    `json:"matrix"`
	Appetite model.Severity `json:"appetite"`
	// AppetiteByCategory narrows the appetite for rule categories (privacy: low).
	AppetiteByCategory map[string]model.Severity `json:"appetite_by_category,omitempty"`
	// MandatoryRules lists rule ids a model may not disable.
	MandatoryRules []string `json:"mandatory_rules,omitempty"`
	// SLADays is the number of days to treat a threat, by residual severity.
	SLADays map[model.Severity]int `json:"sla_days"`
	// SROReviewDays is how soon after a model version the SRO must review it.
	SROReviewDays int `json:"sro_review_days"`
	// ModelReviewDays is how often each system's model must be reviewed.
	ModelReviewDays int `json:"model_review_days"`
	// AcceptanceWarningDays is how many days before expiry an acceptance warns.
	AcceptanceWarningDays int `json:"acceptance_warning_days"`
	// MaxAcceptanceDays caps the expiry of an acceptance from its decision.
	MaxAcceptanceDays int `json:"max_acceptance_days"`
	// Tiers are the application security risk levels.
	Tiers []Tier `json:"tiers"`

	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// Tier is one application security risk level: which systems must be
// modelled and how often they are reviewed.
type Tier struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// MustModel is set when systems of this tier must have a threat model.
	MustModel bool `json:"must_model"`
	// ReviewDays overrides the policy's ModelReviewDays for this tier (0: the policy's).
	ReviewDays int `json:"review_days,omitempty"`
}

// DefaultPolicy is the policy before the CISO sets one: the default matrix,
// medium appetite, SRO review within 21 days and a yearly model review.
func DefaultPolicy() Policy {
	return Policy{
		Matrix:                risk.DefaultMatrix(),
		Appetite:              "medium",
		SLADays:               map[model.Severity]int{"critical": 7, "high": 30, "medium": 90, "low": 180},
		SROReviewDays:         21,
		ModelReviewDays:       365,
		AcceptanceWarningDays: 30,
		MaxAcceptanceDays:     365,
		Tiers: []Tier{
			{Name: "tier-1", Description: "business critical or holding restricted data", MustModel: true, ReviewDays: 180},
			{Name: "tier-2", Description: "important internal or customer-facing systems", MustModel: true},
			{Name: "tier-3", Description: "low impact systems", MustModel: false},
		},
	}
}

// System is one modelled system (one model file).
type System struct {
	// ID is the model's system.id.
	ID             string               `json:"id"`
	Name           string               `json:"name"`
	OwnerTeam      string               `json:"owner_team,omitempty"`
	RiskOwner      string               `json:"risk_owner,omitempty"`
	SRO            string               `json:"sro,omitempty"`
	Classification model.Classification `json:"classification,omitempty"`
	Tier           string               `json:"tier,omitempty"`
	// LatestVersion is the sequence number of the newest model version (0: none yet).
	LatestVersion int `json:"latest_version"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ModelVersion is one pushed version of a system's model with its analysis.
type ModelVersion struct {
	SystemID string `json:"system_id"`
	// Seq numbers a system's versions 1, 2, 3…
	Seq int `json:"seq"`
	// Digest is the SHA-256 of Source, hex.
	Digest string `json:"digest"`
	// Source is the model file as pushed.
	Source []byte `json:"-"`
	// Result is the analysis result as JSON (internal/analysis.Result).
	Result json.RawMessage `json:"-"`
	// Ref names where it came from (a commit, a tag, a milestone).
	Ref      string    `json:"ref,omitempty"`
	PushedBy string    `json:"pushed_by"`
	PushedAt time.Time `json:"pushed_at"`
	// Counts of threats new, changed and gone against the previous version.
	New     int `json:"new"`
	Changed int `json:"changed"`
	Gone    int `json:"gone"`
	Threats int `json:"threats"`
}

// Change is how a threat differs in a model version from the one before.
type Change string

// Threat changes between model versions.
const (
	ChangeNew       Change = "new"
	ChangeChanged   Change = "changed"
	ChangeGone      Change = "gone"
	ChangeUnchanged Change = "unchanged"
)

// VersionChange is one threat's change in one model version.
type VersionChange struct {
	SystemID string `json:"system_id"`
	Seq      int    `json:"seq"`
	ThreatID string `json:"threat_id"`
	Change   Change `json:"change"`
	// Before and After are the residual risk before and after (zero when absent).
	Before RiskRating `json:"before"`
	After  RiskRating `json:"after"`
}

// RiskRating is the risk a decision was made on.
type RiskRating struct {
	Likelihood int            `json:"likelihood"`
	Impact     int            `json:"impact"`
	Severity   model.Severity `json:"severity"`
}

// Threat is one threat of a system as the latest model version found it,
// with its register state. The pair (SystemID, ID) is its key; ID is the
// stable threat id (rule@element).
type Threat struct {
	SystemID string         `json:"system_id"`
	ID       string         `json:"id"`
	Rule     string         `json:"rule"`
	Title    string         `json:"title"`
	Category string         `json:"category,omitempty"`
	STRIDE   []model.STRIDE `json:"stride"`
	Targets  []string       `json:"targets"`
	// Risk is the residual risk in the latest version that had the threat.
	Risk RiskRating `json:"risk"`
	// Fingerprint is a digest of what makes the threat "changed" between versions.
	Fingerprint string `json:"fingerprint"`
	// FirstSeen is the version that first found the threat; LastSeen the
	// latest that did (for a threat not gone, the system's latest version).
	FirstSeen int `json:"first_seen"`
	LastSeen  int `json:"last_seen"`
	// Gone is set when the latest version no longer has the threat.
	Gone bool `json:"gone"`

	// Register state.
	Status model.TreatmentStatus `json:"status"`
	Owner  string                `json:"owner,omitempty"`
	Due    string                `json:"due,omitempty"`
	// AcceptanceID is the acceptance that covers the threat while accepted.
	AcceptanceID int64 `json:"acceptance_id,omitempty"`

	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ThreatEvent is one entry of a threat's history.
type ThreatEvent struct {
	ID       int64     `json:"id"`
	SystemID string    `json:"system_id"`
	ThreatID string    `json:"threat_id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	// Kind is comment, status, owner, due, version (new/changed/gone), acceptance.
	Kind string `json:"kind"`
	// Text is a comment or a description of the change.
	Text string `json:"text"`
}

// ThreatFilter selects threats for the register list.
type ThreatFilter struct {
	SystemID string                  `json:"system_id,omitempty"`
	Status   []model.TreatmentStatus `json:"status,omitempty"`
	Severity []model.Severity        `json:"severity,omitempty"`
	Owner    string                  `json:"owner,omitempty"`
	Rule     string                  `json:"rule,omitempty"`
	// Category keeps threats of this rule category or STRIDE category.
	Category    string `json:"category,omitempty"`
	IncludeGone bool   `json:"include_gone,omitempty"`
	// DueBefore keeps threats whose due date is before this date (YYYY-MM-DD).
	DueBefore string `json:"due_before,omitempty"`
	// Sort is one of ThreatSorts: id (system, then threat id; the
	// default), severity, due (threats without a date last) or updated,
	// each ascending, or descending with a leading "-". Ties go by id.
	Sort string `json:"sort,omitempty"`
	// Limit caps the page (default 50, at most 1000); Offset skips rows.
	Limit  int `json:"limit,omitempty"`
	Offset int `json:"offset,omitempty"`
}

// ThreatSorts lists the sorts of ThreatFilter.
const ThreatSorts = "id, -id, severity, -severity, due, -due, updated, -updated"

// AcceptanceState is where a risk acceptance is in its life.
type AcceptanceState string

// Acceptance states: draft → submitted → accepted | rejected; accepted →
// revoked | expired.
const (
	AcceptanceDraft     AcceptanceState = "draft"
	AcceptanceSubmitted AcceptanceState = "submitted"
	AcceptanceAccepted  AcceptanceState = "accepted"
	AcceptanceRejected  AcceptanceState = "rejected"
	AcceptanceRevoked   AcceptanceState = "revoked"
	AcceptanceExpired   AcceptanceState = "expired"
)

// Acceptance is a request to accept the risk of one or more threats of a
// system, and its decision.
type Acceptance struct {
	ID            int64           `json:"id"`
	SystemID      string          `json:"system_id"`
	State         AcceptanceState `json:"state"`
	Justification string          `json:"justification"`
	// Expires is the last day the acceptance holds (YYYY-MM-DD).
	Expires     string `json:"expires"`
	RequestedBy string `json:"requested_by"`
	DecidedBy   string `json:"decided_by,omitempty"`
	// DecidedAt is zero until a decision.
	DecidedAt    time.Time `json:"decided_at,omitzero"`
	DecisionNote string    `json:"decision_note,omitempty"`
	// Extends is the expired acceptance this one renews (0: none).
	Extends int64 `json:"extends,omitempty"`
	// NeedsReview is set when a covered threat's risk changed after the decision.
	NeedsReview bool `json:"needs_review"`
	// WarnedAt is when the expiry warning went out (zero: not yet).
	WarnedAt time.Time `json:"warned_at,omitzero"`
	// Threats are the threats covered, with the risk decided on.
	Threats []AcceptedThreat `json:"threats"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AcceptedThreat is one threat an acceptance covers and the risk it was
// decided on.
type AcceptedThreat struct {
	ThreatID string     `json:"threat_id"`
	Risk     RiskRating `json:"risk"`
	// ModelVersion is the model version whose risk was decided on.
	ModelVersion int `json:"model_version"`
}

// AcceptanceFilter selects acceptances.
type AcceptanceFilter struct {
	SystemID string            `json:"system_id,omitempty"`
	State    []AcceptanceState `json:"state,omitempty"`
	// ExpiresBefore keeps acceptances whose expiry is before this date.
	ExpiresBefore string `json:"expires_before,omitempty"`
	ThreatID      string `json:"threat_id,omitempty"`
	Limit         int    `json:"limit,omitempty"`
	Offset        int    `json:"offset,omitempty"`
}

// ExceptionState is where a policy exception is in its life.
type ExceptionState string

// Exception states: draft → submitted → approved | rejected; approved →
// revoked.
const (
	ExceptionDraft     ExceptionState = "draft"
	ExceptionSubmitted ExceptionState = "submitted"
	ExceptionApproved  ExceptionState = "approved"
	ExceptionRejected  ExceptionState = "rejected"
	ExceptionRevoked   ExceptionState = "revoked"
)

// Exception is an exception to the threat modelling policy, with the
// contents the policy asks for.
type Exception struct {
	ID       int64          `json:"id"`
	SystemID string         `json:"system_id"`
	State    ExceptionState `json:"state"`
	Title    string         `json:"title"`
	Reason   string         `json:"reason"`
	// Risk is the risk of not following the policy.
	Risk string `json:"risk"`
	// Mitigations lists the mitigations that will not be implemented.
	Mitigations  []string `json:"mitigations"`
	Difficulties string   `json:"difficulties"`
	// ReviewDate is when the exception must be reviewed (YYYY-MM-DD).
	ReviewDate   string    `json:"review_date"`
	RequestedBy  string    `json:"requested_by"`
	DecidedBy    string    `json:"decided_by,omitempty"`
	DecidedAt    time.Time `json:"decided_at,omitzero"`
	DecisionNote string    `json:"decision_note,omitempty"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ReviewKind says why a review was opened.
type ReviewKind string

// Review kinds: the SRO review of a new model version, and the periodic
// (annual by default) review of a system's model.
const (
	ReviewVersion  ReviewKind = "version"
	ReviewPeriodic ReviewKind = "periodic"
)

// ReviewState is open until the review is done.
type ReviewState string

// Review states.
const (
	ReviewOpen ReviewState = "open"
	ReviewDone ReviewState = "done"
)

// Review is one review of a system's model.
type Review struct {
	ID       int64       `json:"id"`
	SystemID string      `json:"system_id"`
	Kind     ReviewKind  `json:"kind"`
	State    ReviewState `json:"state"`
	// ModelVersion is the version under review (for periodic reviews, the latest when opened).
	ModelVersion int `json:"model_version"`
	// SinceVersion is the version the last review covered (0: none); what
	// changed since is the versions after it.
	SinceVersion int    `json:"since_version"`
	Due          string `json:"due"`
	Reviewer     string `json:"reviewer,omitempty"`
	// CompletedAt is zero while open.
	CompletedAt time.Time `json:"completed_at,omitzero"`
	Notes       string    `json:"notes,omitempty"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ReviewFilter selects reviews.
type ReviewFilter struct {
	SystemID  string        `json:"system_id,omitempty"`
	State     []ReviewState `json:"state,omitempty"`
	Kind      ReviewKind    `json:"kind,omitempty"`
	DueBefore string        `json:"due_before,omitempty"`
	Limit     int           `json:"limit,omitempty"`
	Offset    int           `json:"offset,omitempty"`
}

// ExceptionFilter selects policy exceptions.
type ExceptionFilter struct {
	SystemID string           `json:"system_id,omitempty"`
	State    []ExceptionState `json:"state,omitempty"`
	// ReviewBefore keeps exceptions whose review date is before this date.
	ReviewBefore string `json:"review_before,omitempty"`
	Limit        int    `json:"limit,omitempty"`
	Offset       int    `json:"offset,omitempty"`
}

// AuditEntry is one link of the hash-chained audit trail.
type AuditEntry struct {
	// Seq numbers entries 1, 2, 3… without gaps.
	Seq int64 `json:"seq"`
	// At is kept to the microsecond (PostgreSQL's precision).
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	// Object names what changed: kind/id (system/payments, acceptance/12).
	Object string `json:"object"`
	// Data is the change as canonical JSON.
	Data json.RawMessage `json:"data"`
	// PrevHash is the previous entry's Hash (hex; empty for the first).
	PrevHash string `json:"prev_hash"`
	// Hash is SHA-256 over the canonical encoding of this entry with PrevHash, hex.
	Hash string `json:"hash"`
}

// AuditFilter selects audit trail entries, oldest first. Zero fields do
// not filter.
type AuditFilter struct {
	// After keeps entries with a Seq above it: the page before ended there.
	After int64 `json:"after,omitempty"`
	// Limit is the most entries returned (0: 1000; at most 1000).
	Limit int `json:"limit,omitempty"`
	// Actor keeps the entries of this actor (exact).
	Actor string `json:"actor,omitempty"`
	// Action keeps this action (user.update), or with no dot in it every
	// action of that kind (user: user.create, user.update…).
	Action string `json:"action,omitempty"`
	// Object keeps this object and those under it: system/payments, or
	// acceptance for every acceptance.
	Object string `json:"object,omitempty"`
	// From keeps entries at or after this time.
	From time.Time `json:"from,omitzero"`
	// To keeps entries before this time.
	To time.Time `json:"to,omitzero"`
}

// Role grant: a role, scoped to a system or team or to everything.

// Grant gives a user a role, optionally limited to one system or team.
type Grant struct {
	Role string `json:"role"`
	// Scope is "" (everything), "system:ID" or "team:NAME".
	Scope string `json:"scope,omitempty"`
}

// User is a local account.
type User struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name,omitempty"`
	Email       string `json:"email,omitempty"`
	// PasswordHash is an encoded argon2id hash ("" for accounts that sign in with OIDC only).
	PasswordHash string  `json:"-"`
	Grants       []Grant `json:"grants"`
	// Clearance is the highest classification the user may read.
	Clearance    model.Classification `json:"clearance,omitempty"`
	Disabled     bool                 `json:"disabled"`
	FailedLogins int                  `json:"-"`
	LockedUntil  time.Time            `json:"locked_until,omitzero"`
	// OIDCSubject links the account to an OIDC identity (issuer + "|" + subject).
	OIDCSubject string `json:"oidc_subject,omitempty"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Token is an API token. Only a hash of its secret is stored.
type Token struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	// Hash is the SHA-256 of the secret, hex.
	Hash string `json:"-"`
	// Scopes limit what the token may do (grants narrower than the user's).
	Scopes    []Grant   `json:"scopes"`
	ExpiresAt time.Time `json:"expires_at"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used,omitzero"`
	Revoked   bool      `json:"revoked"`
}

// Session is a signed-in browser session. Only a hash of its id is stored.
type Session struct {
	// Hash is the SHA-256 of the session id, hex.
	Hash      string    `json:"-"`
	UserID    int64     `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}
