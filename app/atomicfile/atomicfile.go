// Package atomicfile replaces files so that a crash at any moment leaves
// either the old file or the new one, never half of either. It is the
// one way Mailroom writes a file in place: campaign files, the window's
// body autosave, the accounts, the do-not-send list, reports and the
// results workbook.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// step, when set (by tests only), is called after each step of Write, so
// that a test can kill a child process between any two of them.
var step func(name string)

func reached(name string) {
	if step != nil {
		step(name)
	}
}

// Write replaces the file at path with what write produces:
//
//  1. a temporary file in the same folder (a rename across folders or
//     disks would not be atomic),
//  2. write, buffered,
//  3. the existing file's permission bits, or perm for a new file,
//  4. fsync of the data,
//  5. rename over path,
//  6. fsync of the folder, so the rename itself survives a power cut.
//
// A symbolic link at path is followed: the file it points to is replaced.
// On failure path is untouched and the temporary file is removed; errors
// name path, never the temporary file.
func Write(path string, perm fs.FileMode, write func(w io.Writer) error) (err error) {
	target := path
	if real, rerr := filepath.EvalSymlinks(path); rerr == nil {
		target = real
	}
	if info, serr := os.Stat(target); serr == nil {
		perm = info.Mode().Perm()
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return named(path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	reached("created")
	buf := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(buf); err != nil {
		return err // the caller's own error, about its own input
	}
	if err := buf.Flush(); err != nil {
		return named(path, err)
	}
	reached("written")
	if err := tmp.Chmod(perm); err != nil {
		return named(path, err)
	}
	if err := tmp.Sync(); err != nil {
		return named(path, err)
	}
	reached("synced")
	if err := tmp.Close(); err != nil {
		return named(path, err)
	}
	if err := replace(tmp.Name(), target); err != nil {
		return named(path, err)
	}
	reached("renamed")
	if err := syncDir(dir); err != nil {
		// The new file is in place and complete; only its survival of a
		// power cut in the next moments is not guaranteed. Say so.
		return named(path, err)
	}
	reached("dir-synced")
	return nil
}

// WriteFile is Write for data already in memory.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// named reports an error of one of Write's own steps under path: the
// os package names the temporary file, which means nothing to the user.
func named(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return &fs.PathError{Op: pe.Op, Path: path, Err: pe.Err}
	case errors.As(err, &le):
		return &fs.PathError{Op: "replace", Path: path, Err: le.Err}
	}
	return &fs.PathError{Op: "write", Path: path, Err: err}
}
