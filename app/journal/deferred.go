package journal

import (
	"fmt"
	"sync"
)

// doneUpdate is a MarkDone outcome the Run has already checked in memory
// (the row is one it marked sending itself) and that waits for the writer
// to fold it into the next transaction.
type doneUpdate struct {
	campaign  int64
	key       string
	to        State
	attempts  int
	messageID string
	reply     string
	code      int
	at        int64 // Unix milliseconds
}

// doneQueue hands checked outcomes to the writer without a round trip
// through it: a MarkDone must not wait behind the commit in progress,
// since it need not be durable before it returns.
type doneQueue struct {
	mu      sync.Mutex
	items   []doneUpdate
	refusal error // set once nothing more may be queued: ErrClosed or the writer's failure
	kick    chan struct{}
}

func newDoneQueue() *doneQueue { return &doneQueue{kick: make(chan struct{}, 1)} }

// add queues u and wakes the writer so that its flush delay starts.
func (q *doneQueue) add(u doneUpdate) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.refusal != nil {
		return q.refusal
	}
	q.items = append(q.items, u)
	select {
	case q.kick <- struct{}{}:
	default:
	}
	return nil
}

// take returns what is queued and empties the queue in one step; with
// refuse set, later adds fail with it. Checking first and taking later
// would drop an outcome added in between.
func (q *doneQueue) take(refuse error) []doneUpdate {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	if refuse != nil && q.refusal == nil {
		q.refusal = refuse
	}
	return items
}

// putBack returns taken outcomes to the front of the queue, for the next
// attempt, when they could not be written yet.
func (q *doneQueue) putBack(items []doneUpdate) {
	if len(items) == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(items, q.items...)
}

func (q *doneQueue) pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) > 0
}

// applyDone writes the queued outcomes into the open transaction, opening
// one if needed. They were acknowledged already, so a write that fails
// here breaks the writer: their rows stay "sending" on disk and are
// reported unknown. When the transaction cannot be opened (another
// process holds the write lock) the outcomes stay queued and the error is
// returned, so that a flush waiting on them is not told they are durable.
func (w *writer) applyDone(refuse error) error {
	if w.broken != nil {
		w.done.take(w.broken)
		return w.broken
	}
	items := w.done.take(refuse)
	if len(items) == 0 {
		return nil
	}
	if err := w.begin(); err != nil {
		if refuse != nil { // closing: there is no next attempt
			return w.fail("begin", err)
		}
		w.done.putBack(items)
		return err
	}
	for _, u := range items {
		if err := w.tx.applyDone(u); err != nil {
			return w.fail("done", err)
		}
		w.dirty = true
	}
	return nil
}

// applyDone runs one checked outcome. The row must still be "sending":
// only this Run moves it while the run lock is held, so anything else is
// a broken invariant, and writing on would hide it.
func (t *wtx) applyDone(u doneUpdate) error {
	r, err := t.stmt.doneSending.Exec(string(u.to), u.attempts, u.messageID, u.reply, u.code,
		u.at, u.campaign, u.key)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("row %q of campaign %d was not sending when its outcome was written (%d rows, %v)",
			u.key, u.campaign, n, err)
	}
	_, err = t.stmt.event.Exec(u.campaign, u.key, u.at, "done", string(StateSending), string(u.to), u.reply)
	return err
}
