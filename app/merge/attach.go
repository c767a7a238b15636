package merge

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/textproto"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/wneessen/go-mail"
	"mailroom/app/msg"
)

// attachment is one file a message carries. Its content is read from disk
// only while the message is written, so a shared attachment costs each
// message a closure, not a copy.
type attachment struct {
	// Name is the file name the recipient sees.
	Name string
	// Path is the file on disk (absolute).
	Path string
	// root and rel are set when the file must stay inside a folder: it is
	// then opened through os.OpenInRoot, so a file swapped for a link
	// leading outside between the check and the send is still refused.
	root, rel string
	Size      int64
	// ContentID is set for inline images.
	ContentID string
}

func (a attachment) open() (*os.File, error) {
	if a.root != "" {
		return os.OpenInRoot(a.root, filepath.FromSlash(a.rel))
	}
	return os.Open(a.Path)
}

// mailFile turns the attachment into a go-mail file that streams from
// disk at write time.
func (a attachment) mailFile() *mail.File {
	f := &mail.File{
		Name:   sanitizeFileName(a.Name),
		Header: make(textproto.MIMEHeader),
		Writer: func(w io.Writer) (int64, error) {
			file, err := a.open()
			if err != nil {
				return 0, fmt.Errorf("attachment %s: %w", a.Path, err)
			}
			defer file.Close()
			return io.Copy(w, file)
		},
	}
	if a.ContentID != "" {
		f.Header.Set("Content-ID", "<"+a.ContentID+">")
	}
	return f
}

// sanitizeFileName keeps a file name (which on Linux may hold any byte but
// "/" and NUL) from carrying control characters into MIME headers.
func sanitizeFileName(name string) string {
	return headerText(name)
}

// Attachment-resolution errors. They are wrapped with the entry that
// caused them.
var (
	ErrOutsideFolder = errors.New("the path leads outside the attachment folder")
	ErrNoMatch       = errors.New("no file matches")
	ErrAmbiguous     = errors.New("several files match where one was expected")
	ErrBadPattern    = errors.New("the file name pattern is malformed")
	ErrTooManyFiles  = errors.New("the attachment folder holds too many files")
)

// maxFolderFiles bounds the folder listing so that pointing the attachment
// folder at a whole drive fails clearly instead of hanging.
const maxFolderFiles = 100_000

// folder is the per-recipient attachment folder. It is listed once and the
// listing reused for every row; Check lists it afresh.
type folder struct {
	dir string

	mu      sync.Mutex
	listed  bool
	files   []string          // slash-separated paths relative to dir, sorted
	outside map[string]bool   // links whose target is outside dir
	sizes   map[string]int64  // by relative path
	lower   map[string]string // lower-cased path → path, "" when ambiguous
	err     error
}

func (f *folder) list(fresh bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listed && !fresh {
		return f.err
	}
	f.listed = true
	f.files, f.outside, f.sizes, f.lower = nil, map[string]bool{}, map[string]int64{}, map[string]string{}
	f.err = f.walk()
	return f.err
}

func (f *folder) walk() error {
	root, err := os.OpenRoot(f.dir)
	if err != nil {
		return err
	}
	defer root.Close()
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && isJunkFile(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if len(f.files) >= maxFolderFiles {
			return fmt.Errorf("%w (more than %d)", ErrTooManyFiles, maxFolderFiles)
		}
		// Stat through the root follows links but refuses any that
		// leave the folder.
		info, statErr := root.Stat(p)
		switch {
		case statErr != nil && d.Type()&fs.ModeSymlink != 0 && errors.Is(statErr, fs.ErrNotExist):
			return nil // a dangling link is no file
		case statErr != nil && d.Type()&fs.ModeSymlink != 0:
			f.outside[p] = true
		case statErr != nil:
			return statErr
		case !info.Mode().IsRegular():
			return nil
		default:
			f.sizes[p] = info.Size()
		}
		f.files = append(f.files, p)
		lp := strings.ToLower(p)
		if _, dup := f.lower[lp]; dup {
			f.lower[lp] = ""
		} else {
			f.lower[lp] = p
		}
		return nil
	})
	sort.Strings(f.files)
	return err
}

// isJunkFile skips what operating systems and Office leave in folders.
func isJunkFile(name string) bool {
	switch strings.ToLower(name) {
	case "thumbs.db", "desktop.ini":
		return true
	}
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$")
}

// cleanEntry checks a file name or pattern from a cell and returns it as a
// clean slash-separated relative path.
func cleanEntry(entry string) (string, error) {
	e := strings.ReplaceAll(strings.TrimSpace(entry), `\`, "/")
	if strings.HasPrefix(e, "/") || filepath.IsAbs(entry) || filepath.VolumeName(entry) != "" ||
		len(e) >= 2 && e[1] == ':' {
		return "", fmt.Errorf("%q is an absolute path: %w", entry, ErrOutsideFolder)
	}
	for _, seg := range strings.Split(e, "/") {
		if seg == ".." {
			return "", fmt.Errorf("%q: %w", entry, ErrOutsideFolder)
		}
	}
	return path.Clean(e), nil
}

// match resolves one cell entry (a file name or a pattern with * and ?)
// to files in the folder. An exact name is tried as written, then ignoring
// case, since Windows users do not see case differences.
func (f *folder) match(entry string, several bool) ([]string, error) {
	e, err := cleanEntry(entry)
	if err != nil {
		return nil, err
	}
	if err := f.list(false); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var found []string
	if !strings.ContainsAny(e, "*?[") {
		if _, ok := f.sizes[e]; ok || f.outside[e] {
			found = []string{e}
		} else if p := f.lower[strings.ToLower(e)]; p != "" {
			found = []string{p}
		}
	} else {
		if _, err := path.Match(e, ""); err != nil {
			return nil, fmt.Errorf("%q: %w", entry, ErrBadPattern)
		}
		found = f.glob(e, false)
		if len(found) == 0 {
			found = f.glob(strings.ToLower(e), true)
		}
	}
	for _, p := range found {
		if f.outside[p] {
			return nil, fmt.Errorf("%q is a link: %w", p, ErrOutsideFolder)
		}
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Errorf("%w %q", ErrNoMatch, entry)
	case len(found) > 1 && !several:
		return found, fmt.Errorf("%w: %q matches %s", ErrAmbiguous, entry, listNames(found, 5))
	}
	return found, nil
}

func (f *folder) glob(pattern string, lower bool) []string {
	var out []string
	for _, p := range f.files {
		name := p
		if lower {
			name = strings.ToLower(p)
		}
		if ok, _ := path.Match(pattern, name); ok {
			out = append(out, p)
		}
	}
	return out
}

// similar returns files whose name without extension is entry, to hint
// "did you mean" when a cell holds a name without its extension.
func (f *folder) similar(entry string) []string {
	e := strings.ToLower(strings.TrimSpace(entry))
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, p := range f.files {
		lp := strings.ToLower(p)
		if strings.TrimSuffix(lp, path.Ext(lp)) == e {
			out = append(out, p)
		}
	}
	return out
}

func (f *folder) attachment(rel string) attachment {
	f.mu.Lock()
	size := f.sizes[rel]
	f.mu.Unlock()
	return attachment{Name: path.Base(rel), Path: filepath.Join(f.dir, filepath.FromSlash(rel)),
		root: f.dir, rel: rel, Size: size}
}

// allFiles returns the listed files that may be attached (for the
// unused-files report).
func (f *folder) allFiles() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, p := range f.files {
		if !f.outside[p] {
			out = append(out, p)
		}
	}
	return out
}

// findInFolder looks up a single named file (an inline image) inside dir,
// refusing names and links that leave it.
func findInFolder(dir, name string) (attachment, error) {
	rel, err := cleanEntry(name)
	if err != nil {
		return attachment{}, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return attachment{}, err
	}
	defer root.Close()
	info, err := root.Stat(filepath.FromSlash(rel))
	if err != nil {
		return attachment{}, err
	}
	if !info.Mode().IsRegular() {
		return attachment{}, fmt.Errorf("%s is not a file", name)
	}
	return attachment{Name: path.Base(rel), Path: filepath.Join(dir, filepath.FromSlash(rel)),
		root: dir, rel: rel, Size: info.Size()}, nil
}

// nameList is listNames in the user's language: "Name", "Email" in
// English, “姓名”、“邮箱” in Chinese.
func nameList(names []string, limit int) msg.Text {
	shown := names
	if len(names) > limit {
		shown = names[:limit]
	}
	parts := make([]msg.Text, len(shown))
	for i, n := range shown {
		parts[i] = msg.T(`"{{.Name}}"`, "Name", n)
	}
	list := msg.Text{}
	for i, p := range parts {
		if i == 0 {
			list = p
			continue
		}
		list = msg.T("{{.List}}, {{.Next}}", "List", list, "Next", p)
	}
	if len(names) > limit {
		return msg.T("{{.Names}} and {{.More}} more", "Names", list, "More", len(names)-limit)
	}
	return list
}

func listNames(names []string, limit int) string {
	quoted := make([]string, 0, limit+1)
	for i, n := range names {
		if i == limit {
			quoted = append(quoted, fmt.Sprintf("and %d more", len(names)-limit))
			break
		}
		quoted = append(quoted, fmt.Sprintf("%q", n))
	}
	return strings.Join(quoted, ", ")
}
