package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/audit"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/sqlite"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// TestMain stops the throwaway PostgreSQL cluster of the tests that start
// one (TestTwoNodesOnOnePostgreSQL) when the tests end.
func TestMain(m *testing.M) { storetest.Main(m) }

// TestUserCommandsFollowTheRegisterRules runs the user commands on a real
// SQLite register, one after another, and checks each outcome, the audit
// entry each success wrote (and that refusals wrote none), and the users
// at the end.
func TestUserCommandsFollowTheRegisterRules(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rampart.db")
	steps := []struct {
		args   []string
		code   int
		output string // in stdout on success, stderr on failure
		// action and direct are the audit entry's action and its
		// direct_admin note ("" for none); no entry when the step fails.
		action, direct string
	}{
		{[]string{"user", "add", "root", "--role", "admin"}, 0, "created user root", "user.create", "the register had no enabled admin"},
		{[]string{"user", "add", "eve", "--role", "admin"}, exitUsage, "the register's admins (root) grant that role", "", ""},
		{[]string{"user", "add", "eve", "--role", "admin", "--break-glass"}, 0, "created user eve", "user.create", "break glass over the enabled admins root"},
		{[]string{"user", "add", "dev", "--role", "developer@team:team-pay"}, 0, "created user dev", "user.create", ""},
		{[]string{"user", "set", "eve", "--disable"}, 0, "user eve: admin, disabled", "user.update", ""},
		{[]string{"user", "set", "root", "--role", "viewer"}, exitUsage, "root is the last enabled admin", "", ""},
		{[]string{"user", "set", "root", "--disable"}, exitUsage, "root is the last enabled admin", "", ""},
		{[]string{"user", "set", "eve", "--enable"}, exitUsage, "eve would be an admin", "", ""},
		{[]string{"user", "set", "eve", "--enable", "--break-glass"}, 0, "user eve: admin, enabled", "user.update", "break glass over the enabled admins root"},
		{[]string{"user", "set", "root", "--role", "viewer", "--clearance", "secret"}, 0, "user root: viewer, enabled, clearance secret", "user.update", ""},
		{[]string{"user", "set", "dev", "--role", "admin"}, exitUsage, "dev would be an admin", "", ""},
		{[]string{"user", "set", "ghost", "--disable"}, exitUsage, "not found", "", ""},
		{[]string{"user", "set", "dev"}, exitUsage, "nothing to change", "", ""},
		{[]string{"user", "set", "dev", "--clearance", "cosmic"}, exitUsage, `--clearance "cosmic"`, "", ""},
		{[]string{"user", "passwd", "dev"}, 0, "set the password of dev", "user.password", ""},
		{[]string{"user", "passwd", "ghost"}, exitUsage, "not found", "", ""},
	}
	var want []int // the steps that audit, in order
	for i, s := range steps {
		code, out, errOut := runCLI(t, append(s.args, "--db", db)...)
		got := out
		if s.code != 0 {
			got = errOut
		}
		if code != s.code || !strings.Contains(got, s.output) {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q; want %d and %q", strings.Join(s.args, " "), code, out, errOut, s.code, s.output)
		}
		if s.action != "" {
			want = append(want, i)
		}
	}

	ctx := context.Background()
	st, err := sqlite.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	es, err := st.ListAudit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(want) {
		t.Fatalf("%d audit entries, want one per successful step (%d): %+v", len(es), len(want), es)
	}
	for n, e := range es {
		s := steps[want[n]]
		var data struct {
			Direct string `json:"direct_admin"`
		}
		if err := json.Unmarshal(e.Data, &data); err != nil {
			t.Fatal(err)
		}
		if e.Actor != "cli" || e.Action != s.action || e.Object != "user/"+s.args[2] || data.Direct != s.direct {
			t.Errorf("audit entry %d = %s %s %s %s; want cli %s user/%s %q", n, e.Actor, e.Action, e.Object, e.Data, s.action, s.args[2], s.direct)
		}
	}
	if rep, err := audit.Verify(ctx, st); err != nil || !rep.OK() {
		t.Fatalf("audit trail: %+v %v", rep, err)
	}
	us, err := st.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range us {
		got = append(got, u.Name+":"+roleList(u.Grants)+":"+map[bool]string{true: "disabled", false: "enabled"}[u.Disabled])
	}
	if w := "dev:developer@team:team-pay:enabled eve:admin:enabled root:viewer:enabled"; strings.Join(got, " ") != w {
		t.Fatalf("users = %s, want %s", strings.Join(got, " "), w)
	}
}

// TestFirstAdminIsAudited: the admin serve makes on an empty register is
// on the audit trail, made by the system because the register had no
// enabled admin; the command line then needs --break-glass for another.
func TestFirstAdminIsAudited(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rampart.db")
	n := startServe(t, "--db", db)
	n.shutdown(t)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	es, err := st.ListAudit(ctx, store.AuditFilter{Object: "user/admin"})
	_ = st.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Actor != "system" || es[0].Action != "user.create" ||
		!strings.Contains(string(es[0].Data), `"direct_admin":"the register had no enabled admin"`) {
		t.Fatalf("the first admin's audit entries = %+v", es)
	}
	if code, _, errOut := runCLI(t, "user", "add", "eve", "--role", "admin", "--db", db); code != exitUsage || !strings.Contains(errOut, "the register's admins (admin)") {
		t.Fatalf("a second admin from the command line without --break-glass: %d %s", code, errOut)
	}
}
