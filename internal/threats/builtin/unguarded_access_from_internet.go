package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unguarded-access-from-internet", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if to.OutOfScope || e.Is(to, threats.TraitLoadBalancer) || f.VPN || e.Is(from, threats.TraitMonitoring) || !e.FromInternet(from) {
				continue
			}
			if threats.Kind(from) == model.KindProcess && !e.Untrusted(from) {
				continue // the system's own internet-facing process calling what is behind it is not a caller on the internet
			}
			web := f.Protocol == "http" || f.Protocol == "https"
			ftp := f.Protocol == "ftp" || f.Protocol == "sftp"
			if !to.CustomCode && ((e.Is(to, threats.TraitServesWeb) && web) || (e.Is(to, threats.TraitServesFiles) && ftp)) {
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
				Detail: fmt.Sprintf("%s on the internet reaches %s directly over %s, with no guarding service in between.",
					e.Name(from.ID), e.Name(to.ID), f.Protocol),
			})
		}
	})
}
