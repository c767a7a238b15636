package journal

import (
	"errors"
	"testing"

	"mailroom/sender"
)

func TestStateMachineTable(t *testing.T) {
	legal := map[mover][][2]State{
		byEngine: {
			{StatePending, StateSending}, {StatePending, StatePending},
			{StateSending, StateSending}, {StateSending, StateSent}, {StateSending, StateFailed},
			{StateSending, StateUnknown}, {StateSending, StatePending},
		},
		bySync:      {{StatePending, StateSkipped}, {StateSkipped, StatePending}},
		byRecovery:  {{StateSending, StateUnknown}},
		byMailbox:   {{StateUnknown, StateSent}},
		byLastCheck: {{StatePending, StateSkipped}},
		byUser: {
			{StateUnknown, StateSent}, {StateUnknown, StatePending},
			{StateFailed, StatePending}, {StateSent, StatePending},
		},
	}
	for by, moves := range legal {
		want := map[[2]State]bool{}
		for _, m := range moves {
			want[m] = true
		}
		for _, from := range States {
			for _, to := range States {
				if got := allowed(from, to, by); got != want[[2]State{from, to}] {
					t.Errorf("mover %d: %s→%s allowed=%v, want %v", by, from, to, got, !got)
				}
			}
		}
	}
}

func TestEngineMovesAndIllegalMoves(t *testing.T) {
	j := openTest(t)
	c, res := campaignWith(t, j, "c", 3)
	if got := len(res.ToSend()); got != 3 {
		t.Fatalf("to send = %d, want 3", got)
	}
	r := startRun(t, j, c.ID)
	k1, k2, k3 := res.Rows[0].Key, res.Rows[1].Key, res.Rows[2].Key
	if k1 != "user1@example.com" {
		t.Fatalf("key = %q, want the lower-cased address", k1)
	}

	// MarkDone on a row never marked sending is refused.
	err := r.MarkDone(sender.Result{Key: k1, Outcome: sender.OutcomeSent})
	var te *TransitionError
	if !errors.As(err, &te) || !errors.Is(err, ErrIllegalTransition) || te.From != StatePending || te.To != StateSent {
		t.Fatalf("MarkDone on pending row: %v, want TransitionError pending→sent", err)
	}

	send(t, r, k1, sender.OutcomeSent)
	if got := stateOf(t, j, c.ID, k1); got != StateSent {
		t.Fatalf("state = %s, want sent", got)
	}
	// A sent row is never sending again: this is what prevents a resend.
	if err := r.MarkSending(k1, "x", ""); !errors.Is(err, ErrIllegalTransition) {
		t.Fatalf("MarkSending on sent row: %v, want ErrIllegalTransition", err)
	}
	send(t, r, k2, sender.OutcomeFailed)
	if err := r.MarkSending(k2, "x", ""); !errors.Is(err, ErrIllegalTransition) {
		t.Fatalf("MarkSending on failed row: %v, want ErrIllegalTransition", err)
	}
	// Not attempted after MarkSending puts the row back to pending.
	if err := r.MarkSending(k3, "id3", ""); err != nil {
		t.Fatal(err)
	}
	if err := r.MarkDone(sender.Result{Key: k3, Outcome: sender.OutcomeNotAttempted}); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, j, c.ID, k3); got != StatePending {
		t.Fatalf("state = %s, want pending", got)
	}
	if err := r.MarkSending("nobody@example.com", "x", ""); !errors.Is(err, ErrUnknownRow) {
		t.Fatalf("unknown key: %v, want ErrUnknownRow", err)
	}
	if err := r.MarkDone(sender.Result{Key: k3, Outcome: sender.Outcome(42)}); err == nil {
		t.Fatal("invalid outcome accepted")
	}
	// A refused change inside a batch must not undo other work: k1 is
	// still sent and its history is intact.
	ev, err := j.Events(c.ID, k1)
	if err != nil || len(ev) != 2 || ev[0].To != StateSending || ev[1].To != StateSent || ev[1].Detail != "250 2.0.0 Ok: queued" {
		t.Fatalf("events = %+v, %v", ev, err)
	}
}

func TestAttemptsAndRetries(t *testing.T) {
	j := openTest(t)
	c, res := campaignWith(t, j, "c", 1)
	r := startRun(t, j, c.ID)
	k := res.Rows[0].Key
	for range 3 { // the engine re-marks before each retry
		if err := r.MarkSending(k, "mid", "h"); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.MarkDone(sender.Result{Key: k, Outcome: sender.OutcomeFailed, Reply: "451 try later", Code: 451, Attempts: 3}); err != nil {
		t.Fatal(err)
	}
	if err := j.SendAgain(c.ID, k); err != nil {
		t.Fatal(err)
	}
	send(t, r, k, sender.OutcomeSent)
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := j.Rows(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := rows[0]
	if got.State != StateSent || got.Attempts != 4 || got.Code != 250 || got.MessageID != "id-"+k || got.SentAt.IsZero() {
		t.Fatalf("row = %+v, want sent after 4 attempts", got)
	}
}

func TestUserActions(t *testing.T) {
	j := openTest(t)
	c, res := campaignWith(t, j, "c", 4)
	r := startRun(t, j, c.ID)
	keys := []string{res.Rows[0].Key, res.Rows[1].Key, res.Rows[2].Key, res.Rows[3].Key}
	send(t, r, keys[0], sender.OutcomeUnknown)
	send(t, r, keys[1], sender.OutcomeUnknown)
	send(t, r, keys[2], sender.OutcomeFailed)

	// All or nothing: keys[3] is pending, so nothing is marked.
	err := j.MarkAsSent(c.ID, keys[0], keys[3])
	var te *TransitionError
	if !errors.As(err, &te) || te.Key != keys[3] {
		t.Fatalf("MarkAsSent with a pending row: %v", err)
	}
	if got := stateOf(t, j, c.ID, keys[0]); got != StateUnknown {
		t.Fatalf("partial action applied: %s", got)
	}
	if err := j.MarkAsSent(c.ID, keys[0]); err != nil {
		t.Fatal(err)
	}
	if err := j.MarkAsSent(c.ID, keys[2]); !errors.Is(err, ErrIllegalTransition) {
		t.Fatalf("failed→sent by hand: %v, want refused", err)
	}
	if err := j.SendAgain(c.ID, keys[1]); err != nil {
		t.Fatal(err)
	}
	n, err := j.RetryFailed(c.ID)
	if err != nil || n != 1 {
		t.Fatalf("RetryFailed = %d, %v", n, err)
	}
	want := []State{StateSent, StatePending, StatePending, StatePending}
	for i, k := range keys {
		if got := stateOf(t, j, c.ID, k); got != want[i] {
			t.Errorf("%s: %s, want %s", k, got, want[i])
		}
	}
	ev, _ := j.Events(c.ID, keys[0])
	if last := ev[len(ev)-1]; last.Kind != "mark-sent" || last.From != StateUnknown || last.To != StateSent {
		t.Fatalf("last event = %+v, want the user's decision", last)
	}
}
