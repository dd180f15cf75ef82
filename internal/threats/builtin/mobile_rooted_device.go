package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("mobile-rooted-device", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !mobile(c) || e.Has(c.ID, "device-integrity") {
				continue
			}
			held := threats.Unique(append(e.DataWhere(threats.Rating.Confidential, c.Processes, c.Stores), e.PersonalAmong(c.Processes, c.Stores)...))
			if len(held) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: held, Detail: fmt.Sprintf("%s handles %s on people's own phones: on a rooted or "+
					"jailbroken device, malware and hooking tools read its memory and storage and change what it sends.", e.Name(c.ID), e.NameList(held))})
			}
		}
	})
}
