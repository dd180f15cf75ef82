package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/audit"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/store"
)

// Export is a system's register for sharing: the system, its threats with
// their state, acceptances and exceptions.
type Export struct {
	System      store.System       `json:"system"`
	Threats     []store.Threat     `json:"threats"`
	Acceptances []store.Acceptance `json:"acceptances"`
	Exceptions  []store.Exception  `json:"exceptions"`
	// Redacted is set when names are pseudonyms and free text is masked.
	Redacted bool `json:"redacted"`
}

// AuditReport is the outcome of checking the audit trail.
type AuditReport struct {
	audit.Report
	// OK is set when the chain is intact.
	OK bool `json:"ok"`
}

// recordAudit appends a change made outside the register workflow (users,
// tokens) to the audit trail, in its own transaction.
func (s *Server) recordAudit(ctx context.Context, actor, action, object string, data any) error {
	return s.store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := audit.Append(ctx, tx, s.opts.Now(), audit.Record{Actor: actor, Action: action, Object: object, Data: data})
		return err
	})
}

// AuditQuery are the audit export's filters. Page with after (the last
// sequence number read) and limit.
type AuditQuery struct {
	After  int64  `query:"after" minimum:"0" doc:"Entries after this sequence number."`
	Limit  int    `query:"limit" minimum:"0" maximum:"100000" doc:"At most this many entries (0: all)."`
	Actor  string `query:"actor" maxLength:"200" doc:"Entries of this actor (exact)."`
	Action string `query:"action" maxLength:"200" doc:"This action (user.update), or without a dot every action of a kind (user)."`
	Object string `query:"object" maxLength:"400" doc:"This object and those under it (system/payments, or acceptance for every acceptance)."`
	From   string `query:"from" maxLength:"40" doc:"Entries at or after this time: RFC 3339, or a date YYYY-MM-DD (its start, UTC)."`
	To     string `query:"to" maxLength:"40" doc:"Entries before this time: RFC 3339, or a date YYYY-MM-DD (the end of that day, UTC)."`
}

func (q AuditQuery) filter() (store.AuditFilter, error) {
	from, err := audit.ParseBound(q.From, false)
	if err != nil {
		return store.AuditFilter{}, huma.Error422UnprocessableEntity("invalid from",
			&huma.ErrorDetail{Location: "query.from", Value: q.From, Message: err.Error()})
	}
	to, err := audit.ParseBound(q.To, true)
	if err != nil {
		return store.AuditFilter{}, huma.Error422UnprocessableEntity("invalid to",
			&huma.ErrorDetail{Location: "query.to", Value: q.To, Message: err.Error()})
	}
	return store.AuditFilter{After: q.After, Limit: q.Limit, Actor: q.Actor, Action: q.Action, Object: q.Object,
		From: from, To: to}, nil
}

type jsonLinesOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func (s *Server) auditRoutes() {
	huma.Register(s.api, op("export-audit", http.MethodGet, "/audit", "audit",
		"The audit trail as JSON lines (one entry a line, oldest first), for a SIEM"),
		func(ctx context.Context, in *struct {
			AuditQuery
			Redact bool `query:"redact" doc:"Pseudonymise names and mask free text, for sharing outside."`
		}) (*jsonLinesOutput, error) {
			if _, err := allow(ctx, rbac.ReadAudit, rbac.Resource{}); err != nil {
				return nil, err
			}
			f, err := in.filter()
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if _, err := audit.Export(ctx, s.store, &buf, f); err != nil {
				return nil, s.fail(ctx, err)
			}
			if !in.Redact {
				return &jsonLinesOutput{ContentType: "application/jsonl", Body: buf.Bytes()}, nil
			}
			red, err := rbac.NewRedactor()
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			var out bytes.Buffer
			for line := range bytes.Lines(buf.Bytes()) {
				r, err := red.JSON(line)
				if err != nil {
					return nil, s.fail(ctx, err)
				}
				out.Write(r)
				out.WriteByte('\n')
			}
			return &jsonLinesOutput{ContentType: "application/jsonl", Body: out.Bytes()}, nil
		})

	huma.Register(s.api, op("verify-audit", http.MethodGet, "/audit/verify", "audit",
		"Check the audit trail's hash chain end to end: an edit, deletion or reordering is reported"),
		func(ctx context.Context, _ *struct{}) (*struct{ Body AuditReport }, error) {
			if _, err := allow(ctx, rbac.ReadAudit, rbac.Resource{}); err != nil {
				return nil, err
			}
			rep, err := audit.Verify(ctx, s.store)
			if err != nil && !errors.Is(err, audit.ErrTampered) {
				return nil, s.fail(ctx, err)
			}
			return &struct{ Body AuditReport }{Body: AuditReport{Report: rep, OK: rep.OK()}}, nil
		})

	huma.Register(s.api, op("export-system", http.MethodGet, "/systems/{system}/export", "systems",
		"A system's register for sharing; redacted (names pseudonymised, free text masked) unless the caller may and asks otherwise"),
		func(ctx context.Context, in *struct {
			SystemPath
			Redact bool `query:"redact" default:"true"`
		}) (*struct{ Body any }, error) {
			sys, p, err := s.system(ctx, in.System, rbac.ReadSystem)
			if err != nil {
				return nil, err
			}
			if !in.Redact {
				if err := p.Check(rbac.ExportUnredacted, rbac.Resource{}); err != nil {
					return nil, huma.Error403Forbidden(err.Error() + "; ask for a redacted export")
				}
			}
			ts, err := s.store.SystemThreats(ctx, sys.ID)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			as, err := s.store.ListAcceptances(ctx, store.AcceptanceFilter{SystemID: sys.ID})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			es, err := s.store.ListExceptions(ctx, store.ExceptionFilter{SystemID: sys.ID})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			exp := Export{System: sys, Threats: nonNil(ts), Acceptances: nonNil(as), Exceptions: nonNil(es), Redacted: in.Redact}
			if !in.Redact {
				return &struct{ Body any }{Body: exp}, nil
			}
			red, err := rbac.NewRedactor()
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			v, err := red.Value(exp)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &struct{ Body any }{Body: v}, nil
		})
}
