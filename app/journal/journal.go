// Package journal is Mailroom's durable record of every campaign and every
// row: an SQLite file (modernc.org/sqlite, pure Go) in write-ahead-log mode
// with synchronous=FULL, so each commit is fsynced before the call that
// asked for it returns. It implements sender.Store, keeps the daily-cap
// counter across restarts, and answers the history and report queries.
//
// All writes go through one goroutine that owns the write connection.
// Concurrent MarkSending calls that arrive while a commit is in progress
// are committed together in the next transaction (group commit), and a
// MarkDone is folded into the next commit instead of costing its own.
package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DefaultFileName is the journal's file name inside the user data folder.
const DefaultFileName = "journal.db"

// Journal is an open journal file. It is safe for concurrent use.
type Journal struct {
	path  string
	db    *sql.DB // readers: history, reports
	conn  *sql.Conn
	w     *writer
	clock func() time.Time
	locks *runLocks

	closeOnce sync.Once
	closeErr  error
}

type config struct {
	clock       func() time.Time
	busyTimeout time.Duration
	flushDelay  time.Duration
	maxBatch    int
}

// Option configures Open.
type Option func(*config) error

// WithClock replaces time.Now, for tests and for replaying history.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("journal: WithClock needs a function")
		}
		c.clock = now
		return nil
	}
}

// WithBusyTimeout sets how long a write waits for another process that
// holds the file's write lock (default 5 s).
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("journal: negative busy timeout %v", d)
		}
		c.busyTimeout = d
		return nil
	}
}

// WithFlushDelay sets how long a MarkDone result may wait for the next
// MarkSending to share its commit before being committed alone
// (default 200 ms). It bounds how much a crash can turn into "unknown".
func WithFlushDelay(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("journal: flush delay must be positive, got %v", d)
		}
		c.flushDelay = d
		return nil
	}
}

// WithMaxBatch caps how many requests share one commit (default 256).
func WithMaxBatch(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("journal: max batch must be at least 1, got %d", n)
		}
		c.maxBatch = n
		return nil
	}
}

// OpenDir opens (creating if needed) DefaultFileName inside dir.
func OpenDir(dir string, opts ...Option) (*Journal, error) {
	return Open(filepath.Join(dir, DefaultFileName), opts...)
}

// Open opens or creates the journal file at path and brings its schema up
// to date. It fails with an error matching ErrNotDurable when the file
// cannot be written: the caller must then refuse to send.
func Open(path string, opts ...Option) (*Journal, error) {
	cfg := config{clock: time.Now, busyTimeout: 5 * time.Second, flushDelay: 200 * time.Millisecond, maxBatch: 256}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if err := checkDir(abs); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(abs, cfg.busyTimeout))
	if err != nil {
		return nil, &DurabilityError{Path: abs, Op: "open", Err: err}
	}
	j, err := open(db, abs, cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	return j, nil
}

func open(db *sql.DB, path string, cfg config) (*Journal, error) {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, &DurabilityError{Path: path, Op: "open", Err: err}
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		conn.Close()
		if err == nil {
			err = fmt.Errorf("write-ahead log unavailable (journal mode %q)", mode)
		}
		return nil, &DurabilityError{Path: path, Op: "open", Err: err}
	}
	if err := migrate(ctx, conn); err != nil {
		conn.Close()
		if errors.Is(err, ErrNewerSchema) {
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
		return nil, &DurabilityError{Path: path, Op: "open", Err: err}
	}
	stmts, err := prepare(ctx, conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	tx := &wtx{conn: conn, clock: cfg.clock, stmt: stmts}
	return &Journal{
		path:  path,
		db:    db,
		conn:  conn,
		w:     newWriter(tx, path, cfg.flushDelay, cfg.maxBatch),
		clock: cfg.clock,
		locks: newRunLocks(path),
	}, nil
}

// checkDir gives a plain answer when the folder itself is the problem,
// before SQLite turns it into "unable to open database file".
func checkDir(path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err == nil && !info.IsDir() {
		err = fmt.Errorf("%s is a file, not a folder", dir)
	}
	if err != nil {
		return &DurabilityError{Path: path, Op: "open", Err: err}
	}
	return nil
}

// dsn builds a file: URI so that spaces, '?', '#' and non-ASCII folder
// names survive; the underscore parameters are read by the driver.
func dsn(abs string, busy time.Duration) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: C:/x → /C:/x
	}
	u := url.URL{Scheme: "file", Path: p}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busy.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "1")
	return u.String() + "?" + q.Encode()
}

// Path returns the journal file's absolute path.
func (j *Journal) Path() string { return j.path }

// Flush makes every change so far durable, including MarkDone results
// still waiting for the next MarkSending. Queries read committed data, so
// call Flush first when they must see the very latest outcomes.
func (j *Journal) Flush() error { return j.w.flush() }

// Close commits what is pending, releases run locks and closes the file.
func (j *Journal) Close() error {
	j.closeOnce.Do(func() {
		if j.w == nil { // read-only
			j.closeErr = j.db.Close()
			return
		}
		err := j.w.stop()
		if errors.Is(err, ErrClosed) {
			err = nil
		}
		j.locks.releaseAll()
		j.closeErr = errors.Join(err, j.w.tx.stmt.close(), j.conn.Close(), j.db.Close())
	})
	return j.closeErr
}

// fromMillis turns a stored timestamp back into local time; 0 is "never".
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
