package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mailroom/app/campaign"
	"mailroom/app/msg"
	"mailroom/sender"
)

// fakeClock is the schedule section's clock in tests: now moves only when
// the test says, and every tick the countdown waits for comes from ticks.
type scheduleClock struct {
	mu    sync.Mutex
	t     time.Time
	ticks chan time.Time
}

func (c *scheduleClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *scheduleClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *scheduleClock) after(time.Duration) <-chan time.Time { return c.ticks }

// flushUntil applies the bridge's updates until cond holds (the countdown
// runs on its own goroutine); a deadline keeps a broken test from hanging.
func flushUntil(t *testing.T, b *bridge, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		b.flush()
		time.Sleep(time.Millisecond)
	}
}

func withScheduleClock(v *sendView, start time.Time) *scheduleClock {
	c := &scheduleClock{t: start, ticks: make(chan time.Time)}
	v.schedule.now, v.schedule.after = c.now, c.after
	return c
}

// TestScheduledStartCountsDownAndStartsByItself: with a start time ahead,
// Start counts down in the window (its buttons off, a cancel button on)
// and starts the run by itself when the time comes.
func TestScheduledStartCountsDownAndStartsByItself(t *testing.T) {
	runner := &fakeRunner{}
	v, doc, b := newTestSend(t, runner)
	t0 := time.Date(2026, 3, 2, 7, 30, 0, 0, time.Local)
	clk := withScheduleClock(v, t0)
	doc.c.StartAt = "2026-03-02 09:00"
	test.Tap(v.check)
	b.wait()
	v.startRun()
	b.flush()
	if runner.current() != nil {
		t.Fatal("started before the start time")
	}
	if !strings.Contains(v.schedule.countdown.Text, "starts at 09:00, in 1:30:00") || !v.start.Disabled() || v.schedule.cancel.Hidden {
		t.Errorf("countdown %q, start disabled %v, cancel hidden %v", v.schedule.countdown.Text, v.start.Disabled(), v.schedule.cancel.Hidden)
	}
	clk.set(t0.Add(89 * time.Minute))
	clk.ticks <- time.Time{}
	flushUntil(t, b, func() bool { return strings.Contains(v.schedule.countdown.Text, "in 0:01:00") })
	if runner.current() != nil {
		t.Error("started a minute before the start time")
	}
	clk.set(t0.Add(90 * time.Minute))
	clk.ticks <- time.Time{}
	flushUntil(t, b, func() bool { return runner.current() != nil && v.run != nil })
	if runner.current() == nil {
		t.Fatal("the run did not start at the start time")
	}
	if v.schedule.counting() || !v.schedule.cancel.Hidden || v.run == nil {
		t.Error("still counting down after the start")
	}
}

func TestScheduledStartCanBeCancelled(t *testing.T) {
	runner := &fakeRunner{}
	v, doc, b := newTestSend(t, runner)
	t0 := time.Date(2026, 3, 2, 7, 30, 0, 0, time.Local)
	clk := withScheduleClock(v, t0)
	doc.c.StartAt = "2026-03-02 09:00"
	test.Tap(v.check)
	b.wait()
	if q := v.schedule.confirmQuestion(3); !strings.Contains(q, "starting at 09:00") {
		t.Errorf("the Start question %q does not say when", q)
	}
	v.startRun()
	test.Tap(v.schedule.cancel)
	clk.set(t0.Add(2 * time.Hour))
	b.wait()
	if runner.current() != nil || v.schedule.counting() {
		t.Error("a cancelled schedule started the run")
	}
	if v.start.Disabled() || !strings.Contains(v.schedule.countdown.Text, "cancelled") {
		t.Errorf("after cancelling: start disabled %v, %q", v.start.Disabled(), v.schedule.countdown.Text)
	}
	// Without a start time ahead, Start starts at once.
	doc.c.StartAt = ""
	if d := startAndWait(t, v, b, runner); d == nil {
		t.Error("no start time, and the run did not start")
	}
	if !v.schedule.countdownRow.Hidden {
		t.Errorf("the run started, and the countdown row still says %q", v.schedule.countdown.Text)
	}
}

// TestScheduleFieldsGoIntoTheCampaign: the section writes the campaign
// file's start_at, hours, delay and error_spike, and shows them again.
func TestScheduleFieldsGoIntoTheCampaign(t *testing.T) {
	v, doc, _ := newTestSend(t, &fakeRunner{})
	s := v.schedule
	s.startAt.SetText(" 2026-03-02 09:00 ")
	s.delay.SetText("30-120")
	s.spike.SetText("3")
	s.hoursOn.SetChecked(true) // Monday to Friday, 09:00-18:00 by default
	s.days[5].SetChecked(true) // and Saturday
	s.to.SetText("17:30")
	c := doc.c
	if c.StartAt != "2026-03-02 09:00" || c.Delay != "30-120" || c.ErrorSpike == nil || *c.ErrorSpike != 3 || c.Hours != "Mon-Sat 09:00-17:30" {
		t.Fatalf("campaign %+v", c)
	}
	s.spike.SetText("")
	s.hoursOn.SetChecked(false)
	if doc.c.ErrorSpike != nil || doc.c.Hours != "" {
		t.Errorf("cleared fields stay: %+v", doc.c)
	}
	doc.c.Hours = "Tue,Thu 08:00-12:00"
	v.showCampaign()
	if !s.hoursOn.Checked || s.days[0].Checked || !s.days[1].Checked || !s.days[3].Checked || s.from.Text != "08:00" {
		t.Errorf("loaded hours: on %v, from %q", s.hoursOn.Checked, s.from.Text)
	}
	if s.item.Open || s.item.Title != "Schedule and pace: starts 2026-03-02 09:00, Tue, Thu 08:00–12:00, pause 30-120 s" {
		t.Errorf("the closed section is titled %q (open %v)", s.item.Title, s.item.Open)
	}
}

// advisingRunner is a runner that knows the account's suggested pause.
type advisingRunner struct{ fakeRunner }

func (*advisingRunner) SuggestedDelay(id string) (string, msg.Text) {
	if id != "qq-1" {
		return "", msg.Text{}
	}
	return "30-120", msg.T("Suggested for QQ Mail: it refuses accounts that send fast (“frequency limited”); desktop bulk senders pause 30–120 seconds between messages for free mailboxes.")
}

func TestDelaySuggestionShowsItsReason(t *testing.T) {
	runner := &advisingRunner{}
	v, doc, _ := newTestSend(t, &runner.fakeRunner)
	if !v.schedule.delayHint.Hidden {
		t.Error("a hint without an advisor")
	}
	test.NewTempApp(t)
	doc2 := newDocument()
	doc2.c.Account = "qq-1"
	v2 := newSendView(runner, doc2, test.NewTempWindow(t, nil), newTestBridge())
	if v2.schedule.delay.PlaceHolder != "30-120 (the account's suggestion)" || !strings.Contains(v2.schedule.delayHint.Text, "frequency limited") {
		t.Errorf("placeholder %q, hint %q", v2.schedule.delay.PlaceHolder, v2.schedule.delayHint.Text)
	}
	_ = doc
}

// TestHoldsAreShownInWords: a throttle shows the provider's meaning and
// when sending goes on; an engine that paused itself after identical
// refusals turns the Pause button into Resume and says why; a quota
// that ends the run says when it continues by itself.
func TestHoldsAreShownInWords(t *testing.T) {
	runner := &fakeRunner{}
	v, _, b := newTestSend(t, runner)
	test.Tap(v.check)
	b.wait()
	d := startAndWait(t, v, b, runner)
	until := time.Now().Add(2 * time.Minute)
	throttle, _ := campaign.WaitHold(sender.Wait{Reason: sender.WaitThrottle, Until: until,
		Limit: sender.Limit{Kind: sender.LimitRate, Provider: sender.ProviderQQ}, Reply: "550 Connection frequency limited"}, time.Now())
	d.progress(Progress{Total: 10, Sent: 3, Pending: 7, ResumesAt: until, Hold: &throttle})
	flushUntil(t, b, func() bool { return strings.Contains(v.speed.Text, "QQ") })
	if !strings.Contains(v.speed.Text, "QQ Mail limits how often an account may send") || !strings.Contains(v.speed.Text, "continues by itself at "+until.Format("15:04")) {
		t.Errorf("speed line %q", v.speed.Text)
	}
	spike, _ := campaign.WaitHold(sender.Wait{Reason: sender.WaitErrorSpike, Failures: 5, Reply: "554 DT:SPM 163 smtp9,x"}, time.Now())
	d.progress(Progress{Total: 10, Sent: 3, Failed: 5, Pending: 2, Paused: true, Hold: &spike})
	flushUntil(t, b, func() bool { return v.paused })
	if v.pause.Text != "Resume" || !strings.Contains(v.verdict.Text, "judged the content as spam") || !strings.Contains(v.verdict.Text, "Change the subject") {
		t.Errorf("after a spike: pause %q, verdict %q", v.pause.Text, v.verdict.Text)
	}
	test.Tap(v.pause)
	if d.resumed != 1 || v.pause.Text != "Pause" {
		t.Errorf("resume: %d calls, button %q", d.resumed, v.pause.Text)
	}
	resumes := time.Now().Add(5 * time.Hour)
	quota := campaign.StopHold(&sender.StopError{Reason: sender.ErrQuota, ResumeAt: resumes, Limit: sender.Limit{Kind: sender.LimitDaily, Provider: sender.ProviderGmail}}, time.Now())
	d.finish(Progress{Total: 10, Sent: 3, Failed: 5, Pending: 2, ResumesAt: resumes, Hold: &quota})
	flushUntil(t, b, func() bool { return v.run == nil })
	if !strings.Contains(v.verdict.Text, "Gmail's daily sending limit is reached") || !strings.Contains(v.verdict.Text, "2 rows wait") || v.resumeStop == nil {
		t.Errorf("verdict %q, continuation scheduled %v", v.verdict.Text, v.resumeStop != nil)
	}
	v.cancelResume()
	b.wait()
}

// TestScheduleSectionFitsASmallScreen: at 800×600 the Send page has
// about 680 pixels beside the page tabs. The schedule section, open and
// counting down, must not be what makes the page (and so the window)
// wider or taller: the days flow onto more lines, the notes wrap and the
// section scrolls with the options.
func TestScheduleSectionFitsASmallScreen(t *testing.T) {
	v, doc, _ := newTestSend(t, &fakeRunner{})
	withScheduleClock(v, time.Date(2026, 3, 2, 7, 30, 0, 0, time.Local))
	doc.c.Hours, doc.c.Delay, doc.c.StartAt = "Mon-Fri 09:00-18:00", "30-120", "2026-03-02 09:00"
	v.schedule.load()
	v.schedule.accordion.Open(0)
	v.schedule.countdownRow.Show()
	v.schedule.cancel.Show()
	v.schedule.showCountdown(time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local))
	const room = 680
	if w := v.schedule.section.MinSize().Width; w >= v.content.MinSize().Width || w > room {
		t.Errorf("the schedule section needs %.0f pixels; the Send page %.0f (room: %d)", w, v.content.MinSize().Width, room)
	}
	if w := v.content.MinSize().Width; w > room {
		t.Errorf("the Send page needs %.0f pixels, more than the %d it has at 800×600", w, room)
	}
	// Below the menu bar the page has about 560 pixels of height: the
	// opened section scrolls with the options instead of growing the page.
	if h := v.content.MinSize().Height; h > 560 {
		t.Errorf("with the schedule open the Send page needs %.0f pixels of height, more than the 560 it has", h)
	}
}
