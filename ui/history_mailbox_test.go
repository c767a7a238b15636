package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fakeMailbox stands for the IMAP reader: a check blocks until released,
// so a test can see that it runs off the UI goroutine, and then records a
// reply on the fake history's row.
type fakeMailbox struct {
	mu      sync.Mutex
	release chan struct{}
	history *fakeHistory
	calls   []string
}

func (f *fakeMailbox) CheckMailbox(_ context.Context, id string) (MailboxNews, error) {
	<-f.release
	f.mu.Lock()
	f.calls = append(f.calls, id)
	f.mu.Unlock()
	f.history.mu.Lock()
	defer f.history.mu.Unlock()
	for i := range f.history.rows {
		if f.history.rows[i].Address == "li@example.cn" {
			f.history.rows[i].RepliedAt = time.Date(2026, 3, 3, 10, 0, 0, 0, time.Local)
			f.history.rows[i].ReplySubject = "回复：发票"
		}
	}
	return MailboxNews{Campaigns: 1, Read: 3, Replies: 1}, nil
}

func mailboxHistory() *fakeHistory {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.Local)
	row := func(addr, state string, m RowMailbox) RowRecord {
		return RowRecord{CampaignID: "march", CampaignName: "March", Key: addr, Address: addr, State: state, At: at, RowMailbox: m}
	}
	return &fakeHistory{
		records: []CampaignRecord{{ID: "march", Name: "March", Started: at, Sent: 4, Unknown: 1,
			MailboxCounts: MailboxCounts{BouncedHard: 1, BouncedSoft: 1, Checked: at}}},
		rows: []RowRecord{
			row("zhang@example.com", "sent", RowMailbox{Bounce: "hard", BounceStatus: "5.1.1", BounceText: "550 5.1.1 User unknown", BouncedAt: at}),
			row("wang@example.com", "sent", RowMailbox{Bounce: "soft", BounceStatus: "4.2.2", BounceText: "452 4.2.2 Mailbox full", BouncedAt: at}),
			row("li@example.cn", "sent", RowMailbox{}),
			row("zhao@example.com", "unknown", RowMailbox{NotInSent: at}),
			row("sun@example.com", "sent", RowMailbox{Settled: "sent-folder"}),
		},
	}
}

func TestHistoryFiltersByWhatCameBackAndExplainsBounces(t *testing.T) {
	test.NewTempApp(t)
	h := mailboxHistory()
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newHistoryView(h, w, b)
	w.SetContent(v.content)
	b.wait()
	v.campaignList.Select(0)
	b.wait()
	if len(v.rows) != 5 {
		t.Fatalf("%d rows", len(v.rows))
	}
	if v.mailbox.check.Visible() {
		t.Error("a Check button without a mailbox reader")
	}
	pick := func(label string) {
		t.Helper()
		v.mailbox.filter.SetSelected(label)
		b.wait()
	}
	pick("Bounced (hard)")
	if len(v.rows) != 1 || v.rows[0].Address != "zhang@example.com" {
		t.Fatalf("hard bounces: %+v", v.rows)
	}
	cell := widget.NewLabel("")
	v.table.UpdateCell(widget.TableCellID{Row: 0, Col: columnOf(t, "Came back")}, cell)
	if cell.Text != "bounced: mailbox does not exist" {
		t.Errorf("came-back cell %q", cell.Text)
	}
	v.table.Select(widget.TableCellID{Row: 0, Col: 1})
	for _, want := range []string{"permanently (5.1.1): mailbox does not exist", "The server said: 550 5.1.1 User unknown"} {
		if !strings.Contains(v.mailbox.detail.Text, want) {
			t.Errorf("detail %q lacks %q", v.mailbox.detail.Text, want)
		}
	}
	pick("Bounced")
	if len(v.rows) != 2 {
		t.Errorf("bounced: %d rows, want hard and soft", len(v.rows))
	}
	pick("Not in the Sent folder")
	if len(v.rows) != 1 || v.rows[0].Address != "zhao@example.com" {
		t.Fatalf("not in Sent: %+v", v.rows)
	}
	if !strings.HasPrefix(v.summary.Text, "1 row ·") {
		t.Errorf("summary %q, want one row in the singular", v.summary.Text)
	}
	v.table.Select(widget.TableCellID{Row: 0, Col: 1})
	if !strings.Contains(v.mailbox.detail.Text, "Not in your Sent folder: send again?") || v.sendAgain.Disabled() {
		t.Errorf("an unknown row missing from Sent: detail %q, send again disabled %v", v.mailbox.detail.Text, v.sendAgain.Disabled())
	}
	pick("All rows")
	if len(v.rows) != 5 {
		t.Errorf("all rows: %d", len(v.rows))
	}
}

func TestCheckMailboxRunsOffTheUIGoroutineAndReloads(t *testing.T) {
	test.NewTempApp(t)
	h := mailboxHistory()
	reader := &fakeMailbox{release: make(chan struct{}), history: h}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newHistoryView(h, w, b)
	v.useMailbox(reader, 0)
	w.SetContent(v.content)
	b.wait()
	v.campaignList.Select(0)
	b.wait()
	test.Tap(v.mailbox.check) // returns while the check is still blocked: it is not on the UI goroutine
	if v.mailbox.status.Text != "Reading the mailbox…" || !v.mailbox.check.Disabled() {
		t.Fatalf("during a check: status %q, button disabled %v", v.mailbox.status.Text, v.mailbox.check.Disabled())
	}
	test.Tap(v.mailbox.check) // a second press while busy starts nothing
	close(reader.release)
	b.wait()
	b.wait()
	if len(reader.calls) != 1 || reader.calls[0] != "" {
		t.Errorf("checks %q, want one for every campaign", reader.calls)
	}
	if !strings.Contains(v.mailbox.status.Text, "3 new messages; 0 bounces, 1 replies") {
		t.Errorf("status %q", v.mailbox.status.Text)
	}
	v.mailbox.filter.SetSelected("Replied")
	b.wait()
	if len(v.rows) != 1 || v.rows[0].Address != "li@example.cn" {
		t.Errorf("after the check the reply shows: %+v", v.rows)
	}
}

func TestMailboxTextsInChinese(t *testing.T) {
	inChinese(t)
	r := RowRecord{State: "sent", RowMailbox: RowMailbox{Bounce: "hard", BounceStatus: "5.2.2", BounceText: "552 5.2.2 over quota",
		BouncedAt: time.Date(2026, 3, 3, 10, 0, 0, 0, time.Local)}}
	if got := cameBack(r); got != "退信：邮箱已满" {
		t.Errorf("came back %q", got)
	}
	if got := rowDetail(r); !strings.Contains(got, "永久失败（5.2.2）：邮箱已满") || !strings.Contains(got, "服务器原文：552 5.2.2 over quota") {
		t.Errorf("detail %q", got)
	}
}

// TestOpenWindowChecksTheMailboxByItself: with an interval, checks start
// on their own (through the bridge, so never on a ticker goroutine
// touching widgets), one at a time: a tick while a check is still reading
// starts no second one. Closing the window stops the clock. The test
// sends the ticks itself: a real clock racing the test's stand-in for the
// UI goroutine made it hang or see no check under load.
func TestOpenWindowChecksTheMailboxByItself(t *testing.T) {
	test.NewTempApp(t)
	h := mailboxHistory()
	reader := &fakeMailbox{release: make(chan struct{}), history: h}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newHistoryView(h, w, b)
	w.SetContent(v.content)
	ticks := make(chan time.Time)
	stopped := make(chan struct{})
	v.mailbox.newTicker = func(d time.Duration) (<-chan time.Time, func()) {
		if d != DefaultMailboxInterval {
			t.Errorf("checks every %v, want %v", d, DefaultMailboxInterval)
		}
		return ticks, func() { close(stopped) }
	}
	v.useMailbox(reader, DefaultMailboxInterval)
	b.wait() // the view's first load
	calls := func() int {
		reader.mu.Lock()
		defer reader.mu.Unlock()
		return len(reader.calls)
	}
	// tick lets the clock fire once and applies what it hands to the UI
	// goroutine (the unbuffered send returns once the watcher took it).
	tick := func() {
		ticks <- time.Now()
		(<-b.queue)()
	}

	tick() // the first check starts and waits for the mailbox
	if !v.mailbox.busy || v.mailbox.status.Text != "Reading the mailbox…" {
		t.Fatalf("after a tick: busy %v, status %q", v.mailbox.busy, v.mailbox.status.Text)
	}
	tick() // still reading: no second check
	close(reader.release)
	b.wait()
	if calls() != 1 || !strings.Contains(v.mailbox.status.Text, "Mailbox read at") {
		t.Fatalf("%d checks, status %q; want one check, read", calls(), v.mailbox.status.Text)
	}
	tick() // the next interval: a new check
	b.wait()
	if calls() != 2 {
		t.Fatalf("%d checks after the next tick, want 2", calls())
	}
	v.mailbox.unwatch()
	<-stopped // the watcher stopped its clock and ended
}

// TestMailboxFilterFitsEveryChoice: the filter is wide enough for its
// longest choice in the user's language (it showed "Not in the …"), and
// the columns that say how each row went come first, so they show in an
// 800-pixel-wide window without scrolling.
func TestMailboxFilterFitsEveryChoice(t *testing.T) {
	test.NewTempApp(t)
	var first []string
	width := float32(0)
	for _, c := range rowColumns[:3] {
		first = append(first, c.title())
		width += c.width
	}
	if strings.Join(first, ", ") != "Address, State, Came back" || width > 600 {
		t.Errorf("first columns %v (%.0f wide): who, how it went and what came back should come first", first, width)
	}
	for _, chinese := range []bool{false, true} {
		test.NewTempApp(t)
		if chinese {
			inChinese(t)
		}
		p := newMailboxPanel(nil, newTestBridge())
		for _, f := range rowFilters {
			one := widget.NewSelect(nil, nil)
			one.PlaceHolder = f.label()
			if need, have := one.MinSize().Width, p.filter.MinSize().Width; have < need {
				t.Errorf("chinese %v: the filter is %.0f wide, %q needs %.0f", chinese, have, f.label(), need)
			}
		}
	}
}
