package campaign

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// ErrListChanged means the recipient list is not the file the plan
// checked: it was saved again since. Nothing is sent from it until it is
// checked again.
var ErrListChanged = errors.New("the recipient list changed after it was checked")

// fileStamp tells whether a file was changed: its size and modification
// time, as the file system reports them.
type fileStamp struct {
	size int64
	mod  time.Time
}

// stampOf stamps path; a file that cannot be read gets the zero stamp,
// which no readable file matches.
func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{fi.Size(), fi.ModTime()}
}

// checkUnchanged fails with ErrListChanged when the list is not the file
// the plan read.
func (p *Plan) checkUnchanged() error {
	path := p.Campaign.Recipients
	if path == "" {
		return nil // recipients typed in the campaign itself
	}
	if now := stampOf(path); now == (fileStamp{}) || now != p.source.stamp {
		return msg.Errorf(ErrListChanged, "the recipient list {{.File}} was saved again after it was checked: check the campaign again before sending",
			"File", filepath.Base(path))
	}
	return nil
}

// rowStream reads the recipient list again, in order, to render the
// messages of the planned rows: the plan keeps no cells (see PlannedRow).
// Every row is checked again with the plan's options, so duplicates and
// the do-not-send list come out as they did; a row that differs from the
// plan (another row number, other messages) means the file changed, and
// the stream stops with ErrListChanged rather than send anything from it.
type rowStream struct {
	p       *Plan
	r       *recipients.Reader
	checker *recipients.Checker
	// next is the index of the next planned row to read; cur the last
	// one read (index next-1).
	next int
	cur  recipients.CheckedRow
}

// stream opens the list for a second read.
func (p *Plan) stream() (*rowStream, error) {
	if err := p.checkUnchanged(); err != nil {
		return nil, err
	}
	r, err := p.Campaign.openRecipients(p.source.open...)
	if err != nil {
		return nil, err
	}
	email, ok := r.EmailColumn()
	if !ok || email != p.email || r.HeaderRow() != p.headerRow || len(r.Columns()) != len(p.Columns) {
		r.Close()
		return nil, p.changed()
	}
	checker, err := recipients.NewChecker(p.Campaign.Recipients, p.Sheet, email, p.source.check...)
	if err != nil {
		r.Close()
		return nil, err
	}
	return &rowStream{p: p, r: r, checker: checker}, nil
}

func (p *Plan) changed() error {
	return msg.Errorf(ErrListChanged, "the recipient list {{.File}} no longer holds the rows that were checked: check the campaign again before sending",
		"File", filepath.Base(p.Campaign.Recipients))
}

// row returns planned row i read again; i may not go back past the row
// returned last.
func (s *rowStream) row(i int) (recipients.CheckedRow, error) {
	if i < s.next-1 || i >= len(s.p.Rows) {
		return recipients.CheckedRow{}, fmt.Errorf("campaign: row %d requested out of order", i)
	}
	for s.next <= i {
		if !s.r.Next() {
			if err := s.r.Err(); err != nil {
				return recipients.CheckedRow{}, err
			}
			return recipients.CheckedRow{}, s.p.changed()
		}
		checked := s.checker.Check(s.r.Row())
		if checked.Skip == recipients.SkipFiltered {
			continue
		}
		if !samePlan(&s.p.Rows[s.next], checked) {
			return recipients.CheckedRow{}, s.p.changed()
		}
		s.cur = checked
		s.next++
	}
	return s.cur, nil
}

func (s *rowStream) close() error {
	if s == nil {
		return nil
	}
	return s.r.Close()
}

// samePlan reports whether a row read again is the row the plan holds.
func samePlan(pr *PlannedRow, checked recipients.CheckedRow) bool {
	if pr.Number != checked.Row.Number || pr.Skip != checked.Skip || len(pr.Messages) != len(checked.Recipients) {
		return false
	}
	for i, rc := range checked.Recipients {
		if pr.Messages[i].Key != rc.Key {
			return false
		}
	}
	return true
}

// fullRow returns planned row i whole: from the rows kept at the head of
// the list or around the last row asked for, else read again from the
// file, keeping the rows around it so stepping through previews there
// does not read the file again for each.
func (p *Plan) fullRow(i int) (recipients.CheckedRow, error) {
	if i < len(p.source.head) {
		return p.source.head[i], nil
	}
	p.source.mu.Lock()
	defer p.source.mu.Unlock()
	near := &p.source.near
	if i >= near.first && i < near.first+len(near.rows) {
		return near.rows[i-near.first], nil
	}
	s, err := p.stream()
	if err != nil {
		return recipients.CheckedRow{}, err
	}
	defer s.close()
	first := max(i-nearRows/2, 0)
	last := min(i+nearRows/2, len(p.Rows)-1)
	rows := make([]recipients.CheckedRow, 0, last-first+1)
	for j := first; j <= last; j++ {
		r, err := s.row(j)
		if err != nil {
			return recipients.CheckedRow{}, err
		}
		rows = append(rows, r)
	}
	near.first, near.rows = first, rows
	return rows[i-first], nil
}

// nearRows is how many rows around a row read again for a preview are
// kept with it.
const nearRows = 100

// nearRowsCache holds the rows read again around the last preview.
type nearRowsCache struct {
	first int
	rows  []recipients.CheckedRow
}
