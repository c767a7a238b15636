package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Bounce severities (Row.Bounce).
const (
	BounceHard = "hard" // 5.x.x: the address does not work
	BounceSoft = "soft" // 4.x.x or delayed: it may still arrive
)

// How an unknown row was settled (Row.Settled).
const (
	SettledSentFolder = "sent-folder" // its Message-ID is in the Sent folder
	SettledBounce     = "bounce"      // a bounce names its Message-ID
	SettledReply      = "reply"       // a reply names its Message-ID
)

// ObservationKind is what the mailbox said about a row.
type ObservationKind string

// The kinds of observations; each is also the kind of the event recorded
// in the row's history.
const (
	ObservedBounceHard   ObservationKind = "bounce-hard"
	ObservedBounceSoft   ObservationKind = "bounce-soft"
	ObservedReply        ObservationKind = "replied"
	ObservedAutoReply    ObservationKind = "auto-reply"
	ObservedUnsubscribe  ObservationKind = "unsubscribed"
	ObservedInSentFolder ObservationKind = "in-sent-folder"
	ObservedNotInSent    ObservationKind = "not-in-sent-folder"
)

// Observation is one thing the account's mailbox said about a row.
type Observation struct {
	Key  string
	Kind ObservationKind
	// At is when it was said (the notice's date, or the search's time).
	At time.Time
	// Status is a bounce's code ("5.1.1"); Detail its diagnostic, or a
	// reply's subject.
	Status, Detail string
	// Source identifies the message that said it (its Message-ID; for a
	// Sent-folder search, the row's Message-ID): the same source is
	// recorded once, however often it is read.
	Source string
	// ProvesSent is true when the observation names the row's own
	// Message-ID (a bounce of it, a reply to it, its copy in Sent): the
	// server accepted the message, so an unknown row becomes sent.
	ProvesSent bool
}

// Observe records what the mailbox said, each observation once per
// (row, kind, source), and returns the ones that were new. Delivery states
// only move forward: the one change made is an unknown row that an
// observation proves sent. Each new observation is an event in the row's
// history.
func (j *Journal) Observe(campaign int64, obs []Observation) ([]Observation, error) {
	var added []Observation
	err := j.w.write(true, func(tx *wtx) error {
		added = added[:0]
		for _, o := range obs {
			isNew, err := tx.observe(campaign, o)
			if err != nil {
				return err
			}
			if isNew {
				added = append(added, o)
			}
		}
		return nil
	})
	return added, err
}

func (t *wtx) observe(campaign int64, o Observation) (bool, error) {
	ctx := context.Background()
	state, err := t.state(campaign, o.Key)
	if err != nil {
		return false, err
	}
	if o.Kind == ObservedNotInSent {
		// The search was for the message the row had when the pass read
		// it. If the row has been sent again since (another process, the
		// window), the answer is about an older message: not evidence
		// about the current one, which may well have been delivered.
		var current string
		if err := t.conn.QueryRowContext(ctx, `SELECT message_id FROM rows WHERE campaign = ? AND key = ?`, campaign, o.Key).Scan(&current); err != nil {
			return false, err
		}
		if state != StateUnknown || current != o.Source {
			return false, nil
		}
	}
	res, err := t.conn.ExecContext(ctx, `INSERT OR IGNORE INTO observations (campaign, key, kind, source) VALUES (?, ?, ?, ?)`,
		campaign, o.Key, string(o.Kind), o.Source)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	at := o.At.UnixMilli()
	if o.At.IsZero() {
		at = t.nowMillis()
	}
	var update string
	var args []any
	switch o.Kind {
	case ObservedBounceHard:
		update, args = `bounce = 'hard', bounce_status = ?, bounce_text = ?, bounced_at = ?`, []any{o.Status, o.Detail, at}
	case ObservedBounceSoft:
		// A delay never hides a permanent failure already known.
		update = `bounce = CASE WHEN bounce = 'hard' THEN bounce ELSE 'soft' END,
			bounce_status = CASE WHEN bounce = 'hard' THEN bounce_status ELSE ? END,
			bounce_text = CASE WHEN bounce = 'hard' THEN bounce_text ELSE ? END,
			bounced_at = CASE WHEN bounce = 'hard' THEN bounced_at ELSE ? END`
		args = []any{o.Status, o.Detail, at}
	case ObservedReply:
		// The first reply is kept, whatever order they are read in.
		update = `reply_subject = CASE WHEN replied_at = 0 OR replied_at > ? THEN ? ELSE reply_subject END,
			replied_at = CASE WHEN replied_at = 0 OR replied_at > ? THEN ? ELSE replied_at END`
		args = []any{at, o.Detail, at, at}
	case ObservedAutoReply:
		update, args = `auto_reply_at = CASE WHEN auto_reply_at = 0 THEN ? ELSE auto_reply_at END`, []any{at}
	case ObservedUnsubscribe:
		update, args = `unsubscribed_at = CASE WHEN unsubscribed_at = 0 THEN ? ELSE unsubscribed_at END`, []any{at}
	case ObservedInSentFolder:
		update, args = `not_in_sent = 0`, nil
	case ObservedNotInSent:
		update, args = `not_in_sent = ?`, []any{at}
	default:
		return false, fmt.Errorf("journal: unknown observation %q", o.Kind)
	}
	args = append(args, campaign, o.Key)
	if _, err := t.conn.ExecContext(ctx, `UPDATE rows SET `+update+` WHERE campaign = ? AND key = ?`, args...); err != nil {
		return false, err
	}
	to := state
	if o.ProvesSent && state == StateUnknown {
		if err := checkMove(o.Key, state, StateSent, byMailbox); err != nil {
			return false, err
		}
		to = StateSent
		if _, err := t.conn.ExecContext(ctx, `UPDATE rows SET state = 'sent', settled = ?, updated = ?,
			sent_at = coalesce((SELECT max(at) FROM events WHERE campaign = ?3 AND key = ?4 AND to_state = 'sending'), ?2)
			WHERE campaign = ?3 AND key = ?4`, settledBy(o.Kind), t.nowMillis(), campaign, o.Key); err != nil {
			return false, err
		}
	}
	detail := strings.TrimSpace(o.Status + " " + o.Detail)
	return true, t.event(campaign, o.Key, string(o.Kind), state, to, detail)
}

func settledBy(k ObservationKind) string {
	switch k {
	case ObservedInSentFolder:
		return SettledSentFolder
	case ObservedReply, ObservedAutoReply, ObservedUnsubscribe:
		return SettledReply
	}
	return SettledBounce
}

// FolderCursor is where reading a mailbox folder stopped for a campaign.
type FolderCursor struct {
	Folder      string
	UIDValidity uint32
	LastUID     uint32
}

// InboxCursors returns where the last pass over the mailbox stopped for
// the campaign, and when it ran (zero before the first).
func (j *Journal) InboxCursors(campaign int64) ([]FolderCursor, time.Time, error) {
	var checked int64
	err := j.db.QueryRow(`SELECT inbox_checked FROM campaigns WHERE id = ?`, campaign).Scan(&checked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, fmt.Errorf("%w: %d", ErrUnknownCampaign, campaign)
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	rows, err := j.db.Query(`SELECT folder, uid_validity, last_uid FROM inbox_cursors WHERE campaign = ? ORDER BY folder`, campaign)
	if err != nil {
		return nil, time.Time{}, err
	}
	var out []FolderCursor
	for rows.Next() {
		var c FolderCursor
		if err := rows.Scan(&c.Folder, &c.UIDValidity, &c.LastUID); err != nil {
			rows.Close()
			return nil, time.Time{}, err
		}
		out = append(out, c)
	}
	return out, fromMillis(checked), errors.Join(rows.Err(), rows.Close())
}

// SaveInboxCursors records where a pass stopped, and when it ran.
func (j *Journal) SaveInboxCursors(campaign int64, cursors []FolderCursor, checked time.Time) error {
	return j.w.write(true, func(tx *wtx) error {
		ctx := context.Background()
		res, err := tx.conn.ExecContext(ctx, `UPDATE campaigns SET inbox_checked = ? WHERE id = ?`, checked.UnixMilli(), campaign)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %d", ErrUnknownCampaign, campaign)
		}
		for _, c := range cursors {
			if _, err := tx.conn.ExecContext(ctx, `INSERT INTO inbox_cursors (campaign, folder, uid_validity, last_uid)
				VALUES (?, ?, ?, ?) ON CONFLICT (campaign, folder) DO UPDATE SET
				uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`,
				campaign, c.Folder, c.UIDValidity, c.LastUID); err != nil {
				return err
			}
		}
		return nil
	})
}

// LastAttempts returns, for each of the campaign's unknown rows, when its
// message was last handed to the server: the Sent folder's filing delay
// counts from then.
func (j *Journal) LastAttempts(campaign int64) (map[string]time.Time, error) {
	rows, err := j.db.Query(`SELECT r.key, coalesce(max(e.at), r.updated) FROM rows r
		LEFT JOIN events e ON e.campaign = r.campaign AND e.key = r.key AND e.to_state = 'sending'
		WHERE r.campaign = ? AND r.state = 'unknown' GROUP BY r.key`, campaign)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for rows.Next() {
		var key string
		var at int64
		if err := rows.Scan(&key, &at); err != nil {
			rows.Close()
			return nil, err
		}
		out[key] = fromMillis(at)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}
