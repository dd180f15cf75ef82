package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

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

type jsonLinesOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func (s *Server) auditRoutes() {
	huma.Register(s.api, op("export-audit", http.MethodGet, "/audit", "audit",
		"The audit trail as JSON lines (one entry a line, oldest first), for a SIEM"),
		func(ctx context.Context, in *struct {
			After  int64 `query:"after" minimum:"0" doc:"Entries after this sequence number."`
			Limit  int   `query:"limit" minimum:"1" maximum:"100000" default:"10000"`
			Redact bool  `query:"redact" doc:"Pseudonymise names and mask free text, for sharing outside."`
		}) (*jsonLinesOutput, error) {
			if _, err := allow(ctx, rbac.ReadAudit, rbac.Resource{}); err != nil {
				return nil, err
			}
			es, err := s.store.ListAudit(ctx, in.After, in.Limit)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			var red *rbac.Redactor
			if in.Redact {
				if red, err = rbac.NewRedactor(); err != nil {
					return nil, s.fail(ctx, err)
				}
			}
			var buf bytes.Buffer
			for _, e := range es {
				line, err := json.Marshal(e)
				if err != nil {
					return nil, s.fail(ctx, err)
				}
				if red != nil {
					if line, err = red.JSON(line); err != nil {
						return nil, s.fail(ctx, err)
					}
				}
				buf.Write(line)
				buf.WriteByte('\n')
			}
			return &jsonLinesOutput{ContentType: "application/jsonl", Body: buf.Bytes()}, nil
		})

	huma.Register(s.api, op("verify-audit", http.MethodGet, "/audit/verify", "audit",
		"Check the audit trail's hash chain end to end: an edit, deletion or reordering is reported"),
		func(ctx context.Context, _ *struct{}) (*struct{ Body AuditReport }, error) {
			if _, err := allow(ctx, rbac.ReadAudit, rbac.Resource{}); err != nil {
				return nil, err
			}
			rep, err := s.reg.VerifyAudit(ctx)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &struct{ Body AuditReport }{Body: rep}, nil
		})

	huma.Register(s.api, op("export-system", http.MethodGet, "/systems/{system}/export", "systems",
		"A system's register for sharing; redacted (names pseudonymised, free text masked) unless the caller may and asks otherwise"),
		func(ctx context.Context, in *struct {
			systemPath
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
