package recipients

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"

	"golang.org/x/net/idna"

	"mailroom/app/msg"
)

// SuppressionEntry is one do-not-send entry: an address, or a whole domain
// written "@example.com" (which also covers its subdomains).
type SuppressionEntry struct {
	// Value is the normalised entry: "bob@x.com" or "@x.com".
	Value string
	// Note says why, e.g. "unsubscribed 2024-05" (optional).
	Note string
}

// IsDomain reports whether the entry blocks a whole domain.
func (e SuppressionEntry) IsDomain() bool { return strings.HasPrefix(e.Value, "@") }

// SuppressionList is the do-not-send list shared by all campaigns,
// persisted as a UTF-8 text file (one entry per line, "# note" after it)
// that people can also read and edit by hand. It is safe for concurrent use.
//
// A list read with OpenSuppressionList is a snapshot for matching; it
// cannot be written back, because other writers (the window, a headless
// `status --fetch`, an import) may have changed the file since it was
// read. Changes go through UpdateSuppressionList, which re-reads the file
// under a lock and applies only the caller's own Add/Remove/AddNew.
type SuppressionList struct {
	path    string
	mu      sync.RWMutex
	entries map[string]SuppressionEntry
	changed bool // guarded by mu: an Add, Remove or AddNew changed entries
}

// OpenSuppressionList loads the list stored at path (typically in the
// user's data folder). A missing file is an empty list; it is created by
// the first UpdateSuppressionList that changes it.
func OpenSuppressionList(path string) (*SuppressionList, error) {
	s := &SuppressionList{path: path, entries: map[string]SuppressionEntry{}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("do-not-send list %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text, note, _ := strings.Cut(sc.Text(), "#")
		text = strings.TrimSpace(strings.TrimPrefix(text, "\uFEFF"))
		if text == "" {
			continue
		}
		e, err := normaliseEntry(text)
		if err != nil {
			what, _ := msg.TextOf(err)
			return nil, Problem{Code: "bad-suppression", File: path, Row: line, Part: PartSuppression}.Say(what,
				msg.T("correct or delete that line of the do-not-send list"))
		}
		e.Note = strings.TrimSpace(note)
		s.entries[e.Value] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("do-not-send list %s: %w", path, err)
	}
	return s, nil
}

// normaliseEntry accepts "bob@x.com", "Bob <bob@x.com>", "@x.com",
// "*@x.com" and a bare "x.com".
func normaliseEntry(text string) (SuppressionEntry, error) {
	t := strings.TrimSpace(text)
	t = strings.TrimPrefix(t, "*")
	if !strings.Contains(t, "@") || strings.HasPrefix(t, "@") {
		domain := strings.ToLower(strings.TrimPrefix(t, "@"))
		if reason := checkDomain(domain); !reason.IsZero() {
			return SuppressionEntry{}, msg.Errorf(nil, `"{{.Entry}}" is neither an address nor a domain: {{.Reason}}`, "Entry", text, "Reason", reason)
		}
		ascii, _ := idna.Lookup.ToASCII(domain)
		return SuppressionEntry{Value: "@" + ascii}, nil
	}
	a, err := ParseAddress(t)
	if err != nil {
		return SuppressionEntry{}, msg.Errorf(nil, `"{{.Entry}}" is not a valid address`, "Entry", text)
	}
	return SuppressionEntry{Value: a.Key()}, nil
}

// Add puts an address or domain on the list, or replaces its note (in
// memory: inside UpdateSuppressionList's change, which writes it).
func (s *SuppressionList) Add(entry, note string) error {
	e, err := normaliseEntry(entry)
	if err != nil {
		return err
	}
	e.Note = cleanNote(note)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.entries[e.Value]; !ok || old != e {
		s.entries[e.Value] = e
		s.changed = true
	}
	return nil
}

// AddNew puts on the list the entries it does not hold yet, each with
// note, and returns how many were new; entries already there keep their
// own note.
func (s *SuppressionList) AddNew(entries []SuppressionEntry, note string) int {
	note = cleanNote(note)
	s.mu.Lock()
	defer s.mu.Unlock()
	added := 0
	for _, e := range entries {
		if _, ok := s.entries[e.Value]; ok || e.Value == "" {
			continue
		}
		s.entries[e.Value] = SuppressionEntry{Value: e.Value, Note: note}
		added++
	}
	if added > 0 {
		s.changed = true
	}
	return added
}

// cleanNote keeps a note on its entry's line.
func cleanNote(note string) string {
	return strings.TrimSpace(strings.NewReplacer("\r", " ", "\n", " ").Replace(note))
}

// Remove takes an entry off the list (in memory, as Add); it reports
// whether it was there.
func (s *SuppressionList) Remove(entry string) bool {
	e, err := normaliseEntry(entry)
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.entries[e.Value]
	if ok {
		delete(s.entries, e.Value)
		s.changed = true
	}
	return ok
}

// Entries returns the list sorted, domains first.
func (s *SuppressionList) Entries() []SuppressionEntry {
	s.mu.RLock()
	out := make([]SuppressionEntry, 0, len(s.entries))
	for _, e := range s.entries {
		out = append(out, e)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].IsDomain() != out[j].IsDomain() {
			return out[i].IsDomain()
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// Match returns the entry that blocks addr: the address itself, or its
// domain or a parent domain.
func (s *SuppressionList) Match(addr string) (SuppressionEntry, bool) {
	if s == nil {
		return SuppressionEntry{}, false
	}
	key := addressKey(addr)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if e, ok := s.entries[key]; ok {
		return e, true
	}
	at := strings.LastIndexByte(key, '@')
	if at < 0 {
		return SuppressionEntry{}, false
	}
	for domain := key[at+1:]; domain != ""; {
		if e, ok := s.entries["@"+domain]; ok {
			return e, true
		}
		_, parent, found := strings.Cut(domain, ".")
		if !found || !strings.Contains(parent, ".") {
			break
		}
		domain = parent
	}
	return SuppressionEntry{}, false
}

// ReadSuppressionFile reads every address or @domain found in a file — an
// unsubscribe export (.csv, .xlsx) or a plain list (.txt, one per line) —
// reading every cell of the first visible sheet, headers included, so it
// needs no particular layout. Domains must be written "@x.com" there;
// other cells are ignored. It only reads: ImportSuppressions puts what it
// finds on the list. The entries come in file order, each once.
func ReadSuppressionFile(path string) ([]SuppressionEntry, error) {
	kind, err := sniff(path, DefaultMaxUnpacked)
	if err != nil {
		return nil, err
	}
	var src source
	var closeBook func() error
	if kind == formatText {
		cs, err := newCSVSource(path)
		if err != nil {
			return nil, err
		}
		src = cs
	} else {
		r := &Reader{path: path, cfg: defaultConfig()}
		if err := r.openWorkbook(); err != nil {
			r.Close()
			return nil, err
		}
		src, closeBook = &replaySource{rows: r.pending, rest: r.src}, r.Close
	}
	defer func() {
		if closeBook != nil {
			closeBook()
		} else {
			src.close()
		}
	}()
	var out []SuppressionEntry
	seen := map[string]bool{}
	for src.next() {
		row := src.row()
		for _, c := range row.cells {
			for _, part := range SplitCell(c) {
				// A bare "acme.com" in an export is more likely a website
				// column than a request to block a whole company.
				if !strings.Contains(part, "@") {
					continue
				}
				e, err := normaliseEntry(part)
				if err != nil || seen[e.Value] {
					continue
				}
				seen[e.Value] = true
				out = append(out, e)
			}
		}
	}
	return out, src.err()
}

// replaySource yields rows already read ahead, then the rest of a source.
type replaySource struct {
	rows []rawRow
	rest source
	cur  *rawRow
}

func (r *replaySource) next() bool {
	if len(r.rows) > 0 {
		r.cur, r.rows = &r.rows[0], r.rows[1:]
		return true
	}
	if r.rest != nil && r.rest.next() {
		r.cur = r.rest.row()
		return true
	}
	return false
}

func (r *replaySource) row() *rawRow { return r.cur }
func (r *replaySource) err() error {
	if r.rest == nil {
		return nil
	}
	return r.rest.err()
}
func (r *replaySource) close() error { return nil }
