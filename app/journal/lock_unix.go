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
