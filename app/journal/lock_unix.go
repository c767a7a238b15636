//go:build unix

package journal

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock without waiting. flock (unlike fcntl
// locks) belongs to the open file, so closing another descriptor of the
// same file elsewhere in the process does not drop it.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// unlockAndRemove removes the lock file while still holding the lock, then
// closes it. A process that opened the file before the removal and locks
// it afterwards finds (acquire's stillAt) that it is no longer the file at
// the path, and tries again.
func unlockAndRemove(f *os.File, path string) {
	_ = os.Remove(path)
	_ = f.Close()
}
