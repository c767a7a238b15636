package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// recipientsView imports the recipient list with the campaign's choices
// (sheet, header row, email column, duplicates, filters) and shows every
// row's fate and every problem found.
type recipientsView struct {
	source       RecipientSource
	suppressions Suppressions
	doc          *document
	win          fyne.Window
	bridge       *bridge
	cancel       context.CancelFunc

	file                 *widget.Label
	listKind             *widget.RadioGroup // a file, or typed recipients
	typed                *widget.Entry
	typedBox, fileBox    *fyne.Container
	typedTimer           *time.Timer
	sheet, emailColumn   *widget.Select
	headerRow, rows      *widget.Entry
	where                *widget.Entry
	multi, duplicates    *widget.RadioGroup
	reload               *widget.Button
	progress             *widget.ProgressBarInfinite
	summary              *widget.Label
	table                *widget.Table
	problems             *widget.List
	tabs                 *container.AppTabs
	rowsTab, problemsTab *container.TabItem
	content              fyne.CanvasObject
	loading              bool           // suppresses OnChanged while widgets are filled
	shown                *RecipientList // in the table: doc.list, or the rows read so far
	delivery             recipientsDelivery
	// imports counts imports started: only the newest may show its list.
	imports int
}

func newRecipientsView(source RecipientSource, supp Suppressions, doc *document, win fyne.Window, b *bridge) *recipientsView {
	v := &recipientsView{source: source, suppressions: supp, doc: doc, win: win, bridge: b}
	v.file = widget.NewLabel(lang.L("No list chosen yet."))
	v.file.Truncation = fyne.TextTruncateEllipsis
	sourceLabels := []string{lang.L("A spreadsheet or CSV file"), lang.L("Type or paste the addresses")}
	v.listKind = widget.NewRadioGroup(sourceLabels, func(s string) { v.chooseSource(s == sourceLabels[1]) })
	v.listKind.Horizontal = true
	v.typed = widget.NewMultiLineEntry()
	v.typed.SetPlaceHolder(lang.L("One per line, or separated by commas: Zhang Wei <zhang@example.com>, li@example.com — or paste cells copied from Excel"))
	v.typed.Wrapping = fyne.TextWrapWord
	v.typed.SetMinRowsVisible(6)
	v.typed.OnChanged = func(string) { v.typedChanged() }
	open := widget.NewButtonWithIcon(lang.L("Open list…"), theme.FolderOpenIcon(), v.chooseFile)
	open.Importance = widget.HighImportance
	v.reload = widget.NewButtonWithIcon(lang.L("Read again"), theme.ViewRefreshIcon(), v.importList)

	v.sheet = newSelect(nil, func(s string) { v.setField(&v.doc.c.Sheet, s, true) })
	// A workbook's sheet is always chosen (the first by default), so the
	// placeholder shows only where there is no sheet to choose: a CSV or
	// typed list, or none yet. "(Select one)" asked for a choice that
	// does not exist.
	v.sheet.PlaceHolder = "—"
	v.emailColumn = newSelect(nil, func(s string) { v.setField(&v.doc.c.EmailColumn, s, true) })
	v.headerRow = widget.NewEntry()
	v.headerRow.SetPlaceHolder(lang.L("detect"))
	v.headerRow.OnSubmitted = func(string) { v.applyOptions() }
	v.rows = widget.NewEntry()
	v.rows.SetPlaceHolder(lang.L("all rows, or e.g. 10-200"))
	v.rows.OnSubmitted = func(string) { v.applyOptions() }
	v.where = widget.NewMultiLineEntry()
	v.where.SetPlaceHolder(lang.L("one condition per line, e.g. Status != sent"))
	v.where.SetMinRowsVisible(2)
	applyFilters := widget.NewButton(lang.L("Apply filters"), v.applyOptions)

	multiLabels := []string{lang.L("One message per address"), lang.L("One message to all addresses in the cell")}
	v.multi = widget.NewRadioGroup(multiLabels, func(s string) {
		v.setField(&v.doc.c.MultiAddress, pick(multiLabels, []string{"split", "together"}, s), true)
	})
	dupLabels := []string{lang.L("Send once"), lang.L("Keep every row")}
	v.duplicates = widget.NewRadioGroup(dupLabels, func(s string) {
		v.setField(&v.doc.c.Duplicates, pick(dupLabels, []string{"once", "keep"}, s), true)
	})

	v.progress = widget.NewProgressBarInfinite()
	v.progress.Stop()
	v.progress.Hide()
	v.summary = widget.NewLabel("")
	v.summary.Wrapping = fyne.TextWrapWord
	v.table = v.newTable()
	v.problems = newWrappedList(
		func() int { return len(v.problemList()) },
		func(i int) (string, string) { return problemMark(v.problemList()[i]) })
	v.problems.OnSelected = func(i widget.ListItemID) {
		v.problems.UnselectAll()
		if ps := v.problemList(); i < len(ps) && ps[i].Row > 0 {
			v.showRow(ps[i].Row)
		}
	}

	v.rowsTab = container.NewTabItem(lang.L("Rows"), v.table)
	v.problemsTab = container.NewTabItem(lang.L("Problems"), v.problems)
	v.tabs = container.NewAppTabs(v.rowsTab, v.problemsTab)

	options := widget.NewForm(
		widget.NewFormItem(lang.L("Sheet"), v.sheet),
		widget.NewFormItem(lang.L("Header row"), v.headerRow),
		widget.NewFormItem(lang.L("Email column"), v.emailColumn),
		widget.NewFormItem(lang.L("Several addresses in a cell"), v.multi),
		widget.NewFormItem(lang.L("Duplicate addresses"), v.duplicates),
		widget.NewFormItem(lang.L("Rows to send"), v.rows),
		widget.NewFormItem(lang.L("Only rows where"), v.where),
	)
	buttons := []fyne.CanvasObject{open, v.reload}
	if supp != nil {
		buttons = append(buttons, widget.NewButtonWithIcon(lang.L("Do-not-send list…"), theme.ContentRemoveIcon(), v.showSuppressions))
	}
	v.fileBox = container.NewBorder(nil, nil, container.NewHBox(buttons[:2]...), nil, v.file)
	v.typedBox = container.NewVBox(v.typed)
	v.typedBox.Hide()
	top := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(buttons[2:]...), v.listKind), v.fileBox)
	left := container.NewVScroll(container.NewVBox(v.typedBox, options, applyFilters))
	right := container.NewBorder(container.NewVBox(v.progress, v.summary), nil, nil, nil, v.tabs)
	split := container.NewHSplit(left, right)
	split.Offset = 0.35
	v.content = container.NewBorder(top, nil, nil, nil, split)

	doc.onReplaced(v.showCampaign)
	doc.onList(v.showList)
	v.showCampaign()
	return v
}

// listExtensions are the recipient list files the window opens.
var listExtensions = []string{".xlsx", ".xlsm", ".xltx", ".csv", ".txt"}

func setSelectEnabled(s *widget.Select, on bool) {
	if on {
		s.Enable()
	} else {
		s.Disable()
	}
}

// pick maps a radio label to its stored value.
func pick(labels, values []string, label string) string {
	for i, l := range labels {
		if l == label {
			return values[i]
		}
	}
	return values[0]
}

func (v *recipientsView) setField(dst *string, value string, reimport bool) {
	if v.loading || *dst == value {
		return
	}
	*dst = value
	v.doc.changed()
	if reimport {
		v.importList()
	}
}

// showCampaign fills the option widgets from the campaign.
func (v *recipientsView) showCampaign() {
	v.loading = true
	defer func() { v.loading = false }()
	c := &v.doc.c
	if v.cancel != nil {
		v.cancel() // an import of the previous campaign's list
	}
	v.progress.Stop()
	v.progress.Hide()
	v.summary.SetText("")
	v.file.SetText(c.Recipients)
	if c.Recipients == "" {
		v.file.SetText(lang.L("No list chosen yet."))
	}
	typed := c.Recipients == "" && len(c.RecipientLines) > 0
	v.typed.SetText(strings.Join(c.RecipientLines, "\n"))
	v.listKind.SetSelected(v.listKind.Options[0])
	if typed {
		v.listKind.SetSelected(v.listKind.Options[1])
	}
	v.showSource(typed)
	v.headerRow.SetText(intText(c.HeaderRow))
	v.rows.SetText(c.Rows)
	v.where.SetText(strings.Join(c.Where, "\n"))
	v.multi.SetSelected(v.multi.Options[0])
	if c.MultiAddress == "together" {
		v.multi.SetSelected(v.multi.Options[1])
	}
	v.duplicates.SetSelected(v.duplicates.Options[0])
	if c.Duplicates == "keep" {
		v.duplicates.SetSelected(v.duplicates.Options[1])
	}
	v.reload.Disable()
	if c.Recipients != "" {
		v.reload.Enable()
	}
	if c.Recipients != "" || typed {
		v.importList()
	}
}

// showSource shows the file controls or the typing area.
func (v *recipientsView) showSource(typed bool) {
	if typed {
		v.fileBox.Hide()
		v.typedBox.Show()
		v.sheet.Disable()
		v.headerRow.Disable()
	} else {
		v.typedBox.Hide()
		v.fileBox.Show()
		v.headerRow.Enable()
	}
}

// chooseSource switches between a list file and typed recipients; the
// campaign keeps one of them, the typed text stays in the box meanwhile.
func (v *recipientsView) chooseSource(typed bool) {
	if v.loading {
		return
	}
	v.showSource(typed)
	c := &v.doc.c
	if typed {
		c.Recipients, c.Sheet, c.HeaderRow = "", "", 0
		c.RecipientLines = typedLines(v.typed.Text)
		v.file.SetText(lang.L("No list chosen yet."))
		v.reload.Disable()
	} else {
		c.RecipientLines = nil
	}
	c.EmailColumn = ""
	v.doc.changed()
	v.doc.setList(nil)
	v.importList()
}

// typedChanged reads the typed recipients again shortly after the typing
// stops.
func (v *recipientsView) typedChanged() {
	if v.loading {
		return
	}
	v.doc.c.RecipientLines = typedLines(v.typed.Text)
	v.doc.changed()
	if v.typedTimer != nil {
		v.typedTimer.Stop()
	}
	v.typedTimer = time.AfterFunc(typingPause, func() { v.bridge.update(v.importList) })
}

// typingPause is how long typing must stop before typed text is read.
const typingPause = 400 * time.Millisecond

// typedLines keeps the lines as typed, without the empty ones at the end.
func typedLines(text string) []string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// openFile makes path the recipient list, as Open list… and a dropped
// file do.
func (v *recipientsView) openFile(path string) {
	c := &v.doc.c
	c.Recipients, c.RecipientLines = path, nil
	c.Sheet, c.EmailColumn, c.HeaderRow = "", "", 0
	v.doc.changed()
	v.showCampaign()
}

// showRow scrolls the table to spreadsheet row n and selects it.
func (v *recipientsView) showRow(n int) {
	v.tabs.Select(v.rowsTab)
	if v.shown == nil {
		return
	}
	for i, r := range v.shown.Rows {
		if r.Row == n {
			id := widget.TableCellID{Row: i, Col: 0}
			v.table.ScrollTo(id)
			v.table.Select(id)
			return
		}
	}
}

func (v *recipientsView) chooseFile() {
	askOpenPath(v.win, listExtensions, v.openFile)
}

// applyOptions copies the typed options into the campaign and reimports.
func (v *recipientsView) applyOptions() {
	n, err := parseCount(strings.TrimSpace(v.headerRow.Text))
	if err != nil {
		showError(fieldError(lang.L("Header row"), lang.L("enter a row number, or leave it empty to detect it")), v.win)
		return
	}
	c := &v.doc.c
	c.HeaderRow = n
	c.Rows = strings.TrimSpace(v.rows.Text)
	c.Where = nil
	for _, line := range strings.Split(v.where.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			c.Where = append(c.Where, line)
		}
	}
	v.doc.changed()
	v.importList()
}

// importList reads the list in the background; a newer import cancels an
// older one so that only the latest choices reach the screen.
func (v *recipientsView) importList() {
	if v.doc.c.Recipients == "" && len(v.doc.c.RecipientLines) == 0 {
		v.progress.Stop()
		v.progress.Hide()
		v.summary.SetText("")
		return
	}
	if v.cancel != nil {
		v.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	v.imports++
	this := v.imports
	newest := func() bool { return this == v.imports }
	c := v.doc.c
	opts := ImportOptions{Path: c.Recipients, Lines: append([]string(nil), c.RecipientLines...), Sheet: c.Sheet, HeaderRow: c.HeaderRow, EmailColumn: c.EmailColumn,
		MultiAddress: c.MultiAddress, Duplicates: c.Duplicates, Rows: c.Rows, Where: append([]string(nil), c.Where...)}
	v.progress.Show()
	v.progress.Start()
	v.summary.SetText(lang.L("Reading the list…"))
	sofar := newLatest(v.bridge, func(l *RecipientList) {
		if newest() {
			v.show(l)
			v.summary.SetText(lang.L("Reading the list… rows so far: {{.Rows}}", map[string]any{"Rows": len(l.Rows)}))
		}
	})
	v.bridge.run(func() func() {
		list, err := v.source.Import(ctx, opts, sofar.post)
		return func() {
			if !newest() {
				// Superseded: even an import that finished just as it was
				// cancelled never replaces the newer one's list.
				return
			}
			cancel()
			v.progress.Stop()
			v.progress.Hide()
			if err != nil {
				v.summary.SetText("✗ " + sayErr(err))
				v.doc.setList(nil)
				return
			}
			v.doc.setList(list)
		}
	})
}

// show puts a list, complete or still being read, in the table.
func (v *recipientsView) show(l *RecipientList) {
	v.shown = l
	if l != nil {
		if v.extraColumns() > 0 {
			v.table.SetColumnWidth(deliveryColumn, 110)
		}
		for i := range l.Columns {
			v.table.SetColumnWidth(i+2+v.extraColumns(), 160)
		}
	}
	v.table.Refresh()
	v.problems.Refresh()
}

// showList shows the imported list (or its absence).
func (v *recipientsView) showList() {
	v.loading = true
	defer func() { v.loading = false }()
	l := v.doc.list
	v.show(l)
	if l == nil {
		v.sheet.SetOptions(nil)
		v.sheet.Disable()
		v.emailColumn.SetOptions(nil)
		v.problemsTab.Text = lang.L("Problems")
		v.tabs.Refresh()
		return
	}
	v.sheet.SetOptions(l.Sheets)
	v.sheet.SetSelected(l.Sheet)
	setSelectEnabled(v.sheet, len(l.Sheets) > 1)
	v.emailColumn.SetOptions(l.Columns)
	v.emailColumn.SetSelected(l.EmailColumn)
	if v.doc.c.HeaderRow == 0 {
		v.headerRow.SetPlaceHolder(lang.L("detect") + " (" + strconv.Itoa(l.HeaderRow) + ")")
	}
	v.problemsTab.Text = lang.L("Problems ({{.Count}})", map[string]any{"Count": len(l.Problems)})
	v.tabs.Refresh()
	v.summary.SetText(lang.L("Rows: {{.Total}} (ready: {{.Ready}}, duplicates: {{.Duplicates}}, on the do-not-send list: {{.Suppressed}}, invalid: {{.Invalid}}, filtered out: {{.Filtered}})", map[string]any{
		"Total": len(l.Rows), "Ready": l.Count(RowReady), "Duplicates": l.Count(RowDuplicate),
		"Suppressed": l.Count(RowSuppressed), "Invalid": l.Count(RowInvalid), "Filtered": l.Count(RowFiltered),
	}))
}

func (v *recipientsView) problemList() []Problem {
	if v.shown == nil {
		return nil
	}
	return v.shown.Problems
}

func problemLine(p Problem) string {
	mark, text := problemMark(p)
	return mark + " " + text
}

// problemMark is a problem's mark (✗ blocks sending, ⚠ warns) and text.
func problemMark(p Problem) (mark, text string) {
	if p.Blocking {
		return "✗", p.Text
	}
	return "⚠", p.Text
}

func rowStateLabel(s RowState) string {
	switch s {
	case RowDuplicate:
		return lang.L("duplicate")
	case RowSuppressed:
		return lang.L("do not send")
	case RowInvalid:
		return lang.L("invalid")
	case RowFiltered:
		return lang.L("filtered out")
	}
	return lang.L("ready")
}

// newTable shows the rows virtually, so a 100,000-row list costs only the
// visible cells: column 0 is the row number, 1 the state, then the data.
func (v *recipientsView) newTable() *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) {
			if v.shown == nil {
				return 0, 0
			}
			return len(v.shown.Rows), len(v.shown.Columns) + 2 + v.extraColumns()
		},
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			r := v.shown.Rows[id.Row]
			text := ""
			data := id.Col - 2 - v.extraColumns()
			switch {
			case id.Col == 0:
				text = strconv.Itoa(r.Row)
			case id.Col == 1:
				text = rowStateLabel(r.State)
			case data < 0:
				text = v.deliveryCell(r.Row)
			case data < len(r.Values):
				text = r.Values[data]
			}
			o.(*widget.Label).SetText(text)
		})
	t.ShowHeaderColumn = false
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		data := id.Col - 2 - v.extraColumns()
		switch {
		case id.Col == 0:
			l.SetText(lang.L("Row"))
		case id.Col == 1:
			l.SetText(lang.L("State"))
		case data < 0:
			l.SetText(lang.L("Delivery"))
		case v.shown != nil && data < len(v.shown.Columns):
			l.SetText(v.shown.Columns[data])
		}
	}
	t.SetColumnWidth(0, 60)
	t.SetColumnWidth(1, 110)
	return t
}
