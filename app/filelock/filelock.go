// Package filelock is Mailroom's one inter-process lock: an exclusive
// lock on a small lock file next to the thing it protects, shared by the
// window and every headless command that use the same data folder. The
// journal's run lock (one run per campaign) and the do-not-send list's
// read-modify-write both use it.
//
// The operating system drops the lock when the process dies, so a crash
// never leaves anything locked. Release removes the lock file, so a clean
// exit leaves nothing behind either; a file a crash left is taken over by
// the next locker (the lock, not the file's presence, is what counts).
package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// ErrLocked means someone else holds the lock: another process, or
// another holder in this one.
var ErrLocked = errors.New("locked by someone else")

// ErrUnstable means the lock file kept being replaced while we tried to
// lock it (other processes locking and releasing very quickly); it
// matches ErrLocked.
var ErrUnstable = unstable{}

type unstable struct{}

func (unstable) Error() string        { return "its lock file keeps changing" }
func (unstable) Is(target error) bool { return target == ErrLocked }

// waiting, when set (by tests only), is called each time Acquire finds
// the lock held by another process and waits.
var waiting func(path string)

// Lock is a held lock; Release gives it back.
type Lock struct {
	path string
	file *os.File
	slot *slot
	once sync.Once
}

// Path is the lock file's path.
func (l *Lock) Path() string { return l.path }

// TryAcquire takes the exclusive lock on the file at path (created if
// missing) without waiting: ErrLocked when it is held. Other errors are
// the file's (cannot be created, no permission).
func TryAcquire(path string) (*Lock, error) {
	s := slots.get(path)
	select {
	case s.sem <- struct{}{}:
	default:
		slots.put(s)
		return nil, ErrLocked
	}
	f, err := lockOS(path)
	if err != nil {
		<-s.sem
		slots.put(s)
		return nil, err
	}
	return &Lock{path: path, file: f, slot: s}, nil
}

// Acquire takes the exclusive lock on the file at path, waiting while
// another holds it until ctx ends (then an error matching both ErrLocked
// and ctx's error). Holders in this process queue without touching the
// file; other processes are polled with a short back-off, so the wait can
// be cancelled on every operating system.
func Acquire(ctx context.Context, path string) (*Lock, error) {
	if err := ctx.Err(); err != nil {
		return nil, errors.Join(ErrLocked, err)
	}
	s := slots.get(path)
	wait := time.Millisecond
	for {
		select {
		case s.sem <- struct{}{}:
		case <-ctx.Done():
			slots.put(s)
			return nil, errors.Join(ErrLocked, ctx.Err())
		}
		f, err := lockOS(path)
		if err == nil {
			return &Lock{path: path, file: f, slot: s}, nil
		}
		<-s.sem
		if !errors.Is(err, ErrLocked) {
			slots.put(s)
			return nil, err
		}
		if waiting != nil {
			waiting(path)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			slots.put(s)
			return nil, errors.Join(ErrLocked, ctx.Err())
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// lockOS opens (creating) the file at path and takes the operating
// system's lock on it without waiting.
func lockOS(path string) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, err
		}
		if err := lockFile(f); err != nil {
			f.Close()
			return nil, err
		}
		// The holder before us removes the file when it releases it: if
		// the file we locked is no longer the one at path, lock again.
		if stillAt(f, path) {
			return f, nil
		}
		f.Close()
		if attempt == 10 {
			return nil, ErrUnstable
		}
	}
}

// Release unlocks and removes the lock file (unlockAndRemove: how, per
// operating system, without racing the next locker). Calling it again
// does nothing.
func (l *Lock) Release() {
	l.once.Do(func() {
		unlockAndRemove(l.file, l.path)
		<-l.slot.sem
		slots.put(l.slot)
	})
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

// slot queues the holders of one lock file inside this process: a
// channel of one, so waiting for it can be cancelled.
type slot struct {
	key  string
	sem  chan struct{}
	refs int // guarded by slotTable.mu
}

type slotTable struct {
	mu sync.Mutex
	m  map[string]*slot
}

var slots = &slotTable{m: map[string]*slot{}}

// get returns path's slot with one more reference; put drops it, and
// forgets the slot when nobody holds or waits for it.
func (t *slotTable) get(path string) *slot {
	key, err := filepath.Abs(path)
	if err != nil {
		key = filepath.Clean(path)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.m[key]
	if s == nil {
		s = &slot{key: key, sem: make(chan struct{}, 1)}
		t.m[key] = s
	}
	s.refs++
	return s
}

func (t *slotTable) put(s *slot) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.refs--
	if s.refs == 0 {
		delete(t.m, s.key)
	}
}
