package journal

import (
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Row is one row of a campaign as stored.
type Row struct {
	Campaign   int64
	Key        string
	Number     int // spreadsheet row number
	Address    string
	Name       string
	State      State
	Attempts   int
	MessageID  string
	Reply      string // the server's last reply, or the network error
	Code       int    // SMTP reply code, 0 when none
	Hash       string // digest of the rendered message
	SkipReason string
	// InSource is false for rows that were not in the spreadsheet at the
	// last Sync (for example the old spelling of a fixed address).
	InSource bool
	Created  time.Time
	Updated  time.Time
	SentAt   time.Time
	Mailbox
}

// Mailbox is what the account's mailbox said about a row after it was
// sent (app/inbox): observations, which never change the delivery state
// except to settle an unknown row.
type Mailbox struct {
	// Bounce is BounceHard, BounceSoft or "" (none).
	Bounce       string
	BounceStatus string // "5.1.1", or the SMTP code when there is no enhanced one
	BounceText   string // the remote server's diagnostic
	BouncedAt    time.Time
	RepliedAt    time.Time
	ReplySubject string // the first reply's subject (never its body)
	AutoReplyAt  time.Time
	Unsubscribed time.Time
	// Settled says how an unknown row became sent: SettledSentFolder,
	// SettledBounce, SettledReply; "" for rows the server answered.
	Settled string
	// NotInSent is when a search of the Sent folder, after the grace
	// period, did not find this unknown row's message.
	NotInSent time.Time
}

const rowColumns = `campaign, key, row_number, address, name, state, attempts, message_id, reply, reply_code,
	content_hash, skip_reason, in_source, created, updated, sent_at,
	bounce, bounce_status, bounce_text, bounced_at, replied_at, reply_subject, auto_reply_at, unsubscribed_at, settled, not_in_sent`

// rowScanner receives rowColumns from rows.Scan and converts the stored
// forms (state names, milliseconds) into a Row.
type rowScanner struct {
	r                                                            Row
	state                                                        string
	created, updated, sent, bounced, replied, auto, unsub, notIn int64
}

func (s *rowScanner) targets() []any {
	r := &s.r
	return []any{&r.Campaign, &r.Key, &r.Number, &r.Address, &r.Name, &s.state, &r.Attempts, &r.MessageID,
		&r.Reply, &r.Code, &r.Hash, &r.SkipReason, &r.InSource, &s.created, &s.updated, &s.sent,
		&r.Bounce, &r.BounceStatus, &r.BounceText, &s.bounced, &s.replied, &r.ReplySubject, &s.auto, &s.unsub, &r.Settled, &s.notIn}
}

func (s *rowScanner) row() Row {
	r := s.r
	r.State, r.Created, r.Updated, r.SentAt = State(s.state), fromMillis(s.created), fromMillis(s.updated), fromMillis(s.sent)
	r.BouncedAt, r.RepliedAt, r.AutoReplyAt = fromMillis(s.bounced), fromMillis(s.replied), fromMillis(s.auto)
	r.Unsubscribed, r.NotInSent = fromMillis(s.unsub), fromMillis(s.notIn)
	return r
}

func scanRows(rows *sql.Rows) ([]Row, error) {
	var out []Row
	for rows.Next() {
		var sc rowScanner
		if err := rows.Scan(sc.targets()...); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, sc.row())
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// Rows returns the campaign's rows in spreadsheet order, only those in
// the given states when any are given.
func (j *Journal) Rows(campaign int64, states ...State) ([]Row, error) {
	query := `SELECT ` + rowColumns + ` FROM rows WHERE campaign = ?`
	args := []any{campaign}
	if len(states) > 0 {
		query += ` AND state IN (?` + strings.Repeat(`, ?`, len(states)-1) + `)`
		for _, s := range states {
			args = append(args, string(s))
		}
	}
	rows, err := j.db.Query(query+` ORDER BY in_source DESC, row_number, key`, args...)
	if err != nil {
		return nil, err
	}
	return scanRows(rows)
}

// Attention returns the rows the user must decide about: unknown, failed.
func (j *Journal) Attention(campaign int64) ([]Row, error) {
	return j.Rows(campaign, StateUnknown, StateFailed)
}

func (j *Journal) rowsByKey(campaign int64, keys []string) ([]Row, error) {
	out := make([]Row, 0, len(keys))
	for _, k := range keys {
		rows, err := j.db.Query(`SELECT `+rowColumns+` FROM rows WHERE campaign = ? AND key = ?`, campaign, k)
		if err != nil {
			return nil, err
		}
		r, err := scanRows(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
	}
	return out, nil
}

// Hit is a search result: a row and the campaign it belongs to.
type Hit struct {
	CampaignName string
	Row
}

// Search finds rows in every campaign whose address or name contains
// text, case-insensitively for ASCII ("zhang" finds "Zhang.Wei@…" and a
// row named "张伟" is found by "张"). Newest activity first.
func (j *Journal) Search(text string) ([]Hit, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	pattern := "%" + escapeLike(text) + "%"
	rows, err := j.db.Query(`SELECT c.name, `+prefixed("r.", rowColumns)+`
		FROM rows r JOIN campaigns c ON c.id = r.campaign
		WHERE r.address LIKE ?1 ESCAPE '\' OR r.name LIKE ?1 ESCAPE '\'
		ORDER BY r.updated DESC, r.campaign DESC, r.row_number`, pattern)
	if err != nil {
		return nil, err
	}
	var hits []Hit
	for rows.Next() {
		var h Hit
		var sc rowScanner
		if err := rows.Scan(append([]any{&h.CampaignName}, sc.targets()...)...); err != nil {
			rows.Close()
			return nil, err
		}
		h.Row = sc.row()
		hits = append(hits, h)
	}
	return hits, errors.Join(rows.Err(), rows.Close())
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// Event is one entry of a row's history.
type Event struct {
	At       time.Time
	Kind     string // sending, done, recovered, sync, skip, mark-sent, send-again
	From, To State
	Detail   string // Message-ID, server reply, reason
}

// Events returns a row's history, oldest first.
func (j *Journal) Events(campaign int64, key string) ([]Event, error) {
	rows, err := j.db.Query(`SELECT at, kind, from_state, to_state, detail FROM events
		WHERE campaign = ? AND key = ? ORDER BY id`, campaign, key)
	if err != nil {
		return nil, err
	}
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		var from, to string
		if err := rows.Scan(&at, &e.Kind, &from, &to, &e.Detail); err != nil {
			rows.Close()
			return nil, err
		}
		e.At, e.From, e.To = fromMillis(at), State(from), State(to)
		out = append(out, e)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// States returns the state of every row of the campaign by key, the
// least a caller needs to predict what a run would do (campaign.Plan.Due)
// without reading whole rows.
func (j *Journal) States(campaign int64) (map[string]State, error) {
	rows, err := j.db.Query(`SELECT key, state FROM rows WHERE campaign = ?`, campaign)
	if err != nil {
		return nil, err
	}
	out := map[string]State{}
	for rows.Next() {
		var key, state string
		if err := rows.Scan(&key, &state); err != nil {
			rows.Close()
			return nil, err
		}
		out[key] = State(state)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// RowStates returns the states of the campaign's rows still in the
// spreadsheet, by spreadsheet row number (a row with several messages
// has several), for the window's list of recipients.
func (j *Journal) RowStates(campaign int64) (map[int][]State, error) {
	rows, err := j.db.Query(`SELECT row_number, state FROM rows WHERE campaign = ? AND in_source = 1`, campaign)
	if err != nil {
		return nil, err
	}
	out := map[int][]State{}
	for rows.Next() {
		var n int
		var state string
		if err := rows.Scan(&n, &state); err != nil {
			rows.Close()
			return nil, err
		}
		out[n] = append(out[n], State(state))
	}
	return out, errors.Join(rows.Err(), rows.Close())
}
