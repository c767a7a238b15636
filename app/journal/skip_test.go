package journal

import (
	"errors"
	"testing"

	"mailroom/sender"
)

// TestRunSkipsARowJustBeforeSendingIt: a run may skip a pending row it
// has not tried (its address went on the do-not-send list during the
// run), with the reason; never a row already tried; the next Sync looks
// at the row again.
func TestRunSkipsARowJustBeforeSendingIt(t *testing.T) {
	j := openTest(t)
	c, res := campaignWith(t, j, "late", 3)
	k1, k2, k3 := res.Rows[0].Key, res.Rows[1].Key, res.Rows[2].Key
	run := startRun(t, j, c.ID)
	send(t, run, k1, sender.OutcomeSent)
	if err := run.Skip(k2, "on the do-not-send list"); err != nil {
		t.Fatal(err)
	}
	var te *TransitionError
	if err := run.Skip(k1, "too late"); !errors.As(err, &te) {
		t.Errorf("Skip of a sent row: %v, want a TransitionError", err)
	}
	if err := run.MarkSending(k2, "id", "h"); !errors.As(err, &te) {
		t.Errorf("MarkSending of a skipped row: %v, want a TransitionError", err)
	}
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	if err := run.Skip(k3, "x"); !errors.Is(err, ErrClosed) {
		t.Errorf("Skip after Close: %v, want ErrClosed", err)
	}
	rows, err := j.rowsByKey(c.ID, []string{k2})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].State != StateSkipped || rows[0].SkipReason != "on the do-not-send list" {
		t.Errorf("skipped row %+v", rows[0])
	}
	events, err := j.Events(c.ID, k2)
	if err != nil || len(events) == 0 || events[len(events)-1].Kind != "skip" {
		t.Errorf("events %+v %v, want the skip recorded", events, err)
	}
	// The next run's preflight no longer skips it (taken off the list
	// again): it is pending.
	again, err := j.Sync(c.ID, numberedRows(3))
	if err != nil {
		t.Fatal(err)
	}
	if again.Rows[1].State != StatePending || stateOf(t, j, c.ID, k3) != StatePending {
		t.Errorf("after Sync: %s, %s", again.Rows[1].State, stateOf(t, j, c.ID, k3))
	}
}
