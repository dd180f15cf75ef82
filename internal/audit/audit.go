// Package audit keeps the register's audit trail: every change appends an
// entry in the transaction that makes it, each entry carrying the hash of
// the one before, so that an edit, a deletion or a reordering of the stored
// trail is detected by Verify. Export writes the trail as JSON lines for a
// SIEM.
//
// An entry's hash is SHA-256 over its canonical encoding: a JSON object
// with the keys seq, at (RFC 3339, UTC, microseconds), actor, action,
// object, data (its keys sorted, no insignificant space) and prev_hash, in
// that order.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rampart-sec/rampart/internal/store"
)

// TimeFormat is how At is encoded: UTC, microseconds, fixed width.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// Canonical returns the bytes an entry's hash is computed over.
func Canonical(e store.AuditEntry) ([]byte, error) {
	data, err := canonicalJSON(e.Data)
	if err != nil {
		return nil, fmt.Errorf("audit entry %d data: %w", e.Seq, err)
	}
	var b bytes.Buffer
	b.WriteString(`{"seq":`)
	fmt.Fprintf(&b, "%d", e.Seq)
	for _, kv := range []struct{ k, v string }{
		{"at", e.At.UTC().Format(TimeFormat)}, {"actor", e.Actor}, {"action", e.Action}, {"object", e.Object},
	} {
		b.WriteString(`,"` + kv.k + `":`)
		b.Write(quote(kv.v))
	}
	b.WriteString(`,"data":`)
	b.Write(data)
	b.WriteString(`,"prev_hash":`)
	b.Write(quote(e.PrevHash))
	b.WriteByte('}')
	return b.Bytes(), nil
}

func quote(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// canonicalJSON re-encodes a JSON document with sorted keys, numbers as
// written and no insignificant space.
func canonicalJSON(doc []byte) ([]byte, error) {
	if len(bytes.TrimSpace(doc)) == 0 {
		return []byte("null"), nil
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Hash returns the hex SHA-256 of an entry's canonical encoding.
func Hash(e store.AuditEntry) (string, error) {
	c, err := Canonical(e)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:]), nil
}

// Record is one change to append.
type Record struct {
	Actor  string
	Action string
	Object string
	// Data is encoded as JSON.
	Data any
}

// Append adds records to the trail in tx, after its head. Call it last in
// the transaction: it locks the head until commit.
func Append(ctx context.Context, tx store.Repo, at time.Time, recs ...Record) ([]store.AuditEntry, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	seq, prev, err := tx.AuditHead(ctx)
	if err != nil {
		return nil, err
	}
	at = at.UTC().Truncate(time.Microsecond)
	out := make([]store.AuditEntry, 0, len(recs))
	for _, r := range recs {
		raw, err := json.Marshal(r.Data)
		if err != nil {
			return nil, fmt.Errorf("audit %s %s: %w", r.Action, r.Object, err)
		}
		data, err := canonicalJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("audit %s %s: %w", r.Action, r.Object, err)
		}
		seq++
		e := store.AuditEntry{Seq: seq, At: at, Actor: r.Actor, Action: r.Action, Object: r.Object, Data: data, PrevHash: prev}
		if e.Hash, err = Hash(e); err != nil {
			return nil, err
		}
		if err := tx.AppendAudit(ctx, e); err != nil {
			return nil, fmt.Errorf("appending to the audit trail: %w", err)
		}
		prev = e.Hash
		out = append(out, e)
	}
	return out, nil
}

// Problem is one break in the chain.
type Problem struct {
	Seq     int64  `json:"seq"`
	Message string `json:"message"`
}

// Report is the outcome of Verify.
type Report struct {
	// Entries is the number of entries read.
	Entries int64 `json:"entries"`
	// Head is the hash of the last entry read.
	Head     string    `json:"head"`
	Problems []Problem `json:"problems"`
}

// OK reports whether the trail is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// ErrTampered is returned by Verify when the trail is not intact.
var ErrTampered = errors.New("the audit trail has been altered")

// Verify reads the whole trail and checks that the entries are numbered
// without gaps, that each carries the previous entry's hash, that each hash
// matches the entry's content, and that the recorded head is the last
// entry (so a deleted tail shows too). It returns ErrTampered with the
// report when anything is wrong.
func Verify(ctx context.Context, r store.Repo) (Report, error) {
	var rep Report
	var last store.AuditEntry
	for {
		page, err := r.ListAudit(ctx, store.AuditFilter{After: last.Seq, Limit: 1000})
		if err != nil {
			return rep, err
		}
		for _, e := range page {
			if e.Seq != last.Seq+1 {
				rep.Problems = append(rep.Problems, Problem{e.Seq, fmt.Sprintf(
					"entry %d follows entry %d: entries are missing or were renumbered", e.Seq, last.Seq)})
			}
			if e.PrevHash != last.Hash {
				rep.Problems = append(rep.Problems, Problem{e.Seq, fmt.Sprintf(
					"entry %d does not carry the hash of the entry before it: an entry was removed, inserted or moved", e.Seq)})
			}
			h, err := Hash(e)
			if err != nil {
				rep.Problems = append(rep.Problems, Problem{e.Seq, err.Error()})
			} else if h != e.Hash {
				rep.Problems = append(rep.Problems, Problem{e.Seq, fmt.Sprintf(
					"entry %d does not match its hash: its content was edited", e.Seq)})
			}
			rep.Entries++
			last = e
		}
		if len(page) < 1000 {
			break
		}
	}
	rep.Head = last.Hash
	seq, hash, err := r.AuditHead(ctx)
	if err != nil {
		return rep, err
	}
	if seq != last.Seq || hash != last.Hash {
		rep.Problems = append(rep.Problems, Problem{seq, fmt.Sprintf(
			"the trail ends at entry %d but its head records entry %d: entries at the end were removed", last.Seq, seq)})
	}
	if !rep.OK() {
		return rep, fmt.Errorf("%w: %d problems, first at entry %d: %s", ErrTampered, len(rep.Problems),
			rep.Problems[0].Seq, rep.Problems[0].Message)
	}
	return rep, nil
}

// Export writes the entries f selects as JSON lines, oldest first: every
// one after f.After, or at most f.Limit when it is set. It returns how many
// it wrote.
func Export(ctx context.Context, r store.Repo, w io.Writer, f store.AuditFilter) (int64, error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var n int64
	total := f.Limit
	for {
		f.Limit = exportPage
		if total > 0 {
			f.Limit = min(exportPage, total-int(n))
		}
		page, err := r.ListAudit(ctx, f)
		if err != nil {
			return n, err
		}
		for _, e := range page {
			if err := enc.Encode(exported{e.Seq, e.At.UTC().Format(TimeFormat), e.Actor, e.Action, e.Object,
				e.Data, e.PrevHash, e.Hash}); err != nil {
				return n, fmt.Errorf("writing the audit export: %w", err)
			}
			n++
			f.After = e.Seq
		}
		if len(page) < f.Limit || total > 0 && int(n) >= total {
			return n, nil
		}
	}
}

// exportPage is how many entries Export reads at a time.
const exportPage = 1000

// ParseBound reads a time filter's bound: RFC 3339, or a date YYYY-MM-DD
// standing for the start of that day in UTC, or with end set the start of
// the next day, so that from and to dates both include their day. "" is the
// zero time (no bound).
func ParseBound(v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: want RFC 3339 (2026-12-01T09:30:00Z) or a date (2026-12-01)", v)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

type exported struct {
	Seq      int64           `json:"seq"`
	At       string          `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Object   string          `json:"object"`
	Data     json.RawMessage `json:"data"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}
