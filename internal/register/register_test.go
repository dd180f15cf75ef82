package register_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/audit"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/risk"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
	"github.com/rampart-sec/rampart/internal/threats"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) days(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.AddDate(0, 0, n)
}

var start = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

var (
	dev  = register.Actor{Name: "dev"}
	rose = register.Actor{Name: "rose"} // risk owner
	sam  = register.Actor{Name: "sam"}  // SRO
	eve  = register.Actor{Name: "eve"}
	ciso = register.Actor{Name: "ciso"}
)

// env is a register on a fresh store of one engine, at a fake time.
type env struct {
	t     *testing.T
	ctx   context.Context
	svc   *register.Service
	st    store.Store
	clock *fakeClock
}

func each(t *testing.T, run func(t *testing.T, e *env)) {
	for _, eng := range storetest.Engines {
		t.Run(eng.Name, func(t *testing.T) {
			st := eng.Open(t, store.Options{})
			clock := &fakeClock{t: start}
			e := &env{t: t, ctx: context.Background(), st: st, clock: clock,
				svc: register.New(st, register.WithClock(clock))}
			run(t, e)
			rep, err := audit.Verify(e.ctx, st)
			if err != nil {
				t.Fatalf("audit trail after the test: %v", err)
			}
			if rep.Entries == 0 {
				t.Fatal("the test changed nothing that was audited")
			}
		})
	}
}

func finding(id string, l, i int) analysis.Finding {
	mx := risk.DefaultMatrix()
	return analysis.Finding{
		Threat:   &threats.Threat{ID: id, Rule: id[:len(id)-4], Title: "Threat " + id, STRIDE: []model.STRIDE{model.Tampering}, Targets: []string{id[len(id)-3:]}},
		Residual: mx.Rate(l, i),
	}
}

func result(fs ...analysis.Finding) *analysis.Result {
	return &analysis.Result{System: analysis.SystemInfo{ID: "payments", Name: "Payments", Owner: "team-pay",
		RiskOwner: "dev", Classification: "official-sensitive"}, Findings: fs}
}

func (e *env) push(fs ...analysis.Finding) register.Pushed {
	e.t.Helper()
	p, err := e.svc.PushVersion(e.ctx, dev, register.Push{Source: []byte(fmt.Sprint(fs)), Result: result(fs...), Ref: "main"})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// owners gives the pushed system its risk owner and SRO, as an admin does on the server.
func (e *env) owners() store.System {
	e.t.Helper()
	sys, err := e.svc.System(e.ctx, "payments")
	if err != nil {
		e.t.Fatal(err)
	}
	sys.RiskOwner, sys.SRO, sys.Tier = "rose", "sam", "tier-1"
	sys, err = e.svc.UpdateSystem(e.ctx, ciso, sys)
	if err != nil {
		e.t.Fatal(err)
	}
	return sys
}

func (e *env) threat(id string) store.Threat {
	e.t.Helper()
	th, err := e.svc.Threat(e.ctx, "payments", id)
	if err != nil {
		e.t.Fatal(err)
	}
	return th
}

func ok[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestPushTracksThreatsAcrossVersions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		p1 := e.push(finding("weak-tls@web", 4, 5), finding("sqli@api", 3, 4), finding("dos@web", 1, 2))
		if !p1.Created || p1.Version.Seq != 1 || p1.Version.New != 3 {
			t.Fatalf("first push = %+v", p1.Version)
		}
		sys := ok[store.System](t)(e.svc.System(e.ctx, "payments"))
		if sys.RiskOwner != "" || sys.OwnerTeam != "team-pay" || sys.Classification != "official-sensitive" {
			t.Fatalf("system from the model = %+v (the risk owner is set on the server, not by a push)", sys)
		}
		// Due dates follow the default SLA: critical 7 days, high 30, low 180.
		for id, due := range map[string]string{"weak-tls@web": "2026-12-08", "sqli@api": "2026-12-31", "dos@web": "2027-05-30"} {
			if got := e.threat(id); got.Due != due || got.Status != "open" || got.FirstSeen != 1 {
				t.Errorf("%s: due %s status %s first seen %d, want due %s", id, got.Due, got.Status, got.FirstSeen, due)
			}
		}
		if p1.Review.Due != "2026-12-22" || p1.Review.Kind != store.ReviewVersion || p1.Review.ModelVersion != 1 {
			t.Fatalf("review = %+v", p1.Review)
		}
		e.clock.days(3)
		p2 := e.push(finding("weak-tls@web", 4, 5), finding("sqli@api", 2, 4), finding("xss@web", 3, 3))
		want := map[string]store.Change{"dos@web": store.ChangeGone, "sqli@api": store.ChangeChanged, "xss@web": store.ChangeNew}
		if len(p2.Changes) != len(want) {
			t.Fatalf("changes = %+v", p2.Changes)
		}
		for _, c := range p2.Changes {
			if want[c.ThreatID] != c.Change {
				t.Errorf("%s: %s, want %s", c.ThreatID, c.Change, want[c.ThreatID])
			}
		}
		if v := p2.Version; v.Seq != 2 || v.New != 1 || v.Changed != 1 || v.Gone != 1 || v.Threats != 3 {
			t.Fatalf("second version = %+v", v)
		}
		if th := e.threat("dos@web"); !th.Gone || th.LastSeen != 1 {
			t.Fatalf("a threat the new version lacks: gone %v, last seen %d", th.Gone, th.LastSeen)
		}
		if th := e.threat("weak-tls@web"); th.LastSeen != 2 || th.FirstSeen != 1 {
			t.Fatalf("unchanged threat seen %d..%d", th.FirstSeen, th.LastSeen)
		}
		if th := e.threat("sqli@api"); th.Risk.Severity != "medium" || th.Due != "2026-12-31" {
			t.Fatalf("changed threat = %+v (its register state must stay)", th)
		}
		// A threat that comes back is new again.
		p3 := e.push(finding("weak-tls@web", 4, 5), finding("sqli@api", 2, 4), finding("xss@web", 3, 3), finding("dos@web", 1, 2))
		if len(p3.Changes) != 1 || p3.Changes[0].ThreatID != "dos@web" || p3.Changes[0].Change != store.ChangeNew {
			t.Fatalf("third push changes = %+v", p3.Changes)
		}
		hist := ok[[]store.ThreatEvent](t)(e.svc.History(e.ctx, "payments", "dos@web"))
		if len(hist) != 3 {
			t.Fatalf("history of dos@web = %+v", hist)
		}
		if n := ok[int](t)(e.svc.CountThreats(e.ctx, store.ThreatFilter{SystemID: "payments"})); n != 4 {
			t.Fatalf("%d threats present", n)
		}
	})
}

func TestPushARealAnalysisTwice(t *testing.T) {
	src, err := os.ReadFile("../../examples/online-shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, probs, err := model.LoadBytes(context.Background(), "online-shop.yaml", src, model.Options{})
	if err != nil || len(probs.Errors()) > 0 {
		t.Fatalf("loading the example: %v %v", err, probs)
	}
	res := analysis.Analyze(m, analysis.Options{Now: start})
	each(t, func(t *testing.T, e *env) {
		p1, err := e.svc.PushVersion(e.ctx, dev, register.Push{Source: src, Result: res})
		if err != nil {
			t.Fatal(err)
		}
		if p1.Version.New != len(res.Findings) || p1.Version.New == 0 {
			t.Fatalf("first push: %d new of %d findings", p1.Version.New, len(res.Findings))
		}
		p2, err := e.svc.PushVersion(e.ctx, dev, register.Push{Source: src, Result: res})
		if err != nil {
			t.Fatal(err)
		}
		if len(p2.Changes) != 0 || p2.Version.Seq != 2 || p2.Version.Digest != p1.Version.Digest {
			t.Fatalf("pushing the same model again changed %d threats", len(p2.Changes))
		}
		v := ok[store.ModelVersion](t)(e.st.GetModelVersion(e.ctx, res.System.ID, 1))
		if string(v.Source) != string(src) || len(v.Result) == 0 {
			t.Fatal("the version does not keep its source and result")
		}
	})
}

func TestUpdateThreat(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.push(finding("sqli@api", 3, 4))
		th := e.threat("sqli@api")
		status, owner := model.TreatmentStatus("mitigating"), "alice"
		upd, err := e.svc.UpdateThreat(e.ctx, dev, "payments", "sqli@api", th.Version,
			register.ThreatPatch{Status: &status, Owner: &owner, Comment: "parameterising the queries"})
		if err != nil {
			t.Fatal(err)
		}
		if upd.Status != "mitigating" || upd.Owner != "alice" || upd.Version != th.Version+1 {
			t.Fatalf("updated = %+v", upd)
		}
		// A writer holding the old version loses and is told the current state.
		done := model.TreatmentStatus("mitigated")
		_, err = e.svc.UpdateThreat(e.ctx, eve, "payments", "sqli@api", th.Version, register.ThreatPatch{Status: &done})
		var se *store.StaleError
		if !errors.As(err, &se) || se.Current.(store.Threat).Owner != "alice" {
			t.Fatalf("stale update: %v", err)
		}
		bad := []struct {
			name string
			p    register.ThreatPatch
			want error
		}{
			{"accepted directly", register.ThreatPatch{Status: ptr(model.TreatmentStatus("accepted"))}, register.ErrTransition},
			{"unknown status", register.ThreatPatch{Status: ptr(model.TreatmentStatus("fixed"))}, register.ErrInvalid},
			{"bad date", register.ThreatPatch{Due: ptr("31/12/2026")}, register.ErrInvalid},
		}
		for _, c := range bad {
			if _, err := e.svc.UpdateThreat(e.ctx, dev, "payments", "sqli@api", upd.Version, c.p); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		hist := ok[[]store.ThreatEvent](t)(e.svc.History(e.ctx, "payments", "sqli@api"))
		kinds := ""
		for _, h := range hist {
			kinds += h.Kind + " "
		}
		if kinds != "version status owner comment " {
			t.Fatalf("history kinds = %q", kinds)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestSeparationOfDuties(t *testing.T) {
	cases := []struct {
		name      string
		requester register.Actor
		decider   register.Actor
		want      error
	}{
		{"risk owner decides a developer's request", dev, rose, nil},
		{"SRO decides a developer's request", dev, sam, nil},
		{"the requester cannot decide", dev, dev, register.ErrForbidden},
		{"someone else cannot decide", dev, eve, register.ErrForbidden},
		{"a risk owner cannot decide their own request", rose, rose, register.ErrForbidden},
		{"the SRO decides the risk owner's request", rose, sam, nil},
		{"the CISO is not the system's approver", dev, ciso, register.ErrForbidden},
	}
	each(t, func(t *testing.T, e *env) {
		e.push(finding("sqli@api", 3, 4))
		e.owners()
		for _, c := range cases {
			a, err := e.svc.RequestAcceptance(e.ctx, c.requester, register.AcceptanceRequest{SystemID: "payments",
				ThreatIDs: []string{"sqli@api"}, Justification: c.name, Expires: "2027-03-01"})
			if err != nil {
				t.Fatal(err)
			}
			// Deciding a draft is not possible whoever decides.
			if _, err := e.svc.DecideAcceptance(e.ctx, sam, a.ID, a.Version, register.Decision{Accept: true}); !errors.Is(err, register.ErrTransition) {
				t.Fatalf("deciding a draft: %v", err)
			}
			if _, err := e.svc.SubmitAcceptance(e.ctx, eve, a.ID, a.Version); !errors.Is(err, register.ErrForbidden) {
				t.Fatalf("submitting someone else's request: %v", err)
			}
			a = ok[store.Acceptance](t)(e.svc.SubmitAcceptance(e.ctx, c.requester, a.ID, a.Version))
			got, err := e.svc.DecideAcceptance(e.ctx, c.decider, a.ID, a.Version, register.Decision{Accept: true, Note: "ok"})
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("%s: %v, want %v", c.name, err, c.want)
			}
			if c.want != nil {
				if cur := ok[store.Acceptance](t)(e.svc.Acceptance(e.ctx, a.ID)); cur.State != store.AcceptanceSubmitted {
					t.Fatalf("%s: a refused decision changed the state to %s", c.name, cur.State)
				}
				continue
			}
			if got.State != store.AcceptanceAccepted || got.DecidedBy != c.decider.Name || e.threat("sqli@api").Status != "accepted" {
				t.Fatalf("%s: decided = %+v", c.name, got)
			}
			got = ok[store.Acceptance](t)(e.svc.RevokeAcceptance(e.ctx, c.decider, got.ID, got.Version, "next case"))
			if th := e.threat("sqli@api"); th.Status != "open" || th.AcceptanceID != 0 {
				t.Fatalf("revoked acceptance left the threat %s", th.Status)
			}
		}
	})
}

func TestExpiryWarningReopenAndExtension(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		pol := ok[store.Policy](t)(e.svc.Policy(e.ctx))
		pol.AcceptanceWarningDays = 7
		ok[store.Policy](t)(e.svc.SetPolicy(e.ctx, ciso, pol))
		e.push(finding("sqli@api", 3, 4), finding("weak-tls@web", 4, 4))
		e.owners()
		a := ok[store.Acceptance](t)(e.svc.RequestAcceptance(e.ctx, dev, register.AcceptanceRequest{SystemID: "payments",
			ThreatIDs: []string{"sqli@api", "weak-tls@web"}, Justification: "WAF in front until the rewrite", Expires: "2026-12-20"}))
		a = ok[store.Acceptance](t)(e.svc.SubmitAcceptance(e.ctx, dev, a.ID, a.Version))
		a = ok[store.Acceptance](t)(e.svc.DecideAcceptance(e.ctx, rose, a.ID, a.Version, register.Decision{Accept: true}))
		if len(a.Threats) != 2 || a.Threats[0].Risk.Severity != "high" || a.Threats[0].ModelVersion != 1 {
			t.Fatalf("recorded risk = %+v", a.Threats)
		}
		steps := []struct {
			day             int // days after 1 December
			expired, warned int
			status          model.TreatmentStatus
		}{
			{0, 0, 0, "accepted"},
			{12, 0, 1, "accepted"}, // 13 December: within 7 days of the 20th
			{13, 0, 0, "accepted"}, // warned once only
			{19, 0, 0, "accepted"}, // the 20th is still covered
			{20, 1, 0, "open"},     // the 21st: expired
			{21, 0, 0, "open"},
		}
		day := 0
		for _, s := range steps {
			e.clock.days(s.day - day)
			day = s.day
			sw := ok[register.Swept](t)(e.svc.Sweep(e.ctx))
			if len(sw.Expired) != s.expired || len(sw.Warned) != s.warned {
				t.Fatalf("day %d: swept %+v", s.day, sw)
			}
			for _, id := range []string{"sqli@api", "weak-tls@web"} {
				if th := e.threat(id); th.Status != s.status {
					t.Fatalf("day %d: %s is %s, want %s", s.day, id, th.Status, s.status)
				}
			}
		}
		exp := ok[store.Acceptance](t)(e.svc.Acceptance(e.ctx, a.ID))
		if exp.State != store.AcceptanceExpired || exp.WarnedAt.IsZero() {
			t.Fatalf("after expiry = %+v", exp)
		}
		if th := e.threat("sqli@api"); th.Due != "2026-12-21" || th.AcceptanceID != 0 {
			t.Fatalf("re-opened threat = %+v", th)
		}
		// Re-opened on the 21st and due that day, they are overdue on the 22nd.
		if o := ok[register.Overdue](t)(e.svc.Overdue(e.ctx, "payments")); o.TreatmentsTotal != 2 {
			t.Fatalf("overdue treatments = %d", o.TreatmentsTotal)
		}
		// Extending is a new request decided afresh, and only of an expired acceptance.
		ext := ok[store.Acceptance](t)(e.svc.RequestAcceptance(e.ctx, dev, register.AcceptanceRequest{SystemID: "payments",
			Justification: "rewrite slipped", Expires: "2027-02-01", Extends: a.ID}))
		if ext.State != store.AcceptanceDraft || len(ext.Threats) != 2 || ext.Extends != a.ID {
			t.Fatalf("extension = %+v", ext)
		}
		if th := e.threat("sqli@api"); th.Status != "open" {
			t.Fatal("requesting an extension accepted the threat again")
		}
		if _, err := e.svc.RequestAcceptance(e.ctx, dev, register.AcceptanceRequest{SystemID: "payments",
			Justification: "x", Expires: "2027-02-01", Extends: ext.ID}); !errors.Is(err, register.ErrTransition) {
			t.Fatalf("extending a draft: %v", err)
		}
		for _, exp := range []string{"2026-12-22", "2028-01-01", "soon"} {
			if _, err := e.svc.RequestAcceptance(e.ctx, dev, register.AcceptanceRequest{SystemID: "payments",
				ThreatIDs: []string{"sqli@api"}, Justification: "x", Expires: exp}); !errors.Is(err, register.ErrInvalid) {
				t.Errorf("expiry %s: %v", exp, err)
			}
		}
	})
}

func TestChangedRiskAsksForReReview(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.push(finding("sqli@api", 3, 4), finding("dos@web", 2, 2))
		e.owners()
		a := ok[store.Acceptance](t)(e.svc.RequestAcceptance(e.ctx, dev, register.AcceptanceRequest{SystemID: "payments",
			ThreatIDs: []string{"sqli@api", "dos@web"}, Justification: "bulk", Expires: "2027-06-01"}))
		a = ok[store.Acceptance](t)(e.svc.SubmitAcceptance(e.ctx, dev, a.ID, a.Version))
		a = ok[store.Acceptance](t)(e.svc.DecideAcceptance(e.ctx, sam, a.ID, a.Version, register.Decision{Accept: true}))
		// Same risk: no re-review.
		if p := e.push(finding("sqli@api", 3, 4), finding("dos@web", 2, 2)); len(p.ReReview) != 0 {
			t.Fatalf("unchanged risk flagged %v", p.ReReview)
		}
		p := e.push(finding("sqli@api", 5, 4), finding("dos@web", 2, 2))
		if len(p.ReReview) != 1 || p.ReReview[0] != a.ID {
			t.Fatalf("re-review = %v", p.ReReview)
		}
		a = ok[store.Acceptance](t)(e.svc.Acceptance(e.ctx, a.ID))
		if !a.NeedsReview {
			t.Fatal("acceptance not flagged")
		}
		o := ok[register.Overdue](t)(e.svc.Overdue(e.ctx, ""))
		if len(o.Acceptances) != 1 {
			t.Fatalf("acceptances needing attention = %d", len(o.Acceptances))
		}
		if _, err := e.svc.ConfirmAcceptance(e.ctx, dev, a.ID, a.Version, "still fine"); !errors.Is(err, register.ErrForbidden) {
			t.Fatalf("requester confirming: %v", err)
		}
		a = ok[store.Acceptance](t)(e.svc.ConfirmAcceptance(e.ctx, rose, a.ID, a.Version, "still fine"))
		if a.NeedsReview || a.Threats[1].ThreatID != "sqli@api" || a.Threats[1].Risk.Severity != "critical" || a.Threats[1].ModelVersion != 3 {
			t.Fatalf("confirmed = %+v", a)
		}
	})
}

func TestExceptions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.push(finding("sqli@api", 3, 4))
		e.owners()
		req := store.Exception{SystemID: "payments", Title: "No model of the batch jobs", Reason: "being retired",
			Risk: "unmodelled threats in batch", Mitigations: []string{"network isolation"}, Difficulties: "no owner left",
			ReviewDate: "2027-01-15"}
		bad := req
		bad.Reason = ""
		if _, err := e.svc.RequestException(e.ctx, dev, bad); !errors.Is(err, register.ErrInvalid) {
			t.Fatalf("exception without a reason: %v", err)
		}
		x := ok[store.Exception](t)(e.svc.RequestException(e.ctx, dev, req))
		x = ok[store.Exception](t)(e.svc.SubmitException(e.ctx, dev, x.ID, x.Version))
		for _, who := range []register.Actor{dev, rose, eve} {
			if _, err := e.svc.DecideException(e.ctx, who, x.ID, x.Version, register.Decision{Accept: true}); !errors.Is(err, register.ErrForbidden) {
				t.Fatalf("%s approving: %v", who.Name, err)
			}
		}
		x = ok[store.Exception](t)(e.svc.DecideException(e.ctx, sam, x.ID, x.Version, register.Decision{Accept: true, Note: "until March"}))
		if x.State != store.ExceptionApproved || x.DecidedBy != "sam" {
			t.Fatalf("approved = %+v", x)
		}
		e.clock.days(45) // the review date itself: not overdue yet
		if o := ok[register.Overdue](t)(e.svc.Overdue(e.ctx, "")); len(o.Exceptions) != 0 {
			t.Fatalf("overdue on its review date: %+v", o.Exceptions)
		}
		e.clock.days(1)
		o := ok[register.Overdue](t)(e.svc.Overdue(e.ctx, ""))
		if len(o.Exceptions) != 1 || o.Exceptions[0].ID != x.ID {
			t.Fatalf("overdue exceptions = %+v", o.Exceptions)
		}
		x = ok[store.Exception](t)(e.svc.RenewException(e.ctx, sam, x.ID, x.Version, "2027-06-30", "reviewed"))
		if o = ok[register.Overdue](t)(e.svc.Overdue(e.ctx, "")); len(o.Exceptions) != 0 {
			t.Fatal("a renewed exception is still overdue")
		}
	})
}

func TestReviews(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		p1 := e.push(finding("sqli@api", 3, 4))
		e.owners()
		e.clock.days(22)
		o := ok[register.Overdue](t)(e.svc.Overdue(e.ctx, ""))
		if len(o.Reviews) != 1 || o.Reviews[0].ID != p1.Review.ID {
			t.Fatalf("overdue reviews = %+v", o.Reviews)
		}
		if _, err := e.svc.CompleteReview(e.ctx, rose, p1.Review.ID, p1.Review.Version, "looked"); !errors.Is(err, register.ErrForbidden) {
			t.Fatalf("the risk owner completing the SRO review: %v", err)
		}
		ok[store.Review](t)(e.svc.CompleteReview(e.ctx, sam, p1.Review.ID, p1.Review.Version, "fine"))
		e.clock.days(10)
		p2 := e.push(finding("sqli@api", 3, 4), finding("xss@web", 3, 3))
		if p2.Review.SinceVersion != 1 || p2.Review.ModelVersion != 2 {
			t.Fatalf("second review = %+v", p2.Review)
		}
		changes := ok[[]store.VersionChange](t)(e.svc.ReviewChanges(e.ctx, p2.Review.ID))
		if len(changes) != 1 || changes[0].ThreatID != "xss@web" {
			t.Fatalf("changes since the last review = %+v", changes)
		}
		// The sweep opens the periodic review: tier-1 reviews every 180 days
		// from the last review (completed on 23 December).
		sw := ok[register.Swept](t)(e.svc.Sweep(e.ctx))
		if len(sw.Opened) != 1 {
			t.Fatalf("sweep opened %v", sw.Opened)
		}
		if again := ok[register.Swept](t)(e.svc.Sweep(e.ctx)); len(again.Opened) != 0 {
			t.Fatalf("second sweep opened %v", again.Opened)
		}
		pr := ok[store.Review](t)(e.svc.Review(e.ctx, sw.Opened[0]))
		if pr.Kind != store.ReviewPeriodic || pr.Due != "2027-06-21" || pr.SinceVersion != 1 {
			t.Fatalf("periodic review = %+v", pr)
		}
		done := ok[store.Review](t)(e.svc.CompleteReview(e.ctx, sam, pr.ID, pr.Version, "annual"))
		if done.ModelVersion != 2 {
			t.Fatalf("completed periodic review covers version %d", done.ModelVersion)
		}
		next := ok[[]store.Review](t)(e.svc.Reviews(e.ctx, store.ReviewFilter{Kind: store.ReviewPeriodic,
			State: []store.ReviewState{store.ReviewOpen}}))
		if len(next) != 1 || next[0].SinceVersion != 2 || next[0].Due != "2027-07-01" {
			t.Fatalf("next periodic review = %+v", next)
		}
	})
}

func TestPolicyValidation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		p := ok[store.Policy](t)(e.svc.Policy(e.ctx))
		cases := []struct {
			name string
			edit func(*store.Policy)
		}{
			{"appetite", func(p *store.Policy) { p.Appetite = "meh" }},
			{"missing SLA", func(p *store.Policy) { delete(p.SLADays, "low") }},
			{"SRO days", func(p *store.Policy) { p.SROReviewDays = 0 }},
			{"duplicate tier", func(p *store.Policy) { p.Tiers = append(p.Tiers, p.Tiers[0]) }},
			{"matrix", func(p *store.Policy) { p.Matrix.Bands[0][0] = "" }},
		}
		for _, c := range cases {
			q := p
			q.SLADays = map[model.Severity]int{}
			for k, v := range p.SLADays {
				q.SLADays[k] = v
			}
			q.Tiers = append([]store.Tier(nil), p.Tiers...)
			c.edit(&q)
			if _, err := e.svc.SetPolicy(e.ctx, ciso, q); !errors.Is(err, register.ErrInvalid) {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		p.SROReviewDays = 14
		p = ok[store.Policy](t)(e.svc.SetPolicy(e.ctx, ciso, p))
		if pushed := e.push(finding("sqli@api", 3, 4)); pushed.Review.Due != "2026-12-15" {
			t.Fatalf("review due %s with a 14-day policy", pushed.Review.Due)
		}
		if _, err := e.svc.SetPolicy(e.ctx, ciso, store.Policy(p)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SetPolicy(e.ctx, ciso, p); !errors.Is(err, store.ErrStale) {
			t.Fatalf("stale policy: %v", err)
		}
	})
}

func TestConcurrentPushesOfOneSystem(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.push(finding("sqli@api", 3, 4))
		const n = 4
		var wg sync.WaitGroup
		errs := make([]error, n)
		seqs := make([]int, n)
		for i := range n {
			wg.Go(func() {
				p, err := e.svc.PushVersion(e.ctx, dev, register.Push{Source: []byte{byte(i)},
					Result: result(finding("sqli@api", 3, 4), finding(fmt.Sprintf("r%d@web", i), 2, 2))})
				errs[i], seqs[i] = err, p.Version.Seq
			})
		}
		wg.Wait()
		seen := map[int]bool{}
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("push %d: %v", i, errs[i])
			}
			if seen[seqs[i]] || seqs[i] < 2 || seqs[i] > n+1 {
				t.Fatalf("versions %v", seqs)
			}
			seen[seqs[i]] = true
		}
		if sys := ok[store.System](t)(e.svc.System(e.ctx, "payments")); sys.LatestVersion != n+1 {
			t.Fatalf("latest version %d", sys.LatestVersion)
		}
	})
}

func TestMandatoryRulesAndUnmodelledSystems(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		pol := ok[store.Policy](t)(e.svc.Policy(e.ctx))
		pol.MandatoryRules = []string{"missing-authentication"}
		ok[store.Policy](t)(e.svc.SetPolicy(e.ctx, ciso, pol))
		res := result(finding("sqli@api", 3, 4))
		res.Model = &model.Model{Settings: &model.Settings{DisabledRules: []string{"weak-tls", "missing-authentication"}}}
		if _, err := e.svc.PushVersion(e.ctx, dev, register.Push{Source: []byte("x"), Result: res}); !errors.Is(err, register.ErrInvalid) {
			t.Fatalf("a model disabling a mandatory rule: %v", err)
		}
		if _, err := e.svc.System(e.ctx, "payments"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("a refused push registered its system")
		}
		res.Model.Settings.DisabledRules = []string{"weak-tls"}
		ok[register.Pushed](t)(e.svc.PushVersion(e.ctx, dev, register.Push{Source: []byte("x"), Result: res}))
		for _, s := range []store.System{{ID: "ledger", Tier: "tier-1"}, {ID: "wiki", Tier: "tier-3"}} {
			ok[store.System](t)(e.svc.CreateSystem(e.ctx, ciso, s))
		}
		o := ok[register.Overdue](t)(e.svc.Overdue(e.ctx, ""))
		if len(o.Unmodelled) != 1 || o.Unmodelled[0].ID != "ledger" {
			t.Fatalf("unmodelled = %+v", o.Unmodelled)
		}
	})
}

func TestThreatFilterIsChecked(t *testing.T) {
	bad := []store.ThreatFilter{
		{Status: []model.TreatmentStatus{"opne"}},
		{Severity: []model.Severity{"severe"}},
		{Sort: "risk"},
		{Limit: 5000},
		{Offset: -1},
		{DueBefore: "tomorrow"},
	}
	each(t, func(t *testing.T, e *env) {
		e.push(finding("sqli@api", 3, 4))
		for _, f := range bad {
			if _, err := e.svc.Threats(e.ctx, f); !errors.Is(err, register.ErrInvalid) {
				t.Errorf("%+v: %v", f, err)
			}
			if _, err := e.svc.CountThreats(e.ctx, f); !errors.Is(err, register.ErrInvalid) {
				t.Errorf("count %+v: %v", f, err)
			}
		}
		good := store.ThreatFilter{Status: []model.TreatmentStatus{"open"}, Severity: []model.Severity{"high"}, Sort: "due",
			Limit: 1000, DueBefore: "2027-01-01"}
		if got := ok[[]store.Threat](t)(e.svc.Threats(e.ctx, good)); len(got) != 1 {
			t.Fatalf("good filter found %d", len(got))
		}
	})
}
