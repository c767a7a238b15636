package journal

import (
	"context"
	"database/sql"
	"errors"
)

// statements are the per-message queries, prepared once on the write
// connection: compiling SQL for every message would cost more than the
// rest of the transaction.
type statements struct {
	// The writer's transaction control, parsed once like the rest.
	begin, commit, rollback, savepoint, release, rollbackTo *sql.Stmt

	rowState    *sql.Stmt
	doneSending *sql.Stmt
	sending     *sql.Stmt
	done        *sql.Stmt
	event       *sql.Stmt
	countSent   *sql.Stmt
}

func prepare(ctx context.Context, conn *sql.Conn) (statements, error) {
	var s statements
	var err error
	p := func(query string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = conn.PrepareContext(ctx, query)
		return st
	}
	s.begin = p(`BEGIN IMMEDIATE`)
	s.commit = p(`COMMIT`)
	s.rollback = p(`ROLLBACK`)
	s.savepoint = p(`SAVEPOINT job`)
	s.release = p(`RELEASE job`)
	s.rollbackTo = p(`ROLLBACK TO job`)
	s.rowState = p(`SELECT state FROM rows WHERE campaign = ? AND key = ?`)
	s.sending = p(`UPDATE rows SET
		attempts_before = CASE WHEN state = 'sending' THEN attempts_before ELSE attempts END,
		attempts = attempts + 1,
		state = 'sending', message_id = ?, content_hash = ?, updated = ?, not_in_sent = 0
		WHERE campaign = ? AND key = ?`)
	s.done = p(`UPDATE rows SET
		state = ?1,
		attempts = CASE WHEN ?2 > 0 THEN attempts_before + ?2 ELSE attempts END,
		message_id = CASE WHEN ?3 <> '' THEN ?3 ELSE message_id END,
		reply = ?4, reply_code = ?5, updated = ?6,
		sent_at = CASE WHEN ?1 = 'sent' THEN ?6 ELSE sent_at END
		WHERE campaign = ?7 AND key = ?8`)
	// doneSending is done for a row this run marked sending itself: the
	// state condition turns a broken invariant into "no row changed".
	s.doneSending = p(`UPDATE rows SET
		state = ?1,
		attempts = CASE WHEN ?2 > 0 THEN attempts_before + ?2 ELSE attempts END,
		message_id = CASE WHEN ?3 <> '' THEN ?3 ELSE message_id END,
		reply = ?4, reply_code = ?5, updated = ?6,
		sent_at = CASE WHEN ?1 = 'sent' THEN ?6 ELSE sent_at END
		WHERE campaign = ?7 AND key = ?8 AND state = 'sending'`)
	s.event = p(`INSERT INTO events (campaign, key, at, kind, from_state, to_state, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	s.countSent = p(sentSinceQuery)
	if err != nil {
		_ = s.close()
		return statements{}, err
	}
	return s, nil
}

func (s statements) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.begin, s.commit, s.rollback, s.savepoint, s.release, s.rollbackTo,
		s.rowState, s.doneSending, s.sending, s.done, s.event, s.countSent} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// sentSinceQuery counts the outcomes that a provider counts against its
// daily quota: sent, and unknown (most likely delivered). A user later
// marking an unknown row as sent does not count it twice.
const sentSinceQuery = `SELECT count(*) FROM events
	WHERE campaign IN (SELECT id FROM campaigns WHERE account = ?1)
	AND to_state IN ('sent', 'unknown') AND kind = 'done' AND at >= ?2`

// state reads a row's state inside the writer's transaction.
func (t *wtx) state(campaign int64, key string) (State, error) {
	var s string
	err := t.stmt.rowState.QueryRow(campaign, key).Scan(&s)
	if err == sql.ErrNoRows {
		return "", &RowError{Campaign: campaign, Key: key}
	}
	return State(s), err
}

// event appends to the row's history.
func (t *wtx) event(campaign int64, key, kind string, from, to State, detail string) error {
	_, err := t.stmt.event.Exec(campaign, key, t.nowMillis(), kind, string(from), string(to), detail)
	return err
}

// move changes a row's state after checking the state machine, and logs
// the change. It is for the rare moves; the per-message ones use the
// prepared statements directly.
func (t *wtx) move(campaign int64, key string, to State, by mover, kind, detail string) (State, error) {
	from, err := t.state(campaign, key)
	if err != nil {
		return "", err
	}
	if err := checkMove(key, from, to, by); err != nil {
		return from, err
	}
	if _, err := t.conn.ExecContext(context.Background(),
		`UPDATE rows SET state = ?, updated = ? WHERE campaign = ? AND key = ?`,
		string(to), t.nowMillis(), campaign, key); err != nil {
		return from, err
	}
	return from, t.event(campaign, key, kind, from, to, detail)
}
