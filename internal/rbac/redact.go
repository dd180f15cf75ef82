package rbac

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Redacted replaces free text in a redacted export.
const Redacted = "[redacted]"

// NameFields are the keys whose string values name people or teams. A
// redacted export replaces each with a pseudonym that is the same for the
// same name within one export, so who did what stays traceable without
// saying who.
var NameFields = map[string]bool{
	"owner": true, "owner_team": true, "risk_owner": true, "sro": true, "requester": true, "requested_by": true,
	"approver": true, "decided_by": true, "accepted_by": true, "reviewer": true, "reviewed_by": true,
	"actor": true, "user": true, "author": true, "assignee": true, "email": true, "transferred_to": true,
	"created_by": true, "updated_by": true, "team": true,
}

// TextFields are the keys whose string values are free text, masked whole
// in a redacted export.
var TextFields = map[string]bool{
	"justification": true, "comment": true, "comments": true, "body": true, "reason": true, "description": true,
	"notes": true, "note": true, "risk": true, "mitigations_not_implemented": true, "difficulties": true,
	"message": true, "text": true, "summary": true,
}

// Redactor masks names and free text in exports shared outside the
// organisation (the policy's "anonymisation or masking before sharing
// externally").
type Redactor struct {
	key []byte
}

// NewRedactor returns a redactor with a fresh random key: pseudonyms from
// two exports cannot be matched with each other, nor reversed.
func NewRedactor() (*Redactor, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("redactor key: %w", err)
	}
	return &Redactor{key: key}, nil
}

// Pseudonym returns the stable pseudonym for a name within this redactor.
func (r *Redactor) Pseudonym(name string) string {
	if name == "" {
		return ""
	}
	m := hmac.New(sha256.New, r.key)
	m.Write([]byte(name))
	return "person-" + hex.EncodeToString(m.Sum(nil))[:10]
}

// Value returns a copy of v (anything that encodes to JSON) with names
// pseudonymised and free text masked, at any depth.
func (r *Redactor) Value(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	return r.walk("", tree), nil
}

// JSON redacts one JSON document (such as one line of an audit export).
func (r *Redactor) JSON(doc []byte) ([]byte, error) {
	var tree any
	if err := json.Unmarshal(doc, &tree); err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	out, err := json.Marshal(r.walk("", tree))
	if err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	return out, nil
}

func (r *Redactor) walk(key string, v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = r.walk(k, x)
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = r.walk(key, x)
		}
		return t
	case string:
		switch {
		case t == "":
			return t
		case NameFields[key]:
			return r.Pseudonym(t)
		case TextFields[key]:
			return Redacted
		}
	}
	return v
}
