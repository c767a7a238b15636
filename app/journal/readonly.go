package journal

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// OpenReadOnly opens an existing journal for reading only (the `mailroom
// status` command): it creates nothing, migrates nothing and takes no
// lock, so it can look at a journal while another process sends from it.
// The connection is read-write but query_only: SQLite refuses every
// write, and, unlike mode=ro, the last connection to close still removes
// the write-ahead log files, so nothing is left next to the journal.
// Every change returns ErrReadOnly. A missing file is ErrNoJournal; a file
// from a newer Mailroom is ErrNewerSchema. Older schemas are read as they
// are (their rows and counts mean the same).
func OpenReadOnly(path string) (*Journal, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if info, err := os.Stat(abs); err != nil || info.IsDir() {
		return nil, fmt.Errorf("%w at %s", ErrNoJournal, abs)
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	u := url.URL{Scheme: "file", Path: p}
	db, err := sql.Open("sqlite", u.String()+"?mode=rw&_query_only=1&_busy_timeout=5000")
	if err != nil {
		return nil, &DurabilityError{Path: abs, Op: "open", Err: err}
	}
	var version int
	if err := db.QueryRow(`SELECT version FROM schema_version`).Scan(&version); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal %s: not a Mailroom journal or unreadable: %w", abs, err)
	}
	if version > len(migrations) {
		db.Close()
		return nil, fmt.Errorf("journal %s: %w (schema %d, this version knows %d): update Mailroom",
			abs, ErrNewerSchema, version, len(migrations))
	}
	return &Journal{path: abs, db: db, clock: time.Now, locks: newRunLocks(abs)}, nil
}

// CampaignByKey returns the campaign stored under key; ErrUnknownCampaign
// when the journal has none.
func (j *Journal) CampaignByKey(key string) (Campaign, error) {
	var id int64
	err := j.db.QueryRow(`SELECT id FROM campaigns WHERE key = ?`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Campaign{}, fmt.Errorf("%w: %q", ErrUnknownCampaign, key)
	}
	if err != nil {
		return Campaign{}, err
	}
	return j.CampaignByID(id)
}
