//go:build windows

package filelock

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// lockFile takes an exclusive lock on the file's first byte without
// waiting (ErrLocked when it is held); Windows drops it when the handle
// closes or the process dies. Locks of two handles exclude each other
// even inside one process.
func lockFile(f *os.File) error {
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, new(windows.Overlapped))
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION), errors.Is(err, windows.ERROR_IO_PENDING):
		return ErrLocked
	}
	return fmt.Errorf("lock %s: %w", f.Name(), err)
}

// unlockAndRemove closes (which unlocks), then removes the file. Windows
// refuses to remove a file another process has open, which is exactly the
// case where the next locker got it first: the removal then fails and is
// ignored, and that process keeps a valid lock file.
func unlockAndRemove(f *os.File, path string) {
	_ = f.Close()
	_ = os.Remove(path)
}
