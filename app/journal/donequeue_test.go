package journal

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailroom/sender"
)

// crashModeEnv picks the child's scenario; crashModeQueued runs
// queuedDoneChild instead of crashChild.
const (
	crashModeEnv    = "MAILROOM_JOURNAL_CRASH_MODE"
	crashModeQueued = "queued-done"
)

// queuedDoneChild marks three rows sending (durable), reports all three
// done, and says how many commits those MarkDone calls cost before it
// waits to be killed: their outcomes exist only in the writer's queue.
func queuedDoneChild(path string) error {
	j, res, run, err := childRun(path, "queued", 4)
	if err != nil {
		return err
	}
	outcomes := []sender.Outcome{sender.OutcomeSent, sender.OutcomeFailed, sender.OutcomeUnknown}
	for i := range outcomes {
		if err := run.MarkSending(res.Rows[i].Key, fmt.Sprintf("m%d", i+1), ""); err != nil {
			return err
		}
	}
	before := j.w.commits.Load()
	for i, o := range outcomes {
		if err := run.MarkDone(sender.Result{Key: res.Rows[i].Key, Outcome: o, Reply: "250 ok", Code: 250, Attempts: 1}); err != nil {
			return err
		}
	}
	fmt.Println("DONE", j.w.commits.Load()-before)
	return nil
}

// TestQueuedMarkDoneLostByCrashIsUnknown kills a run whose MarkDone
// outcomes were acknowledged but not yet committed: the rows must come
// back "unknown" (never pending, so never resent), exactly as the
// contract allows, and the MarkDone calls must not have waited for a
// commit.
func TestQueuedMarkDoneLostByCrashIsUnknown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	cmd, _, out := startChild(t, path, crashModeEnv+"="+crashModeQueued)
	line, err := out.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "DONE 0" {
		t.Fatalf("child said %q (%v), want DONE 0 (MarkDone must not commit)", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	j := openTestAt(t, path)
	c, err := j.Campaign(CampaignSpec{Key: "queued", Name: "queued", Account: "acct"})
	if err != nil {
		t.Fatal(err)
	}
	run, recovered, err := j.StartRun(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if len(recovered) != 3 {
		t.Fatalf("recovered %d rows (%+v), want the 3 rows whose outcome was lost", len(recovered), recovered)
	}
	rows := wantStates(t, j, c.ID, StateUnknown, StateUnknown, StateUnknown, StatePending)
	if rows[0].MessageID != "m1" {
		t.Errorf("row 1 lost its Message-ID: %+v", rows[0])
	}
	for _, r := range rows[:3] {
		if err := run.MarkSending(r.Key, "again", ""); !errors.Is(err, ErrIllegalTransition) {
			t.Errorf("resend of %s after the crash: %v, want ErrIllegalTransition", r.Key, err)
		}
	}
}

func openTestAt(t testing.TB, path string) *Journal {
	t.Helper()
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// TestMarkDoneRefusalsAreSynchronous: a MarkDone the run can judge is
// refused with the typed error before it returns, and a queued outcome is
// what every later call sees.
func TestMarkDoneRefusalsAreSynchronous(t *testing.T) {
	j := openTest(t, WithFlushDelay(time.Hour))
	c, res := campaignWith(t, j, "sync-refusals", 3)
	r := startRun(t, j, c.ID)
	k1, k2 := res.Rows[0].Key, res.Rows[1].Key

	var te *TransitionError
	err := r.MarkDone(sender.Result{Key: k2, Outcome: sender.OutcomeSent})
	if !errors.As(err, &te) || te.From != StatePending || te.To != StateSent {
		t.Fatalf("MarkDone of a row never marked sending: %v, want TransitionError pending→sent", err)
	}
	if err := r.MarkDone(sender.Result{Key: "nobody@example.com", Outcome: sender.OutcomeSent}); !errors.Is(err, ErrUnknownRow) {
		t.Fatalf("MarkDone of an unknown key: %v, want ErrUnknownRow", err)
	}

	if err := r.MarkSending(k1, "m1", ""); err != nil {
		t.Fatal(err)
	}
	commits := j.w.commits.Load()
	if err := r.MarkDone(sender.Result{Key: k1, Outcome: sender.OutcomeSent, Code: 250, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	// The writer counts the queued outcome (daily cap) before any commit.
	if n, err := r.SentSince(time.Time{}); err != nil || n != 1 {
		t.Fatalf("SentSince with the outcome queued = %d, %v, want 1", n, err)
	}
	// A second report of the same row sees it sent, not sending.
	err = r.MarkDone(sender.Result{Key: k1, Outcome: sender.OutcomeFailed})
	if !errors.As(err, &te) || te.From != StateSent || te.To != StateFailed {
		t.Fatalf("second MarkDone: %v, want TransitionError sent→failed", err)
	}
	if err := r.MarkSending(k1, "again", ""); !errors.As(err, &te) || te.From != StateSent {
		t.Fatalf("MarkSending after the queued outcome: %v, want TransitionError from sent", err)
	}
	if got := j.w.commits.Load() - commits; got != 0 {
		t.Fatalf("%d commits before Close, want the outcome still queued", got)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.MarkDone(sender.Result{Key: k1, Outcome: sender.OutcomeSent}); !errors.Is(err, ErrClosed) {
		t.Fatalf("MarkDone after Close: %v, want ErrClosed", err)
	}
	var state string
	var events int
	if err := j.db.QueryRow(`SELECT state FROM rows WHERE campaign = ? AND key = ?`, c.ID, k1).Scan(&state); err != nil || state != "sent" {
		t.Fatalf("after Close a fresh connection reads %q (%v), want sent", state, err)
	}
	j.db.QueryRow(`SELECT count(*) FROM events WHERE campaign = ? AND key = ?`, c.ID, k1).Scan(&events)
	if events != 2 {
		t.Fatalf("%d events for %s, want sending and done", events, k1)
	}
}

// TestQueuedMarkDoneCommittedByFlushDelay: with nothing else to do, the
// writer commits a queued outcome on its own after the flush delay.
func TestQueuedMarkDoneCommittedByFlushDelay(t *testing.T) {
	j := openTest(t, WithFlushDelay(10*time.Millisecond))
	c, res := campaignWith(t, j, "flush-delay", 1)
	r := startRun(t, j, c.ID)
	k := res.Rows[0].Key
	if err := r.MarkSending(k, "m", ""); err != nil {
		t.Fatal(err)
	}
	if err := r.MarkDone(sender.Result{Key: k, Outcome: sender.OutcomeSent, Code: 250}); err != nil {
		t.Fatal(err)
	}
	// Poll a fresh connection; the deadline only stops a hung test.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var state string
		if err := j.db.QueryRow(`SELECT state FROM rows WHERE campaign = ? AND key = ?`, c.ID, k).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state == "sent" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("state still %q: the queued outcome was never committed", state)
		}
	}
}
