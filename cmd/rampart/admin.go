package main

import (
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/audit"
	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/store"
)

func init() {
	extraCommands = append(extraCommands, newUserCmd, newTokenCmd, newMigrateCmd, newAuditCmd)
}

func parseGrants(list []string) ([]rbac.Grant, error) {
	out := make([]rbac.Grant, 0, len(list))
	for _, s := range list {
		for _, part := range strings.Split(s, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			g, err := rbac.ParseGrant(part)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
	}
	return out, nil
}

// cliActor is who the audit trail names for changes made on the database
// from the command line, where nobody is signed in.
var cliActor = register.Actor{Name: "cli"}

// breakGlassHelp describes --break-glass.
const breakGlassHelp = "grant the admin role although the register has enabled admins (recorded on the audit trail)"

func newUserCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage the register's local users",
		Long: `The user commands change accounts directly in the register's database, through
the same rules as the Users screen and the API, each with its audit entry in
the same transaction (actor "cli"). The last enabled admin stays one. The
command line may grant the admin role only while the register has no enabled
admin (the first admin, or every admin disabled), or with --break-glass; the
audit entry says which.`,
		Args: cobra.NoArgs,
	}
	var (
		db, clearance           string
		oidcIssuer, oidcSubject string
		grants                  []string
		pwStdin, breakGlass     bool
	)
	add := &cobra.Command{
		Use:   "add NAME",
		Short: "Create a local user with roles and a clearance",
		Long: `Add creates a user directly in the register's database. Roles are granted
with --role ROLE, ROLE@team:NAME or ROLE@system:ID (repeatable); roles are ` +
			joinRoleNames() + `. A user without a role can do nothing.
The password is read from stdin with --password-stdin, else generated and
printed once. A user linked to an OpenID Connect identity with --oidc-issuer
and --oidc-subject signs in through that provider and has no password unless
--password-stdin gives one. --role admin needs --break-glass when the
register has an enabled admin already.

Exit status: 0 created, 2 usage error, the user exists or the admin role refused.`,
		Example: `  rampart user add jane.doe --role risk-owner@system:payments --clearance official-sensitive
  printf '%s' "$PW" | rampart user add ci --role developer@team:team-pay --password-stdin
  rampart user add olivia --role viewer --oidc-issuer https://login.example --oidc-subject 248289761001`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			gs, err := parseGrants(grants)
			if err != nil {
				return fail(exitUsage, err)
			}
			if (oidcIssuer == "") != (oidcSubject == "") {
				return fail(exitUsage, errors.New("--oidc-issuer and --oidc-subject go together"))
			}
			var pw, identity string
			generated := false
			if oidcSubject != "" {
				identity = auth.OIDCSubject(oidcIssuer, oidcSubject)
			}
			if identity == "" || pwStdin {
				if pw, generated, err = readPassword(cmd, pwStdin); err != nil {
					return err
				}
			}
			n, err := openCommandNode(cmd, db)
			if err != nil {
				return err
			}
			defer n.close(cmd.Context())
			nu, err := n.auth.PrepareUser(auth.NewUser{Name: args[0], Password: pw, Grants: gs,
				Clearance: model.Classification(clearance), OIDCSubject: identity})
			if err != nil {
				return fail(exitUsage, err)
			}
			u, err := n.register.CreateUserDirect(cmd.Context(), register.Direct{Actor: cliActor, BreakGlass: breakGlass}, nu)
			if err != nil {
				return fail(exitUsage, fmt.Errorf("create user %s: %w", args[0], err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "created user %s with %d role(s)\n", u.Name, len(gs))
			if identity != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "signs in through %s as %s\n", oidcIssuer, oidcSubject)
			}
			if generated {
				fmt.Fprintf(cmd.OutOrStdout(), "password: %s (shown once)\n", pw)
			}
			return nil
		},
	}
	dbFlag(add, &db)
	add.Flags().StringArrayVar(&grants, "role", nil, "grant ROLE, ROLE@team:NAME or ROLE@system:ID (repeatable)")
	add.Flags().StringVar(&clearance, "clearance", "", "highest classification the user may read (default: public only)")
	add.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password from the first line of stdin")
	add.Flags().StringVar(&oidcIssuer, "oidc-issuer", "", "link the user to this OpenID Connect issuer's identity (with --oidc-subject)")
	add.Flags().StringVar(&oidcSubject, "oidc-subject", "", "the identity's subject (the sub claim) at --oidc-issuer")
	add.Flags().BoolVar(&breakGlass, "break-glass", false, breakGlassHelp)

	var (
		sdb, sclearance string
		sgrants         []string
		disable, enable bool
		sbreakGlass     bool
	)
	set := &cobra.Command{
		Use:   "set NAME",
		Short: "Change a user's roles, clearance, or whether the account is disabled",
		Long: `Set changes an existing user directly in the register's database, as an admin
does on the Users screen: --role (repeatable) replaces the user's roles,
--clearance their clearance, --disable and --enable the account; what is not
given stays. The last enabled admin cannot be demoted or disabled, and --role
admin needs --break-glass when the register has another enabled admin.

Exit status: 0 changed, 2 usage error, unknown user or a change refused.`,
		Example: `  rampart user set jane.doe --role risk-owner@system:payments --role viewer
  rampart user set leaver --disable
  rampart user set ops.lead --role admin --break-glass`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if !f.Changed("role") && !f.Changed("clearance") && !disable && !enable {
				return fail(exitUsage, errors.New("nothing to change: give --role, --clearance, --disable or --enable"))
			}
			if disable && enable {
				return fail(exitUsage, errors.New("--disable and --enable exclude each other"))
			}
			gs, err := parseGrants(sgrants)
			if err != nil {
				return fail(exitUsage, err)
			}
			for _, g := range gs {
				if err := g.Validate(); err != nil {
					return fail(exitUsage, err)
				}
			}
			n, err := openCommandNode(cmd, sdb)
			if err != nil {
				return err
			}
			defer n.close(cmd.Context())
			u, err := n.store.GetUserByName(cmd.Context(), args[0])
			if err != nil {
				return fail(exitUsage, err)
			}
			ch := register.UserChange{Grants: u.Grants, Clearance: u.Clearance, Disabled: u.Disabled, Version: u.Version}
			if f.Changed("role") {
				ch.Grants = auth.StoreGrants(gs)
			}
			if f.Changed("clearance") {
				if c := model.Classification(sclearance); c != "" && !slices.Contains(c.Values(), sclearance) {
					return fail(exitUsage, fmt.Errorf("--clearance %q: want one of %s", sclearance, strings.Join(c.Values(), ", ")))
				}
				ch.Clearance = model.Classification(sclearance)
			}
			ch.Disabled = disable || ch.Disabled && !enable
			out, err := n.register.UpdateUserDirect(cmd.Context(), register.Direct{Actor: cliActor, BreakGlass: sbreakGlass}, args[0], ch)
			if err != nil {
				return fail(exitUsage, fmt.Errorf("change user %s: %w", args[0], err))
			}
			state := "enabled"
			if out.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %s: %s, %s, clearance %s\n", out.Name, roleList(out.Grants), state, cmp.Or(string(out.Clearance), "public"))
			return nil
		},
	}
	dbFlag(set, &sdb)
	set.Flags().StringArrayVar(&sgrants, "role", nil, "replace the user's roles: ROLE, ROLE@team:NAME or ROLE@system:ID (repeatable)")
	set.Flags().StringVar(&sclearance, "clearance", "", "highest classification the user may read")
	set.Flags().BoolVar(&disable, "disable", false, "disable the account: it can no longer sign in nor use its tokens")
	set.Flags().BoolVar(&enable, "enable", false, "enable a disabled account")
	set.Flags().BoolVar(&sbreakGlass, "break-glass", false, breakGlassHelp)

	var pdb string
	passwd := &cobra.Command{
		Use:   "passwd NAME",
		Short: "Set a user's password (read from stdin, else generated and printed once)",
		Long: `Passwd sets a local user's password directly in the register's database and
unlocks the account. The password is the first line of stdin with
--password-stdin, else generated and printed once. Users change their own with
POST /api/v1/me/password.

Exit status: 0 set, 2 usage error or unknown user.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, generated, err := readPassword(cmd, pwStdin)
			if err != nil {
				return err
			}
			n, err := openCommandNode(cmd, pdb)
			if err != nil {
				return err
			}
			defer n.close(cmd.Context())
			hash, err := n.auth.HashPassword(pw)
			if err != nil {
				return fail(exitUsage, err)
			}
			if err := n.register.ResetPassword(cmd.Context(), cliActor, args[0], hash); err != nil {
				return fail(exitUsage, fmt.Errorf("set the password of %s: %w", args[0], err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "set the password of %s\n", args[0])
			if generated {
				fmt.Fprintf(cmd.OutOrStdout(), "password: %s (shown once)\n", pw)
			}
			return nil
		},
	}
	dbFlag(passwd, &pdb)
	passwd.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password from the first line of stdin")
	cmd.AddCommand(add, set, passwd)
	return cmd
}

// roleList writes grants as ROLE or ROLE@SCOPE, comma separated ("no role" for none).
func roleList(gs []store.Grant) string {
	if len(gs) == 0 {
		return "no role"
	}
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		out = append(out, strings.TrimSuffix(g.Role+"@"+g.Scope, "@"))
	}
	return strings.Join(out, ",")
}

// readPassword reads a password from the first line of stdin, or makes one.
func readPassword(cmd *cobra.Command, fromStdin bool) (pw string, generated bool, err error) {
	if !fromStdin {
		return rand.Text(), true, nil
	}
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && line == "" {
		return "", false, fail(exitUsage, errors.New("--password-stdin: nothing on stdin"))
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

func joinRoleNames() string {
	var s []string
	for _, r := range rbac.Roles() {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage API tokens",
		Args:  cobra.NoArgs,
	}
	var (
		db, user, name string
		days           int
		scopes         []string
	)
	create := &cobra.Command{
		Use:   "create --user NAME --name LABEL",
		Short: "Create an API token for a user; the secret is printed once",
		Long: `Create makes an API token for a user directly in the register's database
and prints the secret once (it is stored only as a hash). --scope narrows the
token to grants the user also holds (e.g. developer@system:payments for a CI
job pushing one system). Tokens expire after --days (at most 366).

Exit status: 0 created, 2 usage error or unknown user.`,
		Example: `  rampart token create --user ci --name payments-pipeline --scope developer@system:payments --days 90`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if user == "" || name == "" {
				return fail(exitUsage, errors.New("give --user and --name"))
			}
			gs, err := parseGrants(scopes)
			if err != nil {
				return fail(exitUsage, err)
			}
			n, err := openCommandNode(cmd, db)
			if err != nil {
				return err
			}
			defer n.close(cmd.Context())
			t, secret, err := n.auth.CreateToken(cmd.Context(), auth.NewToken{Name: name, User: user, Scopes: gs, TTL: time.Duration(days) * 24 * time.Hour})
			if err != nil {
				return fail(exitUsage, err)
			}
			if err := recordAudit(cmd.Context(), n, "cli", "token.create", fmt.Sprintf("token/%d", t.ID),
				map[string]any{"user": user, "name": name, "scopes": scopes, "expires_at": t.ExpiresAt}); err != nil {
				return fail(exitUsage, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "token %d for %s, expires %s; the secret is shown once:\n", t.ID, user, t.ExpiresAt.Format(time.DateOnly))
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	dbFlag(create, &db)
	create.Flags().StringVar(&user, "user", "", "the user the token acts as")
	create.Flags().StringVar(&name, "name", "", "a label for the token")
	create.Flags().IntVar(&days, "days", 90, "days until the token expires")
	create.Flags().StringArrayVar(&scopes, "scope", nil, "narrow the token to this grant (repeatable)")
	cmd.AddCommand(create)
	return cmd
}

func newMigrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Show or apply the register's database migrations",
		Args:  cobra.NoArgs,
	}
	var db string
	status := &cobra.Command{
		Use:   "status",
		Short: "List migrations and whether each is applied",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openCommandStore(cmd, db, true)
			if err != nil {
				return err
			}
			defer st.Close(cmd.Context())
			ms, err := st.MigrationStatus(cmd.Context())
			if err != nil {
				return fail(exitUsage, err)
			}
			pending := 0
			for _, m := range ms {
				state := "applied"
				if !m.Applied {
					state, pending = "pending", pending+1
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%5d  %-8s %s\n", m.Version, state, m.Name)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d migration(s), %d pending\n", len(ms), pending)
			return nil
		},
	}
	up := &cobra.Command{
		Use:   "up",
		Short: "Apply pending migrations (serve does this on start)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openCommandStore(cmd, db, true)
			if err != nil {
				return err
			}
			defer st.Close(cmd.Context())
			ms, err := st.MigrateUp(cmd.Context())
			if err != nil {
				return fail(exitUsage, err)
			}
			for _, m := range ms {
				fmt.Fprintf(cmd.OutOrStdout(), "applied %d %s\n", m.Version, m.Name)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d migration(s) applied; the schema is current\n", len(ms))
			return nil
		},
	}
	dbFlag(status, &db)
	dbFlag(up, &db)
	cmd.AddCommand(status, up)
	return cmd
}

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the register's audit trail",
		Args:  cobra.NoArgs,
	}
	var (
		db     string
		sf     serverFlags
		asJSON bool
	)
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Verify the audit trail's hash chain: detects edits, deletions and reordering",
		Long: `Verify walks the audit trail from the first entry and checks that each entry
hashes to its recorded hash and links to the one before. It reads the database
(--db) or asks a server (--server, with an auditor's token).

Exit status: 0 intact, 1 tampered (the first bad entry is named), 2 usage
error or unreachable database.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var rep any
			ok := false
			if sf.used(cmd) {
				c, err := sf.client()
				if err != nil {
					return err
				}
				r, err := c.VerifyAudit(cmd.Context())
				if err != nil {
					return serverError(cmd, err)
				}
				rep, ok = r, r.OK
				if !asJSON {
					printAudit(cmd, r)
				}
			} else {
				n, err := openCommandNode(cmd, db)
				if err != nil {
					return err
				}
				defer n.close(cmd.Context())
				r, err := audit.Verify(cmd.Context(), n.store)
				if err != nil && !errors.Is(err, audit.ErrTampered) {
					return fail(exitUsage, err)
				}
				rep, ok = server.AuditReport{Report: r, OK: r.OK()}, r.OK()
				if !asJSON {
					printAudit(cmd, server.AuditReport{Report: r, OK: r.OK()})
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return fail(exitUsage, err)
				}
			}
			if !ok {
				return fail(exitFindings, nil)
			}
			return nil
		},
	}
	dbFlag(verify, &db)
	sf.register(verify, true)
	verify.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.AddCommand(verify)
	return cmd
}

func printAudit(cmd *cobra.Command, r server.AuditReport) {
	if r.OK {
		fmt.Fprintf(cmd.OutOrStdout(), "ok: %d audit entries, the hash chain is intact\n", r.Entries)
		return
	}
	fmt.Fprintf(cmd.OutOrStdout(), "TAMPERED: %d problem(s) in %d entries\n", len(r.Problems), r.Entries)
	for _, p := range r.Problems {
		fmt.Fprintf(cmd.OutOrStdout(), "  entry %d: %s\n", p.Seq, p.Message)
	}
}

// openCommandStore opens the database for an administrative command.
func openCommandStore(cmd *cobra.Command, db string, noMigrate bool) (store.Store, error) {
	path, err := dbPath(db)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	st, err := openStore(cmd.Context(), path, store.Options{NoMigrate: noMigrate})
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	return st, nil
}

// openCommandNode opens the register (store, workflow, sign-in) without jobs.
func openCommandNode(cmd *cobra.Command, db string) (*node, error) {
	path, err := dbPath(db)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	n, err := openNode(cmd.Context(), path, nil, false)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	return n, nil
}

// recordAudit appends an administrative change made from the command line
// to the audit trail.
func recordAudit(ctx context.Context, n *node, actor, action, object string, data any) error {
	return n.store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := audit.Append(ctx, tx, time.Now(), audit.Record{Actor: actor, Action: action, Object: object, Data: data})
		return err
	})
}
