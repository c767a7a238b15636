package campaign

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/app/reason"
	"mailroom/sender"
	"mailroom/sender/smtptest"
)

// pacedCampaign writes a campaign of n rows sending through srv.
func pacedCampaign(t *testing.T, srv *smtptest.Server, n int, edit func(*Campaign)) (*Plan, Env, string) {
	t.Helper()
	dir := t.TempDir()
	var list strings.Builder
	list.WriteString("Name,Email\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&list, "客户%d,r%02d@example.com\n", i, i)
	}
	write(t, dir, "list.csv", list.String())
	write(t, dir, "body.txt", "您好 {{Name}}\n")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "通知 {{Name}}", Body: filepath.Join(dir, "body.txt"),
		From: "Shop <shop@example.com>", SMTP: "smtp+plain://" + srv.Addr(), Journal: filepath.Join(dir, "j.db")}
	if edit != nil {
		edit(c)
	}
	env := Env{DataDir: dir}
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	return plan, env, c.Journal
}

// holdLog keeps the words of every wait the progress showed.
type holdLog struct {
	mu    sync.Mutex
	holds []Hold
}

func (l *holdLog) progress(p sender.Progress) {
	h, ok := WaitHold(p.Wait, time.Now())
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := len(l.holds); n == 0 || l.holds[n-1].Until != h.Until {
		l.holds = append(l.holds, h)
	}
}

// TestQQFrequencyLimitPausesTheCampaign is issue 13's reproduction end to
// end: QQ's "550 Connection frequency limited" pauses the campaign, which
// goes on by itself; no row fails, every row is sent once, and the pause
// is explained with QQ's meaning in the user's language.
func TestQQFrequencyLimitPausesTheCampaign(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithoutBodies(), smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail, Times: 2,
		Match: func(e smtptest.Event) bool { return e.Message >= 4 }, Fault: smtptest.QQFrequencyLimited()}))
	plan, env, path := pacedCampaign(t, srv, 10, nil)
	log := &holdLog{}
	// Short throttle waits so the test does not take minutes; retries 0:
	// a throttle is never charged to a row.
	out, err := plan.Send(context.Background(), env, SendOptions{Progress: log.progress, Engine: []sender.Option{
		sender.WithThrottle(sender.Throttle{First: time.Millisecond, Max: 2 * time.Millisecond, GiveUp: time.Minute}),
		sender.WithRetries(0, sender.Backoff{}),
	}})
	if err != nil || out.Stopped != nil || out.Hold != nil {
		t.Fatalf("err %v, stopped %v, hold %+v", err, out.Stopped, out.Hold)
	}
	if out.Sent != 10 || out.Failed != 0 || out.Pending != 0 {
		t.Fatalf("counts %+v", out.Counts)
	}
	for i := 1; i <= 10; i++ {
		if n := srv.CountTo(fmt.Sprintf("r%02d@example.com", i)); n != 1 {
			t.Errorf("row %d delivered %d times", i, n)
		}
	}
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if rows, _ := j.Rows(1, journal.StateFailed, journal.StatePending, journal.StateSending, journal.StateUnknown); len(rows) != 0 {
		t.Errorf("rows not sent: %+v", rows)
	}
	seen := false
	for _, h := range log.holds {
		if h.Kind == HoldThrottle && h.Waiting && strings.Contains(h.Text.In(msg.SimplifiedChinese), "QQ 邮箱限制账户的发信频率") && strings.Contains(h.Reply, "frequency limited") {
			seen = true
		}
	}
	if !seen {
		t.Errorf("the pause was not explained with QQ's meaning: %+v", log.holds)
	}
}

// TestGmailDailyLimitStopsUntilItResets: 5.4.5 stops the campaign with the
// time it resets, 24 hours after the first message of the rolling window
// as the journal recorded it; a rerun before then sends nothing and says
// why again.
func TestGmailDailyLimitStopsUntilItResets(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithoutBodies(), smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail,
		Match: func(e smtptest.Event) bool { return e.Message >= 4 }, Fault: smtptest.GmailDailyLimit()}))
	plan, env, path := pacedCampaign(t, srv, 6, nil)
	out, err := plan.Send(context.Background(), env, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(out.Stopped, sender.ErrQuota) || out.Hold == nil || out.Hold.Kind != HoldQuota || out.Sent != 3 || out.Pending != 3 || out.Failed != 0 {
		t.Fatalf("stopped %v, hold %+v, counts %+v", out.Stopped, out.Hold, out.Counts)
	}
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sent, _ := j.Rows(1, journal.StateSent)
	j.Close()
	first := sent[0].SentAt
	for _, r := range sent {
		if r.SentAt.Before(first) {
			first = r.SentAt
		}
	}
	want := first.Add(24 * time.Hour)
	if out.ResumesAt.Before(want) || out.ResumesAt.After(want.Add(2*time.Minute)) {
		t.Errorf("resumes at %s, want 24 hours after the first send (%s)", out.ResumesAt, first)
	}
	zh := out.Hold.Text.In(msg.SimplifiedChinese)
	if !strings.Contains(zh, "Gmail 的每日发送上限") || strings.Contains(zh, "sender:") || !strings.Contains(out.Hold.Reply, "5.4.5") {
		t.Errorf("the stop reads %q (reply %q)", zh, out.Hold.Reply)
	}

	again, err := plan.Send(context.Background(), env, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Hold == nil || again.Hold.Kind != HoldQuota || !again.ResumesAt.Equal(out.ResumesAt) || !strings.Contains(again.Hold.Text.String(), "Gmail") || srv.Count() != 3 {
		t.Errorf("rerun: hold %+v, resumes %s, server accepted %d", again.Hold, again.ResumesAt, srv.Count())
	}
}

// TestMicrosoftConnectionLimitCampaign: four connections to a server that
// takes three: every row sent once, none failed.
func TestMicrosoftConnectionLimitCampaign(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithoutBodies(), smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail,
		Match: func(e smtptest.Event) bool { return e.Conn == 4 }, Fault: smtptest.MicrosoftConcurrentConnections()}))
	plan, env, _ := pacedCampaign(t, srv, 12, func(c *Campaign) { c.Concurrency = 4 })
	out, err := plan.Send(context.Background(), env, SendOptions{})
	if err != nil || out.Stopped != nil || out.Sent != 12 || srv.Count() != 12 {
		t.Fatalf("err %v, stopped %v, counts %+v, accepted %d", err, out.Stopped, out.Counts, srv.Count())
	}
}

// TestScheduleStopsOrWaits: before the start time, or outside the
// sending hours, the command line's way stops at once with the time to
// come back and nothing sent; no journal pause is kept (the user may
// change the hours). The window's way waits.
func TestScheduleStopsOrWaits(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithoutBodies())
	tomorrow := time.Now().Add(24 * time.Hour)
	start := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 9, 0, 0, 0, time.Local)
	plan, env, _ := pacedCampaign(t, srv, 3, func(c *Campaign) { c.StartAt = start.Format(StartFormat) })
	for range 2 {
		out, err := plan.Send(context.Background(), env, SendOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(out.Stopped, sender.ErrScheduled) || out.Hold == nil || out.Hold.Kind != HoldStart || !out.ResumesAt.Equal(start) || out.Pending != 3 || srv.Count() != 0 {
			t.Fatalf("stopped %v, hold %+v, resumes %s, counts %+v", out.Stopped, out.Hold, out.ResumesAt, out.Counts)
		}
	}
	if next, err := plan.NextStart(time.Now()); err != nil || !next.Equal(start) {
		t.Errorf("NextStart %s, %v; want %s", next, err, start)
	}

	// Sending hours that are over for today: the window waits for them
	// (cancelled here once it shows the wait), the command line stops.
	day := time.Now().Weekday()
	other := sender.Hours{}
	other.Days[(day+1)%7] = true
	hours := strings.Fields(other.String())[0] + " 00:00-24:00"
	plan2, env2, _ := pacedCampaign(t, srv, 2, func(c *Campaign) { c.Hours = hours })
	out, err := plan2.Send(context.Background(), env2, SendOptions{})
	if err != nil || !errors.Is(out.Stopped, sender.ErrOutsideHours) || out.Hold.Kind != HoldHours || srv.Count() != 0 {
		t.Fatalf("outside hours: err %v, stopped %v, hold %+v", err, out.Stopped, out.Hold)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waiting := make(chan sender.Wait, 1)
	out, err = plan2.Send(ctx, env2, SendOptions{WaitForHours: true, Progress: func(p sender.Progress) {
		if p.Wait.Reason == sender.WaitHours {
			select {
			case waiting <- p.Wait:
				cancel()
			default:
			}
		}
	}})
	if err != nil || !errors.Is(out.Stopped, sender.ErrCanceled) || srv.Count() != 0 || out.Pending != 2 {
		t.Fatalf("waiting: err %v, stopped %v, counts %+v", err, out.Stopped, out.Counts)
	}
	if w := <-waiting; w.Until.Weekday() != (day+1)%7 || w.Until.Hour() != 0 {
		t.Errorf("waited until %s", w.Until)
	}
}

// TestErrorSpikeStopsTheCampaign: NetEase's "554 DT:SPM" five times in a
// row stops the run with what it means and what to change; the rest stay
// pending, not failed.
func TestErrorSpikeStopsTheCampaign(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithoutBodies(), smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageDataEnd, Fault: smtptest.NetEaseSpam(0)}))
	plan, env, _ := pacedCampaign(t, srv, 9, nil)
	out, err := plan.Send(context.Background(), env, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(out.Stopped, sender.ErrErrorSpike) || out.Failed != 5 || out.Pending != 4 {
		t.Fatalf("stopped %v, counts %+v", out.Stopped, out.Counts)
	}
	h := out.Hold
	if h == nil || h.Kind != HoldSpike || h.Advice.Key != reason.Spam.Advice().Key || !strings.Contains(h.Text.In(msg.SimplifiedChinese), "网易邮箱（163/126）判定内容为垃圾邮件") {
		t.Errorf("hold %+v", h)
	}
}

func TestPacingFieldsArePreflightProblems(t *testing.T) {
	srv := smtptest.Start(t)
	dir := t.TempDir()
	write(t, dir, "list.csv", "Email\na@example.com\n")
	write(t, dir, "body.txt", "Hi\n")
	bad := -1
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Body: filepath.Join(dir, "body.txt"), From: "me@example.com",
		SMTP: "smtp+plain://" + srv.Addr(), StartAt: "tomorrow 9", Hours: "Mon-Fri 18:00-09:00", Delay: "2-1", ErrorSpike: &bad}
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, p := range plan.Problems.Blocking() {
		codes[p.Code] = true
		if p.Text == nil || !strings.Contains(p.Text.In(msg.SimplifiedChinese), "无法识别") {
			t.Errorf("%s has no words for the window: %+v", p.Code, p)
		}
	}
	for _, want := range []string{"bad-start-at", "bad-hours", "bad-delay", "bad-error-spike"} {
		if !codes[want] {
			t.Errorf("no %s problem: %v", want, plan.Problems)
		}
	}
}

func TestHoursFormRoundTrip(t *testing.T) {
	f, ok := SplitHours("Mon-Fri 08:30-17:00")
	if !ok || f.From != "08:30" || f.To != "17:00" || !f.Days[time.Monday] || f.Days[time.Saturday] {
		t.Fatalf("%+v %v", f, ok)
	}
	f.Days[time.Saturday] = true
	if s, err := f.String(); err != nil || s != "Mon-Sat 08:30-17:00" {
		t.Errorf("%q %v", s, err)
	}
	if _, err := (HoursForm{From: "09:00", To: "18:00"}).String(); err == nil {
		t.Error("no day accepted")
	}
	f.To = "07:00"
	if _, err := f.String(); err == nil {
		t.Error("the end before the start accepted")
	}
}
