package builtin

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unnecessary-data-transfer", func(e *threats.Env, emit func(threats.Hit)) {
		// Whether a data asset is sensitive, rated once per asset rather than
		// once per flow that carries it.
		sensitive := make(map[string]bool, len(e.Ix.Data))
		for id, d := range e.Ix.Data {
			sensitive[id] = threats.RateAsset(d).Secrecy().Sensitive()
		}
		for _, c := range e.Components() {
			if e.Is(c, threats.TraitMonitoring) || threats.IsPerson(c) || e.Guard(c) {
				continue // monitoring may see any data; people enter their own; a guard passes requests on
			}
			var partners map[string]map[string]bool // data id -> partner names, made on the first hit
			note := func(ids []string, partner *model.Component) {
				for _, id := range ids {
					if slices.Contains(c.Processes, id) || slices.Contains(c.Stores, id) || !sensitive[id] {
						continue
					}
					if partners == nil {
						partners = map[string]map[string]bool{}
					}
					if partners[id] == nil {
						partners[id] = map[string]bool{}
					}
					partners[id][e.Name(partner.ID)] = true
				}
			}
			check := func(f *model.Flow, partner *model.Component) {
				if partner == nil || e.Is(partner, threats.TraitMonitoring) {
					return
				}
				note(f.DataSent, partner)
				note(f.DataReceived, partner)
			}
			for _, f := range e.Outgoing(c.ID) {
				check(f, e.Target(f))
			}
			for _, f := range e.Incoming(c.ID) {
				check(f, e.Source(f))
			}
			ids := make([]string, 0, len(partners))
			for id := range partners {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				names := make([]string, 0, len(partners[id]))
				for n := range partners[id] {
					names = append(names, n)
				}
				sort.Strings(names)
				r := e.RateData([]string{id}).Secrecy()
				emit(threats.Hit{
					Targets: []string{c.ID, id},
					Data:    []string{id},
					Impact:  r.Impact(2, 2, 3),
					Detail: fmt.Sprintf("%s exchanges %s with %s but neither processes nor stores it.",
						e.Name(c.ID), e.Name(id), strings.Join(names, ", ")),
				})
			}
		}
	})
}
