package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// logFilter picks which rows of a log are shown; "" shows every row.
type logFilter string

// The send log's filters: every row, or the rows that need a look.
const (
	logAll     logFilter = ""
	logFailed  logFilter = "failed"
	logSkipped logFilter = "skipped"
	logUnknown logFilter = "unknown"
)

var logFilters = []logFilter{logAll, logFailed, logSkipped, logUnknown}

func (f logFilter) label() string {
	switch f {
	case logFailed:
		return lang.L("Failed")
	case logSkipped:
		return lang.L("Skipped")
	case logUnknown:
		return lang.L("Unknown")
	}
	return lang.L("All")
}

func (f logFilter) keeps(state string) bool { return f == logAll || string(f) == state }

// sendLog is the Send page's live log: one line per row the run finished,
// skipped or found unknown, with the reason in plain words, a filter, the
// server's own reply for the selected row, and "Retry these" / "Export
// these" for the rows shown. It is virtualised: 100,000 rows cost only
// the visible cells.
type sendLog struct {
	rows     []LogRow
	shown    []int // indices into rows that the filter keeps
	filter   logFilter
	selected int // index into shown, -1 for none
	// journaled is set when the rows are in a journal (not a dry run's),
	// so that they can be retried and exported.
	journaled bool

	// onRetry and onExport act on the rows shown; nil hides the buttons.
	onRetry, onExport func(rows []LogRow)

	filters *widget.Select
	table   *widget.Table
	counts  *widget.Label
	detail  *widget.Label
	retry   *widget.Button
	export  *widget.Button
	content fyne.CanvasObject
}

// logColumns are the table's columns, in order.
var logColumns = []func() string{
	func() string { return lang.L("Row") },
	func() string { return lang.L("Address") },
	func() string { return lang.L("State") },
	func() string { return lang.L("Reason") },
	func() string { return lang.L("Time") },
}

func newSendLog() *sendLog {
	l := &sendLog{selected: -1, journaled: true}
	labels := make([]string, len(logFilters))
	for i, f := range logFilters {
		labels[i] = f.label()
	}
	l.filters = widget.NewSelect(labels, func(s string) {
		for i, lab := range labels {
			if lab == s {
				l.setFilter(logFilters[i])
				return
			}
		}
		l.setFilter(logAll)
	})
	l.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(l.shown), len(logColumns) },
		func() fyne.CanvasObject {
			lab := widget.NewLabel("")
			lab.Truncation = fyne.TextTruncateEllipsis
			return lab
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < len(l.shown) {
				o.(*widget.Label).SetText(logCell(l.rows[l.shown[id.Row]], id.Col))
			}
		})
	l.table.ShowHeaderColumn = false
	l.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(logColumns) {
			o.(*widget.Label).SetText(logColumns[id.Col]())
		}
	}
	for i, w := range []float32{50, 210, 90, 240, 80} { // 670 pixels: a whole row fits an 800-pixel window
		l.table.SetColumnWidth(i, w)
	}
	l.table.OnSelected = func(id widget.TableCellID) { l.selected = id.Row; l.showDetail() }
	l.counts = widget.NewLabel("")
	l.detail = widget.NewLabel(lang.L("Choose a row to see the server's reply."))
	l.detail.Wrapping = fyne.TextWrapWord
	l.detail.Selectable = true
	l.retry = widget.NewButtonWithIcon(lang.L("Retry these"), theme.MediaReplayIcon(), func() {
		if l.onRetry != nil {
			l.onRetry(l.retryable())
		}
	})
	l.export = widget.NewButtonWithIcon(lang.L("Export these…"), theme.DocumentSaveIcon(), func() {
		if l.onExport != nil {
			l.onExport(l.shownRows())
		}
	})
	// A choice, not a row of radio buttons: at 800 pixels the buttons
	// and the counts did not fit one line, and a second line took the
	// table's room.
	l.counts.Truncation = fyne.TextTruncateEllipsis
	top := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(lang.L("Show")), l.filters), nil, l.counts)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(l.retry, l.export), l.detail)
	l.content = container.NewBorder(top, bottom, nil, nil, l.table)
	l.filters.SetSelected(labels[0])
	return l
}

func logCell(r LogRow, col int) string {
	switch col {
	case 0:
		if r.Row == 0 {
			return ""
		}
		return strconv.Itoa(r.Row)
	case 1:
		return r.Address
	case 2:
		return stateLabel(r.State)
	case 3:
		return r.Reason
	}
	if r.At.IsZero() {
		return ""
	}
	return r.At.Local().Format("15:04:05")
}

// reset empties the log for a new run.
func (l *sendLog) reset() {
	l.rows, l.shown = nil, nil
	l.selected = -1
	l.table.UnselectAll()
	l.table.Refresh()
	l.showDetail()
	l.showActions()
}

// add appends a run's new entries; it never rebuilds what is shown.
func (l *sendLog) add(rows []LogRow) {
	if len(rows) == 0 {
		return
	}
	for _, r := range rows {
		l.rows = append(l.rows, r)
		if l.filter.keeps(r.State) {
			l.shown = append(l.shown, len(l.rows)-1)
		}
	}
	l.table.Refresh()
	l.showActions()
}

func (l *sendLog) setFilter(f logFilter) {
	l.filter = f
	l.shown = l.shown[:0]
	for i, r := range l.rows {
		if f.keeps(r.State) {
			l.shown = append(l.shown, i)
		}
	}
	l.selected = -1
	l.table.UnselectAll()
	l.table.Refresh()
	l.showDetail()
	l.showActions()
}

// selectFilter shows f and ticks its choice.
func (l *sendLog) selectFilter(f logFilter) {
	for i, lf := range logFilters {
		if lf == f {
			l.filters.SetSelected(l.filters.Options[i])
		}
	}
}

func (l *sendLog) shownRows() []LogRow {
	out := make([]LogRow, len(l.shown))
	for i, k := range l.shown {
		out[i] = l.rows[k]
	}
	return out
}

// retryable are the rows shown that a new run may send: failed ones, and
// unknown ones when the user decides they did not arrive.
func (l *sendLog) retryable() []LogRow {
	var out []LogRow
	for _, k := range l.shown {
		if s := l.rows[k].State; s == "failed" || s == "unknown" {
			out = append(out, l.rows[k])
		}
	}
	return out
}

func (l *sendLog) showDetail() {
	if l.selected < 0 || l.selected >= len(l.shown) {
		l.detail.SetText(lang.L("Choose a row to see the server's reply."))
		return
	}
	r := l.rows[l.shown[l.selected]]
	text := lang.L("Row {{.Row}}, {{.Address}}: {{.State}}", map[string]any{"Row": r.Row, "Address": r.Address, "State": stateLabel(r.State)})
	if r.Reason != "" {
		text += " — " + r.Reason
	}
	if r.Reply != "" {
		text += "\n" + lang.L("The server replied: {{.Reply}}", map[string]any{"Reply": r.Reply})
	}
	l.detail.SetText(text)
}

func (l *sendLog) showActions() {
	counts := map[string]int{}
	for _, r := range l.rows {
		counts[r.State]++
	}
	if l.journaled {
		l.counts.SetText(lang.L("{{.Count}} rows: {{.Sent}} sent, {{.Failed}} failed, {{.Unknown}} unknown, {{.Skipped}} skipped", map[string]any{
			"Count": len(l.rows), "Sent": counts["sent"], "Failed": counts["failed"], "Unknown": counts["unknown"], "Skipped": counts["skipped"]}))
	} else {
		l.counts.SetText(lang.L("{{.Count}} rows: {{.Written}} written to files, {{.Skipped}} skipped", map[string]any{
			"Count": len(l.rows), "Written": counts["written"], "Skipped": counts["skipped"]}))
	}
	setEnabled(l.retry, l.journaled && l.onRetry != nil && len(l.retryable()) > 0)
	setEnabled(l.export, l.journaled && l.onExport != nil && len(l.shown) > 0)
	if l.onRetry == nil {
		l.retry.Hide()
	} else {
		l.retry.Show()
	}
	if l.onExport == nil {
		l.export.Hide()
	} else {
		l.export.Show()
	}
}
