//go:build linux

package journal

import (
	"os"
	"syscall"
)

// datasync is the cheapest durable flush the platform offers: fdatasync,
// which SQLite also uses for its write-ahead log on Linux.
func datasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
