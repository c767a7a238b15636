package campaign

import (
	"time"

	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/app/reason"
	"mailroom/sender"
)

// RowEvent is one row of a run's log: a row the run skipped or found
// unknown when it started, or a message whose outcome it has just
// recorded in the journal.
type RowEvent struct {
	Key string
	// Row is the spreadsheet row number.
	Row     int
	Address string
	State   journal.State
	// Reply is the server's reply, or the network error, as it came;
	// SkipReason why the run did not send the row.
	Reply      string
	Code       int
	SkipReason string
	Attempts   int
	MessageID  string
	At         time.Time
	// File is the .eml file a dry run wrote (StateWritten).
	File string
}

// StateWritten is a dry run's outcome for a message: written to a file,
// sent to nobody. It appears in a dry run's log only, never in a journal.
const StateWritten journal.State = "written"

// Reason says in plain words why the row is in its state: what the
// server's reply means for a failed row ("mailbox does not exist"), why
// it was skipped, why it is unknown. Zero for a sent or pending row.
func (e RowEvent) Reason() msg.Text {
	if e.State == StateWritten {
		return msg.T("written to {{.File}}, not sent", "File", e.File)
	}
	return RowReason(e.State, e.Reply, e.SkipReason)
}

// RowReason is RowEvent.Reason for a row the caller read from the
// journal (History).
func RowReason(state journal.State, reply, skip string) msg.Text {
	switch state {
	case journal.StateFailed:
		if reply == "" {
			return msg.T("failed")
		}
		return reason.Explain("", reply)
	case journal.StateUnknown:
		if reply == "" {
			return msg.T("may have been delivered: a run stopped while it was being sent")
		}
		return msg.T("may have been delivered: the connection broke before the server answered")
	case journal.StateSkipped:
		if skip == "" {
			return msg.T("skipped")
		}
		// Skip reasons are stored texts (msg.Text.Store): said in the
		// reader's language.
		return msg.Stored(skip)
	}
	return msg.Text{}
}

// rowLog tells the caller about every outcome the journal records, after
// it recorded it. keys maps each message this run sends to its row.
type rowLog struct {
	sender.Store
	keys map[string]journal.Row
	fn   func(RowEvent)
}

// MarkDone records the outcome, then reports it; a row put back to
// pending (never tried, or tried again later) is not an outcome yet.
func (l *rowLog) MarkDone(r sender.Result) error {
	if err := l.Store.MarkDone(r); err != nil {
		return err
	}
	if r.Outcome == sender.OutcomeNotAttempted {
		return nil
	}
	row := l.keys[r.Key]
	state := map[sender.Outcome]journal.State{
		sender.OutcomeSent: journal.StateSent, sender.OutcomeFailed: journal.StateFailed, sender.OutcomeUnknown: journal.StateUnknown,
	}[r.Outcome]
	l.fn(RowEvent{Key: r.Key, Row: row.Number, Address: row.Address, State: state, Reply: r.Reply, Code: r.Code,
		Attempts: r.Attempts, MessageID: r.MessageID, At: r.At})
	return nil
}

// skipping wraps the journal's skip (a row whose address was put on the
// do-not-send list during the run) so that the log reports it too.
func (l *rowLog) skipping(skip func(key, reason string) error) func(key, reason string) error {
	return func(key, reason string) error {
		if err := skip(key, reason); err != nil {
			return err
		}
		row := l.keys[key]
		l.fn(RowEvent{Key: key, Row: row.Number, Address: row.Address, State: journal.StateSkipped, SkipReason: reason, At: time.Now()})
		return nil
	}
}

// rowEvent is a journal row as a log entry.
func rowEvent(r journal.Row) RowEvent {
	at := r.SentAt
	if at.IsZero() {
		at = r.Updated
	}
	return RowEvent{Key: r.Key, Row: r.Number, Address: r.Address, State: r.State, Reply: r.Reply, Code: r.Code,
		SkipReason: r.SkipReason, Attempts: r.Attempts, MessageID: r.MessageID, At: at}
}

// logStart reports the rows the run will not send: those skipped, and
// those a crashed run left sending, now unknown.
func logStart(rows []journal.Row, recovered []journal.Row, fn func(RowEvent)) {
	for _, r := range rows {
		if r.State == journal.StateSkipped {
			fn(rowEvent(r))
		}
	}
	for _, r := range recovered {
		fn(rowEvent(r))
	}
}
