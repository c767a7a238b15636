package campaign

import (
	"context"
	"strings"
	"sync"

	"mailroom/app/merge"
	"mailroom/app/recipients"
)

// headRows is how many planned rows the plan keeps whole, so previews of
// the first rows (what the window shows first) need no second read.
const headRows = 100

// listSource is how the plan read and checked the list, so it can be read
// again, row for row, to render messages (rowStream).
type listSource struct {
	open  []recipients.Option
	check []recipients.CheckOption
	stamp fileStamp
	// head are the first planned rows, whole.
	head []recipients.CheckedRow
	// near are rows read again for a preview further down (fullRow).
	mu   sync.Mutex
	near nearRowsCache
}

// readRecipients streams the recipient file once: every row is checked
// (addresses, duplicates, do-not-send list, filters) and its message
// composed and checked (fields, attachments, size) as it is read, and the
// plan keeps only each row's verdict. Memory therefore stays at what
// reading the file costs, as in the import, rather than growing with a
// copy of every row.
func (p *Plan) readRecipients(ctx context.Context, env Env) error {
	c := p.Campaign
	// The shared strings of a large list are read from a temporary file:
	// check and send use a fraction of the memory for a little more time.
	opts := []recipients.Option{recipients.WithLowMemory()}
	if c.Sheet != "" {
		opts = append(opts, recipients.WithSheet(c.Sheet))
	}
	if c.EmailColumn != "" {
		opts = append(opts, recipients.WithEmailColumn(c.EmailColumn))
	}
	if c.HeaderRow > 0 {
		opts = append(opts, recipients.WithHeaderRow(c.HeaderRow))
	}
	// Stamped before it is read: a change made while it is read shows too.
	stamp := stampOf(c.Recipients)
	r, err := c.openRecipients(opts...)
	if err != nil {
		return p.fileProblem(err)
	}
	defer r.Close()
	p.source = listSource{open: opts, stamp: stamp}
	p.Columns, p.Sheet, p.headerRow = r.Columns(), r.Sheet(), r.HeaderRow()
	if err := p.compose(); err != nil {
		return err
	}
	var run *merge.CheckRun
	if p.composer != nil {
		run = p.composer.StartCheck()
	}
	rowProblems, err := p.checkRows(ctx, env, r, run)
	p.Problems = append(p.Problems, rowProblems...)
	if run != nil {
		p.Problems = append(p.Problems, run.Finish().Problems...)
	}
	return err
}

// checkRows checks every row of r and plans it, returning the rows'
// problems; run, when set, checks each row's message too.
func (p *Plan) checkRows(ctx context.Context, env Env, r *recipients.Reader, run *merge.CheckRun) (recipients.Problems, error) {
	c := p.Campaign
	email, ok := r.EmailColumn()
	if !ok {
		pr := recipients.NoEmailColumn(c.Recipients, p.Sheet, p.Columns)
		pr.Hint += "; on the command line: --email-column NAME"
		return recipients.Problems{pr}, nil
	}
	p.email = email
	checkOpts, err := p.checkOptions(env)
	if err != nil {
		return nil, nil // the problem is recorded
	}
	p.source.check = checkOpts
	checker, err := recipients.NewChecker(c.Recipients, p.Sheet, email, checkOpts...)
	if err != nil {
		return nil, err
	}
	nameCol := p.nameColumn()
	var problems recipients.Problems
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return problems, err
		}
		checked := checker.Check(r.Row())
		if checked.Skip == recipients.SkipFiltered {
			p.list.count(checked, false)
			continue
		}
		problems = append(problems, checked.Problems...)
		blocked, reason := false, ""
		if b := checked.Problems.Blocking(); len(b) > 0 {
			blocked, reason = true, storedText(b[0])
		}
		if checked.Skip == recipients.NotSkipped && run != nil {
			_, own := run.Row(mergeRow(checked.Row))
			if b := own.Blocking(); len(b) > 0 && !blocked {
				blocked, reason = true, storedText(b[0])
			}
		}
		p.list.count(checked, blocked)
		p.Rows = append(p.Rows, planRow(checked, blocked, reason, nameCol, email))
		if len(p.source.head) < headRows {
			p.source.head = append(p.source.head, checked)
		}
	}
	if err := r.Err(); err != nil {
		return problems, p.fileProblem(err)
	}
	p.list.read = true
	return problems, nil
}

// storedText is a problem's text as the journal stores a skip reason.
func storedText(pr recipients.Problem) string {
	if pr.Text == nil {
		return ""
	}
	return pr.Text.Store()
}

// planRow keeps what the plan needs of a checked row.
func planRow(checked recipients.CheckedRow, blocked bool, reason string, nameCol int, email recipients.Column) PlannedRow {
	pr := PlannedRow{Number: checked.Row.Number, Skip: checked.Skip, Blocked: blocked, Reason: reason}
	if nameCol >= 0 {
		pr.Name = checked.Row.Value(nameCol)
	}
	if len(checked.Recipients) == 0 {
		pr.Cell = checked.Row.Value(email.Index)
		return pr
	}
	pr.Messages = make([]PlannedMessage, len(checked.Recipients))
	for i, rc := range checked.Recipients {
		if pr.Name == "" && len(rc.Addresses) > 0 {
			pr.Name = rc.Addresses[0].Name
		}
		pr.Messages[i] = PlannedMessage{Key: rc.Key, Address: strings.Join(addresses(rc.Addresses), ",")}
	}
	return pr
}

// compose binds the templates to the columns; each row's message is
// checked as the row is read.
func (p *Plan) compose() error {
	if len(p.Columns) == 0 {
		return nil
	}
	composer, err := merge.New(p.Columns.Names(), p.composerOptions()...)
	if err != nil {
		return err
	}
	p.composer = composer
	return nil
}

func mergeRow(r recipients.Row) merge.Row {
	return merge.Row{Number: r.Number, Values: r.Values}
}
