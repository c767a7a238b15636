package campaign

import (
	"time"

	"mailroom/app/msg"
	"mailroom/sender"
)

// StopText says why a run stopped with rows left, in the user's language:
// what happened (the provider's meaning for a throttle or a quota), the
// server's reply as it came, what to change and when sending can
// continue. It is the Hold's sentence (hold.go), the one place that words
// why a run waits or stops.
func StopText(e *sender.StopError) msg.Text {
	if e == nil {
		return msg.Text{}
	}
	return StopHold(e, time.Now()).Sentence()
}

// StopError is the stop as an error that says itself in the user's
// language (msg.TextOf), nil when the run did not stop.
func (o Outcome) StopError() error {
	if o.Stopped == nil {
		return nil
	}
	return &msg.Error{Text: StopText(o.Stopped), Err: o.Stopped}
}

// lang is l, or English when none was chosen.
func lang(l msg.Language) msg.Language {
	if l == "" {
		return msg.English
	}
	return l
}
