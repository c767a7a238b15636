package sender

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"mailroom/sender/smtptest"
)

// waitRecorder keeps every distinct Wait the progress callback saw.
type waitRecorder struct {
	mu    sync.Mutex
	waits []Wait
	// first, when set, is closed at the first Wait for reason.
	first  chan struct{}
	reason WaitReason
}

func newWaitRecorder(reason WaitReason) *waitRecorder {
	return &waitRecorder{first: make(chan struct{}), reason: reason}
}

func (w *waitRecorder) progress(p Progress) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if p.Wait.Reason != WaitNone && (len(w.waits) == 0 || w.waits[len(w.waits)-1] != p.Wait) {
		w.waits = append(w.waits, p.Wait)
		if p.Wait.Reason == w.reason && w.first != nil {
			close(w.first)
			w.first = nil
		}
	}
}

// watchedClock is a fakeClock whose first wait holds until before is
// closed: progress snapshots are coalesced, so a wait the fake clock ends
// at once could otherwise pass unseen.
type watchedClock struct {
	*fakeClock
	before chan struct{}
	once   sync.Once
}

func (c *watchedClock) After(d time.Duration) <-chan time.Time {
	c.once.Do(func() {
		select {
		case <-c.before:
		case <-time.After(10 * time.Second): // the assertion on the waits fails
		}
	})
	return c.fakeClock.After(d)
}

func (w *waitRecorder) seen() []Wait {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Wait(nil), w.waits...)
}

func (w *waitRecorder) saw(reason WaitReason) (Wait, bool) {
	for _, x := range w.seen() {
		if x.Reason == reason {
			return x, true
		}
	}
	return Wait{}, false
}

// TestQQFrequencyLimitPausesAndContinues is issue 13's reproduction: QQ
// Mail answers "550 Connection frequency limited" to an account sending
// too fast. The run pauses (1 min, then 2 min), shows why and until when,
// continues by itself, and every row is sent exactly once: none failed.
func TestQQFrequencyLimitPausesAndContinues(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail, Times: 2,
		Match: func(e smtptest.Event) bool { return e.Message >= 4 }, Fault: smtptest.QQFrequencyLimited()}))
	store := newMemStore()
	rec := newWaitRecorder(WaitThrottle)
	clk := &watchedClock{fakeClock: newFakeClock(), before: rec.first}
	e, err := New(store, WithServer(srv.Host(), srv.Port(), TLSNone), WithClock(clk), WithProgress(rec.progress))
	if err != nil {
		t.Fatal(err)
	}
	start := clk.Now()
	sum, err := runAll(t, e, messages(t, 10))
	if err != nil {
		t.Fatalf("the run stopped: %v", err)
	}
	if sum.Sent != 10 || sum.Failed != 0 || srv.Count() != 10 {
		t.Fatalf("summary %+v, server accepted %d", sum, srv.Count())
	}
	for i := 1; i <= 10; i++ {
		if n := srv.CountTo(fmt.Sprintf("rcpt%03d@example.org", i)); n != 1 {
			t.Errorf("row %d delivered %d times", i, n)
		}
		if r := store.result(t, fmt.Sprintf("row%03d", i)); r.Attempts != 1 {
			t.Errorf("row %d charged %d attempts for the account's limit", i, r.Attempts)
		}
	}
	w, ok := rec.saw(WaitThrottle)
	if !ok || w.Limit != (Limit{LimitRate, ProviderQQ}) || w.Reply == "" || !w.Until.After(start) {
		t.Errorf("progress showed %+v; want a QQ rate throttle with its reply and end", rec.seen())
	}
	// The second refusal in a row doubles the pause.
	if got := clk.slept(); !equalDurations(got, []time.Duration{time.Minute, 2 * time.Minute}) {
		t.Errorf("pauses %v, want [1m 2m]", got)
	}
	store.check(t)
}

// TestGmailDailyLimitStopsWithResetTime: Gmail's 5.4.5 stops the run at
// once; it resumes 24 hours after the first message of the rolling
// window, which the Store's send times tell.
func TestGmailDailyLimitStopsWithResetTime(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail,
		Match: func(e smtptest.Event) bool { return e.Message >= 3 }, Fault: smtptest.GmailDailyLimit()}))
	store := newMemStore()
	e, clk := plainEngine(t, srv, store)
	now := clk.Now()
	// Earlier runs sent through this account 20 and 2 hours ago; one a
	// day and a half ago is out of the window.
	store.sentAt = append(store.sentAt, now.Add(-36*time.Hour), now.Add(-20*time.Hour), now.Add(-2*time.Hour))
	sum, err := runAll(t, e, messages(t, 5))
	se := wantStop(t, err, ErrQuota)
	if sum.Sent != 2 || sum.Failed != 0 || sum.Pending != 1 {
		t.Fatalf("summary %+v", sum)
	}
	if se.Limit != (Limit{LimitDaily, ProviderGmail}) {
		t.Errorf("limit %+v, want Gmail's daily limit", se.Limit)
	}
	want := now.Add(4 * time.Hour) // 20 hours ago + 24 hours
	if se.ResumeAt.Before(want) || se.ResumeAt.After(want.Add(2*time.Minute)) {
		t.Errorf("ResumeAt %s, want about %s", se.ResumeAt, want)
	}
	if len(clk.slept()) != 0 {
		t.Errorf("a quota must not be waited for in the run: slept %v", clk.slept())
	}
	store.check(t)
}

func TestQuotaResetTimes(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) // 17:00 in Beijing
	empty := newMemStore()
	netease, err := quotaResets(empty, now, Limit{LimitDaily, ProviderNetEase})
	if want := time.Date(2025, 3, 1, 16, 0, 0, 0, time.UTC); err != nil || !netease.Equal(want) {
		t.Errorf("NetEase resets at %s (%v), want Beijing midnight %s", netease, err, want)
	}
	ms, err := quotaResets(empty, now, Limit{LimitDaily, ProviderMicrosoft})
	if want := now.Add(24*time.Hour + time.Minute); err != nil || !ms.Equal(want) {
		t.Errorf("with no sends known: %s (%v), want 24 hours from now, %s", ms, err, want)
	}
}

// TestMicrosoftConcurrentConnectionsDropsAConnection: Exchange Online
// takes 3 connections per mailbox and answers the 4th "432 4.3.2
// Concurrent connections limit exceeded". That connection closes and its
// row goes to the others at once: no pause, nothing charged, nothing
// sent twice.
func TestMicrosoftConcurrentConnectionsDropsAConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail,
		Match: func(e smtptest.Event) bool { return e.Conn == 4 }, Fault: smtptest.MicrosoftConcurrentConnections()}))
	store := newMemStore()
	e, clk := plainEngine(t, srv, store, WithConcurrency(4))
	sum, err := runAll(t, e, messages(t, 20))
	if err != nil || sum.Sent != 20 || srv.Count() != 20 {
		t.Fatalf("err %v, summary %+v, server accepted %d", err, sum, srv.Count())
	}
	for _, c := range srv.Conns() {
		if c.ID == 4 && c.Accepted != 0 {
			t.Errorf("the refused connection took %d messages", c.Accepted)
		}
	}
	if len(srv.Conns()) != 4 {
		t.Errorf("%d connections, want 4: the refused one is not reopened", len(srv.Conns()))
	}
	if got := clk.slept(); len(got) != 0 {
		t.Errorf("paused %v; dropping the extra connection is enough", got)
	}
	store.check(t)

	// With a single connection refused so, the run pauses instead.
	srv1 := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail, Times: 1, Fault: smtptest.MicrosoftConcurrentConnections()}))
	e1, clk1 := plainEngine(t, srv1, newMemStore())
	if sum, err := runAll(t, e1, messages(t, 3)); err != nil || sum.Sent != 3 {
		t.Fatalf("err %v, summary %+v", err, sum)
	}
	if got := clk1.slept(); !equalDurations(got, []time.Duration{time.Minute}) {
		t.Errorf("pauses %v, want [1m]", got)
	}
}

// TestThrottleAtLogin: "454 4.7.0 Too many login attempts" is a throttle
// too, met before any transaction.
func TestThrottleAtLogin(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithAuth("user", "secret"), smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageAuth, Times: 1,
		Fault: smtptest.Reply(454, "4.7.0", "Too many login attempts, please try again later. - gsmtp")}))
	e, clk := plainEngine(t, srv, newMemStore(), WithAuth("user", "secret", AuthPlain))
	if sum, err := runAll(t, e, messages(t, 2)); err != nil || sum.Sent != 2 {
		t.Fatalf("err %v, summary %+v", err, sum)
	}
	if got := clk.slept(); !equalDurations(got, []time.Duration{time.Minute}) {
		t.Errorf("pauses %v, want [1m]", got)
	}
}

// TestNetEaseDailyLimitStops: MI:STC refuses the sender for the rest of
// the day, Beijing time.
func TestNetEaseDailyLimitStops(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageRcpt, Message: 2, Fault: smtptest.NetEaseDailyLimit()}))
	e, _ := plainEngine(t, srv, newMemStore())
	_, err := runAll(t, e, messages(t, 3))
	se := wantStop(t, err, ErrQuota)
	if se.Limit != (Limit{LimitDaily, ProviderNetEase}) || !se.ResumeAt.Equal(time.Date(2025, 3, 1, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("limit %+v, resumes %s", se.Limit, se.ResumeAt)
	}
}

// TestErrorSpike: five rows in a row refused with NetEase's "554 DT:SPM"
// (each reply with its own queue ID) stop the run instead of burning
// through the list; the rows after them are not sent.
func TestErrorSpike(t *testing.T) {
	spam := func(n int) smtptest.Rule {
		return smtptest.Rule{Stage: smtptest.StageDataEnd, Match: func(e smtptest.Event) bool { return e.Message >= 3 && e.Message%3 == n },
			Fault: smtptest.NetEaseSpam(n)}
	}
	t.Run("stops", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.WithRules(spam(0), spam(1), spam(2)))
		store := newMemStore()
		e, _ := plainEngine(t, srv, store)
		sum, err := runAll(t, e, messages(t, 20))
		se := wantStop(t, err, ErrErrorSpike)
		if sum.Sent != 2 || sum.Failed != 5 || se.Failures != 5 || se.Reply == "" {
			t.Fatalf("summary %+v, stop %+v", sum, se)
		}
		mails := 0
		for _, c := range srv.Conns() {
			mails += c.Commands["MAIL"]
		}
		if got := mails; got != 7 {
			t.Errorf("the server saw %d messages, want 7: the spike stops at the 5th refusal", got)
		}
		store.check(t)
	})
	t.Run("pauses, and Resume goes on", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageRcpt, Match: func(e smtptest.Event) bool { return e.Message >= 3 && e.Message <= 7 },
			Fault: smtptest.Reply(550, "5.1.1", "<someone@example.org>: Recipient address rejected: User unknown")}))
		store := newMemStore()
		paused := make(chan Progress, 1)
		var e *Engine
		e, _ = plainEngine(t, srv, store, WithErrorSpike(5, true), WithProgress(func(p Progress) {
			if p.Wait.Reason == WaitErrorSpike && p.Paused {
				select {
				case paused <- p:
				default:
				}
			}
		}))
		done := make(chan Summary)
		go func() {
			sum, err := runAll(t, e, messages(t, 10))
			if err != nil {
				t.Error(err)
			}
			done <- sum
		}()
		p := <-paused
		if p.Wait.Failures != 5 || p.Failed != 5 {
			t.Errorf("paused with %+v", p)
		}
		if n := srv.Count(); n != 2 {
			t.Errorf("%d accepted while paused, want 2", n)
		}
		e.Resume()
		if sum := <-done; sum.Sent != 5 || sum.Failed != 5 {
			t.Errorf("summary %+v", sum)
		}
	})
	t.Run("different replies are no spike", func(t *testing.T) {
		if replySignature(554, "554 DT:SPM 163 smtp9,DcCowAD3_4MQ2ZZmYX0rBw--.42017S2 1721093393,please see http://mail.163.com/help/help_spam_16.htm?ip=1") !=
			replySignature(554, "554 DT:SPM 163 smtp14,EsCowACXq0h7kZZm-4ViCA--.5303S2 1721093412,please see http://mail.163.com/help/help_spam_16.htm?ip=2") {
			t.Error("two DT:SPM replies differ")
		}
		if replySignature(550, "550 5.1.1 User unknown") == replySignature(550, "550 5.7.1 Message rejected as spam") {
			t.Error("different refusals look the same")
		}
	})
}

// TestRandomDelay: each message waits a random time between Min and Max
// after the one before it; the first goes at once.
func TestRandomDelay(t *testing.T) {
	srv := smtptest.Start(t)
	picks := []int64{0, 90, 45}
	var mu sync.Mutex
	random := func(n int64) int64 {
		mu.Lock()
		defer mu.Unlock()
		if n != int64(90*time.Second)+1 {
			t.Errorf("random range %d, want 90 s", n)
		}
		p := picks[0]
		picks = append(picks[1:], p)
		return p * int64(time.Second)
	}
	e, clk := plainEngine(t, srv, newMemStore(), WithDelay(Delay{Min: 30 * time.Second, Max: 120 * time.Second}), WithRandom(random), WithConcurrency(2))
	if _, err := runAll(t, e, messages(t, 4)); err != nil {
		t.Fatal(err)
	}
	if got, want := clk.slept(), []time.Duration{30 * time.Second, 120 * time.Second, 75 * time.Second}; !equalDurations(got, want) {
		t.Errorf("pauses %v, want %v", got, want)
	}
}

func TestParseDelayAndHours(t *testing.T) {
	for in, want := range map[string]Delay{"30-120": {30 * time.Second, 120 * time.Second}, "30s-2m": {30 * time.Second, 2 * time.Minute}, "45": {45 * time.Second, 45 * time.Second}, "0": {}} {
		if got, err := ParseDelay(in); err != nil || got != want {
			t.Errorf("ParseDelay(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "x", "120-30", "-5", "30-", "2d"} {
		if _, err := ParseDelay(in); err == nil {
			t.Errorf("ParseDelay(%q) accepted", in)
		}
	}
	for in, want := range map[string]string{"Mon-Fri 09:00-18:00": "Mon-Fri 09:00-18:00", "weekdays 9:00-17:30": "Mon-Fri 09:00-17:30",
		"09:00-18:00": "daily 09:00-18:00", "sat,sun 10:00-12:00": "Sat-Sun 10:00-12:00", "Fri-Mon 08:00-24:00": "Mon,Fri-Sun 08:00-24:00", "Monday,wed 8:00-9:00": "Mon,Wed 08:00-09:00"} {
		h, err := ParseHours(in)
		if err != nil || h.String() != want {
			t.Errorf("ParseHours(%q) = %q, %v; want %q", in, h, err, want)
		}
	}
	for _, in := range []string{"", "Mon-Fri", "Mon-Fri 18:00-09:00", "Xyz 09:00-10:00", "Mon 9-17", "Mon 09:00-25:00", "Mon 09:60-10:00"} {
		if _, err := ParseHours(in); err == nil {
			t.Errorf("ParseHours(%q) accepted", in)
		}
	}
}

func TestHoursNext(t *testing.T) {
	h, _ := ParseHours("Mon-Fri 09:00-18:00")
	h.Loc = time.UTC
	sat := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) // a Saturday
	mon9 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct{ at, want time.Time }{
		{sat, mon9},
		{mon9.Add(-time.Minute), mon9},
		{mon9, mon9},
		{mon9.Add(9*time.Hour - time.Nanosecond), mon9.Add(9*time.Hour - time.Nanosecond)},
		{mon9.Add(9 * time.Hour), mon9.Add(24 * time.Hour)},
		{time.Date(2025, 3, 7, 18, 30, 0, 0, time.UTC), time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)},
	} {
		if got := h.Next(c.at); !got.Equal(c.want) {
			t.Errorf("Next(%s) = %s, want %s", c.at, got, c.want)
		}
	}
	// Summer time: the wall clock decides, not 24-hour steps.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err == nil {
		h.Loc = berlin
		sat := time.Date(2025, 3, 29, 20, 0, 0, 0, berlin) // the night the clocks go forward
		if got, want := h.Next(sat), time.Date(2025, 3, 31, 9, 0, 0, 0, berlin); !got.Equal(want) {
			t.Errorf("across the change to summer time: %s, want %s", got, want)
		}
	}
}

// TestSchedule: outside the sending hours or before the start time the
// headless way stops with the time to come back, having sent nothing; the
// window's way waits, shows until when, and sends then.
func TestSchedule(t *testing.T) {
	hours, _ := ParseHours("Mon-Fri 09:00-18:00")
	hours.Loc = time.UTC
	mon9 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC) // the fake clock starts on Saturday 09:00
	t.Run("outside the hours, not waiting", func(t *testing.T) {
		srv := smtptest.Start(t)
		store := newMemStore()
		e, _ := plainEngine(t, srv, store, WithSchedule(Schedule{Hours: hours}))
		sum, err := runAll(t, e, messages(t, 3))
		se := wantStop(t, err, ErrOutsideHours)
		if !se.ResumeAt.Equal(mon9) || srv.Count() != 0 || len(store.results) != 0 || sum.Pending == 0 {
			t.Errorf("resume %s, sent %d, results %v, summary %+v", se.ResumeAt, srv.Count(), store.results, sum)
		}
	})
	t.Run("before the start time, not waiting", func(t *testing.T) {
		srv := smtptest.Start(t)
		start := time.Date(2025, 3, 1, 14, 30, 0, 0, time.UTC)
		e, _ := plainEngine(t, srv, newMemStore(), WithSchedule(Schedule{StartAt: start}))
		_, err := runAll(t, e, messages(t, 3))
		if se := wantStop(t, err, ErrScheduled); !se.ResumeAt.Equal(start) || srv.Count() != 0 {
			t.Errorf("resume %s, sent %d", se.ResumeAt, srv.Count())
		}
	})
	t.Run("waiting, the hours closing mid-run", func(t *testing.T) {
		srv := smtptest.Start(t)
		rec := newWaitRecorder(WaitHours)
		store := newMemStore()
		// Starts on Saturday: waits for Monday 09:00; a message every 4
		// hours: three on Monday (09:00, 13:00, 17:00), the 4th on Tuesday
		// at 09:00, not at 21:00.
		clk := &watchedClock{fakeClock: newFakeClock(), before: rec.first}
		e, err := New(store, WithServer(srv.Host(), srv.Port(), TLSNone), WithClock(clk), WithSchedule(Schedule{Hours: hours, Wait: true}),
			WithDelay(Delay{Min: 4 * time.Hour, Max: 4 * time.Hour}), WithProgress(rec.progress))
		if err != nil {
			t.Fatal(err)
		}
		if sum, err := runAll(t, e, messages(t, 4)); err != nil || sum.Sent != 4 {
			t.Fatalf("err %v, summary %+v", err, sum)
		}
		for i, want := range []time.Time{mon9, mon9.Add(4 * time.Hour), mon9.Add(8 * time.Hour), mon9.Add(24 * time.Hour)} {
			if r := store.result(t, fmt.Sprintf("row%03d", i+1)); !r.At.Equal(want) {
				t.Errorf("row %d sent at %s, want %s", i+1, r.At, want)
			}
		}
		if w, ok := rec.saw(WaitHours); !ok || !w.Until.Equal(mon9) {
			t.Errorf("progress showed %+v; want the wait for Monday 09:00", rec.seen())
		}
	})
}

// TestCancelDuringWaitsLeavesRowsPending: a run cancelled (or killed)
// while it waits for a throttle or for the sending hours holds no row in
// "sending": every row it did not send is pending, so the next run sends
// it exactly once and reports nothing as maybe delivered.
func TestCancelDuringWaitsLeavesRowsPending(t *testing.T) {
	// Only tomorrow: the run waits whenever the test runs.
	hours := Hours{From: 0, To: 24 * time.Hour}
	hours.Days[(time.Now().Weekday()+1)%7] = true
	for _, tc := range []struct {
		name   string
		reason WaitReason
		rules  []smtptest.Rule
		opts   []Option
	}{
		{"throttle", WaitThrottle, []smtptest.Rule{{Stage: smtptest.StageMail, Match: func(e smtptest.Event) bool { return e.Message >= 3 }, Fault: smtptest.QQFrequencyLimited()}},
			[]Option{WithThrottle(Throttle{First: time.Hour, Max: time.Hour, GiveUp: 10 * time.Hour})}},
		{"sending hours", WaitHours, nil, []Option{WithSchedule(Schedule{Hours: hours, Wait: true})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.WithRules(tc.rules...))
			store := newMemStore()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			opts := append([]Option{WithServer(srv.Host(), srv.Port(), TLSNone), WithConcurrency(2), WithProgress(func(p Progress) {
				if p.Wait.Reason == tc.reason {
					cancel()
				}
			})}, tc.opts...)
			e, err := New(store, opts...)
			if err != nil {
				t.Fatal(err)
			}
			msgs := messages(t, 6)
			sum, err := e.Run(ctx, NewSliceSource(msgs...))
			wantStop(t, err, ErrCanceled)
			store.mu.Lock()
			for key, st := range store.state {
				if st == "sending" {
					t.Errorf("%s left sending", key)
				}
			}
			store.mu.Unlock()
			if sum.Sent != srv.Count() || sum.Failed+sum.Unknown != 0 {
				t.Errorf("summary %+v, server %d", sum, srv.Count())
			}
		})
	}
}

// withdrawingSource takes back the messages to the rows in gone, or fails
// with err when asked about fail.
type withdrawingSource struct {
	*SliceSource
	gone map[string]bool
	fail string
	err  error
}

func (s *withdrawingSource) Withdraw(_ context.Context, m Message) (bool, error) {
	if m.Key == s.fail {
		return false, s.err
	}
	return s.gone[m.Key], nil
}

// TestWithdrawnMessagesAreNotSent: the source is asked after the wait
// before each message's first attempt; a withdrawn message is neither
// sent nor left pending by the engine (the source recorded its outcome),
// and a source that cannot answer stops the run with the row pending.
func TestWithdrawnMessagesAreNotSent(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	e, _ := plainEngine(t, srv, store, WithDelay(Delay{Min: 10 * time.Second, Max: 20 * time.Second}))
	src := &withdrawingSource{SliceSource: NewSliceSource(messages(t, 4)...), gone: map[string]bool{"row002": true}}
	sum, err := e.Run(context.Background(), src)
	if err != nil || sum.Sent != 3 || sum.Pending != 0 {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	if srv.CountTo("rcpt002@example.org") != 0 || srv.Count() != 3 {
		t.Errorf("withdrawn row delivered %d times; %d in all", srv.CountTo("rcpt002@example.org"), srv.Count())
	}

	srv2 := smtptest.Start(t)
	store2 := newMemStore()
	e2, _ := plainEngine(t, srv2, store2)
	broken := &withdrawingSource{SliceSource: NewSliceSource(messages(t, 3)...), fail: "row002", err: errors.New("list unreadable")}
	sum, err = e2.Run(context.Background(), broken)
	wantStop(t, err, ErrSource)
	// row002 is left pending (the third was never taken from the source).
	if sum.Sent != 1 || sum.Pending != 1 || srv2.Count() != 1 {
		t.Errorf("after the source failed: %+v, server %d", sum, srv2.Count())
	}
	store.check(t)
	store2.check(t)
}
