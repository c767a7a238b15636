package journal

import (
	"fmt"
	"os"
	"sync"
)

// runLocks keeps one run per campaign. The in-process set covers two
// Journals on the same file in one process; the lock file covers other
// processes (the window and a scheduled headless run sharing the data
// folder). The operating system drops the lock when a process dies, so a
// crash never leaves a campaign locked.
type runLocks struct {
	base string
	mine map[*runLock]bool // guarded by heldMu
}

type runLock struct {
	key  string
	file *os.File
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
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, &DurabilityError{Path: path, Op: "lock", Err: err}
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w (campaign %d, by another Mailroom process): %v", ErrCampaignBusy, campaign, err)
	}
	held[path] = true
	lock := &runLock{key: path, file: f}
	l.mine[lock] = true
	return lock, nil
}

// release unlocks by closing: the OS drops the lock with the descriptor.
// The file stays: deleting lock files races with the next locker.
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
	lock.file.Close()
	lock.file = nil
	delete(held, lock.key)
	delete(l.mine, lock)
}
