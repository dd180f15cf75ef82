package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// queue reports whether a component is a message queue or broker.
func queue(c *model.Component) bool {
	return c != nil && (c.Type == "queue" || c.Type == "message-broker")
}

func init() {
	register("queue-poison-message", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			var consumer *model.Component
			switch {
			case queue(to) && len(f.DataReceived) > 0: // the consumer pulls messages
				consumer = from
			case queue(from) && len(f.DataSent) > 0: // the broker pushes them
				consumer = to
			}
			if consumer == nil || queue(consumer) || !consumer.CustomCode || threats.Kind(consumer) != model.KindProcess {
				continue
			}
			q := to
			if consumer == to {
				q = from
			}
			emit(threats.Hit{Targets: []string{consumer.ID, f.ID}, Detail: fmt.Sprintf("%s processes messages from %s with its own code: "+
				"a message it cannot process fails, goes back on the queue and is delivered again and again, "+
				"holding the consumer and the messages behind it.", e.Name(consumer.ID), e.Name(q.ID))})
		}
	})
}
