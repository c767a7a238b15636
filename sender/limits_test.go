package sender

import (
	"errors"
	"testing"
	"time"

	"mailroom/sender/smtptest"
)

func TestParseRate(t *testing.T) {
	good := map[string]Rate{
		"20/min": {N: 20, Per: time.Minute}, "5/s": {N: 5, Per: time.Second},
		" 100 / h ": {N: 100, Per: time.Hour}, "3/sec": {N: 3, Per: time.Second},
	}
	for in, want := range good {
		got, err := ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "20", "0/min", "-1/s", "x/min", "20/day", "20/"} {
		if _, err := ParseRate(in); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("ParseRate(%q) accepted", in)
		}
	}
}

func TestBucketSpacing(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBucket(Rate{N: 20, Per: time.Minute, Burst: 1})
	// 20/min is one message every 3 s; all asked for at the same instant.
	for i, want := range []time.Duration{0, 3 * time.Second, 6 * time.Second, 9 * time.Second} {
		if got := b.reserve(t0); got != want {
			t.Errorf("reservation %d waits %s, want %s", i, got, want)
		}
	}
	// After a long idle period the bucket does not bank more than its burst.
	later := t0.Add(time.Hour)
	if got := b.reserve(later); got != 0 {
		t.Errorf("after idling: %s", got)
	}
	if got := b.reserve(later); got != 3*time.Second {
		t.Errorf("second after idling: %s", got)
	}

	burst := newBucket(Rate{N: 10, Per: time.Second, Burst: 3})
	for i, want := range []time.Duration{0, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond} {
		if got := burst.reserve(t0); got != want {
			t.Errorf("burst reservation %d waits %s, want %s", i, got, want)
		}
	}
}

func TestEngineHonoursRate(t *testing.T) {
	srv := smtptest.Start(t)
	e, clk := plainEngine(t, srv, newMemStore(), WithRate(Rate{N: 30, Per: time.Minute}), WithConcurrency(3))
	if _, err := runAll(t, e, messages(t, 5)); err != nil {
		t.Fatal(err)
	}
	// Five messages at 2 s spacing: the last starts 8 s after the first,
	// whichever worker sends it.
	if srv.Count() != 5 || clk.Now().Sub(newFakeClock().Now()) != 8*time.Second {
		t.Errorf("sent %d, fake time advanced %s (sleeps %v)", srv.Count(), clk.Now().Sub(newFakeClock().Now()), clk.slept())
	}
}

// TestRateCarriesAcrossARestart: a run started right after an earlier one
// sent (per the Store) keeps the pace instead of sending at once.
func TestRateCarriesAcrossARestart(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lastSent  time.Duration // before now
		wantFirst time.Duration // fake time before the first message
	}{
		{"sent 10 s ago at 2/min", 10 * time.Second, 30 * time.Second},
		{"sent 5 min ago", 5 * time.Minute, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			store := newMemStore()
			e, clk := plainEngine(t, srv, store, WithRate(Rate{N: 2, Per: time.Minute}))
			store.sentAt = append(store.sentAt, clk.Now().Add(-tc.lastSent))
			start := clk.Now()
			if _, err := runAll(t, e, messages(t, 1)); err != nil {
				t.Fatal(err)
			}
			if got := clk.Now().Sub(start); got != tc.wantFirst || srv.Count() != 1 {
				t.Errorf("first message after %s (sent %d), want %s", got, srv.Count(), tc.wantFirst)
			}
		})
	}
}

func TestDailyCapCountsEarlierRuns(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	clk := newFakeClock()
	now := clk.Now()
	// Eight messages sent by earlier runs in the last 24 hours, the
	// oldest 20 hours ago.
	for i := range 8 {
		store.sentAt = append(store.sentAt, now.Add(-20*time.Hour+time.Duration(i)*time.Hour))
	}
	store.sentAt = append(store.sentAt, now.Add(-30*time.Hour)) // outside the window
	e, err := New(store, WithServer(srv.Host(), srv.Port(), TLSNone), WithClock(clk), WithDailyCap(10))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := runAll(t, e, messages(t, 5))
	se := wantStop(t, err, ErrDailyCap)
	if !errors.Is(err, ErrQuota) {
		t.Error("a daily-cap stop does not match ErrQuota")
	}
	if sum.Sent != 2 || srv.Count() != 2 || sum.Pending != 1 {
		t.Fatalf("summary %+v, server %d", sum, srv.Count())
	}
	// Room for one more message appears when the oldest send leaves the
	// window: 20 hours ago + 24 hours, to the minute.
	want := now.Add(4 * time.Hour)
	if se.ResumeAt.Before(want) || se.ResumeAt.After(want.Add(2*time.Minute)) {
		t.Errorf("ResumeAt %s, want about %s", se.ResumeAt, want)
	}
}

func TestQuotaReplies(t *testing.T) {
	t.Run("421 4.7.0 cools down and continues", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail, Message: 2,
			Fault: smtptest.ReplyAndClose(421, "4.7.0", "Too many messages, slow down")}))
		store := newMemStore()
		e, clk := plainEngine(t, srv, store, WithRetries(3, Backoff{Initial: time.Minute, Max: time.Hour}))
		sum, err := runAll(t, e, messages(t, 4))
		if err != nil || sum.Sent != 4 || srv.Count() != 4 {
			t.Fatalf("err %v, summary %+v", err, sum)
		}
		if r := store.result(t, "row002"); r.Attempts != 1 {
			t.Errorf("the quota reply was charged to the row: %d attempts", r.Attempts)
		}
		if got := clk.slept(); !equalDurations(got, []time.Duration{time.Minute}) {
			t.Errorf("cool-down sleeps %v, want [1m]", got)
		}
	})
	t.Run("persistent 451 4.7.1 rate limit stops the run", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageRcpt, Match: func(e smtptest.Event) bool { return e.Message > 1 },
			Fault: smtptest.Reply(451, "4.7.1", "rate limited, try later")}))
		store := newMemStore()
		e, _ := plainEngine(t, srv, store, WithRetries(2, Backoff{Initial: time.Minute, Max: time.Hour}))
		sum, err := runAll(t, e, messages(t, 5))
		wantStop(t, err, ErrQuota)
		if sum.Sent != 1 || sum.Failed != 0 || sum.Pending != 1 {
			t.Fatalf("summary %+v: rows must stay pending, not fail", sum)
		}
		store.check(t)
	})
	t.Run("550 5.4.5 stops the run at once", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageDataEnd, Message: 3,
			Fault: smtptest.Reply(550, "5.4.5", "Daily user sending quota exceeded")}))
		store := newMemStore()
		e, _ := plainEngine(t, srv, store)
		sum, err := runAll(t, e, messages(t, 6))
		se := wantStop(t, err, ErrQuota)
		if se.Reply != "550 5.4.5 Daily user sending quota exceeded" {
			t.Errorf("reply %q", se.Reply)
		}
		if sum.Sent != 2 || sum.Failed != 0 || sum.Pending != 1 || srv.Count() != 2 {
			t.Fatalf("summary %+v", sum)
		}
		if r := store.result(t, "row003"); r.Outcome != OutcomeNotAttempted {
			t.Errorf("row 3 is %s, want pending", r.Outcome)
		}
	})
}

func TestIsQuotaReply(t *testing.T) {
	for _, c := range []struct {
		code int
		msg  string
		want bool
	}{
		{550, "5.4.5 Daily user sending quota exceeded", true},
		{421, "4.7.0 Try again later, closing connection", true},
		{451, "4.7.1 rate limited", true},
		{550, "Connection frequency limited", true},
		{552, "5.2.2 Mailbox full, quota exceeded", false},
		{452, "4.2.2 The email account that you tried to reach is over quota", false},
		{550, "5.1.1 User unknown", false},
		{451, "4.3.0 Temporary failure", false},
		{450, "4.7.1 Client host rejected: greylisted", false},
	} {
		if got := isQuotaReply(c.code, c.msg); got != c.want {
			t.Errorf("%d %s: %v, want %v", c.code, c.msg, got, c.want)
		}
	}
}
