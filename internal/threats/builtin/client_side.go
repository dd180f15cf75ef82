package builtin

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("client-side-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.IsClient(c) || len(c.Processes)+len(c.Stores) == 0 {
				continue
			}
			if slices.ContainsFunc(c.DataFormats, func(f model.DataFormat) bool { return f == "html" || f == "json" || f == "file" }) {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s renders or imports %v content: "+
					"markup or script in it runs in the user's session unless it is validated and encoded.", e.Name(c.ID), c.DataFormats)})
			}
		}
	})
	register("look-alike-domain-phishing", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.InternetFacing || e.IsClient(c) || threats.Kind(c) == model.KindExternalEntity {
				continue // a third party's own address is theirs to protect
			}
			for _, f := range e.Incoming(c.ID) {
				if from := e.Source(f); from != nil && (threats.IsPerson(from) || e.IsClient(from)) {
					emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("People reach %s on the internet: "+
						"a look-alike address can collect what they would type into it.", e.Name(c.ID))})
					break
				}
			}
		}
	})
	register("client-code-integrity", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			var code []string
			if e.IsClient(from) {
				code = e.DataAmong(func(d *model.DataAsset) bool { return threats.RateAsset(d).I >= 4 }, f.DataReceived)
			} else if e.IsClient(to) {
				code = e.DataAmong(func(d *model.DataAsset) bool { return threats.RateAsset(d).I >= 4 }, f.DataSent)
			}
			if len(code) > 0 {
				emit(threats.Hit{Targets: []string{f.ID}, Data: code, Detail: fmt.Sprintf("%s brings %s to a client: "+
					"whoever changes it on the way or where it is hosted runs their code in every user's client.",
					e.FlowName(f), e.NameList(code))})
			}
		}
	})
	register("message-integrity", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if c.Type != "queue" && c.Type != "message-broker" {
				continue
			}
			if r := e.Rate(c.ID); r.I >= 3 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("Consumers of %s cannot tell who put a "+
					"message there: forged, changed or malformed messages make them act on work nobody asked for.", e.Name(c.ID))})
			}
		}
	})
}
