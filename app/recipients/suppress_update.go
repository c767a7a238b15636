package recipients

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"mailroom/app/atomicfile"
	"mailroom/app/filelock"
	"mailroom/app/msg"
)

// ErrSuppressionListBusy means another Mailroom window or command kept
// the do-not-send list locked for longer than the caller's context or
// SuppressionLockWait allowed; nothing was changed.
var ErrSuppressionListBusy = errors.New("do-not-send list busy")

// SuppressionLockWait bounds how long UpdateSuppressionList waits for
// another writer. A change holds the lock only while it reads and writes
// a small text file, so a wait this long means a writer is stuck.
const SuppressionLockWait = 30 * time.Second

// SuppressionLockPath is the lock file UpdateSuppressionList holds next to
// the list at path while it changes it; it is removed when released, so
// it only exists during a change or after a crash in one.
func SuppressionLockPath(path string) string { return path + ".lock" }

// UpdateSuppressionList is the only way to change the do-not-send list at
// path. Under an exclusive lock shared by every Mailroom process
// (SuppressionLockPath, app/filelock), it reads the file afresh, calls
// change with it, and, when change returns nil having changed something,
// writes it (app/atomicfile: a crash leaves the old or the new list). So
// change must apply only its caller's own changes (Add, Remove, AddNew),
// and entries another writer added or removed since the caller last read
// the list are kept: no change is ever lost to a concurrent one.
//
// change runs with the lock held: it must not do slow work (read an
// import file first, with ReadSuppressionFile). An error from change is
// returned as is and nothing is written. While another writer holds the
// lock it waits, until ctx ends or for SuppressionLockWait at most, then
// returns ErrSuppressionListBusy.
func UpdateSuppressionList(ctx context.Context, path string, change func(*SuppressionList) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("do-not-send list %s: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(ctx, SuppressionLockWait)
	defer cancel()
	lock, err := filelock.Acquire(ctx, SuppressionLockPath(path))
	if errors.Is(err, filelock.ErrLocked) {
		return msg.Errorf(ErrSuppressionListBusy, "another Mailroom window or command is changing the do-not-send list: try again in a moment")
	}
	if err != nil {
		return fmt.Errorf("do-not-send list %s: %w", path, err)
	}
	defer lock.Release()
	list, err := OpenSuppressionList(path)
	if err != nil {
		return err
	}
	if err := change(list); err != nil {
		return err
	}
	list.mu.RLock()
	changed := list.changed
	list.mu.RUnlock()
	if !changed {
		return nil
	}
	return list.save()
}

// ImportSuppressions puts on the list at path every address or @domain
// that the file at source holds (ReadSuppressionFile, outside the lock),
// with note, and returns how many were new.
func ImportSuppressions(ctx context.Context, path, source, note string) (added int, err error) {
	entries, err := ReadSuppressionFile(source)
	if err != nil {
		return 0, err
	}
	err = UpdateSuppressionList(ctx, path, func(l *SuppressionList) error {
		added = l.AddNew(entries, note)
		return nil
	})
	return added, err
}

// save writes the list atomically (a temporary file renamed over the old
// one), so a crash never leaves a half-written list that would let
// suppressed people be mailed. Only UpdateSuppressionList calls it, with
// the lock held and the list just read.
func (s *SuppressionList) save() error {
	entries := s.Entries()
	var b strings.Builder
	b.WriteString("# Mailroom do-not-send list: one address or @domain per line, \"# note\" after it.\n")
	for _, e := range entries {
		b.WriteString(e.Value)
		if e.Note != "" {
			b.WriteString("  # ")
			b.WriteString(e.Note)
		}
		b.WriteByte('\n')
	}
	if err := atomicfile.WriteFile(s.path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("do-not-send list %s: %w", s.path, err)
	}
	return nil
}
