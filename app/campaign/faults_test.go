package campaign

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mailroom/app/journal"
	"mailroom/sender"
	"mailroom/sender/smtptest"
)

// rcptCounter counts RCPT commands per address as the server sees them.
type rcptCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *rcptCounter) match(e smtptest.Event) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[strings.ToLower(e.Recipient)]++
	return false
}

func (c *rcptCounter) count(addr string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[addr]
}

// TestFaultsLeaveEveryRowInTheStateItsFaultImplies sends a campaign
// through a real SMTP server that injects the faults providers produce,
// then checks the journal row by row against the server's own log.
func TestFaultsLeaveEveryRowInTheStateItsFaultImplies(t *testing.T) {
	const rows = 40
	addr := func(i int) string { return fmt.Sprintf("r%02d@example.com", i) }
	rcpts := &rcptCounter{n: map[string]int{}}
	srv := smtptest.Start(t, smtptest.WithRules(
		smtptest.Rule{Stage: smtptest.StageRcpt, Match: rcpts.match, Fault: smtptest.Reply(451, "4.3.0", "never injected")},
		smtptest.Rule{Stage: smtptest.StageRcpt, Recipient: addr(5), Times: 1, Fault: smtptest.Reply(451, "4.2.0", "mailbox busy, try later")},
		smtptest.Rule{Stage: smtptest.StageRcpt, Recipient: addr(6), Fault: smtptest.Reply(550, "5.1.1", "no such user")},
		smtptest.Rule{Stage: smtptest.StageRcpt, Recipient: addr(7), Fault: smtptest.Reply(451, "4.2.0", "mailbox busy")},
		smtptest.Rule{Stage: smtptest.StageData, Recipient: addr(8), Times: 1, Fault: smtptest.Drop()},
		smtptest.Rule{Stage: smtptest.StageDataEnd, Recipient: addr(9), Fault: smtptest.Drop()},
		smtptest.Rule{Stage: smtptest.StageDataEnd, Recipient: addr(10), Fault: smtptest.Stall()},
		smtptest.Rule{Stage: smtptest.StageMail, Message: 15, Fault: smtptest.ReplyAndClose(421, "4.3.2", "service shutting down")},
	), smtptest.WithoutBodies())

	dir := t.TempDir()
	var list strings.Builder
	list.WriteString("Name,Email\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&list, "客户%d,%s\n", i, addr(i))
	}
	write(t, dir, "list.csv", list.String())
	write(t, dir, "body.txt", "您好 {{Name}}\n")
	retries := 2
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "通知 {{Name}}", Body: filepath.Join(dir, "body.txt"),
		From: "Shop <shop@example.com>", SMTP: "smtp+plain://" + srv.Addr(), Retries: &retries, Journal: filepath.Join(dir, "j.db")}
	env := Env{DataDir: dir}
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}

	// A server restart in the middle of the run, as a provider's reboot.
	restarted := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.WaitCount(ctx, 25); err != nil {
			restarted <- err
			return
		}
		restarted <- srv.Restart()
	}()
	out, err := plan.Send(context.Background(), env, SendOptions{Engine: []sender.Option{
		sender.WithRetries(retries, sender.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}),
		sender.WithTimeouts(5*time.Second, 300*time.Millisecond),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-restarted; err != nil {
		t.Fatalf("restart: %v", err)
	}

	j, err := journal.Open(c.Journal)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	all, err := j.Rows(1)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]journal.Row{}
	for _, r := range all {
		state[r.Address] = r
	}
	want := map[int]journal.State{5: journal.StateSent, 6: journal.StateFailed, 7: journal.StateFailed,
		8: journal.StateSent, 9: journal.StateUnknown, 10: journal.StateUnknown}
	for i, w := range want {
		if got := state[addr(i)].State; got != w {
			t.Errorf("%s: state %s, want %s (reply %q)", addr(i), got, w, state[addr(i)].Reply)
		}
	}
	if n := rcpts.count(addr(6)); n != 1 {
		t.Errorf("the permanent failure (550) was attempted %d times, want exactly once", n)
	}
	if n := rcpts.count(addr(7)); n != retries+1 {
		t.Errorf("the lasting 451 was attempted %d times, want %d (1 + %d retries)", n, retries+1, retries)
	}
	for a, r := range state {
		got := srv.CountTo(a)
		switch r.State {
		case journal.StateSent:
			if got != 1 {
				t.Errorf("%s sent in the journal, received %d times", a, got)
			}
		case journal.StateFailed:
			if got != 0 {
				t.Errorf("%s failed in the journal, but received %d times", a, got)
			}
		case journal.StateUnknown:
			if got > 1 {
				t.Errorf("%s unknown, received %d times", a, got)
			}
		default:
			t.Errorf("%s left %s", a, r.State)
		}
	}
	if out.Sent+out.Failed+out.Unknown != rows {
		t.Errorf("counts %+v do not add up to %d rows", out.Counts, rows)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNoJournalNoSending: when the journal cannot be written (here its
// folder is a file), the run refuses to send anything.
func TestNoJournalNoSending(t *testing.T) {
	srv := smtptest.Start(t)
	dir := t.TempDir()
	write(t, dir, "list.csv", "Name,Email\nAnn,ann@example.com\n")
	write(t, dir, "body.txt", "Hi {{Name}}\n")
	write(t, dir, "not-a-folder", "")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Body: filepath.Join(dir, "body.txt"),
		From: "me@example.com", SMTP: "smtp+plain://" + srv.Addr(), Journal: filepath.Join(dir, "not-a-folder", "j.db")}
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	_, err = plan.Send(context.Background(), Env{DataDir: dir}, SendOptions{})
	if !errors.Is(err, journal.ErrNotDurable) || !strings.Contains(err.Error(), "refusing to send without a journal") {
		t.Fatalf("Send = %v, want a refusal naming the journal", err)
	}
	if srv.Count() != 0 || len(srv.Conns()) != 0 {
		t.Errorf("the server saw %d messages and %d connections", srv.Count(), len(srv.Conns()))
	}
}
