package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unguarded-direct-datastore-access", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if to.OutOfScope || threats.Kind(to) != model.KindDataStore || f.Usage == "devops" || !e.CrossesNetwork(f) {
				continue
			}
			if e.Is(to, threats.TraitIdentityStore) && e.Is(from, threats.TraitIdentityProvider) {
				continue
			}
			if e.Is(to, threats.TraitFileSystem) && (f.Protocol == "ftp" || f.Protocol == "sftp") {
				continue
			}
			r := e.Rate(to.ID).Secrecy()
			if !r.Sensitive() {
				continue
			}
			emit(threats.Hit{
				Targets: []string{f.ID},
				Data:    e.DataAtStake(to.ID, f.ID),
				Impact:  r.Impact(2, 2, 3),
				Detail: fmt.Sprintf("%s reaches data store %s directly over %s from another network segment, with no guarding service in between.",
					e.Name(from.ID), e.Name(to.ID), f.Protocol),
			})
		}
	})
}
