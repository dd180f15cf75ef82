package threats

import (
	"slices"
	"sort"

	"github.com/rampart-sec/rampart/internal/model"
)

// Rating is how much is at stake in some data, on one five-step scale per
// property (0..4). Confidentiality: 0 public, 1 internal, 2 restricted
// (CIA "medium"), 3 confidential, 4 strictly confidential. Integrity and
// availability: 0 negligible, 1 low, 2 medium, 3 high (critical to the
// business), 4 critical (mission critical). A data asset's CIA ratings win
// over its classification; classification alone sets confidentiality.
type Rating struct{ C, I, A int }

// RateAsset rates one data asset.
func RateAsset(d *model.DataAsset) Rating {
	r := Rating{I: d.CIA.Integrity.Score() - 1, A: d.CIA.Availability.Score() - 1}
	if d.CIA.Confidentiality != "" {
		r.C = d.CIA.Confidentiality.Score() - 1
	} else {
		r.C = [...]int{0, 1, 3, 4}[d.Classification.Level()]
	}
	return r
}

// Max returns the higher of two ratings, property by property.
func (r Rating) Max(o Rating) Rating {
	return Rating{C: max(r.C, o.C), I: max(r.I, o.I), A: max(r.A, o.A)}
}

// Sensitive reports confidential data or high integrity or availability needs (3+).
func (r Rating) Sensitive() bool { return r.C >= 3 || r.I >= 3 || r.A >= 3 }

// Top reports strictly confidential data or critical integrity or availability (4).
func (r Rating) Top() bool { return r.C >= 4 || r.I >= 4 || r.A >= 4 }

// Confidential reports confidential or strictly confidential data (C 3+).
func (r Rating) Confidential() bool { return r.C >= 3 }

// StrictlyConfidential reports strictly confidential data (C 4).
func (r Rating) StrictlyConfidential() bool { return r.C >= 4 }

// Secrecy returns the rating without availability, for threats of
// disclosure and tampering, which availability needs do not make worse.
func (r Rating) Secrecy() Rating { return Rating{C: r.C, I: r.I} }

// Impact picks an impact from the rating: high for top ratings, medium
// for sensitive ones, else low.
func (r Rating) Impact(low, medium, high int) int {
	switch {
	case r.Top():
		return high
	case r.Sensitive():
		return medium
	}
	return low
}

// Rate returns the highest ratings of the data an element handles: the data
// a component processes or stores, a flow carries, or the data asset itself.
func (e *Env) Rate(id string) Rating {
	if f := e.facts[id]; f != nil {
		return f.rating
	}
	return e.rateOf(id)
}

func (e *Env) rateOf(id string) Rating {
	if c := e.Ix.Components[id]; c != nil {
		return e.RateData(c.Stores, c.Processes)
	}
	if f := e.Ix.Flows[id]; f != nil {
		return e.RateData(f.DataSent, f.DataReceived)
	}
	if d := e.Ix.Data[id]; d != nil {
		return RateAsset(d)
	}
	return Rating{}
}

// RateData returns the highest ratings of the listed data assets.
func (e *Env) RateData(lists ...[]string) Rating {
	var r Rating
	for _, list := range lists {
		for _, id := range list {
			if d := e.Ix.Data[id]; d != nil {
				r = r.Max(RateAsset(d))
			}
		}
	}
	return r
}

// DataWhere returns the ids of the data assets among the lists whose rating
// satisfies keep (e.g. Rating.Confidential), in order, without duplicates.
func (e *Env) DataWhere(keep func(Rating) bool, lists ...[]string) []string {
	return e.DataAmong(func(d *model.DataAsset) bool { return keep(RateAsset(d)) }, lists...)
}

// PersonalAmong returns the ids of the personal data assets among the
// lists, in order, without duplicates.
func (e *Env) PersonalAmong(lists ...[]string) []string {
	return e.DataAmong(func(d *model.DataAsset) bool { return d.Personal }, lists...)
}

// DataAmong returns the ids of the data assets among the lists that satisfy
// keep, in order, without duplicates.
func (e *Env) DataAmong(keep func(*model.DataAsset) bool, lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range lists {
		for _, id := range list {
			if d := e.Ix.Data[id]; d != nil && !seen[id] && keep(d) {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// Personal reports whether an element handles personal data.
func (e *Env) Personal(id string) bool {
	for _, d := range e.DataAtStake(id) {
		if e.Ix.Data[d].Personal {
			return true
		}
	}
	return false
}

// DataAtStake returns the data assets the elements handle, most valuable first.
func (e *Env) DataAtStake(ids ...string) []string {
	if len(ids) == 1 {
		if f := e.facts[ids[0]]; f != nil {
			return slices.Clone(f.atStake)
		}
	}
	return e.dataAtStake(ids)
}

func (e *Env) dataAtStake(ids []string) []string {
	var out []string
	add := func(list []string) {
		for _, d := range list {
			if !slices.Contains(out, d) && e.Ix.Data[d] != nil {
				out = append(out, d)
			}
		}
	}
	for _, id := range ids {
		if c := e.Ix.Components[id]; c != nil {
			add(c.Stores)
			add(c.Processes)
		} else if f := e.Ix.Flows[id]; f != nil {
			add(f.DataSent)
			add(f.DataReceived)
		} else if e.Ix.Data[id] != nil {
			add([]string{id})
		}
	}
	return e.sortByValue(out)
}

// Value scores a data asset for ranking: classification first, then the highest CIA rating.
func (e *Env) Value(id string) int {
	d := e.Ix.Data[id]
	if d == nil {
		return 0
	}
	r := RateAsset(d)
	return d.Classification.Level()*10 + max(r.C, r.I, r.A)
}

func (e *Env) sortByValue(ids []string) []string {
	out := append([]string(nil), ids...)
	if len(out) < 2 {
		return out
	}
	values := make([]int, len(out))
	for i, id := range out {
		values[i] = e.Value(id)
	}
	sort.Stable(byValue{out, values})
	return out
}

// byValue sorts ids by their values, highest first, then by id.
type byValue struct {
	ids    []string
	values []int
}

func (b byValue) Len() int { return len(b.ids) }
func (b byValue) Less(i, j int) bool {
	if b.values[i] != b.values[j] {
		return b.values[i] > b.values[j]
	}
	return b.ids[i] < b.ids[j]
}
func (b byValue) Swap(i, j int) {
	b.ids[i], b.ids[j] = b.ids[j], b.ids[i]
	b.values[i], b.values[j] = b.values[j], b.values[i]
}

// MostSensitive returns the element among ids whose data is rated highest
// (confidentiality first, ties broken by id), or "" when ids is empty.
func (e *Env) MostSensitive(ids []string) string {
	best, bestScore := "", -1
	for _, id := range ids {
		r := e.Rate(id)
		s := r.C*100 + r.I*10 + r.A
		if s > bestScore || (s == bestScore && id < best) {
			best, bestScore = id, s
		}
	}
	return best
}
