package campaign

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// ErrNoSuchRow means the requested data row is not part of the send.
var ErrNoSuchRow = errors.New("no such row")

// row finds data row n (1 = first row under the header), whole.
func (p *Plan) row(n int) (recipients.CheckedRow, error) {
	want := p.headerRow + n
	i := sort.Search(len(p.Rows), func(i int) bool { return p.Rows[i].Number >= want })
	if i == len(p.Rows) || p.Rows[i].Number != want {
		return recipients.CheckedRow{}, msg.Errorf(ErrNoSuchRow, "data row {{.Data}} (spreadsheet row {{.Row}}) is empty, past the end of the list, or left out by the row filter", "Data", n, "Row", want)
	}
	return p.fullRow(i)
}

// Preview returns the exact RFC 5322 bytes of data row n's message (its
// first message when the row's cell holds several addresses).
func (p *Plan) Preview(n int) ([]byte, error) {
	if p.composer == nil {
		return nil, ErrNotReady
	}
	r, err := p.row(n)
	if err != nil {
		return nil, err
	}
	if len(r.Recipients) == 0 {
		if b := r.Problems.Blocking(); len(b) > 0 {
			return nil, b[0]
		}
		return nil, msg.Errorf(nil, "data row {{.Data}} has no address to send to", "Data", n)
	}
	return p.composer.EML(renderRow(r.Row, addresses(r.Recipients[0].Addresses)), p.toList(r.Recipients[0].Addresses))
}

// WriteDryRun writes every message that would be sent to dir as a .eml
// file and connects to nothing, reading the list again as a send does.
// It returns how many files it wrote.
func (p *Plan) WriteDryRun(dir string) (int, error) { return p.WriteDryRunLog(dir, nil) }

// WriteDryRunLog is WriteDryRun telling each (when not nil) about every
// row as it goes: a message written (StateWritten, with its file name) or
// a row left out and why (StateSkipped), so a dry run's log reads like a
// real run's.
func (p *Plan) WriteDryRunLog(dir string, each func(RowEvent)) (int, error) {
	if each == nil {
		each = func(RowEvent) {}
	}
	if !p.Ready() {
		return 0, ErrNotReady
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("dry run: %w", err)
	}
	s, err := p.stream()
	if err != nil {
		return 0, err
	}
	defer s.close()
	n := 0
	for i := range p.Rows {
		if pr := &p.Rows[i]; !writesDryRun(pr) {
			if why := skipReason(pr); why != "" {
				each(RowEvent{Row: pr.Number, Address: pr.address(), State: journal.StateSkipped, SkipReason: why, At: time.Now()})
			}
			continue
		}
		r, err := s.row(i)
		if err != nil {
			return n, err
		}
		for k, rc := range r.Recipients {
			to := addresses(rc.Addresses)
			data, err := p.composer.EML(renderRow(r.Row, to), p.toList(rc.Addresses))
			if err != nil {
				return n, err
			}
			name := fmt.Sprintf("row-%05d-%d-%s.eml", r.Row.Number, k+1, fileSafe(strings.Join(to, ",")))
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return n, fmt.Errorf("dry run: %w", err)
			}
			n++
			each(RowEvent{Row: r.Row.Number, Address: strings.Join(to, ","), State: StateWritten, File: name, At: time.Now()})
		}
	}
	return n, nil
}

// DryRunMessages is how many messages WriteDryRun writes: a dry run
// writes every message of the list, whatever the journal says.
func (p *Plan) DryRunMessages() int {
	n := 0
	for i := range p.Rows {
		if writesDryRun(&p.Rows[i]) {
			n += len(p.Rows[i].Messages)
		}
	}
	return n
}

// address is a row's address as the journal keeps it for a row that is
// not sent: its messages' addresses, or the cell as written when it has
// none.
func (r *PlannedRow) address() string {
	if len(r.Messages) == 0 {
		return r.Cell
	}
	to := make([]string, len(r.Messages))
	for i, m := range r.Messages {
		to[i] = m.Address
	}
	return strings.Join(to, ",")
}

// writesDryRun says whether a dry run writes the row's messages.
func writesDryRun(r *PlannedRow) bool { return !r.Blocked && len(r.Messages) > 0 }

func addresses(as []recipients.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Addr
	}
	return out
}

// fileSafe keeps an address readable in a file name on every OS.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < 32 {
			return '_'
		}
		return r
	}, s)
}
