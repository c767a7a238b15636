package campaign

import (
	"context"
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

// dueCampaign is a 10-row campaign whose rows 3 and 4 the server refuses
// for good (550 5.1.1), with its own journal.
func dueCampaign(t *testing.T) (*smtptest.Server, *Campaign, Env) {
	t.Helper()
	addr := func(i int) string { return fmt.Sprintf("r%02d@example.com", i) }
	srv := smtptest.Start(t, smtptest.WithRules(
		smtptest.Rule{Stage: smtptest.StageRcpt, Recipient: addr(3), Fault: smtptest.Reply(550, "5.1.1", "no such user")},
		smtptest.Rule{Stage: smtptest.StageRcpt, Recipient: addr(4), Fault: smtptest.Reply(550, "5.1.1", "no such user")},
	))
	dir := t.TempDir()
	var list strings.Builder
	list.WriteString("Name,Email\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&list, "客户%d,%s\n", i, addr(i))
	}
	write(t, dir, "list.csv", list.String())
	write(t, dir, "body.txt", "您好 {{Name}}\n")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "通知 {{Name}}", Body: filepath.Join(dir, "body.txt"),
		From: "Shop <shop@example.com>", SMTP: "smtp+plain://" + srv.Addr(), Journal: filepath.Join(dir, "own", "march.db")}
	mkdir(t, filepath.Dir(c.Journal))
	return srv, c, Env{DataDir: filepath.Join(dir, "data")}
}

func prepared(t *testing.T, c *Campaign, env Env) *Plan {
	t.Helper()
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	return plan
}

func due(t *testing.T, c *Campaign, env Env) Due {
	t.Helper()
	d, err := prepared(t, c, env).Due(env, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// watched records what a run reported while it ran.
type watched struct {
	mu     sync.Mutex
	start  RunStart
	first  *RunProgress
	events []RowEvent
}

func (w *watched) options(after int, cancel context.CancelFunc) SendOptions {
	return SendOptions{
		Engine:  []sender.Option{sender.WithRetries(0, sender.Backoff{})},
		Started: func(s RunStart) { w.start = s },
		RunProgress: func(p RunProgress) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.first == nil {
				w.first = &p
			}
		},
		Row: func(e RowEvent) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.events = append(w.events, e)
			if after > 0 && e.State != journal.StateSkipped && len(w.events) == after {
				cancel()
			}
		},
	}
}

// TestTheQuestionCountsWhatGoesNow: before sending, Due counts the
// messages a run will send now: all ten at first; after a run cut short,
// only those left; after the last run none (refused rows are not sent
// again by themselves); after "retry failed" the two refused ones. Each
// run starts with exactly the number Due predicted, its progress starts
// where the campaign stood, and its summary separates this run from the
// campaign.
func TestTheQuestionCountsWhatGoesNow(t *testing.T) {
	srv, c, env := dueCampaign(t)
	if d := due(t, c, env); d.Now != 10 || d.Ran || d.Rows.Pending != 10 {
		t.Fatalf("before any run: %+v, want 10 due", d)
	}
	if states, err := c.RowStates(env); err != nil || states != nil {
		t.Fatalf("row states before any run: %v (%v)", states, err)
	}

	// A run the user cancels after 6 outcomes (2 of them refused).
	ctx, cancel := context.WithCancel(context.Background())
	first := &watched{}
	out, err := prepared(t, c, env).Send(ctx, env, first.options(6, cancel))
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	if first.start.Due != 10 {
		t.Errorf("first run started with %d due, want 10", first.start.Due)
	}
	done := out.Sent + out.Failed + out.Unknown
	if out.ThisRun.Total() != done || out.ThisRun.Sent != srv.Count() || out.Pending == 0 {
		t.Fatalf("first run: campaign %+v, this run %+v, server took %d; want a partial run counted once", out.Counts, out.ThisRun, srv.Count())
	}
	if len(first.events) != done {
		t.Errorf("the log has %d rows, want one per outcome (%d)", len(first.events), done)
	}

	d := due(t, c, env)
	if !d.Ran || d.Now != out.Pending || d.Rows.Sent != out.Sent || d.Rows.Failed != 2 {
		t.Fatalf("after the cut run: due %+v, journal %+v", d, out.Counts)
	}

	// The resumed run sends exactly what Due said, and starts where the
	// campaign stood, not at 0.
	second := &watched{}
	before := srv.Count()
	out2, err := prepared(t, c, env).Send(context.Background(), env, second.options(0, nil))
	if err != nil {
		t.Fatal(err)
	}
	if second.start.Due != d.Now || second.start.Rows != d.Rows {
		t.Errorf("the run started with %d due and %+v, Due predicted %d and %+v", second.start.Due, second.start.Rows, d.Now, d.Rows)
	}
	if second.first == nil {
		t.Fatal("no progress reported")
	}
	if got, want := second.first.Finished(), float64(done)/10; got < want {
		t.Errorf("the resumed run's progress starts at %.0f %%, want at least %.0f %%", got*100, want*100)
	}
	if out2.ThisRun.Sent != srv.Count()-before || out2.ThisRun.Sent != d.Now || out2.Sent != 8 || out2.Failed != 2 {
		t.Errorf("second run: this run %+v, campaign %+v, server took %d", out2.ThisRun, out2.Counts, srv.Count()-before)
	}

	// Everything is done: nothing is due, and a run sends nothing and
	// says so, while the campaign's counts stay.
	if d := due(t, c, env); d.Now != 0 || d.Rows.Sent != 8 || d.Rows.Failed != 2 {
		t.Errorf("after the full run: %+v, want nothing due", d)
	}
	before = srv.Count()
	out3, err := prepared(t, c, env).Send(context.Background(), env, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out3.ThisRun != (RunCounts{}) || srv.Count() != before || out3.Sent != 8 {
		t.Errorf("a run with nothing due: this run %+v, campaign %+v, server took %d more", out3.ThisRun, out3.Counts, srv.Count()-before)
	}

	// "Retry failed rows": the two refused rows, and only they, are due.
	j, err := journal.Open(c.Journal)
	if err != nil {
		t.Fatal(err)
	}
	n, err := j.RetryFailed(out3.CampaignID)
	j.Close()
	if err != nil || n != 2 {
		t.Fatalf("retry failed: %d, %v", n, err)
	}
	if d := due(t, c, env); d.Now != 2 {
		t.Errorf("after retry failed: %d due, want 2", d.Now)
	}
	// The list of recipients shows each row's state (r03 is sheet row 4).
	states, err := c.RowStates(env)
	if err != nil || len(states) != 10 || states[2] != journal.StateSent || states[4] != journal.StatePending {
		t.Errorf("row states %v (%v)", states, err)
	}
}

// TestDueCountsSkippedRowsAsTheRunWill: with "skip invalid", a bad
// address is skipped, not due, and the run's log names it with why.
func TestDueCountsSkippedRowsAsTheRunWill(t *testing.T) {
	_, c, env := dueCampaign(t)
	write(t, filepath.Dir(c.Recipients), "list.csv", "Name,Email\nAnn,ann@example.com\nBob,bob@@example\nCai,cai@example.com\n")
	c.SkipInvalid = true
	d := due(t, c, env)
	if d.Now != 2 || d.Rows.Skipped != 1 {
		t.Fatalf("due %+v, want 2 due and 1 skipped", d)
	}
	w := &watched{}
	if _, err := prepared(t, c, env).Send(context.Background(), env, w.options(0, nil)); err != nil {
		t.Fatal(err)
	}
	var skipped []RowEvent
	for _, e := range w.events {
		if e.State == journal.StateSkipped {
			skipped = append(skipped, e)
		}
	}
	if len(skipped) != 1 || skipped[0].Row != 3 || skipped[0].Reason().IsZero() {
		t.Errorf("skipped rows in the log: %+v", skipped)
	}
}

// TestHistoryFindsACampaignsOwnJournal: a run writing a journal of its
// own puts it on the list History reads.
func TestHistoryFindsACampaignsOwnJournal(t *testing.T) {
	_, c, env := dueCampaign(t)
	if _, err := prepared(t, c, env).Send(context.Background(), env, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	list, err := Journals(env)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(env.DataDir, journal.DefaultFileName), c.Journal}
	if fmt.Sprint(list) != fmt.Sprint(want) {
		t.Errorf("journals %q, want %q", list, want)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}
