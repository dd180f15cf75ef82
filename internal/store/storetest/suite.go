package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// Opener opens a fresh, empty, migrated store for one test.
type Opener func(t *testing.T) store.Store

// Run runs the repository suite against an engine.
func Run(t *testing.T, open Opener) {
	for _, c := range suite {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			c.run(t, context.Background(), s)
		})
	}
}

var suite = []struct {
	name string
	run  func(t *testing.T, ctx context.Context, s store.Store)
}{
	{"policy", testPolicy},
	{"systems", testSystems},
	{"versions", testVersions},
	{"threats", testThreats},
	{"threat filters", testThreatFilters},
	{"portfolio", testPortfolio},
	{"risk history", testRiskHistory},
	{"category filter", testCategoryFilter},
	{"acceptances", testAcceptances},
	{"exceptions", testExceptions},
	{"reviews", testReviews},
	{"audit", testAudit},
	{"audit filters", testAuditFilters},
	{"accounts", testAccounts},
	{"user locks", testUserLocks},
	{"tiers lock", testTiersLock},
	{"sign-in counts", testSignInCounts},
	{"transactions", testTransactions},
	{"migrations", testMigrations},
	{"alerts", testAlerts},
}

// must returns v, or fails the test given to the function it returns.
func must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantStale[T any](t *testing.T, err error, check func(cur T)) {
	t.Helper()
	var se *store.StaleError
	if !errors.As(err, &se) || !errors.Is(err, store.ErrStale) {
		t.Fatalf("got %v, want a StaleError", err)
	}
	cur, ok := se.Current.(T)
	if !ok {
		t.Fatalf("StaleError.Current is %T", se.Current)
	}
	check(cur)
}

func testPolicy(t *testing.T, ctx context.Context, s store.Store) {
	p := must(s.GetPolicy(ctx))(t)
	if p.Version != 0 || p.SROReviewDays != 21 || p.ModelReviewDays != 365 {
		t.Fatalf("default policy = version %d, SRO %d days, review %d days", p.Version, p.SROReviewDays, p.ModelReviewDays)
	}
	p.Appetite, p.UpdatedBy = "low", "ciso"
	p.MandatoryRules = []string{"missing-authentication"}
	p1 := must(s.PutPolicy(ctx, p))(t)
	if p1.Version != 1 {
		t.Fatalf("first policy version = %d", p1.Version)
	}
	got := must(s.GetPolicy(ctx))(t)
	if got.Appetite != "low" || got.Version != 1 || got.UpdatedBy != "ciso" || len(got.MandatoryRules) != 1 ||
		got.Matrix != p.Matrix || got.SLADays["critical"] != 7 {
		t.Fatalf("policy read back = %+v", got)
	}
	got.Appetite = "high"
	must(s.PutPolicy(ctx, got))(t)
	// A writer still holding version 1 loses, and learns the current state.
	_, err := s.PutPolicy(ctx, p1)
	wantStale(t, err, func(cur store.Policy) {
		if cur.Appetite != "high" || cur.Version != 2 {
			t.Errorf("current = %s v%d", cur.Appetite, cur.Version)
		}
	})
	// So does a second "first" policy.
	p.Version = 0
	_, err = s.PutPolicy(ctx, p)
	wantStale(t, err, func(store.Policy) {})
}

func newSystem(t *testing.T, ctx context.Context, s store.Repo, id string) store.System {
	t.Helper()
	return must(s.CreateSystem(ctx, store.System{ID: id, Name: "System " + id, OwnerTeam: "team-" + id,
		RiskOwner: "rose", SRO: "sam", Classification: "official-sensitive", Tier: "tier-1"}))(t)
}

func testSystems(t *testing.T, ctx context.Context, s store.Store) {
	a := newSystem(t, ctx, s, "payments")
	newSystem(t, ctx, s, "accounts")
	if _, err := s.CreateSystem(ctx, store.System{ID: "payments", Name: "again"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate system: %v", err)
	}
	if _, err := s.GetSystem(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing system: %v", err)
	}
	got := must(s.GetSystem(ctx, "payments"))(t)
	if got.Classification != "official-sensitive" || got.RiskOwner != "rose" || got.Version != 1 || got.CreatedAt.IsZero() {
		t.Fatalf("system = %+v", got)
	}
	a.SRO = "sue"
	b := must(s.UpdateSystem(ctx, a))(t)
	if b.Version != 2 {
		t.Fatalf("version after update = %d", b.Version)
	}
	a.Tier = "tier-3"
	_, err := s.UpdateSystem(ctx, a)
	wantStale(t, err, func(cur store.System) {
		if cur.SRO != "sue" || cur.Tier != "tier-1" {
			t.Errorf("current = %+v", cur)
		}
	})
	list := must(s.ListSystems(ctx, 0, 0))(t)
	if len(list) != 2 || list[0].ID != "accounts" || list[1].ID != "payments" {
		t.Fatalf("list = %v", list)
	}
	page := must(s.ListSystems(ctx, 1, 1))(t)
	if len(page) != 1 || page[0].ID != "payments" {
		t.Fatalf("page = %v", page)
	}
}

func testVersions(t *testing.T, ctx context.Context, s store.Store) {
	newSystem(t, ctx, s, "payments")
	for i := 1; i <= 2; i++ {
		v := must(s.AddModelVersion(ctx, store.ModelVersion{SystemID: "payments", Digest: fmt.Sprint("d", i),
			Source: []byte("rampart: 1\n"), Result: []byte(`{"threats": []}`), Ref: fmt.Sprint("v", i), PushedBy: "ci",
			New: i, Threats: 3}))(t)
		if v.Seq != i {
			t.Fatalf("seq = %d, want %d", v.Seq, i)
		}
	}
	v := must(s.GetModelVersion(ctx, "payments", 2))(t)
	if string(v.Source) != "rampart: 1\n" || v.Ref != "v2" || v.New != 2 || v.PushedAt.IsZero() {
		t.Fatalf("version = %+v", v)
	}
	if _, err := s.GetModelVersion(ctx, "payments", 9); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing version: %v", err)
	}
	list := must(s.ListModelVersions(ctx, "payments"))(t)
	if len(list) != 2 || list[0].Seq != 2 || list[0].Source != nil {
		t.Fatalf("list = %+v", list)
	}
	changes := []store.VersionChange{
		{SystemID: "payments", Seq: 1, ThreatID: "a@x", Change: store.ChangeNew, After: store.RiskRating{Likelihood: 3, Impact: 4, Severity: "high"}},
		{SystemID: "payments", Seq: 2, ThreatID: "a@x", Change: store.ChangeChanged,
			Before: store.RiskRating{Likelihood: 3, Impact: 4, Severity: "high"}, After: store.RiskRating{Likelihood: 2, Impact: 4, Severity: "medium"}},
		{SystemID: "payments", Seq: 2, ThreatID: "b@y", Change: store.ChangeGone},
	}
	if err := s.AddVersionChanges(ctx, changes); err != nil {
		t.Fatal(err)
	}
	since1 := must(s.ListVersionChanges(ctx, "payments", 1, 0))(t)
	if len(since1) != 2 || since1[0] != changes[1] || since1[1] != changes[2] {
		t.Fatalf("changes since 1 = %+v", since1)
	}
	all := must(s.ListVersionChanges(ctx, "payments", 0, 1))(t)
	if len(all) != 1 || all[0] != changes[0] {
		t.Fatalf("changes up to 1 = %+v", all)
	}
}

func threat(sys, id string, l, i int, sev model.Severity) store.Threat {
	return store.Threat{SystemID: sys, ID: id, Rule: "rule-" + id[:1], Title: "Threat " + id,
		STRIDE: []model.STRIDE{model.Spoofing}, Targets: []string{"web"},
		Risk: store.RiskRating{Likelihood: l, Impact: i, Severity: sev}, Fingerprint: "fp", FirstSeen: 1, LastSeen: 1,
		Status: "open"}
}

func testThreats(t *testing.T, ctx context.Context, s store.Store) {
	newSystem(t, ctx, s, "payments")
	in := threat("payments", "a@web", 4, 4, "high")
	in.Due = "2026-12-31"
	if err := s.InsertThreats(ctx, []store.Threat{in, threat("payments", "b@web", 1, 1, "low")}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertThreats(ctx, []store.Threat{in}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate threat: %v", err)
	}
	got := must(s.GetThreat(ctx, "payments", "a@web"))(t)
	if got.Due != "2026-12-31" || got.Risk != in.Risk || got.Version != 1 || len(got.STRIDE) != 1 || got.Targets[0] != "web" {
		t.Fatalf("threat = %+v", got)
	}
	b := must(s.GetThreat(ctx, "payments", "b@web"))(t)
	if b.Due != "" {
		t.Fatalf("no due date read back as %q", b.Due)
	}
	got.Status, got.Owner, got.Due = "mitigating", "alice", ""
	upd := must(s.UpdateThreat(ctx, got))(t)
	if upd.Version != 2 {
		t.Fatalf("version = %d", upd.Version)
	}
	got.Owner = "bob"
	_, err := s.UpdateThreat(ctx, got)
	wantStale(t, err, func(cur store.Threat) {
		if cur.Owner != "alice" || cur.Status != "mitigating" || cur.Due != "" {
			t.Errorf("current = %+v", cur)
		}
	})
	evs := []store.ThreatEvent{
		{SystemID: "payments", ThreatID: "a@web", Actor: "alice", Kind: "comment", Text: "on it"},
		{SystemID: "payments", ThreatID: "a@web", Actor: "alice", Kind: "status", Text: "open → mitigating"},
	}
	if err := s.AddThreatEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	hist := must(s.ListThreatEvents(ctx, "payments", "a@web"))(t)
	if len(hist) != 2 || hist[0].Text != "on it" || hist[1].Kind != "status" || hist[0].At.IsZero() {
		t.Fatalf("history = %+v", hist)
	}
	// A new model version rewrites the analysis part only, whatever the version.
	an := must(s.GetThreat(ctx, "payments", "a@web"))(t)
	an.Risk, an.Title, an.Gone, an.Status, an.Owner = store.RiskRating{Likelihood: 1, Impact: 2, Severity: "low"}, "Renamed", true, "open", "nobody"
	if err := s.UpdateThreatAnalysis(ctx, []store.Threat{an}); err != nil {
		t.Fatal(err)
	}
	after := must(s.GetThreat(ctx, "payments", "a@web"))(t)
	if after.Risk.Severity != "low" || after.Title != "Renamed" || !after.Gone || after.Status != "mitigating" ||
		after.Owner != "alice" || after.Version != an.Version+1 {
		t.Fatalf("after a new version's analysis = %+v", after)
	}
	if err := s.UpdateThreatAnalysis(ctx, []store.Threat{{SystemID: "payments", ID: "nope"}}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("analysis of a missing threat: %v", err)
	}
	all := must(s.SystemThreats(ctx, "payments"))(t)
	if len(all) != 2 || all[0].ID != "a@web" {
		t.Fatalf("system threats = %+v", all)
	}
}

func testThreatFilters(t *testing.T, ctx context.Context, s store.Store) {
	newSystem(t, ctx, s, "a")
	newSystem(t, ctx, s, "b")
	var ts []store.Threat
	sevs := []model.Severity{"low", "medium", "high", "critical"}
	for i := range 450 { // more than one insert batch
		sys := "a"
		if i%3 == 0 {
			sys = "b"
		}
		th := threat(sys, fmt.Sprintf("r%03d@e", i), 1+i%5, 1+i%4, sevs[i%4])
		if i%5 == 0 {
			th.Status = "mitigated"
		}
		if i%7 == 0 {
			th.Owner = "olga"
		}
		if i%2 == 0 {
			th.Due = fmt.Sprintf("2026-%02d-15", 1+i%12)
		}
		th.Gone = i%11 == 0
		ts = append(ts, th)
	}
	if err := s.InsertThreats(ctx, ts); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    store.ThreatFilter
		keep func(store.Threat) bool
	}{
		{"all present", store.ThreatFilter{}, func(th store.Threat) bool { return !th.Gone }},
		{"with gone", store.ThreatFilter{IncludeGone: true}, func(store.Threat) bool { return true }},
		{"system", store.ThreatFilter{SystemID: "b"}, func(th store.Threat) bool { return th.SystemID == "b" && !th.Gone }},
		{"status", store.ThreatFilter{Status: []model.TreatmentStatus{"mitigated"}},
			func(th store.Threat) bool { return th.Status == "mitigated" && !th.Gone }},
		{"severities", store.ThreatFilter{Severity: []model.Severity{"high", "critical"}, SystemID: "a"},
			func(th store.Threat) bool { return th.SystemID == "a" && th.Risk.Severity.Rank() >= 3 && !th.Gone }},
		{"owner", store.ThreatFilter{Owner: "olga"}, func(th store.Threat) bool { return th.Owner == "olga" && !th.Gone }},
		{"rule", store.ThreatFilter{Rule: "rule-r"}, func(th store.Threat) bool { return !th.Gone }},
		{"due before", store.ThreatFilter{DueBefore: "2026-04-01"},
			func(th store.Threat) bool { return th.Due != "" && th.Due < "2026-04-01" && !th.Gone }},
	}
	for _, c := range cases {
		want := 0
		for _, th := range ts {
			if c.keep(th) {
				want++
			}
		}
		n := must(s.CountThreats(ctx, c.f))(t)
		if n != want {
			t.Errorf("%s: count = %d, want %d", c.name, n, want)
		}
		f := c.f
		f.Limit = 1000
		list := must(s.ListThreats(ctx, f))(t)
		if len(list) != want {
			t.Errorf("%s: listed %d, want %d", c.name, len(list), want)
		}
		for _, th := range list {
			if !c.keep(th) {
				t.Errorf("%s: listed %s/%s which the filter excludes", c.name, th.SystemID, th.ID)
			}
		}
	}
	key := func(th store.Threat) string { return th.SystemID + "\x00" + th.ID }
	sorts := []struct {
		sort string
		// before reports whether a may come before b (ties by id are checked apart).
		cmp func(a, b store.Threat) int
	}{
		{"id", func(a, b store.Threat) int { return strings.Compare(key(a), key(b)) }},
		{"-id", func(a, b store.Threat) int { return strings.Compare(key(b), key(a)) }},
		{"severity", func(a, b store.Threat) int { return a.Risk.Severity.Rank() - b.Risk.Severity.Rank() }},
		{"-severity", func(a, b store.Threat) int { return b.Risk.Severity.Rank() - a.Risk.Severity.Rank() }},
		{"due", func(a, b store.Threat) int { return compareDue(a.Due, b.Due, false) }},
		{"-due", func(a, b store.Threat) int { return compareDue(a.Due, b.Due, true) }},
		{"updated", func(a, b store.Threat) int { return a.UpdatedAt.Compare(b.UpdatedAt) }},
		{"-updated", func(a, b store.Threat) int { return b.UpdatedAt.Compare(a.UpdatedAt) }},
	}
	for _, so := range sorts {
		got := must(s.ListThreats(ctx, store.ThreatFilter{Sort: so.sort, Limit: 1000}))(t)
		for i := 1; i < len(got); i++ {
			c := so.cmp(got[i-1], got[i])
			if c > 0 || (c == 0 && so.sort != "-id" && key(got[i-1]) > key(got[i])) {
				t.Fatalf("sort %s: %s/%s before %s/%s", so.sort, got[i-1].SystemID, got[i-1].ID, got[i].SystemID, got[i].ID)
			}
		}
	}
	if _, err := s.ListThreats(ctx, store.ThreatFilter{Sort: "risk"}); err == nil {
		t.Fatal("an unknown sort was accepted")
	}
	overdue := must(s.ListThreats(ctx, store.ThreatFilter{Sort: "due", DueBefore: "2026-06-01", Limit: 1000}))(t)
	for i := 1; i < len(overdue); i++ {
		if overdue[i-1].Due > overdue[i].Due {
			t.Fatalf("bounded due order broken at %d", i)
		}
	}
	p1 := must(s.ListThreats(ctx, store.ThreatFilter{Limit: 10}))(t)
	p2 := must(s.ListThreats(ctx, store.ThreatFilter{Limit: 10, Offset: 10}))(t)
	if len(p1) != 10 || len(p2) != 10 || p1[9].SystemID+p1[9].ID >= p2[0].SystemID+p2[0].ID {
		t.Fatalf("pages overlap or are out of order")
	}
}

// compareDue orders due dates, missing ones last either way.
func compareDue(a, b string, desc bool) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	case desc:
		return strings.Compare(b, a)
	}
	return strings.Compare(a, b)
}

func testAcceptances(t *testing.T, ctx context.Context, s store.Store) {
	newSystem(t, ctx, s, "payments")
	a := must(s.CreateAcceptance(ctx, store.Acceptance{SystemID: "payments", State: store.AcceptanceDraft,
		Justification: "compensating control", Expires: "2027-03-31", RequestedBy: "dev",
		Threats: []store.AcceptedThreat{
			{ThreatID: "b@x", Risk: store.RiskRating{Likelihood: 2, Impact: 3, Severity: "medium"}, ModelVersion: 1},
			{ThreatID: "a@x", Risk: store.RiskRating{Likelihood: 4, Impact: 4, Severity: "high"}, ModelVersion: 1},
		}}))(t)
	if a.ID == 0 || a.Version != 1 {
		t.Fatalf("created = %+v", a)
	}
	got := must(s.GetAcceptance(ctx, a.ID))(t)
	if got.Expires != "2027-03-31" || len(got.Threats) != 2 || got.Threats[0].ThreatID != "a@x" ||
		got.Threats[0].Risk.Severity != "high" || !got.DecidedAt.IsZero() {
		t.Fatalf("read back = %+v", got)
	}
	decided := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	got.State, got.DecidedBy, got.DecidedAt = store.AcceptanceAccepted, "rose", decided
	got.Threats = got.Threats[:1]
	upd := must(s.UpdateAcceptance(ctx, got))(t)
	if upd.Version != 2 {
		t.Fatalf("version = %d", upd.Version)
	}
	again := must(s.GetAcceptance(ctx, a.ID))(t)
	if !again.DecidedAt.Equal(decided) || len(again.Threats) != 1 || again.State != store.AcceptanceAccepted {
		t.Fatalf("after update = %+v", again)
	}
	a.State = store.AcceptanceRejected
	_, err := s.UpdateAcceptance(ctx, a)
	wantStale(t, err, func(cur store.Acceptance) {
		if cur.State != store.AcceptanceAccepted || len(cur.Threats) != 1 {
			t.Errorf("current = %+v", cur)
		}
	})
	must(s.CreateAcceptance(ctx, store.Acceptance{SystemID: "payments", State: store.AcceptanceSubmitted,
		Justification: "j", Expires: "2027-01-15", RequestedBy: "dev",
		Threats: []store.AcceptedThreat{{ThreatID: "c@x", ModelVersion: 1}}}))(t)
	cases := []struct {
		f    store.AcceptanceFilter
		want int
	}{
		{store.AcceptanceFilter{}, 2},
		{store.AcceptanceFilter{State: []store.AcceptanceState{store.AcceptanceAccepted}}, 1},
		{store.AcceptanceFilter{ExpiresBefore: "2027-02-01"}, 1},
		{store.AcceptanceFilter{ThreatID: "a@x"}, 1},
		{store.AcceptanceFilter{ThreatID: "b@x"}, 0},
		{store.AcceptanceFilter{SystemID: "other"}, 0},
	}
	for _, c := range cases {
		if got := must(s.ListAcceptances(ctx, c.f))(t); len(got) != c.want {
			t.Errorf("%+v: %d acceptances, want %d", c.f, len(got), c.want)
		}
	}
}

func testExceptions(t *testing.T, ctx context.Context, s store.Store) {
	e := must(s.CreateException(ctx, store.Exception{SystemID: "legacy", State: store.ExceptionSubmitted,
		Title: "No threat model for the legacy portal", Reason: "retiring in 2027", Risk: "unknown threats",
		Mitigations: []string{"waf"}, Difficulties: "no architecture documents", ReviewDate: "2027-01-31", RequestedBy: "lee"}))(t)
	got := must(s.GetException(ctx, e.ID))(t)
	if got.ReviewDate != "2027-01-31" || got.Mitigations[0] != "waf" || got.Difficulties == "" {
		t.Fatalf("read back = %+v", got)
	}
	got.State, got.DecidedBy = store.ExceptionApproved, "sam"
	must(s.UpdateException(ctx, got))(t)
	_, err := s.UpdateException(ctx, e)
	wantStale(t, err, func(cur store.Exception) {
		if cur.State != store.ExceptionApproved {
			t.Errorf("current = %+v", cur)
		}
	})
	if l := must(s.ListExceptions(ctx, store.ExceptionFilter{ReviewBefore: "2027-02-01",
		State: []store.ExceptionState{store.ExceptionApproved}}))(t); len(l) != 1 {
		t.Fatalf("overdue exceptions = %d", len(l))
	}
	if l := must(s.ListExceptions(ctx, store.ExceptionFilter{ReviewBefore: "2027-01-31"}))(t); len(l) != 0 {
		t.Fatalf("exceptions reviewed before their date = %d", len(l))
	}
}

func testReviews(t *testing.T, ctx context.Context, s store.Store) {
	newSystem(t, ctx, s, "payments")
	r := must(s.CreateReview(ctx, store.Review{SystemID: "payments", Kind: store.ReviewVersion, State: store.ReviewOpen,
		ModelVersion: 2, SinceVersion: 1, Due: "2026-12-22"}))(t)
	must(s.CreateReview(ctx, store.Review{SystemID: "payments", Kind: store.ReviewPeriodic, State: store.ReviewOpen,
		ModelVersion: 2, Due: "2027-12-01"}))(t)
	got := must(s.GetReview(ctx, r.ID))(t)
	if got.Due != "2026-12-22" || got.SinceVersion != 1 || got.Kind != store.ReviewVersion {
		t.Fatalf("read back = %+v", got)
	}
	got.State, got.Reviewer, got.CompletedAt = store.ReviewDone, "sam", time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	must(s.UpdateReview(ctx, got))(t)
	_, err := s.UpdateReview(ctx, r)
	wantStale(t, err, func(cur store.Review) {
		if cur.State != store.ReviewDone || cur.Reviewer != "sam" {
			t.Errorf("current = %+v", cur)
		}
	})
	open := must(s.ListReviews(ctx, store.ReviewFilter{State: []store.ReviewState{store.ReviewOpen}}))(t)
	if len(open) != 1 || open[0].Kind != store.ReviewPeriodic {
		t.Fatalf("open = %+v", open)
	}
	if l := must(s.ListReviews(ctx, store.ReviewFilter{DueBefore: "2027-01-01"}))(t); len(l) != 1 {
		t.Fatalf("due before = %d", len(l))
	}
}

func testAudit(t *testing.T, ctx context.Context, s store.Store) {
	seq, hash := head(t)(s.AuditHead(ctx))
	if seq != 0 || hash != "" {
		t.Fatalf("empty head = %d %q", seq, hash)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 123456000, time.UTC) // both engines keep microseconds
	for i := int64(1); i <= 3; i++ {
		err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			seq, prev, err := tx.AuditHead(ctx)
			if err != nil {
				return err
			}
			return tx.AppendAudit(ctx, store.AuditEntry{Seq: seq + 1, At: at, Actor: "a", Action: "x", Object: "system/p",
				Data: []byte(`{"k":1}`), PrevHash: prev, Hash: fmt.Sprint("h", seq+1)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AppendAudit(ctx, store.AuditEntry{Seq: 2, At: at, Data: []byte(`{}`), Hash: "dup"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("reused seq: %v", err)
	}
	if err := s.AppendAudit(ctx, store.AuditEntry{Seq: 9, At: at, Data: []byte(`{}`), Hash: "gap"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("gap in seq: %v", err)
	}
	seq, hash = head(t)(s.AuditHead(ctx))
	if seq != 3 || hash != "h3" {
		t.Fatalf("head = %d %q", seq, hash)
	}
	es := must(s.ListAudit(ctx, store.AuditFilter{After: 1, Limit: 10}))(t)
	if len(es) != 2 || es[0].Seq != 2 || es[0].PrevHash != "h1" || string(es[0].Data) != `{"k":1}` || !es[0].At.Equal(at) {
		t.Fatalf("entries = %+v", es)
	}
}

func head(t *testing.T) func(int64, string, error) (int64, string) {
	return func(a int64, b string, err error) (int64, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

// testUserLocks: a transaction that locks the users makes a second one's
// LockUsers wait for it and read what it wrote, even when the second
// started reading while the first had not written yet.
func testUserLocks(t *testing.T, ctx context.Context, s store.Store) {
	must(s.CreateUser(ctx, store.User{Name: "ada", Grants: []store.Grant{{Role: "admin"}}}))(t)
	must(s.CreateUser(ctx, store.User{Name: "bo", Grants: []store.Grant{{Role: "admin"}}}))(t)
	locked := make(chan struct{})
	var seen []store.User
	var wg sync.WaitGroup
	var errB error
	wg.Go(func() {
		<-locked
		errB = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			var err error
			seen, err = tx.LockUsers(ctx)
			return err
		})
	})
	err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		us, err := tx.LockUsers(ctx)
		if err != nil {
			return err
		}
		if len(us) != 2 || us[0].Name != "ada" || us[1].Name != "bo" {
			return fmt.Errorf("locked users = %+v, want ada and bo", us)
		}
		close(locked)
		time.Sleep(200 * time.Millisecond) // the other transaction reads now, or waits
		bo := us[1]
		bo.Disabled = true
		_, err = tx.UpdateUser(ctx, bo)
		return err
	})
	wg.Wait()
	if err != nil || errB != nil {
		t.Fatalf("transactions: %v, %v", err, errB)
	}
	if len(seen) != 2 || !seen[1].Disabled {
		t.Fatalf("the waiting transaction read %+v, want bo disabled", seen)
	}
}

// testTiersLock: a transaction holding the tiers lock makes a second
// one's LockTiers wait for it, so that the second reads the policy it wrote.
func testTiersLock(t *testing.T, ctx context.Context, s store.Store) {
	locked := make(chan struct{})
	var seen store.Policy
	var errB error
	var wg sync.WaitGroup
	wg.Go(func() {
		<-locked
		errB = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			if err := tx.LockTiers(ctx); err != nil {
				return err
			}
			var err error
			seen, err = tx.GetPolicy(ctx)
			return err
		})
	})
	err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if err := tx.LockTiers(ctx); err != nil {
			return err
		}
		close(locked)
		time.Sleep(200 * time.Millisecond) // the other transaction reads now, or waits
		p := store.DefaultPolicy()
		p.Tiers[0].Name = "crown"
		_, err := tx.PutPolicy(ctx, p)
		return err
	})
	wg.Wait()
	if err != nil || errB != nil {
		t.Fatalf("transactions: %v, %v", err, errB)
	}
	if seen.Version != 1 || seen.Tiers[0].Name != "crown" {
		t.Fatalf("the waiting transaction read policy version %d with tiers %+v, want the renamed one", seen.Version, seen.Tiers)
	}
}

func testAccounts(t *testing.T, ctx context.Context, s store.Store) {
	u := must(s.CreateUser(ctx, store.User{Name: "rose", PasswordHash: "$argon2id$x",
		Grants: []store.Grant{{Role: "risk-owner", Scope: "system:payments"}}, Clearance: "secret"}))(t)
	must(s.CreateUser(ctx, store.User{Name: "oidc", OIDCSubject: "https://idp|42"}))(t)
	must(s.CreateUser(ctx, store.User{Name: "plain"}))(t) // two users without OIDC do not collide
	if _, err := s.CreateUser(ctx, store.User{Name: "rose"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate user: %v", err)
	}
	got := must(s.GetUserByName(ctx, "rose"))(t)
	if got.ID != u.ID || got.PasswordHash != "$argon2id$x" || got.Grants[0].Scope != "system:payments" || got.Clearance != "secret" {
		t.Fatalf("user = %+v", got)
	}
	if o := must(s.GetUserByOIDC(ctx, "https://idp|42"))(t); o.Name != "oidc" {
		t.Fatalf("by OIDC = %+v", o)
	}
	got.FailedLogins, got.LockedUntil = 5, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	must(s.UpdateUser(ctx, got))(t)
	_, err := s.UpdateUser(ctx, u)
	wantStale(t, err, func(cur store.User) {
		if cur.FailedLogins != 5 {
			t.Errorf("current = %+v", cur)
		}
	})
	if l := must(s.ListUsers(ctx))(t); len(l) != 3 {
		t.Fatalf("users = %d", len(l))
	}
	tok := must(s.CreateToken(ctx, store.Token{UserID: u.ID, Name: "ci", Hash: "abc",
		Scopes: []store.Grant{{Role: "developer"}}, ExpiresAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}))(t)
	if err := s.TouchToken(ctx, tok.ID, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoking a missing token: %v", err)
	}
	gt := must(s.GetTokenByHash(ctx, "abc"))(t)
	if !gt.Revoked || gt.LastUsed.IsZero() || gt.Scopes[0].Role != "developer" {
		t.Fatalf("token = %+v", gt)
	}
	if l := must(s.ListTokens(ctx, u.ID))(t); len(l) != 1 {
		t.Fatalf("tokens = %d", len(l))
	}
	if err := s.CreateSession(ctx, store.Session{Hash: "sh", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if ss := must(s.GetSession(ctx, "sh"))(t); ss.UserID != u.ID {
		t.Fatalf("session = %+v", ss)
	}
	if err := s.DeleteSession(ctx, "sh"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, "sh"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
}

func testSignInCounts(t *testing.T, ctx context.Context, s store.Store) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	steps := []struct {
		key  string
		at   time.Duration
		want int
	}{
		{"192.0.2.1", 0, 1},
		{"192.0.2.1", 10 * time.Second, 2},
		{"192.0.2.2", 20 * time.Second, 1},
		{"192.0.2.1", 59 * time.Second, 3},
		{"192.0.2.1", 60 * time.Second, 1}, // the window that began at t0 is over
		{"192.0.2.1", 61 * time.Second, 2},
		{"192.0.2.2", 79 * time.Second, 2},
		{"192.0.2.2", 80 * time.Second, 1},
	}
	for _, st := range steps {
		if got := must(s.CountSignIn(ctx, st.key, t0.Add(st.at), time.Minute))(t); got != st.want {
			t.Errorf("%s at +%v: count %d, want %d", st.key, st.at, got, st.want)
		}
	}
	// Concurrent attempts are all counted.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := s.CountSignIn(ctx, "198.51.100.9", t0, time.Minute); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := must(s.CountSignIn(ctx, "198.51.100.9", t0, time.Minute))(t); got != 21 {
		t.Errorf("after 20 concurrent attempts: count %d, want 21", got)
	}
	// Purging drops the windows that began before the bound only.
	if n := must(s.PurgeSignIns(ctx, t0.Add(70*time.Second)))(t); n != 2 {
		t.Errorf("purged %d, want 2 (192.0.2.1 and 198.51.100.9)", n)
	}
	if got := must(s.CountSignIn(ctx, "192.0.2.2", t0.Add(81*time.Second), time.Minute))(t); got != 2 {
		t.Errorf("a kept window lost its count: %d", got)
	}
}

func testTransactions(t *testing.T, ctx context.Context, s store.Store) {
	boom := errors.New("boom")
	err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.CreateSystem(ctx, store.System{ID: "gone", Name: "rolled back"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v", err)
	}
	if _, err := s.GetSystem(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("rolled-back system: %v", err)
	}
	err = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateSystem(ctx, store.System{ID: "kept", Name: "committed"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	must(s.GetSystem(ctx, "kept"))(t)
}

func testMigrations(t *testing.T, ctx context.Context, s store.Store) {
	ms := must(s.MigrationStatus(ctx))(t)
	if len(ms) == 0 {
		t.Fatal("no migrations")
	}
	for _, m := range ms {
		if !m.Applied {
			t.Errorf("migration %d %s not applied after open", m.Version, m.Name)
		}
	}
	if again := must(s.MigrateUp(ctx))(t); len(again) != 0 {
		t.Errorf("migrating again applied %d migrations", len(again))
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
}
