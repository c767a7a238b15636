package journal

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailroom/sender"
)

// crashEnv names the journal file the re-executed test binary writes to
// before it waits to be killed.
const crashEnv = "MAILROOM_JOURNAL_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		child := crashChild
		if os.Getenv(crashModeEnv) == crashModeQueued {
			child = queuedDoneChild
		}
		if err := child(path); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		select {} // wait for SIGKILL
	}
	os.Exit(m.Run())
}

// crashChild is a sending run killed mid-way: row 1 is sent (its outcome
// is made durable by row 2's MarkSending), row 2 is marked sending and,
// once the parent says so on stdin, reported sent without anything
// durable after it (the flush delay is an hour); row 3 onwards are never
// tried.
func crashChild(path string) error {
	_, res, run, err := childRun(path, "crash", 5)
	if err != nil {
		return err
	}
	k1, k2 := res.Rows[0].Key, res.Rows[1].Key
	if err := run.MarkSending(k1, "m1", ""); err != nil {
		return err
	}
	if err := run.MarkDone(sender.Result{Key: k1, Outcome: sender.OutcomeSent, Reply: "250 ok", Code: 250}); err != nil {
		return err
	}
	if err := run.MarkSending(k2, "m2", ""); err != nil {
		return err
	}
	fmt.Println("SENDING")
	// The parent checks the run lock now: it opens the file itself, which
	// needs the write lock that an uncommitted MarkDone would hold.
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return err
	}
	if err := run.MarkDone(sender.Result{Key: k2, Outcome: sender.OutcomeSent, Reply: "250 ok", Code: 250}); err != nil {
		return err
	}
	fmt.Println("DONE")
	return nil
}

func TestRecoveryAfterSIGKILL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	cmd, stdin, lines := startChild(t, path)
	expect := func(want string) {
		t.Helper()
		line, err := lines.ReadString('\n')
		if err != nil || strings.TrimSpace(line) != want {
			t.Fatalf("child said %q (%v), want %s", line, err, want)
		}
	}
	expect("SENDING")

	// While the child lives, its run lock keeps this process from
	// "recovering" rows the child is still sending.
	j := openTestAt(t, path)
	c, err := j.Campaign(CampaignSpec{Key: "crash", Name: "crash", Account: "acct"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.StartRun(c.ID); !errors.Is(err, ErrCampaignBusy) {
		t.Fatalf("StartRun while the child runs: %v, want ErrCampaignBusy", err)
	}

	if _, err := stdin.Write([]byte("go on\n")); err != nil {
		t.Fatal(err)
	}
	expect("DONE")
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	run, recovered, err := j.StartRun(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if len(recovered) != 1 || recovered[0].Key != "user2@example.com" || recovered[0].State != StateUnknown {
		t.Fatalf("recovered = %+v, want user2 as unknown", recovered)
	}
	rows := wantStates(t, j, c.ID, StateSent, StateUnknown, StatePending, StatePending, StatePending)
	if rows[0].Reply != "250 ok" || rows[1].MessageID != "m2" {
		t.Errorf("lost details: %+v / %+v", rows[0], rows[1])
	}
	// Only the durable outcome counts against the daily cap.
	if n, err := run.SentSince(time.Time{}); err != nil || n != 1 {
		t.Errorf("SentSince = %d, %v, want 1", n, err)
	}
	ev, _ := j.Events(c.ID, "user2@example.com")
	if last := ev[len(ev)-1]; last.Kind != "recovered" || last.From != StateSending {
		t.Errorf("last event = %+v, want the recovery", last)
	}
	// The next StartRun finds nothing more to recover: unknown rows wait
	// for the user and are never resent automatically.
	run.Close()
	run2, again, err := j.StartRun(c.ID)
	if err != nil || len(again) != 0 {
		t.Fatalf("second recovery = %v, %v", again, err)
	}
	if err := run2.MarkSending("user2@example.com", "m", ""); !errors.Is(err, ErrIllegalTransition) {
		t.Fatalf("resend of an unknown row: %v, want ErrIllegalTransition", err)
	}
	run2.Close()
	if err := run2.MarkSending("user3@example.com", "m", ""); !errors.Is(err, ErrClosed) {
		t.Fatalf("MarkSending after Close: %v, want ErrClosed", err)
	}
}

// childRun is how both crash children begin: a journal at path whose
// writes wait an hour for a flush (so only explicit commits are durable),
// a campaign named key holding n numbered rows, and a run on it.
func childRun(path, key string, n int) (*Journal, SyncResult, *Run, error) {
	j, err := Open(path, WithFlushDelay(time.Hour))
	if err != nil {
		return nil, SyncResult{}, nil, err
	}
	c, err := j.Campaign(CampaignSpec{Key: key, Name: key, Account: "acct"})
	if err != nil {
		return nil, SyncResult{}, nil, err
	}
	res, err := j.Sync(c.ID, numberedRows(n))
	if err != nil {
		return nil, SyncResult{}, nil, err
	}
	run, _, err := j.StartRun(c.ID)
	if err != nil {
		return nil, SyncResult{}, nil, err
	}
	return j, res, run, nil
}

// startChild re-executes this test binary as a crash child writing to
// path (see TestMain); env adds to its environment. The child is killed
// when the test ends if the test has not killed it already.
func startChild(t *testing.T, path string, env ...string) (*exec.Cmd, io.Writer, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), crashEnv+"="+path), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, stdin, bufio.NewReader(out)
}

// wantStates fails the test unless the campaign's rows, in order, are in
// the states given.
func wantStates(t *testing.T, j *Journal, campaign int64, want ...State) []Row {
	t.Helper()
	rows, err := j.Rows(campaign)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r.State != want[i] {
			t.Errorf("row %s = %s, want %s", r.Key, r.State, want[i])
		}
	}
	return rows
}
