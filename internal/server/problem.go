package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// writeProblem writes an RFC 9457 problem outside huma (middleware, probes).
func writeProblem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(&huma.ErrorModel{Title: title, Status: status, Detail: detail})
}

// StaleProblem is the 412 answer to an update based on an old ETag: it
// carries the current state and its ETag so the client can merge and retry.
type StaleProblem struct {
	huma.ErrorModel
	// ETag of the current state.
	CurrentETag string `json:"current_etag"`
	// Current is the resource as it is now.
	Current any `json:"current"`
}

// ModelProblem is the 422 answer to a pushed model that does not validate:
// the same problems `rampart validate` prints.
type ModelProblem struct {
	huma.ErrorModel
	Problems []model.Problem `json:"problems"`
}

// GetStatus returns the HTTP status.
func (p *ModelProblem) GetStatus() int { return p.Status }

// ContentType makes the problem application/problem+json.
func (p *ModelProblem) ContentType(ct string) string { return p.ErrorModel.ContentType(ct) }

// GetStatus returns the HTTP status.
func (p *StaleProblem) GetStatus() int { return p.Status }

// ContentType makes the problem application/problem+json.
func (p *StaleProblem) ContentType(ct string) string { return p.ErrorModel.ContentType(ct) }

// etag renders a row version as a strong ETag.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// IfMatch is embedded in the input of every update.
type IfMatch struct {
	IfMatch string `header:"If-Match" doc:"The ETag of the state this update is based on (required)."`
}

// version returns the row version an update is based on.
func (m IfMatch) version() (int64, error) {
	v := strings.TrimSpace(m.IfMatch)
	if v == "" {
		return 0, huma.NewError(http.StatusPreconditionRequired, "If-Match required",
			&huma.ErrorDetail{Location: "header.If-Match", Message: "send the ETag of the state you read, so that a concurrent change is not overwritten"})
	}
	v = strings.TrimPrefix(v, "W/")
	n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil || n < 0 || !strings.HasPrefix(v, `"`) || !strings.HasSuffix(v, `"`) {
		return 0, huma.Error400BadRequest("malformed If-Match",
			&huma.ErrorDetail{Location: "header.If-Match", Value: m.IfMatch, Message: `want an ETag such as "3", as sent in the ETag header`})
	}
	return n, nil
}

// fail turns an error from the register, the store or rbac into a problem.
// Anything unrecognised is checked against the database: when it does not
// answer the client gets 503 and may retry; otherwise 500, logged.
func (s *Server) fail(ctx context.Context, err error) error {
	var (
		stale    *store.StaleError
		statusEr huma.StatusError
		looser   *register.LooserError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &statusEr):
		return err
	case errors.As(err, &stale):
		return s.staleProblem(stale)
	case errors.Is(err, rbac.ErrForbidden), errors.Is(err, register.ErrForbidden):
		return huma.Error403Forbidden(err.Error())
	case errors.As(err, &looser):
		return looserProblem(looser)
	case errors.Is(err, register.ErrInvalid):
		return huma.Error422UnprocessableEntity(err.Error())
	case errors.Is(err, register.ErrTransition):
		return huma.Error409Conflict(err.Error())
	case errors.Is(err, store.ErrNotFound):
		return huma.Error404NotFound(err.Error())
	case errors.Is(err, store.ErrExists):
		return huma.Error409Conflict(err.Error())
	case errors.Is(err, context.Canceled):
		return huma.NewError(499, "request cancelled")
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if perr := s.store.Ping(pctx); perr != nil {
		s.log.Error("database unavailable", "err", err, "ping", perr)
		return huma.ErrorWithHeaders(huma.NewError(http.StatusServiceUnavailable, "register unavailable: the database does not answer; try again shortly"),
			http.Header{"Retry-After": {"5"}})
	}
	s.log.Error("internal error", "err", err)
	return huma.Error500InternalServerError("internal error; the server log has the details")
}

// looserProblem is the 422 answer to a policy update that loosens the
// policy file: one detail per looser key, at body.<key>.
func looserProblem(e *register.LooserError) error {
	var details []error
	for _, l := range e.Loosened {
		details = append(details, &huma.ErrorDetail{Location: "body." + l.Key, Value: l.Model,
			Message: fmt.Sprintf("%s is looser than the policy file's %s (%s): the stored policy may only tighten it", l.Model, l.Policy, e.File)})
	}
	for _, id := range e.Rules {
		details = append(details, &huma.ErrorDetail{Location: "body.mandatory_rules", Value: id,
			Message: fmt.Sprintf("rule %s is required by the policy file (%s) and must stay mandatory", id, e.File)})
	}
	return huma.Error422UnprocessableEntity(fmt.Sprintf("the policy may not loosen the policy file %s the server was started with: %d problem(s)",
		e.File, len(details)), details...)
}

func (s *Server) staleProblem(e *store.StaleError) error {
	cur := e.Current
	version := currentVersion(cur)
	p := &StaleProblem{
		ErrorModel: huma.ErrorModel{Title: "Precondition Failed", Status: http.StatusPreconditionFailed,
			Detail: fmt.Sprintf("%s %s changed since version %d; the current state is attached: merge your change into it and retry with If-Match: %s",
				e.Kind, e.ID, e.Version, etag(version))},
		CurrentETag: etag(version),
		Current:     cur,
	}
	return huma.ErrorWithHeaders(p, http.Header{"ETag": {etag(version)}})
}

// currentVersion reads the Version of a row carried by a StaleError.
func currentVersion(v any) int64 {
	switch t := v.(type) {
	case store.Policy:
		return t.Version
	case store.System:
		return t.Version
	case store.Threat:
		return t.Version
	case store.Acceptance:
		return t.Version
	case store.Exception:
		return t.Version
	case store.Review:
		return t.Version
	case store.User:
		return t.Version
	}
	return 0
}
