package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestHistoryViewFindsAnAddressAndSettlesUnknownRows(t *testing.T) {
	test.NewTempApp(t)
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	h := &fakeHistory{
		records: []CampaignRecord{{ID: "march", Name: "March invoices", Started: at, Sent: 1, Unknown: 1}, {ID: "april", Name: "April invoices", Started: at}},
		rows: []RowRecord{
			{CampaignID: "march", CampaignName: "March invoices", Key: "zhang@163.com#1", Address: "zhang@163.com", State: "sent", Attempts: 1, At: at, Reply: "250 OK"},
			{CampaignID: "march", CampaignName: "March invoices", Key: "wang@qq.com#1", Address: "wang@qq.com", State: "unknown", Attempts: 1},
			{CampaignID: "april", CampaignName: "April invoices", Key: "zhang@163.com#1", Address: "zhang@163.com", State: "pending"},
		},
	}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newHistoryView(h, w, b)
	w.SetContent(v.content)
	b.wait()
	if len(v.rows) != 0 || h.queries != 0 || !strings.Contains(v.summary.Text, "type an address") {
		t.Fatalf("without a campaign or a search: %d rows, %d queries, summary %q", len(v.rows), h.queries, v.summary.Text)
	}

	test.Type(v.search, "ZHANG")
	b.wait()
	if len(v.rows) != 2 {
		t.Errorf("search for zhang finds %d rows", len(v.rows))
	}
	v.campaignList.Select(0)
	b.wait()
	if len(v.rows) != 1 || v.rows[0].State != "sent" || v.export.Disabled() {
		t.Errorf("March rows for zhang: %+v (export disabled %v)", v.rows, v.export.Disabled())
	}
	cell := widget.NewLabel("")
	v.table.UpdateCell(widget.TableCellID{Row: 0, Col: columnOf(t, "State")}, cell)
	if cell.Text != "sent" {
		t.Errorf("state cell %q", cell.Text)
	}

	v.search.SetText("")
	b.wait()
	v.table.Select(widget.TableCellID{Row: 0, Col: 1})
	if !v.markSent.Disabled() {
		t.Error("mark as sent offered for a sent row")
	}
	v.table.Select(widget.TableCellID{Row: 1, Col: 1})
	if v.markSent.Disabled() || v.sendAgain.Disabled() {
		t.Fatal("unknown row cannot be settled")
	}
	test.Tap(v.sendAgain)
	tapDialogButton(t, w, "Yes")
	b.wait()
	if asSent, ok := h.resolved["wang@qq.com#1"]; !ok || asSent {
		t.Errorf("resolved %v", h.resolved)
	}
	if v.rows[1].State != "pending" {
		t.Errorf("row not reloaded: %+v", v.rows[1])
	}
}

// columnOf finds a rows-table column by its title.
func columnOf(t *testing.T, title string) int {
	t.Helper()
	for i, c := range rowColumns {
		if c.title() == title {
			return i
		}
	}
	t.Fatalf("no column %q", title)
	return -1
}

// TestHistoryShowsWhyAndFiltersByState: History filters rows by their
// state, and the row detail says why in plain words with the server's
// reply whole (the table cuts it); a skipped row says why it was skipped.
// Deciding about rows never touches the journal on the UI goroutine, and
// tells the Send page its check is stale.
func TestHistoryShowsWhyAndFiltersByState(t *testing.T) {
	test.NewTempApp(t)
	reply := "550 5.1.1 <wang@qq.com>: Recipient address rejected: User unknown in virtual mailbox table; see https://example.com/help"
	h := &fakeHistory{
		ui:      onThisGoroutine(t),
		records: []CampaignRecord{{ID: "1@/data/march.db", Name: "March", Sent: 1, Failed: 1, Skipped: 1}},
		rows: []RowRecord{
			{CampaignID: "1@/data/march.db", Key: "a", Address: "zhang@163.com", State: "sent", Reply: "250 OK"},
			{CampaignID: "1@/data/march.db", Key: "b", Address: "wang@qq.com", State: "failed", Reply: reply, Reason: "mailbox does not exist", Attempts: 1},
			{CampaignID: "1@/data/march.db", Key: "c", Address: "li@@qq.com", State: "skipped", Reason: "invalid address"},
		},
	}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newHistoryView(h, w, b)
	changed := 0
	v.onChanged = func() { changed++ }
	w.SetContent(v.content)
	b.wait()
	v.campaignList.Select(0)
	b.wait()
	if len(v.rows) != 3 {
		t.Fatalf("rows %d", len(v.rows))
	}
	for label, want := range map[string]int{"Failed": 1, "Skipped": 1, "Sent": 1, "All rows": 3} {
		v.mailbox.filter.SetSelected(label)
		if len(v.rows) != want {
			t.Errorf("filter %q keeps %d rows, want %d", label, len(v.rows), want)
		}
	}
	v.mailbox.filter.SetSelected("Failed")
	v.table.Select(widget.TableCellID{Row: 0, Col: 1})
	if !strings.Contains(v.detail.Text, reply) || !strings.Contains(v.detail.Text, "mailbox does not exist") {
		t.Errorf("detail %q", v.detail.Text)
	}
	cell := widget.NewLabel("")
	v.table.UpdateCell(widget.TableCellID{Row: 0, Col: columnOf(t, "Reason")}, cell)
	if cell.Text != "mailbox does not exist" {
		t.Errorf("reason column %q", cell.Text)
	}
	v.mailbox.filter.SetSelected("Skipped")
	v.table.Select(widget.TableCellID{Row: 0, Col: 1})
	if !strings.Contains(v.detail.Text, "invalid address") {
		t.Errorf("a skipped row's detail %q", v.detail.Text)
	}

	test.Tap(v.retry)
	tapDialogButton(t, w, "Yes")
	b.wait()
	if changed != 1 || !strings.Contains(v.summary.Text, "1 failed rows will be sent with the next run") {
		t.Errorf("after retry: %d changes, summary %q", changed, v.summary.Text)
	}
}

// TestHistoryFollowsARunningCampaign: while a run writes the journal,
// History reads it again, at most every few seconds.
func TestHistoryFollowsARunningCampaign(t *testing.T) {
	test.NewTempApp(t)
	h := &fakeHistory{records: []CampaignRecord{{ID: "7@/j.db", Name: "April"}}}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newHistoryView(h, w, b)
	w.SetContent(v.content)
	b.wait()
	h.mu.Lock()
	h.records[0].Sent = 5
	h.rows = []RowRecord{{CampaignID: "7@/j.db", Key: "a", Address: "a@example.com", State: "sent"}}
	h.mu.Unlock()
	v.refreshDuringRun("7@/j.db")
	b.wait()
	if v.campaignID != "7@/j.db" || len(v.rows) != 1 || v.campaigns[0].Sent != 5 {
		t.Errorf("during the run History shows campaign %q, %d rows, %+v", v.campaignID, len(v.rows), v.campaigns)
	}
	queries := h.queries
	v.refreshDuringRun("7@/j.db") // right after: not again
	b.wait()
	if h.queries != queries {
		t.Error("History read the journal again within the refresh interval")
	}
}

// TestHistoryKeepsTheChosenRowWhileItRefreshes: the rows are read again
// every few seconds during a run; the row the user chose stays chosen and
// its detail follows its new state.
func TestHistoryKeepsTheChosenRowWhileItRefreshes(t *testing.T) {
	test.NewTempApp(t)
	h := &fakeHistory{records: []CampaignRecord{{ID: "7@/j.db", Name: "April"}},
		rows: []RowRecord{{CampaignID: "7@/j.db", Key: "a", Address: "a@example.com", State: "sent"},
			{CampaignID: "7@/j.db", Key: "b", Address: "b@example.com", State: "pending"}}}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newHistoryView(h, w, b)
	w.SetContent(v.content)
	b.wait()
	v.refreshDuringRun("7@/j.db")
	b.wait()
	v.table.Select(widget.TableCellID{Row: 1, Col: 0})
	h.mu.Lock()
	h.rows[1].State, h.rows[1].Reason, h.rows[1].Reply = "failed", "the mailbox does not exist", "550 5.1.1 no such user"
	h.mu.Unlock()
	v.lastRefresh = time.Time{} // the next refresh is due
	v.refreshDuringRun("7@/j.db")
	b.wait()
	if v.selectedRow != 1 || !strings.Contains(v.detail.Text, "550 5.1.1 no such user") {
		t.Errorf("after a refresh: chosen row %d, detail %q", v.selectedRow, v.detail.Text)
	}
}

// TestHistoryExplainsUnknownRowsOnlyWhenThereAreSome: the hint about
// unknown rows shows for a campaign that has one, not for a campaign
// whose rows were all sent (before, it showed for every campaign).
func TestHistoryExplainsUnknownRowsOnlyWhenThereAreSome(t *testing.T) {
	test.NewTempApp(t)
	h := &fakeHistory{
		records: []CampaignRecord{{ID: "march", Name: "March", Sent: 1, Unknown: 1}, {ID: "april", Name: "April", Sent: 1}},
		rows: []RowRecord{
			{CampaignID: "march", CampaignName: "March", Key: "a#1", Address: "a@example.com", State: "sent"},
			{CampaignID: "march", CampaignName: "March", Key: "b#1", Address: "b@example.com", State: "unknown"},
			{CampaignID: "april", CampaignName: "April", Key: "a#1", Address: "a@example.com", State: "sent"},
		},
	}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newHistoryView(h, w, b)
	w.SetContent(v.content)
	b.wait()
	if v.unknownHint.Visible() {
		t.Error("the hint shows before any campaign is chosen")
	}
	v.campaignList.Select(1)
	b.wait()
	if v.unknownHint.Visible() {
		t.Error("the hint about unknown rows shows for a campaign without any")
	}
	v.campaignList.Select(0)
	b.wait()
	if !v.unknownHint.Visible() {
		t.Error("no hint for a campaign with an unknown row")
	}
}
