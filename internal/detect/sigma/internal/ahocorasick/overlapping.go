package ahocorasick

// AppendOverlapping appends the id of each pattern found in haystack, at
// every place it ends (overlapping matches included), to dst and returns
// it. With a dst kept from call to call it allocates nothing, where
// FindAllOverlapping builds a new slice of matches for every haystack.
func (a *Automaton) AppendOverlapping(dst []PatternID, haystack []byte) []PatternID {
	d := a.dfa
	trans := d.trans
	classes := &d.byteClasses.classes
	sid := d.startID
	if len(trans) > 0 {
		_ = trans[len(trans)-1]
	}
	for _, b := range haystack {
		raw := trans[int(sid)+int(classes[b])]
		if raw&matchFlag == 0 {
			sid = raw
			continue
		}
		sid = raw & matchMask
		dst = append(dst, d.getMatches(sid)...)
	}
	return dst
}
