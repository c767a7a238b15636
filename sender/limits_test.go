package sender

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"mailroom/sender/smtptest"
)

func TestParseRate(t *testing.T) {
	good := map[string]Rate{
		"20/min": {N: 20, Per: time.Minute}, "5/s": {N: 5, Per: time.Second},
		" 100 / h ": {N: 100, Per: time.Hour}, "3/sec": {N: 3, Per: time.Second},
		// As Chinese users type it (issue 11).
		"30/分钟": {N: 30, Per: time.Minute}, "30／分钟": {N: 30, Per: time.Minute}, "2/秒": {N: 2, Per: time.Second},
		"500/小时": {N: 500, Per: time.Hour}, "30封/分钟": {N: 30, Per: time.Minute}, "10 / 分": {N: 10, Per: time.Minute},
	}
	for in, want := range good {
		got, err := ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "20", "0/min", "-1/s", "x/min", "20/day", "20/", "30/天", "封/分钟"} {
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
	t.Run("421 4.7.0 on a fresh connection cools down and continues", func(t *testing.T) {
		// The second connection's first MAIL (message 2 is the first on
		// it: the first connection takes one message).
		srv := smtptest.Start(t, smtptest.WithRules(
			smtptest.PerConnectionLimit(1),
			smtptest.Rule{Stage: smtptest.StageMail, Times: 1, Match: func(e smtptest.Event) bool { return e.Conn == 2 },
				Fault: smtptest.ReplyAndClose(421, "4.7.0", "Try again later, closing connection")}))
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
	t.Run("a lasting 451 4.7.1 rate limit pauses with growing waits, then stops with the next try's time", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageRcpt, Match: func(e smtptest.Event) bool { return e.Message > 1 },
			Fault: smtptest.Reply(451, "4.7.1", "rate limited, try later")}))
		store := newMemStore()
		// Retries do not bound throttles: Throttle.GiveUp does.
		e, clk := plainEngine(t, srv, store, WithRetries(0, Backoff{}))
		sum, err := runAll(t, e, messages(t, 5))
		se := wantStop(t, err, ErrThrottled)
		if sum.Sent != 1 || sum.Failed != 0 || sum.Pending != 1 {
			t.Fatalf("summary %+v: rows must stay pending, not fail", sum)
		}
		want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 30 * time.Minute, 30 * time.Minute}
		if got := clk.slept(); !equalDurations(got, naps(want)) {
			t.Errorf("waits %v, want %v in naps of at most %s", got, want, maxNap)
		}
		// The 8th throttle would end 121 minutes after the first: past the
		// two hours the run waits for.
		if next := clk.Now().Add(30 * time.Minute); !se.ResumeAt.Equal(next) || se.Limit != (Limit{LimitRate, ProviderUnknown}) {
			t.Errorf("ResumeAt %s, limit %+v; want %s, a rate limit", se.ResumeAt, se.Limit, next)
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

// naps splits waits as sleepUntil does: at most maxNap at a time.
func naps(waits []time.Duration) []time.Duration {
	var out []time.Duration
	for _, w := range waits {
		for ; w > maxNap; w -= maxNap {
			out = append(out, maxNap)
		}
		out = append(out, w)
	}
	return out
}

// TestClassifyPacing is the policy table of docs/sender.md ("Server
// limits"): what a reply means for the run, given how many messages the
// connection had accepted before it.
func TestClassifyPacing(t *testing.T) {
	daily := func(p Provider) Limit { return Limit{LimitDaily, p} }
	rate := func(p Provider) Limit { return Limit{LimitRate, p} }
	conns := func(p Provider) Limit { return Limit{LimitConnections, p} }
	for _, c := range []struct {
		code     int
		msg      string
		accepted int
		want     pacing
		limit    Limit
	}{
		// Quotas: the account's daily limit.
		{550, "5.4.5 Daily user sending quota exceeded", 3, pacingQuota, daily(ProviderUnknown)},
		{550, "5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to\n5.4.5  https://support.google.com/a/answer/166852 d2e1a72fcca58-7 - gsmtp", 3, pacingQuota, daily(ProviderGmail)},
		{550, "5.4.5 Daily SMTP relay sending limit exceeded for customer - gsmtp", 0, pacingQuota, daily(ProviderGmail)},
		{554, "5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message", 0, pacingQuota, daily(ProviderMicrosoft)},
		{554, "5.5.0 MI:STC 163 smtp14,EsCowACXq0h7kZZm,1721093499", 0, pacingQuota, daily(ProviderNetEase)},
		{550, "RP:TRC 126 smtp2,wKjRfABnWhC5kZZm", 0, pacingQuota, daily(ProviderNetEase)},
		// Throttles: short-term limits, also when the code is 5xx.
		{550, "Connection frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000722", 0, pacingThrottle, rate(ProviderQQ)},
		{550, "Ip frequency limited", 4, pacingThrottle, rate(ProviderQQ)},
		{421, "HL:IFC 163 smtp14,EsCowACXq0h7kZZm", 0, pacingThrottle, rate(ProviderNetEase)},
		{451, "MI:SFQ 163 smtp14,EsCowACXq0h7kZZm", 2, pacingThrottle, rate(ProviderNetEase)},
		{421, "HL:ICC 163 smtp14,EsCowACXq0h7kZZm", 0, pacingThrottle, conns(ProviderNetEase)},
		{421, "Too many concurrent SMTP connections from this IP address; please try again later.", 0, pacingThrottle, conns(ProviderUnknown)},
		{432, "4.3.2 Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending for more information.", 0, pacingThrottle, conns(ProviderMicrosoft)},
		{432, "4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded", 2, pacingThrottle, conns(ProviderMicrosoft)},
		{454, "4.7.0 Too many login attempts, please try again later. - gsmtp", 0, pacingThrottle, rate(ProviderGmail)},
		// NetEase's per-connection limit.
		{450, "MI:DMC 163 smtp14,EsCowACXq0h7kZZm", 40, pacingReconnect, Limit{}},
		// The recipient's quota is the row's business.
		{552, "5.2.2 Mailbox full, quota exceeded", 0, pacingNone, Limit{}},
		{452, "4.2.2 The email account that you tried to reach is over quota", 0, pacingNone, Limit{}},
		{452, "Mailbox over quota", 0, pacingNone, Limit{}},
		// 421 after accepted messages: a per-connection limit, whatever
		// the wording, unless it speaks of rate or quota.
		{421, "4.7.0 Too many messages on this connection, closing transmission channel", 40, pacingReconnect, Limit{}},
		{421, "4.7.0 Try again later, closing connection", 12, pacingReconnect, Limit{}},
		{421, "4.3.2 Service shutting down", 5, pacingReconnect, Limit{}},
		{421, "4.4.2 Message submission rate for this client has exceeded the configured limit", 30, pacingThrottle, rate(ProviderUnknown)},
		// 421 before the connection's first accepted message.
		{421, "4.7.0 Try again later, closing connection. - gsmtp", 0, pacingThrottle, rate(ProviderGmail)},
		{421, "4.7.0 Too many messages on this connection, closing transmission channel", 0, pacingThrottle, rate(ProviderUnknown)},
		{421, "4.3.2 Service shutting down", 0, pacingUnavailable, Limit{}},
		{421, "Service not available", 0, pacingUnavailable, Limit{}},
		// Other 4xx: rate words decide; otherwise the row retries.
		{451, "4.7.1 rate limited, try later", 7, pacingThrottle, rate(ProviderUnknown)},
		{450, "4.7.1 Error: too much mail from 192.0.2.1", 7, pacingThrottle, rate(ProviderUnknown)},
		{451, "4.3.0 Temporary failure", 0, pacingNone, Limit{}},
		{450, "4.7.1 Client host rejected: greylisted", 0, pacingNone, Limit{}},
		{451, "4.3.0 Failed to generate the message", 0, pacingNone, Limit{}},
		// Row failures.
		{550, "5.1.1 User unknown", 0, pacingNone, Limit{}},
		{554, "DT:SPM 163 smtp9,DcCowAD3_4MQ2ZZmYX0rBw--.42017S2 1721093393", 0, pacingNone, Limit{}},
		{550, "Mail content denied. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000726", 0, pacingNone, Limit{}},
		{552, "5.3.4 Message size limit exceeded", 0, pacingNone, Limit{}},
		{535, "5.7.8 Authentication credentials invalid", 0, pacingNone, Limit{}},
	} {
		got, lim := classifyPacing(c.code, c.msg, c.accepted)
		if got != c.want || lim != c.limit {
			t.Errorf("%d %s after %d accepted: %v %+v, want %v %+v", c.code, c.msg, c.accepted, got, lim, c.want, c.limit)
		}
	}
}

// TestPerConnectionLimitIsNotARateLimit: a server that closes every
// connection after three messages (421 4.7.0 "Too many messages on this
// connection") gets a new connection at once each time: no cool-down,
// no attempt charged, every row sent once (issue 9, part 2).
func TestPerConnectionLimitIsNotARateLimit(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(smtptest.PerConnectionLimit(3)))
	store := newMemStore()
	e, clk := plainEngine(t, srv, store, WithRetries(3, Backoff{Initial: time.Minute, Max: time.Hour}))
	sum, err := runAll(t, e, messages(t, 10))
	if err != nil || sum.Sent != 10 || srv.Count() != 10 {
		t.Fatalf("err %v, summary %+v, server accepted %d", err, sum, srv.Count())
	}
	if got := clk.slept(); len(got) != 0 {
		t.Errorf("the run waited %v after a per-connection limit; want no wait", got)
	}
	for i := 1; i <= 10; i++ {
		if r := store.result(t, fmt.Sprintf("row%03d", i)); r.Attempts != 1 {
			t.Errorf("row %d: %d attempts, want 1 (a closed connection is not the row's fault)", i, r.Attempts)
		}
	}
	if n := len(srv.Conns()); n != 4 {
		t.Errorf("%d connections, want 4 (3+3+3+1 messages)", n)
	}
	store.check(t)
}

// TestThrottleShowsOnAFreshConnection: the same 421 on a new connection
// before its first message is a throttle: the run cools down, longer each
// time, and stops with ErrThrottled once it has waited for longer than
// Throttle.GiveUp.
func TestThrottleShowsOnAFreshConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(
		smtptest.PerConnectionLimit(2),
		smtptest.Rule{Stage: smtptest.StageMail, Match: func(e smtptest.Event) bool { return e.Conn > 1 && e.ConnAccepted == 0 },
			Fault: smtptest.ReplyAndClose(421, "4.7.0", "Too many messages on this connection, closing transmission channel")}))
	store := newMemStore()
	e, clk := plainEngine(t, srv, store, WithThrottle(Throttle{First: time.Minute, Max: time.Hour, GiveUp: 10 * time.Minute}))
	sum, err := runAll(t, e, messages(t, 6))
	wantStop(t, err, ErrThrottled)
	if sum.Sent != 2 || srv.Count() != 2 {
		t.Fatalf("summary %+v, server accepted %d; want the first connection's 2", sum, srv.Count())
	}
	if got := clk.slept(); !equalDurations(got, []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute}) {
		t.Errorf("cool-downs %v, want [1m 2m 4m] (then 8m would end past the 10 minutes)", got)
	}
	if r := store.result(t, "row003"); r.Outcome != OutcomeNotAttempted || r.Attempts != 0 {
		t.Errorf("row 3: %s after %d attempts, want pending and never charged", r.Outcome, r.Attempts)
	}
	store.check(t)
}

// TestUnavailableFreshConnectionStopsAsUnreachable: a 421 that is not
// about rate, on every new connection, is a server not taking mail: cool
// down as for a refused connection, then stop with ErrUnreachable.
func TestUnavailableFreshConnectionStopsAsUnreachable(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail,
		Fault: smtptest.ReplyAndClose(421, "4.3.2", "Service shutting down")}))
	store := newMemStore()
	e, clk := plainEngine(t, srv, store, WithRetries(2, Backoff{Initial: time.Minute, Max: time.Hour}))
	sum, err := runAll(t, e, messages(t, 3))
	se := wantStop(t, err, ErrUnreachable)
	if se.Reply != "421 4.3.2 Service shutting down" {
		t.Errorf("reply %q", se.Reply)
	}
	if sum.Sent != 0 || srv.Count() != 0 {
		t.Fatalf("summary %+v", sum)
	}
	if got := clk.slept(); !equalDurations(got, []time.Duration{time.Minute, 2 * time.Minute}) {
		t.Errorf("cool-downs %v, want [1m 2m]", got)
	}
	store.check(t)
}

// Every sentinel has a code, and a stop names its reason, so app/campaign
// can word each one for people.
func TestEveryErrorHasACode(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range errorCodes {
		if seen[c.code] || c.code == "" {
			t.Errorf("code %q twice or empty", c.code)
		}
		seen[c.code] = true
		if got := Code(fmt.Errorf("wrapped: %w", c.err)); got != c.code {
			t.Errorf("Code(%v) = %q, want %q", c.err, got, c.code)
		}
	}
	if got := Code(&StopError{Reason: ErrDailyCap}); got != "daily-cap" {
		t.Errorf("a daily-cap stop is %q", got)
	}
	if got := Code(errors.New("other")); got != "" {
		t.Errorf("another error has code %q", got)
	}
}
