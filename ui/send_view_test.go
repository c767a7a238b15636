package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
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
	if !strings.Contains(v.verdict.Text, "1 blocking problems and 1 warnings") {
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
	d.progress(Progress{Total: 10, Sent: 4, Failed: 1, Pending: 5, PerMinute: 29.5, ETA: 10 * time.Second})
	b.flush()
	if v.bar.Value != 0.5 {
		t.Errorf("progress bar at %v, want 0.5", v.bar.Value)
	}
	if v.counts.Text != "Sent 4, failed 1, unknown 0, skipped 0, waiting 5" {
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
	if d.paused != 1 || d.resumed != 1 {
		t.Errorf("paused %d resumed %d", d.paused, d.resumed)
	}
	d.finish(Progress{CampaignID: "c1", Total: 10, Sent: 8, Failed: 1, Unknown: 1})
	b.wait()
	if v.busy() || !v.pause.Disabled() || v.check.Disabled() {
		t.Error("controls not reset after the run")
	}
	if !strings.Contains(v.verdict.Text, "1 messages may or may not have arrived") {
		t.Errorf("verdict %q", v.verdict.Text)
	}
}

func TestSendViewRejectsBadNumbers(t *testing.T) {
	runner := &fakeRunner{}
	v, _, b := newTestSend(t, runner)
	v.dailyCap.SetText("-3")
	test.Tap(v.check)
	b.wait()
	if v.checked {
		t.Error("checked with a daily limit of -3")
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
