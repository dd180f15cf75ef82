package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/rampart-sec/rampart/internal/atomicfile"
	"github.com/rampart-sec/rampart/internal/ids"
	"github.com/rampart-sec/rampart/internal/model"
)

func init() { extraCommands = append(extraCommands, newInitCmd) }

// initAnswers are what the starter model is made from.
type initAnswers struct {
	Name           string
	Owner          string
	RiskOwner      string
	InternetFacing bool
	PersonalData   bool
}

func newInitCmd() *cobra.Command {
	var (
		force bool
		ans   = initAnswers{Name: "My system", Owner: "my-team", RiskOwner: "risk-owner", InternetFacing: true}
	)
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starter model (default rampart.yaml)",
		Long: `Init writes a small, commented model that validates clean, to start from.
On a terminal it asks a few questions; otherwise it takes the flags. It never
overwrites an existing file unless --force is given.`,
		Example: `  rampart init
  rampart init --name "Payments API" --owner team-payments --risk-owner jane.doe --personal-data
  rampart init services/billing.yaml --internet-facing=false`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "rampart.yaml"
			if len(args) == 1 {
				path = args[0]
			}
			if !force {
				if _, err := os.Stat(path); err == nil {
					return fail(exitUsage, fmt.Errorf("%s already exists (use --force to overwrite it)", path))
				} else if !errors.Is(err, fs.ErrNotExist) {
					return fail(exitUsage, fmt.Errorf("check %s: %w", path, err))
				}
			}
			if inputIsTerminal(cmd.InOrStdin()) {
				var err error
				ans, err = askInit(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout(), ans, cmd.Flags().Changed)
				if err != nil {
					return fail(exitUsage, fmt.Errorf("read answers: %w", err))
				}
			}
			if err := cmd.Context().Err(); err != nil {
				return err // interrupted: nothing is written
			}
			data, err := starterModel(ans, filepath.Base(path))
			if err != nil {
				return fail(exitUsage, err)
			}
			// The starter must itself be valid: check before writing.
			if _, problems, err := model.LoadBytes(cmd.Context(), path, data, model.Options{}); err != nil || len(problems) > 0 {
				return fail(exitUsage, fmt.Errorf("the starter model for these answers is not valid (please report this): %v %v", err, problems))
			}
			if dir := filepath.Dir(path); dir != "." {
				if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
					if err := os.MkdirAll(dir, 0o777); err != nil {
						return fail(exitUsage, fmt.Errorf("create the directory for %s: %w", path, err))
					}
					fmt.Fprintf(cmd.ErrOrStderr(), "created directory %s\n", dir)
				}
			}
			if err := atomicfile.WriteFunc(cmd.Context(), path, force, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
				return fail(exitUsage, explainWriteError(path, err))
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (starter model)\n", path)
			fmt.Fprintf(out, "next: edit it to describe your system, then run 'rampart validate %s'\n", path)
			// The starter's first line points editors at rampart.schema.json
			// beside it: write that too, unless one is there already.
			schemaPath := filepath.Join(filepath.Dir(path), "rampart.schema.json")
			schema, err := model.JSONSchema()
			if err != nil {
				return fail(exitUsage, err)
			}
			switch err := atomicfile.Write(schemaPath, append(schema, '\n'), force); {
			case errors.Is(err, atomicfile.ErrExists):
				fmt.Fprintf(out, "kept %s (rampart schema > %s refreshes it)\n", schemaPath, schemaPath)
			case err != nil:
				return fail(exitUsage, err)
			default:
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (editor completion and hover help)\n", schemaPath)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&force, "force", false, "overwrite FILE if it exists")
	f.StringVar(&ans.Name, "name", ans.Name, "system name")
	f.StringVar(&ans.Owner, "owner", ans.Owner, "accountable team")
	f.StringVar(&ans.RiskOwner, "risk-owner", ans.RiskOwner, "person who may accept risk (senior risk owner)")
	f.BoolVar(&ans.InternetFacing, "internet-facing", ans.InternetFacing, "the system is reachable from the internet")
	f.BoolVar(&ans.PersonalData, "personal-data", ans.PersonalData, "the system holds personal data")
	return cmd
}

// inputIsTerminal reports whether r is an interactive terminal.
func inputIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// askInit asks for each answer not already given as a flag, offering the
// current value as the default. Cancelling ctx (Ctrl-C) abandons the
// questions at once, even while a read blocks.
func askInit(ctx context.Context, in io.Reader, out io.Writer, ans initAnswers, given func(string) bool) (initAnswers, error) {
	type answer struct {
		line string
		err  error
	}
	lines := make(chan answer)
	rd := bufio.NewReader(in)
	go func() {
		defer close(lines)
		for {
			line, err := rd.ReadString('\n')
			select {
			case lines <- answer{line, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	readLine := func() (string, error) {
		select {
		case a, ok := <-lines:
			if !ok {
				return "", io.EOF
			}
			return a.line, a.err
		case <-ctx.Done():
			fmt.Fprintln(out)
			return "", ctx.Err()
		}
	}
	ask := func(question, def string) (string, error) {
		fmt.Fprintf(out, "%s [%s]: ", question, def)
		line, err := readLine()
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			if errors.Is(err, io.EOF) {
				return def, nil
			}
			return "", err
		}
		if line = strings.TrimSpace(line); line != "" {
			return line, nil
		}
		return def, nil
	}
	yesNo := func(question string, def bool) (bool, error) {
		d := "y/N"
		if def {
			d = "Y/n"
		}
		for {
			a, err := ask(question, d)
			if err != nil {
				return def, err
			}
			if a == d {
				return def, nil // no answer: the default
			}
			switch strings.ToLower(a) {
			case "y", "yes":
				return true, nil
			case "n", "no":
				return false, nil
			}
			fmt.Fprintln(out, "please answer y or n")
		}
	}
	var err error
	for _, q := range []struct {
		flag, question string
		v              *string
	}{
		{"name", "System name", &ans.Name},
		{"owner", "Owning team", &ans.Owner},
		{"risk-owner", "Risk owner (who may accept risk)", &ans.RiskOwner},
	} {
		if !given(q.flag) {
			if *q.v, err = ask(q.question, *q.v); err != nil {
				return ans, err
			}
		}
	}
	if !given("internet-facing") {
		if ans.InternetFacing, err = yesNo("Is it reachable from the internet?", ans.InternetFacing); err != nil {
			return ans, err
		}
	}
	if !given("personal-data") {
		if ans.PersonalData, err = yesNo("Does it hold personal data?", ans.PersonalData); err != nil {
			return ans, err
		}
	}
	return ans, nil
}

// slug turns a name into the system id, "my-system" when nothing usable
// is left.
func slug(name string) string {
	return cmp.Or(ids.Slug(name), "my-system")
}

// yamlString renders s as a YAML scalar: double-quoted JSON is valid YAML
// and safe whatever the text holds.
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var plainRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._@-]*$`)

// personID renders a person or team name: plain when it is a simple word
// YAML reads as a string, quoted otherwise.
func personID(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return yamlString(s)
	}
	if plainRE.MatchString(s) {
		return s
	}
	return yamlString(s)
}

// comment renders s on one comment line.
func comment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}

var starterTmpl = template.Must(template.New("starter").Funcs(template.FuncMap{"q": yamlString, "p": personID, "c": comment}).Parse(
	`# yaml-language-server: $schema=rampart.schema.json
#
# Threat model of {{c .Name}}, written as code.
#
# Started with 'rampart init'. Replace the example components and flows with
# your system's, then check the model:
#
#   rampart validate {{c .File}}
#
# Completion and inline errors in your editor: run
#   rampart schema > rampart.schema.json
# next to this file (the first line of this file points at it).
rampart: 1

system:
  id: {{.ID}}
  name: {{q .Name}}
  # The accountable team, and the one person who may accept risk.
  owner: {{p .Owner}}
  risk_owner: {{p .RiskOwner}}
  classification: internal

# The most severe risk the system may carry untreated (low, medium, high, critical).
risk_appetite:
  max_severity: medium
{{- if .PersonalData}}
  by_category:
    privacy: low                # personal data: stricter
{{- end}}

# Data the system handles. Classification drives the impact of threats.
data:
{{- if .PersonalData}}
  - id: personal-data
    name: Personal data of users
    classification: confidential
    cia: { confidentiality: high, integrity: high, availability: medium }
    personal: true
    quantity: many
{{- end}}
  - id: business-data
    name: Business records
    classification: internal
    cia: { confidentiality: medium, integrity: high, availability: medium }

# Processes, data stores and external entities. Types: run 'rampart schema'
# or see docs/model.md.
components:
  - id: users
    name: {{if .InternetFacing}}Users on the internet{{else}}Staff on the corporate network{{end}}
    type: user
    human_use: true
{{- if not .InternetFacing}}
    trust_boundary: corporate
{{- end}}
  - id: web-app
    name: Web application
    type: web-application
    internet_facing: {{.InternetFacing}}
    custom_code: true
    authentication: {{if .InternetFacing}}session{{else}}oidc{{end}}
    processes: [{{if .PersonalData}}personal-data, {{end}}business-data]
    # The one step before 'rampart check' passes: list the controls the
    # application and the database really have, once you have checked each
    # (see 'rampart explain RULE'); here, e.g. {{.StepControls}}.
    controls: [tls{{if .InternetFacing}}, waf{{end}}]
  - id: database
    name: Database
    type: database
    technology: postgresql
    stores: [{{if .PersonalData}}personal-data, {{end}}business-data]
    encryption_at_rest: platform
{{- if .PersonalData}}
    # ... and here, e.g. privacy-controls.
{{- end}}
    controls: [backup]

# Trust boundaries group what trusts each other; they may nest.
trust_boundaries:
  - id: production
    name: Production environment
    type: {{if .InternetFacing}}cloud-account{{else}}network-on-premises{{end}}
    contains: [web-app, database]
{{- if not .InternetFacing}}
  - id: corporate
    name: Corporate network
    type: network-on-premises
{{- end}}

# Data flows: the caller is 'from'.
flows:
  - id: users-to-web-app
    from: users
    to: web-app
    protocol: https
    authentication: {{if .InternetFacing}}session{{else}}oidc{{end}}
    authorization: enduser
    data_sent: [{{if .PersonalData}}personal-data, {{end}}business-data]
    data_received: [{{if .PersonalData}}personal-data, {{end}}business-data]
  - id: web-app-to-database
    from: web-app
    to: database
    protocol: sql
    encryption: tls
    authentication: password
    authorization: technical-user
    data_sent: [{{if .PersonalData}}personal-data, {{end}}business-data]
    data_received: [{{if .PersonalData}}personal-data, {{end}}business-data]

# Your own controls, and the state of catalog controls (planned/implemented).
controls:
  - id: waf
    status: {{if .InternetFacing}}implemented{{else}}planned{{end}}

# Threats you know of, next to the ones Rampart identifies:
# threats:
#   - id: T1
#     title: Stolen admin session
#     stride: [spoofing]
#     targets: [web-app]

# The risk register, keyed by threat id:
# treatments:
#   - threat: T1
#     status: mitigating        # open, mitigating, mitigated, accepted, transferred, avoided, false-positive
#     owner: {{c .Owner}}
#     due: 2027-01-31
`))

// starterModel renders the starter model for the answers.
func starterModel(ans initAnswers, file string) ([]byte, error) {
	var buf bytes.Buffer
	step := "parameterized-queries, output-encoding, monitoring, dependency-scanning"
	if ans.InternetFacing {
		step = "parameterized-queries, csrf-token, output-encoding, login-protection, monitoring, dependency-scanning"
	}
	if ans.PersonalData {
		step += ", audit-logging"
	}
	err := starterTmpl.Execute(&buf, struct {
		initAnswers
		ID, File, StepControls string
	}{ans, slug(ans.Name), file, step})
	if err != nil {
		return nil, fmt.Errorf("render starter model: %w", err)
	}
	return buf.Bytes(), nil
}
