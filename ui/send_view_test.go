package ui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func newTestSend(t *testing.T, runner *fakeRunner) (*sendView, *document, *bridge) {
	t.Helper()
	test.NewTempApp(t)
	doc := newDocument()
	l := sampleList()
	doc.list = &l
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newSendView(runner, doc, w, b)
	w.SetContent(v.content)
	return v, doc, b
}

// until applies queued updates until cond holds (tests only): for work
// started on a goroutine whose result the test waits for while other
// goroutines (a run waiting to end) are still pending.
func (b *bridge) until(cond func() bool) {
	for !cond() {
		f := <-b.queue
		f()
	}
}

func TestSendViewBlocksUntilProblemsAreFixedOrSkipped(t *testing.T) {
	runner := &fakeRunner{problems: []Problem{
		{Blocking: true, Row: 3, Text: `row 3: "li@qq.con" looks like a typo of qq.com`},
		{Blocking: false, Row: 5, Text: `row 5: {{姓名}} is empty`},
	}}
	v, doc, b := newTestSend(t, runner)
	if !v.start.Disabled() {
		t.Fatal("start enabled before the check")
	}
	test.Tap(v.check)
	b.wait()
	if !v.start.Disabled() {
		t.Error("start enabled despite a blocking problem")
	}
	if !strings.Contains(v.verdict.Text, "Blocking problems: 1; warnings: 1.") {
		t.Errorf("verdict %q", v.verdict.Text)
	}
	if n := v.problemList.Length(); n != 2 {
		t.Errorf("problem list shows %d entries", n)
	}
	test.Tap(v.skipInvalid)
	if !doc.c.SkipInvalid || v.start.Disabled() {
		t.Error("skipping invalid rows did not allow the send")
	}
	// Any edit elsewhere makes the check stale.
	v.invalidate()
	if !v.start.Disabled() {
		t.Error("start stays enabled after the campaign changed")
	}
}

func TestSendViewRunsWithPauseResumeAndReportsTheOutcome(t *testing.T) {
	runner := &fakeRunner{}
	v, doc, b := newTestSend(t, runner)
	v.concurrency.SetText("4")
	v.retries.SetText("0")
	v.rate.SetText("30/min")
	test.Tap(v.check)
	b.wait()
	if doc.c.Concurrency != 4 || doc.c.Retries == nil || *doc.c.Retries != 0 || doc.c.Rate != "30/min" {
		t.Errorf("options not in the campaign: %+v", doc.c)
	}
	d := startAndWait(t, v, b, runner)
	if !v.check.Disabled() || !v.start.Disabled() || v.pause.Disabled() || v.stop.Disabled() {
		t.Error("controls not switched to running")
	}
	d.progress(Progress{Total: 10, Sent: 4, Failed: 1, Pending: 5, Run: RunCounts{Sent: 4, Failed: 1}, Due: 10, PerMinute: 29.5, ETA: 10 * time.Second})
	b.flush()
	if v.bar.Value != 0.5 {
		t.Errorf("progress bar at %v, want 0.5", v.bar.Value)
	}
	if v.counts.Text != "The campaign: 4 of 10 rows sent, 1 failed, 0 unknown, 0 skipped, 5 waiting." {
		t.Errorf("counts %q", v.counts.Text)
	}
	if !strings.Contains(v.speed.Text, "29.5 per minute") || !strings.Contains(v.speed.Text, "about 10 s left") {
		t.Errorf("speed %q", v.speed.Text)
	}
	test.Tap(v.pause)
	if v.pause.Text != "Resume" {
		t.Errorf("pause button reads %q", v.pause.Text)
	}
	test.Tap(v.pause)
	if p, r, _ := d.counts(); p != 1 || r != 1 {
		t.Errorf("paused %d resumed %d", p, r)
	}
	d.finish(Progress{CampaignID: "c1", Total: 10, Sent: 8, Failed: 1, Unknown: 1, Run: RunCounts{Sent: 8, Failed: 1, Unknown: 1}})
	b.wait()
	if v.busy() || !v.pause.Disabled() || v.check.Disabled() {
		t.Error("controls not reset after the run")
	}
	if !strings.Contains(v.verdict.Text, "1 message may or may not have arrived") {
		t.Errorf("verdict %q", v.verdict.Text)
	}
}

// TestSendViewAsksAboutWhatGoesNow: the check and the question count the
// messages that go now, not the list's rows: a campaign reopened after
// 1,800 of 2,000 were sent asks about 200 and says how long they take; a
// resumed run's bar starts where the campaign stood; a fully sent campaign
// asks nothing and says there is nothing to send.
func TestSendViewAsksAboutWhatGoesNow(t *testing.T) {
	runner := &fakeRunner{due: Due{Now: 200, Total: 2000, Sent: 1800, Pending: 200, Ran: true, Estimate: "about 10 min at 20/min"}}
	v, _, b := newTestSend(t, runner)
	test.Tap(v.check)
	b.wait()
	if v.start.Disabled() || !v.estimate.Visible() ||
		!strings.Contains(v.estimate.Text, "200 messages go now: about 10 min at 20/min") ||
		!strings.Contains(v.estimate.Text, "1800 of the 2000 rows were sent before") {
		t.Errorf("before Start: %q (start disabled %v)", v.estimate.Text, v.start.Disabled())
	}
	test.Tap(v.start)
	b.wait()
	if got := dialogText(v.win); !strings.Contains(got, "Send 200 messages now?") {
		t.Fatalf("the question reads %q", got)
	}
	tapDialogButton(t, v.win, "Yes")
	b.until(func() bool { return v.run != nil })
	d := runner.current()
	d.progress(Progress{Total: 2000, Sent: 1800, Pending: 200, Due: 200})
	b.flush()
	if v.bar.Value != 0.9 {
		t.Errorf("the resumed run's bar starts at %v, want 0.9", v.bar.Value)
	}
	d.finish(Progress{CampaignID: "c1", Total: 2000, Sent: 2000, Run: RunCounts{Sent: 200}})
	b.wait()
	// The summary says it; the verdict's "Finished: this run sent 200"
	// would repeat it and push the next step down.
	if v.verdict.Visible() || !strings.Contains(v.summary.text.Text, "This run: 200 sent") ||
		!strings.Contains(v.summary.text.Text, "2000 of 2000 rows sent") {
		t.Errorf("after the run: verdict %q, summary %q", v.verdict.Text, v.summary.text.Text)
	}

	// Everything was sent: nothing to ask about.
	runner.due = Due{Total: 4, Sent: 4, Ran: true, Estimate: "nothing to send"}
	test.Tap(v.check)
	b.wait()
	if !v.start.Disabled() || !strings.Contains(v.verdict.Text, "Nothing to send: all 4 rows were sent before") {
		t.Errorf("a fully sent campaign: verdict %q, start disabled %v", v.verdict.Text, v.start.Disabled())
	}
	first := runner.current()
	v.confirmStart() // as if History had changed the journal since the check
	b.wait()
	if got := dialogText(v.win); !strings.Contains(got, "Nothing to send") || strings.Contains(got, "now?") {
		t.Errorf("Start with nothing due says %q", got)
	}
	if runner.current() != first {
		t.Error("a run started with nothing to send")
	}
}

// TestSendViewShowsNoSpeedItCannotBack: until the speed is measured, the
// page says the limit the run keeps, never a number per minute.
func TestSendViewShowsNoSpeedItCannotBack(t *testing.T) {
	runner := &fakeRunner{}
	v, _, b := newTestSend(t, runner)
	d := startAndWait(t, v, b, runner)
	d.progress(Progress{Total: 4, Sent: 3, Pending: 1, Due: 4, Run: RunCounts{Sent: 3}, Limit: "30/min", ETA: 2 * time.Second})
	b.flush()
	if strings.Contains(v.speed.Text, "per minute") || !strings.Contains(v.speed.Text, "at most 30/min") {
		t.Errorf("speed %q", v.speed.Text)
	}
}

// TestSendViewPausesWhileAskingToCancel: nothing goes out while "Stop the
// run?" is open; "No" lets the run go on, "Yes" cancels it; a run the user
// had paused stays paused after "No".
func TestSendViewPausesWhileAskingToCancel(t *testing.T) {
	runner := &fakeRunner{}
	v, _, b := newTestSend(t, runner)
	d := startAndWait(t, v, b, runner)
	test.Tap(v.stop)
	if p, r, c := d.counts(); p != 1 || r != 0 || c != 0 {
		t.Fatalf("while asking: paused %d resumed %d cancelled %d; want paused", p, r, c)
	}
	tapDialogButton(t, v.win, "No")
	if p, r, c := d.counts(); p != 1 || r != 1 || c != 0 {
		t.Errorf("after No: paused %d resumed %d cancelled %d", p, r, c)
	}
	test.Tap(v.pause) // the user pauses
	test.Tap(v.stop)
	tapDialogButton(t, v.win, "No")
	if p, r, _ := d.counts(); p != 2 || r != 1 || v.pause.Text != "Resume" {
		t.Errorf("a run the user paused: paused %d resumed %d, button %q; want it to stay paused", p, r, v.pause.Text)
	}
	test.Tap(v.stop)
	tapDialogButton(t, v.win, "Yes")
	if _, _, c := d.counts(); c != 1 {
		t.Errorf("Yes did not cancel (%d)", c)
	}
}

// TestSendLogFiltersExplainsRetriesAndExports: every row the run logs is
// listed with its reason in words; the filters pick failed, skipped and
// unknown rows; the selected row shows the server's own reply; "Retry
// these" makes the shown failed and unknown rows wait again and asks to
// send them; "Export these" writes only the rows shown. No backend is
// called on the UI goroutine.
func TestSendLogFiltersExplainsRetriesAndExports(t *testing.T) {
	runner := &fakeRunner{}
	v, _, b := newTestSend(t, runner)
	guard := onThisGoroutine(t)
	runner.ui = guard
	hist := &fakeHistory{ui: guard}
	v.rows = hist
	var exportedTo string
	v.savePath = func(name string, _ []string, use func(string)) { exportedTo = "/tmp/" + name; use(exportedTo) }
	d := startAndWait(t, v, b, runner)
	reply := "550 5.1.1 <wang@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
	d.logged(
		LogRow{Key: "k2", Row: 2, Address: "li@example.com", State: "skipped", Reason: "invalid address"},
		LogRow{Key: "k3", Row: 3, Address: "zhang@example.com", State: "sent", Reply: "250 2.0.0 Ok", At: time.Now()},
		LogRow{Key: "k4", Row: 4, Address: "wang@example.com", State: "failed", Reason: "mailbox does not exist", Reply: reply, At: time.Now()},
		LogRow{Key: "k5", Row: 5, Address: "zhao@example.com", State: "unknown", Reason: "may have been delivered", At: time.Now()},
	)
	d.progress(Progress{CampaignID: "c1", Total: 4, Sent: 1, Failed: 1, Unknown: 1, Skipped: 1, Due: 3})
	b.flush()
	if rows, _ := v.log.table.Length(); rows != 4 {
		t.Fatalf("the log shows %d rows, want 4", rows)
	}
	cell := widget.NewLabel("")
	v.log.table.UpdateCell(widget.TableCellID{Row: 2, Col: 3}, cell)
	if cell.Text != "mailbox does not exist" {
		t.Errorf("reason cell %q", cell.Text)
	}
	for f, want := range map[logFilter]int{logFailed: 1, logSkipped: 1, logUnknown: 1, logAll: 4} {
		v.log.selectFilter(f)
		if rows, _ := v.log.table.Length(); rows != want {
			t.Errorf("filter %q shows %d rows, want %d", f, rows, want)
		}
	}
	v.log.selectFilter(logFailed)
	v.log.table.Select(widget.TableCellID{Row: 0, Col: 1})
	if !strings.Contains(v.log.detail.Text, reply) || !strings.Contains(v.log.detail.Text, "mailbox does not exist") {
		t.Errorf("detail %q lacks the reason or the whole reply", v.log.detail.Text)
	}
	test.Tap(v.log.export)
	b.until(func() bool { return strings.Contains(v.verdict.Text, "saved to") })
	if len(hist.exported) != 1 || hist.exported[0] != "c1:"+exportedTo+":k4" {
		t.Errorf("exported %q, want only the failed row", hist.exported)
	}
	d.finish(Progress{CampaignID: "c1", Total: 4, Sent: 1, Failed: 1, Unknown: 1, Skipped: 1, Run: RunCounts{Sent: 1, Failed: 1, Unknown: 1}})
	b.wait()

	v.log.selectFilter(logAll)
	test.Tap(v.log.retry)
	if got := dialogText(v.win); !strings.Contains(got, "Send these 2 rows again?") || !strings.Contains(got, "1 of them may have arrived") {
		t.Fatalf("retry question %q", got)
	}
	tapDialogButton(t, v.win, "Yes")
	b.wait()
	if len(hist.resolved) != 2 || hist.resolved["k4"] || hist.resolved["k5"] {
		t.Errorf("rows sent again: %v, want k4 and k5", hist.resolved)
	}
	if got := dialogText(v.win); !strings.Contains(got, "now?") {
		t.Errorf("after retry the question reads %q", got)
	}
}

// TestRunSummarySaysTheNextStep: at the end of a run with failed rows the
// summary offers to retry them; "Retry failed rows" makes them wait again
// and asks about exactly what goes now.
func TestRunSummarySaysTheNextStep(t *testing.T) {
	runner := &fakeRunner{due: Due{Now: 200, Total: 2000, Sent: 1800, Failed: 0, Pending: 200, Ran: true, Estimate: "about 10 min at 20/min"}}
	v, _, b := newTestSend(t, runner)
	hist := &fakeHistory{}
	for i := 0; i < 200; i++ {
		hist.rows = append(hist.rows, RowRecord{CampaignID: "c1", Key: "k" + strconv.Itoa(i), State: "failed"})
	}
	v.rows = hist
	v.onDecide = func(string) {}
	d := startAndWait(t, v, b, runner)
	d.finish(Progress{CampaignID: "c1", Total: 2000, Sent: 1800, Failed: 200, Run: RunCounts{Sent: 1800, Failed: 200}})
	b.wait()
	if !v.summary.content.Visible() || !v.summary.retry.Visible() || v.summary.decide.Visible() ||
		!strings.Contains(v.summary.text.Text, "retry them") {
		t.Fatalf("summary %q (retry shown %v, decide shown %v)", v.summary.text.Text, v.summary.retry.Visible(), v.summary.decide.Visible())
	}
	test.Tap(v.summary.retry)
	b.wait()
	if got := dialogText(v.win); !strings.Contains(got, "Send 200 messages now?") {
		t.Errorf("after Retry failed rows the question reads %q", got)
	}
	n := 0
	for _, r := range hist.rows {
		if r.State == "pending" {
			n++
		}
	}
	if n != 200 {
		t.Errorf("%d rows wait again, want 200", n)
	}
}

// TestProblemTextsNeverOverlap: long problem sentences wrap, and each
// list item is as tall as its wrapped text, at 800×600 as at full size.
func TestProblemTextsNeverOverlap(t *testing.T) {
	long := `customers.xlsx, sheet "客户", row 12, column "Email": "bob@@example.com" is not a valid address — correct it or exclude the row; 这一行的地址无效，请更正或排除这一行。`
	runner := &fakeRunner{problems: []Problem{{Blocking: true, Row: 12, Text: long}, {Row: 13, Text: long + long}, {Row: 14, Text: "short"}}}
	v, _, b := newTestSend(t, runner)
	for _, size := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(1366, 768)} {
		v.win.Resize(size)
		test.Tap(v.check)
		b.wait()
		v.tabs.Select(v.problemsTab)
		checkNoOverlap(t, size, v.problemList)
	}
}

// checkNoOverlap fails when a wrapped item of list is shorter than its
// text: it would run into the next item.
func checkNoOverlap(t *testing.T, size fyne.Size, list *widget.List) {
	t.Helper()
	list.Refresh()
	var labels []*widget.Label
	walk(list, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text != "" {
			labels = append(labels, l)
		}
	})
	if len(labels) == 0 {
		t.Fatalf("%v: no problem shown", size)
	}
	for _, l := range labels {
		if need := l.MinSize().Height; l.Size().Height+0.5 < need {
			t.Errorf("%v: %q is %.0f high but needs %.0f: it runs into the next item", size, l.Text[:10], l.Size().Height, need)
		}
	}
}

// TestSendViewContinuesByItselfAfterTheProvidersLimit: a run stopped by a
// quota with a resume time starts again at that time while the window is
// open; switching campaigns cancels the continuation.
func TestSendViewContinuesByItselfAfterTheProvidersLimit(t *testing.T) {
	runner := &fakeRunner{}
	v, _, b := newTestSend(t, runner)
	first := startAndWait(t, v, b, runner)
	first.finish(Progress{Total: 10, Sent: 7, Pending: 3, ResumesAt: time.Now().Add(20 * time.Millisecond)})
	deadline := time.Now().Add(time.Minute) // a bound for a hung test, not a timing assertion
	for (runner.current() == first || v.run == nil) && time.Now().Before(deadline) {
		b.flush()
		time.Sleep(time.Millisecond)
	}
	if runner.current() == first {
		t.Fatal("the run did not continue after the provider's limit")
	}
	if !strings.Contains(v.verdict.Text, "Sending…") {
		t.Errorf("verdict after the automatic continuation: %q", v.verdict.Text)
	}
	second := runner.current()
	second.finish(Progress{Total: 10, Sent: 7, Pending: 3, ResumesAt: time.Now().Add(time.Hour)})
	b.flush()
	for v.resumeStop == nil && time.Now().Before(deadline) {
		b.flush()
		time.Sleep(time.Millisecond)
	}
	if !strings.Contains(v.verdict.Text, "continues by itself at") {
		t.Errorf("verdict %q does not say when sending continues", v.verdict.Text)
	}
	v.showCampaign() // another campaign opened: the continuation is dropped
	b.wait()
	if runner.current() != second || v.resumeStop != nil {
		t.Error("the continuation survived switching campaigns")
	}
}

// TestStartingPreparesOffTheUIGoroutine: Start reads the whole list, so
// while it prepares the window stays responsive and says it is starting.
func TestStartingPreparesOffTheUIGoroutine(t *testing.T) {
	runner := &fakeRunner{hold: make(chan struct{})}
	v, _, b := newTestSend(t, runner)
	v.startRun() // returns although Start is still preparing
	if !v.busy() || v.run != nil || !v.start.Disabled() || v.verdict.Text != "Starting…" {
		t.Fatalf("while starting: busy %v run %v verdict %q", v.busy(), v.run, v.verdict.Text)
	}
	close(runner.hold)
	d := startAndWaitRunning(t, v, b)
	d.finish(Progress{Total: 1, Sent: 1})
	b.wait()
	if v.busy() {
		t.Error("still busy after the run")
	}
}

// startAndWaitRunning waits for a run already started to show.
func startAndWaitRunning(t *testing.T, v *sendView, b *bridge) *fakeDelivery {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a bound for a hung test
	for v.run == nil && time.Now().Before(deadline) {
		b.flush()
		time.Sleep(time.Millisecond)
	}
	if v.run == nil {
		t.Fatal("the run did not start")
	}
	return v.run.(*fakeDelivery)
}

// TestSendViewSpeaksOfOneMessageAndOfADryRun: one message is "1 message",
// not "1 messages", before Start and in the question; a dry run says it
// writes files into its folder and sends nothing, not "go now: right
// away".
func TestSendViewSpeaksOfOneMessageAndOfADryRun(t *testing.T) {
	runner := &fakeRunner{due: Due{Now: 1, Total: 1, Pending: 1, Estimate: "about 2 s at 30/min"}}
	v, _, b := newTestSend(t, runner)
	test.Tap(v.check)
	b.wait()
	if want := "1 message goes now: about 2 s at 30/min."; v.estimate.Text != want {
		t.Errorf("before Start: %q, want %q", v.estimate.Text, want)
	}
	test.Tap(v.start)
	b.wait()
	if got := dialogText(v.win); !strings.Contains(got, "Send 1 message now?") {
		t.Errorf("the question reads %q", got)
	}
	tapDialogButton(t, v.win, "No")

	runner.due = Due{Now: 5, Total: 5, Pending: 5, Estimate: "right away"}
	v.doc.c.DryRun = "/tmp/out"
	test.Tap(v.check)
	b.wait()
	if want := "5 messages will be written as .eml files into /tmp/out; nothing is sent."; v.estimate.Text != want {
		t.Errorf("before a dry run: %q, want %q", v.estimate.Text, want)
	}
	// The question's title says what happens: nothing is sent.
	test.Tap(v.start)
	b.wait()
	if got := dialogText(v.win); !strings.Contains(got, "Start the dry run") || strings.Contains(got, "Start sending") {
		t.Errorf("the dry run's question reads %q", got)
	}
	tapDialogButton(t, v.win, "No")
}

// TestSendViewIsReadyWithoutCountingNoWarnings: a check without problems
// says "Ready to send.", not "Ready to send; warnings: 0.".
func TestSendViewIsReadyWithoutCountingNoWarnings(t *testing.T) {
	v, _, b := newTestSend(t, &fakeRunner{due: Due{Now: 3, Total: 3, Pending: 3, Estimate: "about 6 s at 30/min"}})
	test.Tap(v.check)
	b.wait()
	if v.verdict.Text != "Ready to send." {
		t.Errorf("verdict %q", v.verdict.Text)
	}
}
