//go:build !windows

package atomicfile

import "os"

func replace(tmp, target string) error { return os.Rename(tmp, target) }

// syncDir makes a rename in dir durable: on Unix the new directory entry
// is only on disk once the directory itself is fsynced.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
