//go:build unix

package filelock

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive flock without waiting (ErrLocked when it is
// held). flock (unlike fcntl locks) belongs to the open file, so closing
// another descriptor of the same file elsewhere in the process does not
// drop it, and two opens of the file in one process exclude each other.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return ErrLocked
		}
		return fmt.Errorf("lock %s: %w", f.Name(), err)
	}
}

// unlockAndRemove removes the lock file while still holding the lock, then
// closes it. A process that opened the file before the removal and locks
// it afterwards finds (lockOS's stillAt) that it is no longer the file at
// the path, and tries again.
func unlockAndRemove(f *os.File, path string) {
	_ = os.Remove(path)
	_ = f.Close()
}
