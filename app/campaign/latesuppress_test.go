package campaign

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/app/recipients"
	"mailroom/sender"
	"mailroom/sender/smtptest"
)

// lateList is a four-row campaign sent one message at a time through srv
// by a server rule that, while the first message is being sent, calls
// during (once).
func lateList(t *testing.T, during func()) (*smtptest.Server, *Campaign, Env) {
	t.Helper()
	var once sync.Once
	srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageRcpt,
		Match: func(e smtptest.Event) bool {
			if strings.EqualFold(e.Recipient, "ann@a.example") {
				once.Do(during)
			}
			return false
		}, Fault: smtptest.Reply(451, "4.3.0", "never injected")}), smtptest.WithoutBodies())
	dir := t.TempDir()
	write(t, dir, "list.csv", "Name,Email\nAnn,ann@a.example\nBob,bob@b.example\nCarol,carol@c.example\nDave,dave@d.example\n")
	write(t, dir, "body.txt", "Hello {{Name}}\n")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Notice", Body: filepath.Join(dir, "body.txt"),
		From: "Shop <shop@example.com>", SMTP: "smtp+plain://" + srv.Addr(), Concurrency: 1, Journal: filepath.Join(dir, "j.db")}
	return srv, c, Env{DataDir: dir}
}

// TestAddressSuppressedDuringTheSendIsNotMailed: the preflight read the
// do-not-send list before anyone on it was in the campaign; while the
// first message goes out, a mailbox check (or the dialog, or another
// process) puts Bob's whole domain and Dave's address on it. The run
// looks at the list again before each message: Bob and Dave are skipped
// with the reason, the others are sent, and the next run sends nobody.
func TestAddressSuppressedDuringTheSendIsNotMailed(t *testing.T) {
	var env Env
	var addErr error
	srv, c, e := lateList(t, func() {
		addErr = recipients.UpdateSuppressionList(context.Background(), filepath.Join(env.DataDir, SuppressionFileName),
			func(l *recipients.SuppressionList) error {
				if err := l.Add("@b.example", "bounced"); err != nil {
					return err
				}
				return l.Add("dave@d.example", "unsubscribed")
			})
	})
	env = e
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	// The window's log hears of every row, the late skips included.
	logged := map[string]RowEvent{}
	out, err := plan.Send(context.Background(), env, SendOptions{Row: func(e RowEvent) { logged[e.Address] = e }})
	if err != nil || addErr != nil {
		t.Fatal(err, addErr)
	}
	for _, addr := range []string{"bob@b.example", "dave@d.example"} {
		if e := logged[addr]; e.State != journal.StateSkipped || e.Reason().In(msg.SimplifiedChinese) != "发送期间被加入禁发名单" || e.Row == 0 {
			t.Errorf("the log says of %s: %+v", addr, e)
		}
	}
	if e := logged["ann@a.example"]; e.State != journal.StateSent {
		t.Errorf("the log says of ann: %+v", e)
	}
	if out.Sent != 2 || out.Skipped != 2 || out.Stopped != nil {
		t.Errorf("outcome %+v, stopped %v: want 2 sent, 2 skipped", out.Counts, out.Stopped)
	}
	for addr, want := range map[string]int{"ann@a.example": 1, "bob@b.example": 0, "carol@c.example": 1, "dave@d.example": 0} {
		if got := srv.CountTo(addr); got != want {
			t.Errorf("%s received %d messages, want %d", addr, got, want)
		}
	}
	j, err := journal.Open(c.Journal)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := j.Rows(1)
	j.Close()
	for _, r := range rows {
		if r.Address == "bob@b.example" || r.Address == "dave@d.example" {
			if r.State != journal.StateSkipped || msg.Stored(r.SkipReason).In(msg.SimplifiedChinese) != "发送期间被加入禁发名单" {
				t.Errorf("%s: %s, reason %q", r.Address, r.State, r.SkipReason)
			}
		}
	}

	again, err := Prepare(context.Background(), c, env)
	if err != nil || !again.Ready() {
		t.Fatalf("prepare again: %v %v", err, again.Problems)
	}
	if out, err = again.Send(context.Background(), env, SendOptions{}); err != nil || out.Sent != 2 || out.Skipped != 2 {
		t.Errorf("next run: %+v %v", out.Counts, err)
	}
	if srv.Count() != 2 {
		t.Errorf("the server received %d messages in all, want 2", srv.Count())
	}
}

// TestDoNotSendListBrokenDuringTheSendStopsIt: a hand edit during the
// send leaves a line that is neither an address nor a domain. The run
// cannot tell who asked not to be mailed, so it stops before the next
// message, saying why; the rows not sent yet wait.
func TestDoNotSendListBrokenDuringTheSendStopsIt(t *testing.T) {
	var env Env
	var writeErr error
	_, c, e := lateList(t, func() {
		writeErr = os.WriteFile(filepath.Join(env.DataDir, SuppressionFileName), []byte("bob@b.example\nnot an address\n"), 0o600)
	})
	env = e
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	out, err := plan.Send(context.Background(), env, SendOptions{})
	if err != nil || writeErr != nil {
		t.Fatal(err, writeErr)
	}
	if out.Stopped == nil || sender.Code(out.Stopped) != "source" || out.Sent != 1 || out.Pending != 3 {
		t.Fatalf("outcome %+v, stopped %v: want a stop after the first message", out.Counts, out.Stopped)
	}
	if text := StopText(out.Stopped).String(); !strings.Contains(text, "correct or delete that line of the do-not-send list") {
		t.Errorf("the stop says %q", text)
	}
}

// TestAddressSuppressedDuringThePauseIsNotMailed: the row was looked at
// when the engine took it, but then it waited for its turn (here the
// random pause between messages; the sending hours or a throttle can make
// that hours). Bob is put on the do-not-send list during that wait: he is
// skipped, not mailed, because the source is asked once more after the
// wait (sender.Withdrawer).
func TestAddressSuppressedDuringThePauseIsNotMailed(t *testing.T) {
	srv, c, env := lateList(t, func() {})
	c.Delay = "1"
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	var once sync.Once
	var addErr error
	progress := func(p sender.Progress) {
		if p.Wait.Reason != sender.WaitDelay || p.Sent != 1 {
			return
		}
		// Bob's message is taken and waits for the pause to end.
		once.Do(func() {
			addErr = recipients.UpdateSuppressionList(context.Background(), filepath.Join(env.DataDir, SuppressionFileName),
				func(l *recipients.SuppressionList) error { return l.Add("bob@b.example", "unsubscribed") })
		})
	}
	out, err := plan.Send(context.Background(), env, SendOptions{Progress: progress})
	if err != nil || addErr != nil {
		t.Fatal(err, addErr)
	}
	if out.Sent != 3 || out.Skipped != 1 || out.Pending != 0 || out.Stopped != nil {
		t.Errorf("outcome %+v, stopped %v: want 3 sent, 1 skipped", out.Counts, out.Stopped)
	}
	if n := srv.CountTo("bob@b.example"); n != 0 {
		t.Errorf("bob was put on the do-not-send list during the pause, and received %d messages", n)
	}
	for _, addr := range []string{"ann@a.example", "carol@c.example", "dave@d.example"} {
		if n := srv.CountTo(addr); n != 1 {
			t.Errorf("%s received %d messages, want 1", addr, n)
		}
	}
}
