package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/diff"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// VersionPath names a model version in a path.
type VersionPath struct {
	SystemPath
	Seq int `path:"seq" minimum:"1" doc:"Version number within the system."`
}

type versionOutput struct {
	Body store.ModelVersion
}

type pushOutput struct {
	Body register.Pushed
}

type resultOutput struct {
	Body json.RawMessage
}

type sourceOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

type diffOutput struct {
	Body *diff.Report
}

// errIncludes refuses includes in pushed models: the client sends the
// model merged (rampart push does), so the server never reads its own files.
var errIncludes = errors.New("includes are not read on the server: push the merged model (rampart push does this)")

// LoadPushed loads a pushed model exactly as the CLI's validate does,
// except that it reads no further files.
func LoadPushed(ctx context.Context, name string, src []byte) (*model.Model, model.Problems, error) {
	rules := builtin.Rules()
	ids := threats.RuleIDs(rules)
	for _, r := range rules {
		ids = append(ids, r.Threagile...)
	}
	return model.LoadBytes(ctx, name, src, model.Options{MaxFileSize: MaxModelBytes, RuleIDs: ids,
		ReadFile: func(context.Context, string, int64) ([]byte, error) { return nil, errIncludes }})
}

func (s *Server) versionRoutes() {
	o := op("push-version", http.MethodPost, "/systems/{system}/versions", "versions",
		"Push a model version: it is validated and analysed, and its threats enter the register")
	o.DefaultStatus = http.StatusCreated
	o.MaxBodyBytes = MaxModelBytes
	o.Errors = append(o.Errors, http.StatusRequestEntityTooLarge)
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		SystemPath
		Ref     string `query:"ref" maxLength:"200" doc:"Where the model came from: a commit, tag or pipeline."`
		RawBody []byte `contentType:"application/yaml" doc:"The model, YAML or JSON, with includes merged."`
	}) (*pushOutput, error) {
		if _, err := principal(ctx); err != nil {
			return nil, err
		}
		if len(in.RawBody) == 0 {
			return nil, huma.Error400BadRequest("empty body: send the model (YAML or JSON)")
		}
		m, problems, err := LoadPushed(ctx, in.System+".yaml", in.RawBody)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		if errs := problems.Errors(); len(errs) > 0 {
			return nil, &ModelProblem{ErrorModel: huma.ErrorModel{Title: "Unprocessable Entity", Status: http.StatusUnprocessableEntity,
				Detail: fmt.Sprintf("the model does not validate: %d problem(s); `rampart validate` shows the same", len(errs))},
				Problems: errs}
		}
		if m.System.ID != in.System {
			return nil, &ModelProblem{ErrorModel: huma.ErrorModel{Title: "Unprocessable Entity", Status: http.StatusUnprocessableEntity,
				Detail: fmt.Sprintf("the model is of system %q, not %q: push it to /systems/%s/versions", m.System.ID, in.System, m.System.ID)},
				Problems: []model.Problem{{Pos: m.System.Pos, Path: "system.id", Message: fmt.Sprintf("system id %q does not match the system pushed to (%q)", m.System.ID, in.System)}}}
		}
		// A first push registers the system for the model's team; later
		// pushes need the right on the system as registered.
		res := rbac.Resource{System: m.System.ID, Team: m.System.Owner, Classification: m.System.Classification}
		if sys, err := s.store.GetSystem(ctx, in.System); err == nil {
			res = resource(sys)
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, s.fail(ctx, err)
		}
		p, err := allow(ctx, rbac.PushModel, res)
		if err != nil {
			return nil, err
		}
		push := register.Push{Source: in.RawBody, Result: s.analyze(m), Ref: in.Ref}
		out, err := s.reg.PushVersion(ctx, actor(p), push)
		// A push names no version it is based on: when another push of the
		// same system won the race for its row, this one simply goes after it.
		for try := 0; try < 5 && errors.Is(err, store.ErrStale); try++ {
			out, err = s.reg.PushVersion(ctx, actor(p), push)
		}
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &pushOutput{Body: out}, nil
	})

	huma.Register(s.api, op("list-versions", http.MethodGet, "/systems/{system}/versions", "versions", "A system's model versions, newest first"),
		func(ctx context.Context, in *struct {
			SystemPath
			Page
		}) (*ListOutput[store.ModelVersion], error) {
			if _, _, err := s.system(ctx, in.System, rbac.ReadSystem); err != nil {
				return nil, err
			}
			vs, err := s.store.ListModelVersions(ctx, in.System)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &ListOutput[store.ModelVersion]{Body: page(vs, in.Page)}, nil
		})

	huma.Register(s.api, op("get-version", http.MethodGet, "/systems/{system}/versions/{seq}", "versions", "One model version"),
		func(ctx context.Context, in *VersionPath) (*versionOutput, error) {
			v, err := s.version(ctx, in)
			if err != nil {
				return nil, err
			}
			return &versionOutput{Body: v}, nil
		})

	huma.Register(s.api, op("get-version-analysis", http.MethodGet, "/systems/{system}/versions/{seq}/analysis", "versions",
		"The analysis stored with a version (the JSON `rampart analyze -f json` writes)"),
		func(ctx context.Context, in *VersionPath) (*resultOutput, error) {
			v, err := s.version(ctx, in)
			if err != nil {
				return nil, err
			}
			return &resultOutput{Body: v.Result}, nil
		})

	huma.Register(s.api, op("get-version-model", http.MethodGet, "/systems/{system}/versions/{seq}/model", "versions",
		"The model source of a version, as pushed"),
		func(ctx context.Context, in *VersionPath) (*sourceOutput, error) {
			v, err := s.version(ctx, in)
			if err != nil {
				return nil, err
			}
			return &sourceOutput{ContentType: "application/yaml", Body: v.Source}, nil
		})

	huma.Register(s.api, op("diff-versions", http.MethodGet, "/systems/{system}/diff", "versions",
		"What changed between two versions: elements, flows, threats and risk"),
		func(ctx context.Context, in *struct {
			SystemPath
			From int `query:"from" minimum:"1" required:"true"`
			To   int `query:"to" minimum:"0" doc:"0 or absent: the latest version."`
		}) (*diffOutput, error) {
			sys, _, err := s.system(ctx, in.System, rbac.ReadSystem)
			if err != nil {
				return nil, err
			}
			to := in.To
			if to == 0 {
				to = sys.LatestVersion
			}
			a, err := s.analysisOf(ctx, sys.ID, in.From)
			if err != nil {
				return nil, err
			}
			b, err := s.analysisOf(ctx, sys.ID, to)
			if err != nil {
				return nil, err
			}
			return &diffOutput{Body: diff.Compare(a, b)}, nil
		})
}

func (s *Server) version(ctx context.Context, in *VersionPath) (store.ModelVersion, error) {
	if _, _, err := s.system(ctx, in.System, rbac.ReadSystem); err != nil {
		return store.ModelVersion{}, err
	}
	v, err := s.store.GetModelVersion(ctx, in.System, in.Seq)
	if err != nil {
		return store.ModelVersion{}, s.fail(ctx, err)
	}
	return v, nil
}

// analysisOf re-analyses a stored version's source, so a diff compares the
// models themselves (elements and flows), not only the stored summaries.
func (s *Server) analysisOf(ctx context.Context, systemID string, seq int) (*analysis.Result, error) {
	v, err := s.store.GetModelVersion(ctx, systemID, seq)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	m, problems, err := LoadPushed(ctx, fmt.Sprintf("%s@%d.yaml", systemID, seq), v.Source)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		return nil, huma.Error409Conflict(fmt.Sprintf("version %d no longer validates with this build: %v", seq, errs))
	}
	return s.analyze(m), nil
}

// analyze analyses a pushed model under the register's central policy
// file (register.WithFloor), as `rampart analyze --policy` does: required
// rules run although the model disables them, and the stricter appetite
// and matrix apply. The policy's problems join the result's warnings, a
// refused disable among them: the CLI's error, a warning here, since the
// server runs the rule rather than refuse the version.
func (s *Server) analyze(m *model.Model) *analysis.Result {
	floor := s.reg.Floor()
	res := analysis.Analyze(m, analysis.Options{Now: s.opts.Now(), Tool: s.opts.Tool, Policy: floor})
	var pp model.Problems
	switch {
	case m.Policy != "" && floor != nil:
		pp = append(pp, source.Warnf(m.At("policy", -1), source.CodePolicy, "policy", "the server's --policy file governs every model",
			"the model names policy '%s'; the server's policy %s applies instead", m.Policy, floor.File))
	case m.Policy != "":
		pp = append(pp, source.Warnf(m.At("policy", -1), source.CodePolicy, "policy", "start the server with --policy FILE to govern pushed models",
			"the model names policy '%s', which the server does not read", m.Policy))
	}
	for _, p := range policy.Apply(m, floor).Problems {
		p.Severity = source.Warning
		pp = append(pp, p)
	}
	res.Warnings = append(pp, res.Warnings...)
	return res
}
