package identity

import (
	"errors"
	"io/fs"
	"os"
)

// MoveLegacyDir moves what an earlier build kept in legacy to dir, the
// folder named after today's ID, and returns the folder to use:
//
//   - dir when it exists already (legacy, if any, is left alone: a newer
//     build has run here, and merging two histories could resend);
//   - dir after renaming legacy to it, when only legacy exists;
//   - legacy when the rename fails (another program holds a file open on
//     Windows, say), so nothing the user had is lost; the next start tries
//     again; the error says why;
//   - dir when neither exists (a first start).
//
// A rename keeps the journal, its WAL and the accounts file together, in
// one step, on the same volume.
func MoveLegacyDir(legacy, dir string) (string, error) {
	if exists(dir) || !exists(legacy) {
		return dir, nil
	}
	if err := os.Rename(legacy, dir); err != nil {
		if exists(dir) { // another Mailroom moved it a moment ago
			return dir, nil
		}
		return legacy, err
	}
	return dir, nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}
