package campaign

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"mailroom/app/journal"
	"mailroom/app/msg"
)

// Decision is a row the user must decide about, whichever run found it:
// its message may have been delivered (unknown) or was refused (failed).
// The headless `send` summary and `mailroom status` list them, and the
// decision flags (--mark-sent, --send-again, --retry-failed) act on them.
type Decision struct {
	// Row is the spreadsheet row number.
	Row     int
	Address string
	State   journal.State
	// Reason says what happened, in words; it holds the server's reply
	// when there was one.
	Reason msg.Text
}

// Status is a campaign's state as its journal records it.
type Status struct {
	// JournalPath is the journal read.
	JournalPath string
	// Name is the campaign's name in the journal's history.
	Name string
	journal.Counts
	// Decisions are the rows needing a decision, in sheet order; rows no
	// longer in the sheet are left out (the user removed them).
	Decisions []Decision
	// ResumesAt is when a provider's quota pause ends; zero when none.
	ResumesAt time.Time
	// Hold says why, in words, while such a pause is in force; nil
	// otherwise.
	Hold *Hold
	// Mailbox is what the account's mailbox said (app/inbox), as of
	// InboxChecked; zero when it was never read for this campaign.
	Mailbox      journal.MailboxCounts
	InboxChecked time.Time
}

// ErrNotRun is returned by ReadStatus when the journal holds no such
// campaign: it was never sent with this journal.
var ErrNotRun = errors.New("this campaign has not been sent with this journal")

// JournalPath is where the campaign's journal lives: its own `journal`,
// else the default file in the data folder.
func (c *Campaign) JournalPath(env Env) string {
	if c.Journal != "" {
		return c.Journal
	}
	return filepath.Join(env.DataDir, journal.DefaultFileName)
}

// ReadStatus reads the campaign's counts and the rows needing a decision
// from its journal without changing anything (journal.OpenReadOnly): it
// reads neither the recipient list nor the account, and works while
// another process sends the campaign. A journal without this campaign is
// ErrNotRun; a missing journal file is journal.ErrNoJournal.
func (c *Campaign) ReadStatus(env Env) (Status, error) {
	j, err := journal.OpenReadOnly(c.JournalPath(env))
	if err != nil {
		return Status{}, err
	}
	defer j.Close()
	st := Status{JournalPath: j.Path()}
	camp, err := j.CampaignByKey(c.Key())
	if errors.Is(err, journal.ErrUnknownCampaign) {
		return st, fmt.Errorf("%w (%s)", ErrNotRun, j.Path())
	}
	if err != nil {
		return st, err
	}
	st.Name, st.ResumesAt = camp.Name, camp.ResumesAt
	if now := time.Now(); now.Before(camp.ResumesAt) {
		h := pausedHold(camp.ResumesAt, camp.PauseReason, now)
		st.Hold = &h
	}
	return st, fillStatus(&st, j, camp.ID)
}

// fillStatus reads the counts and the decisions of one campaign.
func fillStatus(st *Status, j *journal.Journal, id int64) error {
	s, err := j.Summary(id)
	if err != nil {
		return err
	}
	st.Counts, st.Mailbox, st.InboxChecked = s.Counts, s.MailboxCounts, s.InboxChecked
	st.Decisions, err = decisions(j, id)
	return err
}

// decisions lists the campaign's unknown and failed rows still in the
// sheet, in sheet order.
func decisions(j *journal.Journal, id int64) ([]Decision, error) {
	rows, err := j.Attention(id)
	if err != nil {
		return nil, err
	}
	var out []Decision
	for _, r := range rows {
		if !r.InSource {
			continue
		}
		recovered := false
		if r.State == journal.StateUnknown {
			// A row a crashed run left "sending" keeps the reply of an
			// earlier attempt; its last event says it was recovered.
			events, err := j.Events(id, r.Key)
			if err != nil {
				return nil, err
			}
			recovered = len(events) > 0 && events[len(events)-1].Kind == "recovered"
		}
		out = append(out, Decision{Row: r.Number, Address: r.Address, State: r.State, Reason: decisionReason(r, recovered)})
	}
	return out, nil
}

// decisionReason says why a row needs a decision.
func decisionReason(r journal.Row, recovered bool) msg.Text {
	switch {
	case r.State == journal.StateFailed && r.Reply != "":
		return msg.T("failed: {{.Reply}}", "Reply", msg.Raw(r.Reply))
	case r.State == journal.StateFailed:
		return msg.T("failed")
	case !r.NotInSent.IsZero():
		return msg.T("not found in your Sent folder: probably not delivered; send it again?")
	case recovered || r.Reply == "":
		return msg.T("may have been delivered: a run stopped while it was being sent")
	}
	return msg.T("may have been delivered: {{.Reply}}", "Reply", msg.Raw(r.Reply))
}
