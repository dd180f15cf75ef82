package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/atomicfile"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/server/client"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

func init() {
	extraCommands = append(extraCommands, newPushCmd, newPullCmd)
}

// serverFlags select the server a command talks to. They are declared here
// for the server commands until the shared flag groups take them.
type serverFlags struct {
	url   string
	token string
}

// serverFromEnv is the --server value meaning "from RAMPART_SERVER".
const serverFromEnv = "$RAMPART_SERVER"

func (s *serverFlags) register(cmd *cobra.Command, optional bool) {
	if optional {
		cmd.Flags().StringVar(&s.url, "server", "", "use the server: --server=URL, or --server alone for $RAMPART_SERVER")
		cmd.Flags().Lookup("server").NoOptDefVal = serverFromEnv
	} else {
		cmd.Flags().StringVar(&s.url, "server", "", "server URL (default $RAMPART_SERVER)")
	}
	cmd.Flags().StringVar(&s.token, "token", "", "API token (default $RAMPART_TOKEN; prefer the variable: flags show in process lists)")
}

// used reports whether the command was asked to use a server.
func (s *serverFlags) used(cmd *cobra.Command) bool { return cmd.Flags().Changed("server") }

func (s *serverFlags) client() (*client.Client, error) {
	u := s.url
	if u == "" || u == serverFromEnv {
		u = os.Getenv("RAMPART_SERVER")
	}
	if u == "" {
		return nil, fail(exitUsage, errors.New("no server: give --server URL or set RAMPART_SERVER"))
	}
	tok := s.token
	if tok == "" {
		tok = os.Getenv("RAMPART_TOKEN")
	}
	c, err := client.New(u, tok)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	return c, nil
}

// serverError maps a failed call to an exit code: refusals of the input
// are the user's to fix (1 for a model, 2 otherwise); anything else is 2.
func serverError(cmd *cobra.Command, err error) error {
	var p *client.Problem
	if errors.As(err, &p) && len(p.Problems) > 0 {
		for _, pr := range p.Problems {
			fmt.Fprintln(cmd.ErrOrStderr(), pr.String())
		}
		return fail(exitFindings, fmt.Errorf("the server refused the model: %s", p.Detail))
	}
	if errors.As(err, &p) && p.Status == http.StatusUnauthorized {
		return fail(exitUsage, fmt.Errorf("%w (set RAMPART_TOKEN to a token from 'rampart token create')", err))
	}
	return fail(exitUsage, err)
}

func newPushCmd() *cobra.Command {
	var (
		sf  serverFlags
		ref string
	)
	cmd := &cobra.Command{
		Use:   "push MODEL",
		Short: "Send a model version to the register on a server",
		Long: `Push validates a model as 'rampart validate' does and sends it, with its
includes merged, to the server as a new version of its system (system.id). The
server analyses it and brings the system's threats in the register up to date.
A model that does not validate is not sent; the server refuses one that does
not validate there either, with the same problems.

Exit status: 0 pushed, 1 invalid model, 2 usage error, unreadable input or
server failure.`,
		Example: `  RAMPART_SERVER=https://rampart.example RAMPART_TOKEN=rampart_... rampart push rampart.yaml --ref "$GIT_COMMIT"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := sf.client()
			if err != nil {
				return err
			}
			m, src, err := pushSource(cmd, args[0])
			if err != nil {
				return err
			}
			pushed, err := c.Push(cmd.Context(), m.System.ID, src, ref)
			if err != nil {
				return serverError(cmd, err)
			}
			v := pushed.Version
			fmt.Fprintf(cmd.OutOrStdout(), "pushed %s version %d: %d threat(s), %d new, %d changed, %d gone\n",
				v.SystemID, v.Seq, v.Threats, v.New, v.Changed, v.Gone)
			printServerPolicy(cmd, pushed)
			return nil
		},
	}
	new(modelFlags).add(cmd)  // read through loadModel's flag lookups
	new(policyFlags).add(cmd) // read through governingPolicy's
	sf.register(cmd, false)
	cmd.Flags().StringVar(&ref, "ref", "", "where this version comes from (commit, tag, pipeline)")
	return cmd
}

// pushSource loads and validates a model, under its central policy as
// validate does (--policy, else the model's policy key), and returns what
// to send: the file as written when it is one Rampart file (so the
// server's positions match the user's), else the merged model.
func pushSource(cmd *cobra.Command, path string) (*model.Model, []byte, error) {
	m, problems, err := loadModel(cmd, path)
	if err != nil {
		return nil, nil, fail(exitUsage, err)
	}
	if m != nil && len(problems.Errors()) == 0 {
		_, pp, err := governingPolicy(cmd, m, path, knownRuleIDs(builtin.Rules()))
		if err != nil {
			return nil, nil, err
		}
		problems = append(problems, pp...)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		for _, p := range errs {
			fmt.Fprintln(cmd.ErrOrStderr(), p.String())
		}
		return nil, nil, fail(exitFindings, fmt.Errorf("%s: %d problem(s); nothing was pushed", path, len(errs)))
	}
	if len(m.Files) == 1 && len(m.Includes) == 0 && path != "-" {
		data, err := readModelFile(cmd, path, loadOptions(cmd).MaxFileSize)
		if err != nil {
			return nil, nil, fail(exitUsage, err)
		}
		if hasRampartKey(data) {
			return m, data, nil
		}
	}
	cp := *m
	cp.Includes = nil
	data, err := model.Marshal(&cp)
	if err != nil {
		return nil, nil, fail(exitUsage, err)
	}
	return m, data, nil
}

// printServerPolicy says what the server's central policy did to a pushed
// version: the policy that governed it and its warnings.
func printServerPolicy(cmd *cobra.Command, pushed register.Pushed) {
	pi := pushed.Policy
	if pi.File != "" {
		fmt.Fprintf(cmd.OutOrStdout(), "governed by policy %s: %d disable(s) refused, %d loosening(s) overridden\n",
			cmp.Or(pi.Name, pi.File), len(pi.Refused), len(pi.Loosened))
	}
	for _, p := range pushed.Warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), p.String())
	}
}

func newPullCmd() *cobra.Command {
	var (
		sf  serverFlags
		dry bool
	)
	cmd := &cobra.Command{
		Use:   "pull MODEL",
		Short: "Write the server's register decisions into the model's treatments",
		Long: `Pull fetches the register's decisions for the model's system (status, owner,
due date, and for accepted risks the justification, who accepted and the
expiry) and writes them as the model file's treatments, for teams that gate
offline. The server decides; the file's treatments become a copy: entries the
server has no decision for are removed, so that nothing is decided in two
places. The rest of the file, comments included, is kept. The file is
replaced atomically and only if it did not change meanwhile.

Exit status: 0 written (or already up to date), 2 usage error, unreadable
input or server failure.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := sf.client()
			if err != nil {
				return err
			}
			path := args[0]
			opts := loadOptions(cmd)
			before, err := source.ReadFile(cmd.Context(), path, opts.MaxFileSize)
			if err != nil {
				return fail(exitUsage, err)
			}
			m, problems, err := model.LoadBytes(cmd.Context(), path, before, opts)
			if err != nil {
				return fail(exitUsage, err)
			}
			if errs := problems.Errors(); len(errs) > 0 {
				for _, p := range errs {
					fmt.Fprintln(cmd.ErrOrStderr(), p.String())
				}
				return fail(exitFindings, fmt.Errorf("%s: %d problem(s); fix them before pulling", path, len(errs)))
			}
			if len(m.Files) > 1 && !hasTopKey(before, "treatments") && len(m.Treatments) > 0 {
				return fail(exitUsage, fmt.Errorf("%s: the treatments are in an included file; pull into that file's model instead", path))
			}
			d, err := c.Decisions(cmd.Context(), m.System.ID)
			if err != nil {
				return serverError(cmd, err)
			}
			after, err := withTreatments(before, d)
			if err != nil {
				return fail(exitUsage, fmt.Errorf("%s: %w", path, err))
			}
			if bytes.Equal(before, after) {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: up to date with version %d (%d decision(s))\n", path, d.Version, len(d.Decisions))
				return nil
			}
			if _, ps, err := model.LoadBytes(cmd.Context(), path, after, opts); err != nil || len(ps.Errors()) > 0 {
				return fail(exitUsage, fmt.Errorf("%s: the decisions would make the model invalid; nothing written: %v%v", path, err, ps.Errors()))
			}
			if dry {
				_, err := cmd.OutOrStdout().Write(after)
				return err
			}
			// Refuse to overwrite a file someone changed while we talked to the server.
			now, err := source.ReadFile(cmd.Context(), path, opts.MaxFileSize)
			if err != nil || !bytes.Equal(now, before) {
				return fail(exitUsage, fmt.Errorf("%s changed while pulling; nothing written, run pull again", path))
			}
			if err := atomicfile.Write(path, after, true); err != nil {
				return fail(exitUsage, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%d decision(s) from %s version %d)\n", path, len(d.Decisions), d.System, d.Version)
			return nil
		},
	}
	new(modelFlags).add(cmd)  // read through loadModel's flag lookups
	new(policyFlags).add(cmd) // read through governingPolicy's
	sf.register(cmd, false)
	cmd.Flags().BoolVar(&dry, "dry-run", false, "print the updated model instead of writing it")
	return cmd
}

// hasTopKey reports whether a YAML document sets key at the top level.
func hasTopKey(data []byte, key string) bool {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return false
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key {
			return true
		}
	}
	return false
}

// withTreatments returns the model file with its top-level treatments
// replaced by the decisions, leaving every other node (and its comments) as
// it was.
func withTreatments(data []byte, d server.Decisions) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("not a YAML mapping; pull writes into Rampart YAML models only")
	}
	root := doc.Content[0]
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	ds := slices.Clone(d.Decisions)
	slices.SortFunc(ds, func(a, b server.Decision) int { return strings.Compare(a.Threat, b.Threat) })
	for _, x := range ds {
		item := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		add := func(k, v string) {
			if v != "" {
				item.Content = append(item.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k},
					&yaml.Node{Kind: yaml.ScalarNode, Value: v})
			}
		}
		add("threat", x.Threat)
		add("status", string(x.Status))
		add("owner", x.Owner)
		add("due", x.Due)
		add("justification", x.Justification)
		add("accepted_by", x.AcceptedBy)
		add("expires", x.Expires)
		seq.Content = append(seq.Content, item)
	}
	comment := fmt.Sprintf("Risk register: pulled from the server (%s version %d); decide on the server, not here.", d.System, d.Version)
	found := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "treatments" {
			root.Content[i].HeadComment = comment
			root.Content[i+1] = seq
			found = true
		}
	}
	if !found {
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "treatments", HeadComment: comment}, seq)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// gateOnServer re-runs a check's analysis with the server's decisions in
// place of the model file's treatments.
func gateOnServer(cmd *cobra.Command, sf *serverFlags, af *analysisFlags, res *analysis.Result) (*analysis.Result, error) {
	c, err := sf.client()
	if err != nil {
		return nil, err
	}
	d, err := c.Decisions(cmd.Context(), res.System.ID)
	if err != nil {
		return nil, serverError(cmd, err)
	}
	if len(res.Model.Treatments) > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "the model's %d treatment(s) are ignored: the server's register decides (rampart pull copies it into the file)\n",
			len(res.Model.Treatments))
	}
	ts := make([]model.Treatment, 0, len(d.Decisions))
	for _, x := range d.Decisions {
		t := model.Treatment{Threat: x.Threat, Status: x.Status, Owner: x.Owner, Justification: x.Justification, AcceptedBy: x.AcceptedBy}
		if x.Due != "" {
			if dd, err := model.ParseDate(x.Due); err == nil {
				t.Due = &dd
			}
		}
		if x.Expires != "" {
			if dd, err := model.ParseDate(x.Expires); err == nil {
				t.Expires = &dd
			}
		}
		ts = append(ts, t)
	}
	m := *res.Model
	m.Treatments = ts
	rules, err := loadRules(cmd, af.rulesDir)
	if err != nil {
		return nil, err
	}
	now, err := time.Parse(time.DateOnly, res.AsOf)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	out := analysis.Analyze(&m, analysis.Options{Rules: rules, Now: now, Tool: res.Tool, PathsPerEntry: af.pathsPerEntry, Policy: af.policy})
	out.Warnings = res.Warnings
	return out, nil
}
