package journal

import (
	"context"
	"database/sql"
	"fmt"
)

// migration is one step of the schema: SQL, or Go code for a step that
// SQL cannot express.
type migration struct {
	sql string
	run func(ctx context.Context, conn *sql.Conn) error
}

// migrations[i] brings the schema from version i to version i+1. Append
// only: a released migration is never edited.
//
// Every index costs a page write in each message's commit, so there are
// only the ones a query needs: rows by state are found through the
// (campaign, key) primary key, and the daily cap counts outcome events
// instead of keeping a table of its own.
var migrations = []migration{{sql: `CREATE TABLE campaigns (
		id           INTEGER PRIMARY KEY,
		key          TEXT NOT NULL UNIQUE,
		name         TEXT NOT NULL,
		account      TEXT NOT NULL DEFAULT '',
		source       TEXT NOT NULL DEFAULT '',
		fingerprint  TEXT NOT NULL DEFAULT '',
		created      INTEGER NOT NULL,
		resumes_at   INTEGER NOT NULL DEFAULT 0,
		pause_reason TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE rows (
		campaign        INTEGER NOT NULL REFERENCES campaigns(id),
		key             TEXT NOT NULL,
		row_number      INTEGER NOT NULL,
		address         TEXT NOT NULL,
		name            TEXT NOT NULL DEFAULT '',
		state           TEXT NOT NULL CHECK (state IN
		                ('pending','sending','sent','failed','skipped','unknown')),
		attempts        INTEGER NOT NULL DEFAULT 0,
		attempts_before INTEGER NOT NULL DEFAULT 0,
		message_id      TEXT NOT NULL DEFAULT '',
		reply           TEXT NOT NULL DEFAULT '',
		reply_code      INTEGER NOT NULL DEFAULT 0,
		content_hash    TEXT NOT NULL DEFAULT '',
		skip_reason     TEXT NOT NULL DEFAULT '',
		in_source       INTEGER NOT NULL DEFAULT 1,
		created         INTEGER NOT NULL,
		updated         INTEGER NOT NULL,
		sent_at         INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (campaign, key)
	) WITHOUT ROWID;
	CREATE TABLE events (
		id         INTEGER PRIMARY KEY,
		campaign   INTEGER NOT NULL REFERENCES campaigns(id),
		key        TEXT NOT NULL,
		at         INTEGER NOT NULL,
		kind       TEXT NOT NULL,
		from_state TEXT NOT NULL,
		to_state   TEXT NOT NULL,
		detail     TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX events_by_row ON events (campaign, key);
	-- Serves the daily cap (outcomes per account since a time) and the
	-- history's start and end.
	CREATE INDEX events_by_state ON events (campaign, to_state, at);`},
	// What the mailbox said about a row after it was sent (app/inbox):
	// observations added to the row, never a change of its delivery state
	// except an unknown row proven sent. observations makes reading the
	// same notice twice a no-op; inbox_cursors is where reading stopped.
	{sql: `ALTER TABLE rows ADD COLUMN bounce TEXT NOT NULL DEFAULT '' CHECK (bounce IN ('', 'hard', 'soft'));
	ALTER TABLE rows ADD COLUMN bounce_status TEXT NOT NULL DEFAULT '';
	ALTER TABLE rows ADD COLUMN bounce_text TEXT NOT NULL DEFAULT '';
	ALTER TABLE rows ADD COLUMN bounced_at INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE rows ADD COLUMN replied_at INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE rows ADD COLUMN reply_subject TEXT NOT NULL DEFAULT '';
	ALTER TABLE rows ADD COLUMN auto_reply_at INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE rows ADD COLUMN unsubscribed_at INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE rows ADD COLUMN settled TEXT NOT NULL DEFAULT '';
	ALTER TABLE rows ADD COLUMN not_in_sent INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE observations (
		campaign INTEGER NOT NULL REFERENCES campaigns(id),
		key      TEXT NOT NULL,
		kind     TEXT NOT NULL,
		source   TEXT NOT NULL,
		PRIMARY KEY (campaign, key, kind, source)
	) WITHOUT ROWID;
	CREATE TABLE inbox_cursors (
		campaign     INTEGER NOT NULL REFERENCES campaigns(id),
		folder       TEXT NOT NULL,
		uid_validity INTEGER NOT NULL,
		last_uid     INTEGER NOT NULL,
		PRIMARY KEY (campaign, folder)
	) WITHOUT ROWID;
	ALTER TABLE campaigns ADD COLUMN inbox_checked INTEGER NOT NULL DEFAULT 0;`},
	// Schema 3: row keys as recipients.RowKey defines them (IDNA domains,
	// sorted "together" addresses); schemas 1 and 2 lower-cased the text
	// only.
	{run: rekeyRows},
}

// migrate brings the schema up to date in one transaction, and refuses a
// file from a newer version rather than half-understand it.
func migrate(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	err := migrateInTx(ctx, conn)
	if err == nil {
		_, err = conn.ExecContext(ctx, "COMMIT")
	}
	if err != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
	}
	return err
}

func migrateInTx(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, opened INTEGER NOT NULL DEFAULT 0)`); err != nil {
		return err
	}
	var version int
	err := conn.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&version)
	switch {
	case err == sql.ErrNoRows:
		if _, err := conn.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("%w (schema %d, this version knows %d): update Mailroom",
			ErrNewerSchema, version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		m := migrations[v]
		var err error
		if m.run != nil {
			err = m.run(ctx, conn)
		} else {
			_, err = conn.ExecContext(ctx, m.sql)
		}
		if err != nil {
			return fmt.Errorf("journal: migration to schema %d: %w", v+1, err)
		}
	}
	// The write also proves, at open time, that the file takes commits:
	// a read-only folder fails here instead of at the first message.
	_, err = conn.ExecContext(ctx, `UPDATE schema_version SET version = ?, opened = opened + 1`, len(migrations))
	return err
}
