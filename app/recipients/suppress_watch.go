package recipients

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// SuppressionWatch is the do-not-send list as it is now, for a send that
// checks each message just before it goes: an address a mailbox check,
// the window's dialog or another Mailroom process put on the list while
// the send runs is skipped from then on. It re-reads the file only when
// it has changed (another file at the path — every change through
// UpdateSuppressionList writes a new one —, or another size or
// modification time), so checking costs a stat per message. It is not
// safe for concurrent use.
type SuppressionWatch struct {
	path  string
	list  *SuppressionList
	stamp fileStamp
}

// fileStamp identifies one version of a file; the zero stamp is no file.
type fileStamp struct {
	info    os.FileInfo
	size    int64
	modTime time.Time
}

func (a fileStamp) same(b fileStamp) bool {
	if a.info == nil || b.info == nil {
		return a.info == nil && b.info == nil
	}
	return os.SameFile(a.info, b.info) && a.size == b.size && a.modTime.Equal(b.modTime)
}

func stampOf(path string) (fileStamp, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileStamp{}, nil
	}
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{info: info, size: info.Size(), modTime: info.ModTime()}, nil
}

// WatchSuppressionList reads the list at path now, as OpenSuppressionList.
func WatchSuppressionList(path string) (*SuppressionWatch, error) {
	w := &SuppressionWatch{path: path}
	if _, err := w.Current(); err != nil {
		return nil, err
	}
	return w, nil
}

// Current returns the list as the file holds it now. An error (the file
// was changed by hand and now has a bad line, or cannot be read) is
// returned rather than the last list read: a send that cannot tell who
// asked not to be mailed must not go on as if nobody had.
func (w *SuppressionWatch) Current() (*SuppressionList, error) {
	stamp, err := stampOf(w.path)
	if err != nil {
		return nil, err
	}
	if w.list != nil && stamp.same(w.stamp) {
		return w.list, nil
	}
	list, err := OpenSuppressionList(w.path)
	if err != nil {
		return nil, err
	}
	// The stamp is taken before reading: a change in between gives
	// another stamp next time, and the file is read again.
	w.list, w.stamp = list, stamp
	return list, nil
}
