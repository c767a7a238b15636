package journal

import (
	"fmt"

	"mailroom/app/msg"
	"mailroom/sender"
)

// State is the state of one row. It is stored as its name.
type State string

// The states a row can be in.
const (
	StatePending State = "pending"
	StateSending State = "sending"
	StateSent    State = "sent"
	StateFailed  State = "failed"
	StateSkipped State = "skipped"
	StateUnknown State = "unknown"
)

// Text is the state's name in the user's language; its English is the
// stored name, which English reports keep.
func (s State) Text() msg.Text {
	switch s {
	case StatePending:
		return msg.T("pending")
	case StateSending:
		return msg.T("sending")
	case StateSent:
		return msg.T("sent")
	case StateFailed:
		return msg.T("failed")
	case StateSkipped:
		return msg.T("skipped")
	case StateUnknown:
		return msg.T("unknown")
	}
	return msg.Raw(string(s))
}

// States lists every state in the order reports show them.
var States = []State{StatePending, StateSending, StateSent, StateFailed, StateSkipped, StateUnknown}

// mover says who asks for a state change: the legal moves differ.
type mover int

const (
	byEngine    mover = iota // MarkSending / MarkDone
	bySync                   // Sync: registering rows, skip decisions
	byRecovery               // StartRun: interrupted sends
	byUser                   // explicit actions: mark as sent, send again
	byMailbox                // the mailbox proves an unknown row was accepted
	byLastCheck              // Run.Skip: a run's last look before sending a row
)

// allowed is the whole state machine. States only move forward, except
// where a person or a fresh look at the spreadsheet decides otherwise.
func allowed(from, to State, by mover) bool {
	switch by {
	case byEngine:
		switch from {
		case StatePending:
			// pending→pending is the engine reporting a row it never tried.
			return to == StateSending || to == StatePending
		case StateSending:
			// sending→sending is a retry; sending→pending means the
			// engine knows DATA never started (OutcomeNotAttempted).
			return to != StateSkipped
		}
	case bySync:
		// Skipping is a decision of one run (bad address, missing
		// attachment…); the next run looks at the row again.
		return (from == StatePending && to == StateSkipped) ||
			(from == StateSkipped && to == StatePending)
	case byRecovery:
		return from == StateSending && to == StateUnknown
	case byLastCheck:
		// Only a row nothing was tried for yet; like Sync's skips, the
		// next run looks at it again.
		return from == StatePending && to == StateSkipped
	case byMailbox:
		// Found in the Sent folder, or bounced or answered by its own
		// Message-ID: the server accepted it.
		return from == StateUnknown && to == StateSent
	case byUser:
		switch to {
		case StateSent: // "mark as sent"
			return from == StateUnknown
		case StatePending: // "send again"
			return from == StateUnknown || from == StateFailed || from == StateSent
		}
	}
	return false
}

// checkMove returns a *TransitionError when the move is not allowed.
func checkMove(key string, from, to State, by mover) error {
	if allowed(from, to, by) {
		return nil
	}
	return &TransitionError{Key: key, From: from, To: to}
}

// outcomeState maps the engine's outcome to the state it leaves the row in.
func outcomeState(o sender.Outcome) (State, error) {
	switch o {
	case sender.OutcomeSent:
		return StateSent, nil
	case sender.OutcomeFailed:
		return StateFailed, nil
	case sender.OutcomeUnknown:
		return StateUnknown, nil
	case sender.OutcomeNotAttempted:
		return StatePending, nil
	}
	return "", fmt.Errorf("journal: invalid outcome %d", int(o))
}
