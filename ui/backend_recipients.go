package ui

import (
	"context"

	"fyne.io/fyne/v2/lang"
	"path/filepath"
	"strings"

	"mailroom/app/campaign"
	"mailroom/app/recipients"
)

// firstRows is when the window first sees a list being read, and
// progressEvery how many rows pass between later reports and checks for
// cancellation.
const (
	firstRows     = 100
	progressEvery = 500
)

// recipientSource adapts app/recipients to the recipient view, applying
// the shared do-not-send list exactly as a send will.
type recipientSource struct {
	supp *suppressionStore
}

func (s *recipientSource) Sheets(path string) ([]string, error) {
	r, err := recipients.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return sheetNames(r.Sheets()), nil
}

func sheetNames(sheets []recipients.SheetInfo) []string {
	var out []string
	for _, s := range sheets {
		if !s.Hidden {
			out = append(out, s.Name)
		}
	}
	return out
}

func (s *recipientSource) Import(ctx context.Context, o ImportOptions, progress func(*RecipientList)) (*RecipientList, error) {
	var opts []recipients.Option
	if o.Sheet != "" {
		opts = append(opts, recipients.WithSheet(o.Sheet))
	}
	if o.HeaderRow > 0 {
		opts = append(opts, recipients.WithHeaderRow(o.HeaderRow))
	}
	if o.EmailColumn != "" {
		opts = append(opts, recipients.WithEmailColumn(o.EmailColumn))
	}
	var r *recipients.Reader
	var err error
	if o.Path == "" {
		r, err = recipients.OpenTyped(strings.Join(o.Lines, "\n"), opts...)
	} else {
		r, err = recipients.Open(o.Path, opts...)
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	l := &RecipientList{Path: o.Path, Sheet: r.Sheet(), Sheets: sheetNames(r.Sheets()), HeaderRow: r.HeaderRow()}
	cols := r.Columns()
	l.Columns = cols.Names()
	email, ok := r.EmailColumn()
	if !ok {
		l.Problems = append(l.Problems, uiProblem(recipients.NoEmailColumn(o.Path, r.Sheet(), cols)))
		for r.Next() {
			l.Rows = append(l.Rows, RecipientRow{Row: r.Row().Number, Values: r.Row().Values, State: RowInvalid})
		}
		return l, r.Err()
	}
	l.EmailColumn = email.Name
	checker, err := s.checker(o, r, cols, email)
	if err != nil {
		return nil, err
	}
	for r.Next() {
		c := checker.Check(r.Row())
		l.Rows = append(l.Rows, RecipientRow{Row: c.Row.Number, Values: c.Row.Values, Address: recipientAddresses(c), State: rowState(c)})
		for _, p := range c.Problems {
			l.Problems = append(l.Problems, uiProblem(p))
		}
		if n := len(l.Rows); n == firstRows || n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			progress(l.sofar())
		}
	}
	return l, r.Err()
}

// sofar is a snapshot sharing the rows read so far: appending later
// never writes to the elements it can see.
func (l *RecipientList) sofar() *RecipientList {
	c := *l
	c.Rows = l.Rows[:len(l.Rows):len(l.Rows)]
	c.Problems = l.Problems[:len(l.Problems):len(l.Problems)]
	return &c
}

func (s *recipientSource) checker(o ImportOptions, r *recipients.Reader, cols recipients.Columns, email recipients.Column) (*recipients.Checker, error) {
	var opts []recipients.CheckOption
	if o.Duplicates != "" {
		p, err := recipients.ParseDuplicatePolicy(o.Duplicates)
		if err != nil {
			return nil, err
		}
		opts = append(opts, recipients.WithDuplicates(p))
	}
	if o.MultiAddress != "" {
		m, err := recipients.ParseMultiAddress(o.MultiAddress)
		if err != nil {
			return nil, err
		}
		opts = append(opts, recipients.WithMultiAddress(m))
	}
	if o.Rows != "" || len(o.Where) > 0 {
		f, err := recipients.NewFilter(cols, o.Rows, o.Where)
		if err != nil {
			return nil, err
		}
		opts = append(opts, recipients.WithFilter(f))
	}
	if s.supp != nil {
		list, err := s.supp.snapshot()
		if err != nil {
			return nil, err
		}
		opts = append(opts, recipients.WithSuppression(list))
	}
	return recipients.NewChecker(r.Path(), r.Sheet(), email, opts...)
}

func recipientAddresses(c recipients.CheckedRow) string {
	var out []string
	for _, rc := range c.Recipients {
		for _, a := range rc.Addresses {
			out = append(out, a.Addr)
		}
	}
	return strings.Join(out, ", ")
}

func rowState(c recipients.CheckedRow) RowState {
	switch c.Skip {
	case recipients.SkipFiltered:
		return RowFiltered
	case recipients.SkipInvalid:
		return RowInvalid
	case recipients.SkipSuppressed:
		return RowSuppressed
	case recipients.SkipDuplicate:
		return RowDuplicate
	}
	if c.Problems.HasBlocking() {
		return RowInvalid
	}
	return RowReady
}

// uiProblem renders a problem in the window's language: where it is (the
// row, or the part of the message and its line), what is wrong and what to
// do (recipients.Problem.Words), reworded for the window where the words
// name the headless command's flags.
func uiProblem(p recipients.Problem) Problem {
	text := say(p.Words())
	if p.Row == 0 {
		if s := windowWording(p.Code); s != "" {
			text = s
		}
	}
	return Problem{Code: p.Code, Blocking: p.Severity == recipients.Blocking, Row: p.Row, Column: p.Column, Text: text}
}

// windowWording replaces campaign-wide problems whose hints name the
// headless command's flags with what to do in the window.
func windowWording(code string) string {
	switch code {
	case "no-recipients":
		return lang.L("No recipient list is chosen: open one under Recipients.")
	case "no-subject":
		return lang.L("The message has no subject: write one under Compose.")
	case "no-body":
		return lang.L("The message has no body: write it under Compose.")
	case "no-server":
		return lang.L("No account is chosen: pick one under Compose (set it up under Accounts first).")
	case "no-from":
		return lang.L("The sender address is missing: fill in From under Compose, or the account's From address.")
	case "bad-number":
		return lang.L("Daily limit, connections and retries cannot be negative.")
	case "attach-dir-column":
		return lang.L("The per-recipient folder and the file name column go together: fill in both, or neither.")
	case "no-account":
		return lang.L("The account chosen under Compose is not set up on this computer: choose another, or set it up under Accounts.")
	case "unsubscribe-empty":
		return lang.L("The unsubscribe link is on, but it has neither a mail address nor a web address: allow unsubscribing by mail under Compose, or give an https:// address.")
	case "unsubscribe-off":
		return lang.L("The message uses {{.Field}}, but this campaign adds no unsubscribe link: turn it on under Compose, or remove the field.", map[string]any{"Field": "{{unsubscribe}}"})
	}
	return ""
}

// suppressionStore is the do-not-send list in the data folder, the file
// campaign.Prepare reads, so the window and a send agree on it. It keeps
// no copy: List reads the file, and every change goes through
// recipients.UpdateSuppressionList, which re-reads it under the list's
// lock, so what a mailbox check or another Mailroom process added since
// the dialog showed the list is kept.
type suppressionStore struct {
	path string
}

func newSuppressionStore(dataDir string) *suppressionStore {
	return &suppressionStore{path: filepath.Join(dataDir, campaign.SuppressionFileName)}
}

// snapshot reads the list afresh, for matching only.
func (s *suppressionStore) snapshot() (*recipients.SuppressionList, error) {
	return recipients.OpenSuppressionList(s.path)
}

// List reads the list afresh: it may have been changed by a mailbox
// check, another Mailroom process or by hand.
func (s *suppressionStore) List() ([]string, error) {
	l, err := s.snapshot()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range l.Entries() {
		out = append(out, e.Value)
	}
	return out, nil
}

func (s *suppressionStore) Add(entries ...string) error {
	return recipients.UpdateSuppressionList(context.Background(), s.path, func(l *recipients.SuppressionList) error {
		for _, e := range entries {
			if err := l.Add(e, ""); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *suppressionStore) Remove(entry string) error {
	return recipients.UpdateSuppressionList(context.Background(), s.path, func(l *recipients.SuppressionList) error {
		l.Remove(entry)
		return nil
	})
}

func (s *suppressionStore) ImportFile(path string) (int, error) {
	return recipients.ImportSuppressions(context.Background(), s.path, path, "imported from "+filepath.Base(path))
}
