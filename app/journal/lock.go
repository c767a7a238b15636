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
	var f *os.File
	for attempt := 0; ; attempt++ {
		var err error
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, &DurabilityError{Path: path, Op: "lock", Err: err}
		}
		if err := lockFile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("%w (campaign %d, by another Mailroom process): %v", ErrCampaignBusy, campaign, err)
		}
		// The holder before us removes the file when it releases it: if
		// the file we locked is no longer the one at path, lock again.
		if stillAt(f, path) {
			break
		}
		f.Close()
		if attempt == 10 {
			return nil, fmt.Errorf("%w (campaign %d: its lock file keeps changing)", ErrCampaignBusy, campaign)
		}
	}
	held[path] = true
	lock := &runLock{key: path, file: f}
	l.mine[lock] = true
	return lock, nil
}

// release unlocks and removes the lock file, so a clean exit leaves
// nothing next to the journal (unlockAndRemove: how, per OS, without
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

// stillAt reports whether f is the file now at path.
func stillAt(f *os.File, path string) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	pi, err := os.Stat(path)
	return err == nil && os.SameFile(fi, pi)
}

func (l *runLocks) releaseLocked(lock *runLock) {
	if lock.file == nil {
		return
	}
	unlockAndRemove(lock.file, lock.key)
	lock.file = nil
	delete(held, lock.key)
	delete(l.mine, lock)
}
