package journal

import (
	"errors"
	"fmt"
	"sync"

	"mailroom/app/filelock"
)

// runLocks keeps one run per campaign. The in-process set covers two
// Journals on the same file in one process; the lock file (app/filelock)
// covers other processes (the window and a scheduled headless run sharing
// the data folder). The operating system drops the lock when a process
// dies, so a crash never leaves a campaign locked.
type runLocks struct {
	base string
	mine map[*runLock]bool // guarded by heldMu
}

type runLock struct {
	key  string
	file *filelock.Lock
}

var (
	heldMu sync.Mutex
	held   = map[string]bool{}
)

func newRunLocks(journalPath string) *runLocks {
	return &runLocks{base: journalPath, mine: map[*runLock]bool{}}
}

func (l *runLocks) acquire(campaign int64) (*runLock, error) {
	path := fmt.Sprintf("%s.run-%d.lock", l.base, campaign)
	heldMu.Lock()
	defer heldMu.Unlock()
	if held[path] {
		return nil, fmt.Errorf("%w (campaign %d, in this program)", ErrCampaignBusy, campaign)
	}
	f, err := filelock.TryAcquire(path)
	switch {
	case errors.Is(err, filelock.ErrUnstable):
		return nil, fmt.Errorf("%w (campaign %d: its lock file keeps changing)", ErrCampaignBusy, campaign)
	case errors.Is(err, filelock.ErrLocked):
		return nil, fmt.Errorf("%w (campaign %d, by another Mailroom process)", ErrCampaignBusy, campaign)
	case err != nil:
		return nil, &DurabilityError{Path: path, Op: "lock", Err: err}
	}
	held[path] = true
	lock := &runLock{key: path, file: f}
	l.mine[lock] = true
	return lock, nil
}

// release unlocks and removes the lock file, so a clean exit leaves
// nothing next to the journal (filelock.Lock.Release: how, per OS, without
// racing the next locker). A crash leaves the file, unlocked: the OS drops
// the lock with the process, and the next run takes and removes it.
func (l *runLocks) release(lock *runLock) {
	heldMu.Lock()
	defer heldMu.Unlock()
	l.releaseLocked(lock)
}

// releaseAll drops the locks of runs the caller forgot to close.
func (l *runLocks) releaseAll() {
	heldMu.Lock()
	defer heldMu.Unlock()
	for lock := range l.mine {
		l.releaseLocked(lock)
	}
}

func (l *runLocks) releaseLocked(lock *runLock) {
	if lock.file == nil {
		return
	}
	lock.file.Release()
	lock.file = nil
	delete(held, lock.key)
	delete(l.mine, lock)
}
