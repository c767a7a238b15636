package sender

import (
	"testing"

	"mailroom/sender/smtptest"
)

// TestDeadIdleConnectionThenServerDownLeavesRowPending: the server goes
// away between two messages. The next message finds the idle connection
// dead at MAIL, and every reconnection is refused until the run stops.
// That row never reached DATA: the journal must have it pending, not
// "sending", which the next start would report as maybe delivered.
func TestDeadIdleConnectionThenServerDownLeavesRowPending(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	e, _ := plainEngine(t, srv, store, WithRetries(1, Backoff{}))
	sum, err := e.Run(t.Context(), sourceWith(messages(t, 4), 2, srv.Close))
	wantStop(t, err, ErrUnreachable)
	if sum.Sent != 2 {
		t.Fatalf("summary %+v", sum)
	}
	store.check(t)
	store.mu.Lock()
	defer store.mu.Unlock()
	for key, st := range store.state {
		if st == "sending" {
			t.Errorf("%s left sending although it never reached DATA", key)
		}
	}
}
