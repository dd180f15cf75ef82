package infer

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func TestComponent(t *testing.T) {
	cases := []struct {
		name     string
		typ      model.ComponentType
		wantType model.ComponentType
		wantTech string
	}{
		{"MySQL database", "datastore", "database", "mysql"},
		{"Browser", "external-entity", "browser", ""},
		{"Mobile App", "external-entity", "mobile-app", ""},
		{"Web\nApplication", "process", "web-application", ""},
		{"Message Queue", "datastore", "queue", ""},
		{"Redis cache", "datastore", "cache", "redis"},
		{"Background Worker Process", "process", "service", ""},
		{"Customer", "external-entity", "user", ""},
		{"Customer Client", "process", "browser", ""},
		// "client" alone names no program: prose says "the client request".
		{"Client", "process", "process", ""},
		// Whole words only: no "log" in Logistics, no "api" in Apiary, no "db" in Dbase.
		{"Logistics", "datastore", "datastore", ""},
		{"Apiary", "process", "process", ""},
		{"Dbase", "datastore", "datastore", ""},
		// A data store stays a data store, a process a process.
		{"Web Application Config", "datastore", "datastore", ""},
		{"Database proxy", "process", "reverse-proxy", ""},
		// A type the file gave is kept; the technology is still read.
		{"MySQL replica", "log-store", "log-store", "mysql"},
		{"PostgreSQL", "database", "database", "postgresql"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			comp := model.Component{ID: "x", Name: c.name, Type: c.typ}
			said := Component(&comp, comp.Name)
			if comp.Type != c.wantType || comp.Technology != c.wantTech {
				t.Fatalf("inferred type %q technology %q (%s), want %q %q", comp.Type, comp.Technology, said, c.wantType, c.wantTech)
			}
			if (said == "") != (c.wantType == c.typ && c.wantTech == "") {
				t.Errorf("inference said %q", said)
			}
		})
	}
}

func TestFlow(t *testing.T) {
	db := &model.Component{ID: "db", Type: "database"}
	cases := []struct {
		label string
		to    *model.Component
		want  model.Protocol
	}{
		{"HTTPS", nil, "https"},
		{"Websocket Secure", nil, "wss"},
		{"Websocket", nil, "ws"},
		{"SQL", nil, "sql"},
		{"Worker Query\nResults", nil, "sql"},
		{"Query is authenticated", nil, "other"},
		{"SQL queries", nil, "sql"},
		{"Put Message", nil, "amqp"},
		{"Store order", db, "sql"},
		{"Store order", nil, "other"},
		{"Results", nil, "other"},
		{"Httpsomething", nil, "other"},
	}
	for _, c := range cases {
		f := model.Flow{ID: "f", Name: c.label, Protocol: "other"}
		Flow(&f, f.Name, c.to, nil)
		if f.Protocol != c.want {
			t.Errorf("%q: protocol %s, want %s", c.label, f.Protocol, c.want)
		}
	}
	answer := model.Flow{ID: "r", Name: "Results", Protocol: "other"}
	if Flow(&answer, answer.Name, &model.Component{ID: "worker", Type: "service"}, db); answer.Protocol != "sql" {
		t.Errorf("the answer of a database: protocol %s, want sql", answer.Protocol)
	}
	f := model.Flow{ID: "f", Name: "HTTPS", Protocol: "grpc"}
	if Flow(&f, f.Name, nil, nil) != "" || f.Protocol != "grpc" {
		t.Errorf("a protocol the file gave was replaced: %s", f.Protocol)
	}
}

func TestAuthentication(t *testing.T) {
	cases := []struct {
		text, given string
		want        model.Authentication
	}{
		{"Customer logs into the merchant site", "", "password"},
		{"Customer logs into the merchant site OAuth", "", "oauth2"},
		{"Call with an API key", "", "api-key"},
		{"Mutual TLS to the ledger", "", "mtls"},
		{"Queries", "", ""},
		// Whole words: "blogs" is no login, "passwords" no password.
		{"Read blogs", "", ""},
		// What the file gave is kept.
		{"OAuth", "mtls", "mtls"},
	}
	for _, c := range cases {
		f := model.Flow{ID: "f", Name: c.text, Authentication: model.Authentication(c.given)}
		said := Authentication(&f, f.Name)
		if f.Authentication != c.want {
			t.Errorf("%q: authentication %q, want %q", c.text, f.Authentication, c.want)
		}
		if inferredNow := c.given == "" && c.want != ""; (said != "") != inferredNow || slices.Contains(f.Tags, TagAuthentication) != inferredNow {
			t.Errorf("%q: said %q, tags %v", c.text, said, f.Tags)
		}
	}
}

// TestTable checks the table speaks the project's vocabulary: every type
// and protocol is Rampart's, and every technology is one the rule
// vocabulary gives traits.
func TestTable(t *testing.T) {
	types := model.ComponentType("").Values()
	protocols := model.Protocol("").Values()
	for _, r := range theTable.Components {
		if !slices.Contains(types, string(r.Type)) {
			t.Errorf("%v: unknown type %q", r.Words, r.Type)
		}
		if r.Technology != "" && threats.TraitsOf(&model.Component{Type: "process", Technology: r.Technology}) == 0 &&
			threats.TraitsOf(&model.Component{Type: "datastore", Technology: r.Technology}) == 0 {
			t.Errorf("%v: technology %q gives no traits", r.Words, r.Technology)
		}
		if len(r.Words) == 0 {
			t.Errorf("row without words: %+v", r)
		}
	}
	for _, r := range theTable.Protocols {
		if !slices.Contains(protocols, string(r.Protocol)) {
			t.Errorf("%v: unknown protocol %q", r.Words, r.Protocol)
		}
	}
	auths := model.Authentication("").Values()
	for _, r := range theTable.Authentication {
		if !slices.Contains(auths, string(r.Authentication)) {
			t.Errorf("%v: unknown authentication %q", r.Words, r.Authentication)
		}
	}
	for typ, p := range theTable.Endpoints {
		if !slices.Contains(types, string(typ)) || !slices.Contains(protocols, string(p)) {
			t.Errorf("endpoint %s: %s is not Rampart's", typ, p)
		}
	}
}

// TestModelAndRevert infers on a model, checks the warnings name each
// element at its position, and that Revert gives back the model as read.
func TestModelAndRevert(t *testing.T) {
	src := `rampart: 1
system: {id: s, name: S}
components:
  - {id: browser, name: Browser, type: external-entity}
  - {id: app, name: Web App, type: process}
  - {id: db, name: MySQL database, type: datastore}
  - {id: billing, name: Billing, type: process}
  - {id: store, name: Databse, type: datastore}
  - {id: files, name: Uploads, type: datastore}
flows:
  - {id: f1, name: HTTPS, from: browser, to: app, protocol: other}
  - {id: f2, name: Queries, from: app, to: db, protocol: other}
  - {id: f3, name: Charge, from: app, to: billing, protocol: grpc}
  - {id: f4, name: Unsecured mySQL connection, from: billing, to: store, protocol: other}
  - {id: f5, name: Upload, from: billing, to: files, protocol: sftp}
  - {id: f6, name: Sign in, from: browser, to: app, protocol: https}
`
	m, ps, err := model.LoadBytes(context.Background(), "m.yaml", []byte(src), model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("%v %v", err, ps.Errors())
	}
	before, err := model.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if Note(m) != "" {
		t.Error("a model with no inferences has a note about them")
	}
	warnings := Model(m, Hints{})
	if !strings.Contains(Note(m), "inferred-* tag") {
		t.Errorf("no note about the inferences: %q", Note(m))
	}
	got := warnings.Error()
	for _, want := range []string{
		"m.yaml:4:5: warning: components[0]: component 'browser': inferred type browser (from 'browser')",
		"m.yaml:5:5: warning: components[1]: component 'app': inferred type web-application (from 'web app')",
		"m.yaml:6:5: warning: components[2]: component 'db': inferred type database (from 'mysql') and technology mysql (from 'mysql')",
		"m.yaml:11:5: warning: flows[0]: flow 'f1': inferred protocol https (from 'https')",
		"m.yaml:12:5: warning: flows[1]: flow 'f2': inferred protocol sql (from 'queries')",
		"the file models no data assets: inferred one, 'application-data'",
		"flow 'f6': inferred authentication password (from 'sign in')",
		"m.yaml:8:5: warning: components[4]: component 'store': inferred type database (the flow 'Unsecured mySQL connection' to it speaks sql) and technology mysql (from 'mysql')",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "'billing'") || strings.Contains(got, "'f3'") || strings.Contains(got, "'files'") {
		t.Errorf("an element its name says nothing about was inferred:\n%s", got)
	}
	if ps := model.Validate(m, model.Options{}); len(ps.Errors()) > 0 {
		t.Errorf("the inferred model is invalid: %v", ps.Errors())
	}
	after, err := model.Marshal(Revert(m))
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("Revert did not give back the model as read:\n%s\n---\n%s", before, after)
	}
	if m.Index().Components["db"].Type != "database" {
		t.Error("Revert changed the model it was given")
	}
	// A user who keeps an inference removes its tag: Revert leaves it.
	m.Components[2].Tags = nil
	if c := Revert(m).Components[2]; c.Type != "database" || c.Technology != "mysql" {
		t.Errorf("an accepted inference was reverted: %+v", c)
	}
}
