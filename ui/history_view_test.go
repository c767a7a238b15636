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
