package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AlertRepo stores detection alerts. An alert is one group: the same rule
// firing on the same system, components, threats and correlation group is
// one row with a count and the first and last times it was seen. Each
// occurrence is recorded once by its fingerprint, so that an event
// delivered twice counts once.
type AlertRepo interface {
	// RecordAlerts adds each occurrence to its group (creating the group
	// on its first) unless an occurrence with its fingerprint is stored
	// already; it returns how many were new.
	RecordAlerts(ctx context.Context, occ []AlertOccurrence) (int, error)
	// GetAlert returns one alert group.
	GetAlert(ctx context.Context, id int64) (Alert, error)
	// ListAlerts returns the alert groups the filter selects, most
	// recently seen first.
	ListAlerts(ctx context.Context, f AlertFilter) ([]Alert, error)
	// CountAlerts counts the groups the filter selects, ignoring Limit and Offset.
	CountAlerts(ctx context.Context, f AlertFilter) (int, error)
	// AlertTotals sums occurrences per system and rule and per system and
	// threat (for metrics).
	AlertTotals(ctx context.Context) (AlertTotals, error)
	// PruneAlertOccurrences forgets the fingerprints of occurrences stored
	// before a time (when they were stored, not their events' time; the
	// groups keep their counts) and returns how many.
	PruneAlertOccurrences(ctx context.Context, before time.Time) (int64, error)
}

// Alert is a group of occurrences of one detection.
type Alert struct {
	ID       int64  `json:"id"`
	SystemID string `json:"system_id"`
	RuleID   string `json:"rule_id,omitempty"`
	Title    string `json:"title"`
	Level    string `json:"level,omitempty"`
	// Kind is detection (a rule matched an event) or correlation.
	Kind string `json:"kind"`
	// Techniques are the rule's ATT&CK techniques, e.g. T1059.001.
	Techniques []string `json:"techniques"`
	// Components and Threats are the model's, as of the version the
	// occurrence was linked with.
	Components []string `json:"components"`
	Threats    []string `json:"threats"`
	// Group is a correlation's group-by values.
	Group     map[string]string `json:"group,omitempty"`
	Count     int64             `json:"count"`
	FirstSeen time.Time         `json:"first_seen"`
	LastSeen  time.Time         `json:"last_seen"`
	// Source and Event are those of the latest occurrence (Event is empty
	// for correlations).
	Source string          `json:"source"`
	Event  json.RawMessage `json:"event,omitempty"`
}

// AlertOccurrence is one alert as detection raised it.
type AlertOccurrence struct {
	// Fingerprint identifies the occurrence (the rule and the event's
	// place in the stream): a redelivered event has the same one.
	Fingerprint string
	// Alert holds the group's fields; Count, FirstSeen and LastSeen are
	// ignored, At is the occurrence's time.
	Alert Alert
	At    time.Time
}

// GroupKey identifies the group an alert belongs to.
func (a *Alert) GroupKey() string {
	h := sha256.New()
	group, _ := json.Marshal(a.Group) // map keys sorted: stable
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", a.SystemID, a.RuleID, a.Title, a.Kind,
		strings.Join(sorted(a.Components), ","), strings.Join(sorted(a.Threats), ","), group)
	return hex.EncodeToString(h.Sum(nil))
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// AlertFilter selects alert groups.
type AlertFilter struct {
	// SystemID keeps one system's; Systems, when not nil, keeps those of
	// the systems listed (the ones a caller may read).
	SystemID  string
	Systems   []string
	Rule      string // a rule id or title
	Level     []string
	Component string
	Threat    string
	// Since and Until keep groups seen in [Since, Until) (zero: unbounded).
	Since, Until time.Time
	// Limit caps the page (default 50, at most 1000); Offset skips rows.
	Limit  int
	Offset int
}

// AlertTotals are occurrence counts for metrics.
type AlertTotals struct {
	ByRule   []AlertTotal `json:"by_rule"`
	ByThreat []AlertTotal `json:"by_threat"`
}

// AlertTotal is the count of one system and rule (Key is the rule id, or
// its title when it has none; Level is the rule's) or of one system and
// threat (Key is the threat id).
type AlertTotal struct {
	SystemID string `json:"system_id"`
	Key      string `json:"key"`
	Level    string `json:"level,omitempty"`
	Count    int64  `json:"count"`
}
