package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func sampleList() RecipientList {
	return RecipientList{
		Sheet: "客户", Sheets: []string{"客户", "Sheet2"}, HeaderRow: 1,
		Columns: []string{"姓名", "邮箱", "备用邮箱"}, EmailColumn: "邮箱",
		Rows: []RecipientRow{
			{Row: 2, Address: "zhang@163.com", Values: []string{"张三", "zhang@163.com", ""}, State: RowReady},
			{Row: 3, Address: "li@qq.con", Values: []string{"李四", "li@qq.con", ""}, State: RowInvalid},
			{Row: 4, Address: "zhang@163.com", Values: []string{"张三", "zhang@163.com", ""}, State: RowDuplicate},
		},
		Problems: []Problem{{Blocking: true, Row: 3, Column: "邮箱", Text: `row 3, column "邮箱": "li@qq.con" looks like a typo of qq.com`}},
	}
}

func TestRecipientsViewImportsWithTheCampaignChoices(t *testing.T) {
	test.NewTempApp(t)
	src := &fakeRecipients{list: sampleList()}
	doc := newDocument()
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newRecipientsView(src, nil, doc, w, b)
	w.SetContent(v.content)

	doc.c.Recipients = "/data/客户.xlsx"
	doc.c.Duplicates = "keep"
	v.showCampaign()
	b.wait()

	if doc.list == nil || len(doc.list.Rows) != 3 {
		t.Fatalf("list not imported: %+v", doc.list)
	}
	if o := src.lastOptions(); o.Path != "/data/客户.xlsx" || o.Duplicates != "keep" {
		t.Errorf("import options %+v", o)
	}
	want := "Rows: 3 (ready: 1, duplicates: 1, on the do-not-send list: 0, invalid: 1, filtered out: 0)"
	if v.summary.Text != want {
		t.Errorf("summary %q, want %q", v.summary.Text, want)
	}
	if v.problemsTab.Text != "Problems (1)" {
		t.Errorf("problems tab %q", v.problemsTab.Text)
	}
	if v.sheet.Selected != "客户" || v.emailColumn.Selected != "邮箱" {
		t.Errorf("sheet %q email column %q", v.sheet.Selected, v.emailColumn.Selected)
	}
	rows, cols := v.table.Length()
	if rows != 3 || cols != 5 {
		t.Errorf("table is %d×%d, want 3×5 (row, state, three columns)", rows, cols)
	}
	cell := widget.NewLabel("")
	v.table.UpdateCell(widget.TableCellID{Row: 1, Col: 1}, cell)
	if cell.Text != "invalid" {
		t.Errorf("state of row 3 shows %q", cell.Text)
	}

	// Choosing another email column is a new import with that column.
	v.emailColumn.SetSelected("备用邮箱")
	b.wait()
	if o := src.lastOptions(); o.EmailColumn != "备用邮箱" {
		t.Errorf("reimport used email column %q", o.EmailColumn)
	}
	if doc.c.EmailColumn != "备用邮箱" {
		t.Errorf("campaign keeps email column %q", doc.c.EmailColumn)
	}
}

func TestRecipientsViewAppliesFiltersAndRejectsABadHeaderRow(t *testing.T) {
	test.NewTempApp(t)
	src := &fakeRecipients{list: sampleList()}
	doc := newDocument()
	doc.c.Recipients = "list.csv"
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newRecipientsView(src, nil, doc, w, b)
	w.SetContent(v.content)
	b.wait()

	v.rows.SetText("10-200")
	v.where.SetText("Status != sent\n\n  City = 北京 ")
	v.applyOptions()
	b.wait()
	o := src.lastOptions()
	if o.Rows != "10-200" || strings.Join(o.Where, "|") != "Status != sent|City = 北京" {
		t.Errorf("filters passed as %+v", o)
	}

	imports := len(src.opts)
	v.headerRow.SetText("two")
	v.applyOptions()
	b.wait()
	if len(src.opts) != imports {
		t.Error("an invalid header row started an import")
	}
	if !strings.Contains(dialogText(w), "Header row") {
		t.Errorf("error dialog %q does not name the header row", dialogText(w))
	}
}

func TestRecipientsViewShowsImportErrors(t *testing.T) {
	test.NewTempApp(t)
	src := &fakeRecipients{err: errString("old.xls is a legacy Excel 97–2003 file: save it as .xlsx")}
	doc := newDocument()
	doc.c.Recipients = "old.xls"
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newRecipientsView(src, nil, doc, w, b)
	w.SetContent(v.content)
	b.wait()
	if v.summary.Text != "✗ old.xls is a legacy Excel 97–2003 file: save it as .xlsx" {
		t.Errorf("summary %q", v.summary.Text)
	}
	if doc.list != nil || v.progress.Visible() {
		t.Error("a failed import left a list or a running progress bar")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestRecipientsViewShowsTheFirstRowsBeforeTheListIsRead(t *testing.T) {
	test.NewTempApp(t)
	src := &fakeRecipients{list: sampleList(), reached: make(chan struct{}), hold: make(chan struct{})}
	doc := newDocument()
	doc.c.Recipients = "big.xlsx"
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newRecipientsView(src, nil, doc, w, b)
	w.SetContent(v.content)

	<-src.reached
	b.flush()
	if rows, _ := v.table.Length(); rows != 1 || doc.list != nil {
		t.Errorf("while reading: table shows %d rows, document list %v", rows, doc.list)
	}
	if v.summary.Text != "Reading the list… rows so far: 1" || !v.progress.Visible() {
		t.Errorf("summary %q", v.summary.Text)
	}
	close(src.hold)
	b.wait()
	if rows, _ := v.table.Length(); rows != 3 || doc.list == nil || v.progress.Visible() {
		t.Errorf("after reading: table shows %d rows", rows)
	}
}

// TestANewerImportAlwaysWins: the user changes an option while a large
// list is still being read. The first import is cancelled; whether it
// stops (as the reader does) or had just finished when it was cancelled,
// its list never replaces the newer one's.
func TestANewerImportAlwaysWins(t *testing.T) {
	for _, late := range []bool{false, true} {
		test.NewTempApp(t)
		older, newer := sampleList(), sampleList()
		older.Sheet, newer.Sheet = "old", "new"
		src := &fakeRecipients{lists: []RecipientList{older, newer}, reached: make(chan struct{}), hold: make(chan struct{}), finishesLate: late}
		src.ui = onThisGoroutine(t)
		doc := newDocument()
		doc.c.Recipients = "big.xlsx"
		b := newTestBridge()
		w := test.NewTempWindow(t, nil)
		v := newRecipientsView(src, nil, doc, w, b)
		w.SetContent(v.content)
		<-src.reached // the first import is reading
		v.duplicates.SetSelected(v.duplicates.Options[1])
		b.until(func() bool { return doc.list != nil })
		close(src.hold) // the first one ends now
		b.wait()
		if doc.list == nil || doc.list.Sheet != "new" {
			t.Errorf("finishing late %v: the list shown is %+v, want the newer import's", late, doc.list)
		}
	}
}

// TestRecipientsProblemsNeverOverlap: the Problems tab's long sentences
// wrap, each item as tall as its text (in the real window they ran into
// each other at every size).
func TestRecipientsProblemsNeverOverlap(t *testing.T) {
	test.NewTempApp(t)
	list := sampleList()
	long := `customers.csv, row 6, column "Email": "zhao.lei@qq.con": the domain "qq.con" looks like a typo of qq.com — correct it if so; otherwise this message can be ignored`
	list.Problems = []Problem{{Row: 3, Text: long}, {Row: 4, Text: long + " " + long}, {Row: 2, Text: "short"}}
	src := &fakeRecipients{list: list}
	doc := newDocument()
	doc.c.Recipients = "customers.csv"
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newRecipientsView(src, nil, doc, w, b)
	w.SetContent(v.content)
	v.showCampaign()
	b.wait()
	v.tabs.Select(v.problemsTab)
	for _, size := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(1366, 768)} {
		w.Resize(size)
		checkNoOverlap(t, size, v.problems)
	}
}

// fakeDeliveryStates answers RowStates from a map, off the UI goroutine.
type fakeDeliveryStates struct {
	ui     *uiGoroutine
	states map[int]string
}

func (f *fakeDeliveryStates) RowStates(context.Context, Draft) (map[int]string, error) {
	f.ui.check("DeliveryStates.RowStates")
	return f.states, nil
}

// TestRecipientsTableShowsEachRowsDelivery: once the campaign has run, the
// table gains a Delivery column with each row's journal state, read off
// the UI goroutine; a campaign that never ran has no such column.
func TestRecipientsTableShowsEachRowsDelivery(t *testing.T) {
	test.NewTempApp(t)
	src := &fakeRecipients{list: sampleList()}
	doc := newDocument()
	doc.c.Recipients = "customers.xlsx"
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newRecipientsView(src, nil, doc, w, b)
	w.SetContent(v.content)
	v.showCampaign()
	b.wait()
	cell := func(row, col int) string {
		l := widget.NewLabel("")
		v.table.UpdateCell(widget.TableCellID{Row: row, Col: col}, l)
		return l.Text
	}
	ds := &fakeDeliveryStates{ui: onThisGoroutine(t)}
	v.delivery.source = ds
	v.refreshDelivery(Draft{Path: "c.json"})
	b.wait()
	if _, cols := v.table.Length(); cols != 2+3 || cell(0, 2) != "张三" {
		t.Fatalf("a campaign that never ran: %d columns, third %q", cols, cell(0, 2))
	}
	ds.states = map[int]string{2: "sent", 3: "failed"}
	v.refreshDelivery(Draft{Path: "c.json"})
	b.wait()
	if _, cols := v.table.Length(); cols != 2+1+3 {
		t.Fatalf("after a run: %d columns", cols)
	}
	for i, want := range []string{"sent", "failed", "not sent yet"} {
		if got := cell(i, deliveryColumn); got != want {
			t.Errorf("row %d: delivery %q, want %q", i, got, want)
		}
	}
	if cell(0, 3) != "张三" {
		t.Errorf("the data moved wrongly: %q", cell(0, 3))
	}
}

// TestRecipientsSheetIsADashForACSV: a CSV has no sheets, so the disabled
// Sheet field shows a dash, not "(Select one)" (a choice that does not
// exist); a workbook's field shows its sheet.
func TestRecipientsSheetIsADashForACSV(t *testing.T) {
	test.NewTempApp(t)
	csv := sampleList()
	csv.Sheet, csv.Sheets = "", nil
	src := &fakeRecipients{list: csv}
	doc := newDocument()
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newRecipientsView(src, nil, doc, w, b)
	w.SetContent(v.content)
	doc.c.Recipients = "/data/customers.csv"
	v.showCampaign()
	b.wait()
	if got := selectShows(t, v.sheet); got != "—" || !v.sheet.Disabled() {
		t.Errorf("for a CSV the Sheet field shows %q (disabled %v), want a disabled dash", got, v.sheet.Disabled())
	}
	src.list = sampleList()
	doc.c.Recipients = "/data/客户.xlsx"
	v.showCampaign()
	b.wait()
	if got := selectShows(t, v.sheet); got != "客户" {
		t.Errorf("for a workbook the Sheet field shows %q", got)
	}
}

// selectShows is the text a select shows: its choice or its placeholder.
func selectShows(t *testing.T, s *widget.Select) string {
	t.Helper()
	for _, o := range test.WidgetRenderer(s).Objects() {
		if r, ok := o.(*widget.RichText); ok {
			return r.String()
		}
	}
	t.Fatal("the select shows no text")
	return ""
}
