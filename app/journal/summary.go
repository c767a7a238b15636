package journal

import (
	"errors"
	"time"
)

// Counts is how many rows of a campaign are in each state.
type Counts struct {
	Pending, Sending, Sent, Failed, Skipped, Unknown int
}

// Total is the number of rows.
func (c Counts) Total() int {
	return c.Pending + c.Sending + c.Sent + c.Failed + c.Skipped + c.Unknown
}

// Add counts n more rows in state s.
func (c *Counts) Add(s State, n int) { c.add(s, n) }

func (c *Counts) add(s State, n int) {
	switch s {
	case StatePending:
		c.Pending += n
	case StateSending:
		c.Sending += n
	case StateSent:
		c.Sent += n
	case StateFailed:
		c.Failed += n
	case StateSkipped:
		c.Skipped += n
	case StateUnknown:
		c.Unknown += n
	}
}

// MailboxCounts is how many rows of a campaign the mailbox said
// something about (app/inbox).
type MailboxCounts struct {
	BouncedHard, BouncedSoft, Replied, AutoReplied, Unsubscribed int
	// ConfirmedInSent counts unknown rows settled by the Sent folder;
	// NotInSent unknown rows whose message the Sent folder does not hold.
	ConfirmedInSent, NotInSent int
}

// Summary is a campaign's line in the history view.
type Summary struct {
	Campaign
	Counts
	MailboxCounts
	// InboxChecked is when the mailbox was last read for this campaign.
	InboxChecked time.Time
	// Started is the first send attempt, Finished the last outcome; both
	// zero before the first message.
	Started, Finished time.Time
}

// PerMinute is the average sending rate between Started and Finished.
func (s Summary) PerMinute() float64 {
	d := s.Finished.Sub(s.Started)
	if s.Sent == 0 || d <= 0 {
		return 0
	}
	return float64(s.Sent) / d.Minutes()
}

// Summary returns one campaign's counts, start, end and rate.
func (j *Journal) Summary(campaign int64) (Summary, error) {
	c, err := j.CampaignByID(campaign)
	if err != nil {
		return Summary{}, err
	}
	s := Summary{Campaign: c}
	rows, err := j.db.Query(`SELECT state, count(*) FROM rows WHERE campaign = ? GROUP BY state`, campaign)
	if err != nil {
		return Summary{}, err
	}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			rows.Close()
			return Summary{}, err
		}
		s.add(State(state), n)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return Summary{}, err
	}
	m := &s.MailboxCounts
	var checked int64
	err = j.db.QueryRow(`SELECT coalesce(sum(bounce = 'hard'), 0), coalesce(sum(bounce = 'soft'), 0),
		coalesce(sum(replied_at > 0), 0), coalesce(sum(auto_reply_at > 0), 0), coalesce(sum(unsubscribed_at > 0), 0),
		coalesce(sum(settled = 'sent-folder'), 0), coalesce(sum(state = 'unknown' AND not_in_sent > 0), 0),
		(SELECT inbox_checked FROM campaigns WHERE id = ?1)
		FROM rows WHERE campaign = ?1`, campaign).
		Scan(&m.BouncedHard, &m.BouncedSoft, &m.Replied, &m.AutoReplied, &m.Unsubscribed, &m.ConfirmedInSent, &m.NotInSent, &checked)
	if err != nil {
		return Summary{}, err
	}
	s.InboxChecked = fromMillis(checked)
	var started, finished int64
	err = j.db.QueryRow(`SELECT
		coalesce((SELECT min(at) FROM events WHERE campaign = ?1 AND to_state = 'sending'), 0),
		coalesce((SELECT max(at) FROM events WHERE campaign = ?1 AND to_state IN ('sent', 'failed', 'unknown') AND kind = 'done'), 0)`, campaign).
		Scan(&started, &finished)
	s.Started, s.Finished = fromMillis(started), fromMillis(finished)
	return s, err
}

// Campaigns returns every campaign's summary, newest first.
func (j *Journal) Campaigns() ([]Summary, error) {
	rows, err := j.db.Query(`SELECT id FROM campaigns ORDER BY created DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(ids))
	for _, id := range ids {
		s, err := j.Summary(id)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
