package journal

import (
	"context"
	"errors"
	"sync"
	"time"

	"mailroom/sender"
)

// Run is one sending run of a campaign; it implements sender.Store. Only
// one Run per campaign exists at a time, across processes.
type Run struct {
	j        *Journal
	campaign int64
	account  string
	lock     *runLock

	// mu guards closed and sending. closed refuses writes once the lock
	// is gone: another process may be running the campaign by then.
	mu     sync.Mutex
	closed bool
	// sending holds the keys this run marked sending and has not yet
	// reported done. Only this run moves such a row while it holds the
	// run lock, so their state is known without asking SQLite.
	sending map[string]struct{}

	closeOnce sync.Once
	closeErr  error
}

var _ sender.Store = (*Run)(nil)

// StartRun takes the campaign's run lock (ErrCampaignBusy when another
// run holds it), then turns every row left "sending" by a crashed run
// into "unknown" and returns those rows: they may have been delivered, so
// they are reported and never resent automatically.
func (j *Journal) StartRun(campaign int64) (*Run, []Row, error) {
	c, err := j.CampaignByID(campaign)
	if err != nil {
		return nil, nil, err
	}
	lock, err := j.locks.acquire(campaign)
	if err != nil {
		return nil, nil, err
	}
	var keys []string
	err = j.w.write(true, func(tx *wtx) error {
		keys, err = recoverSending(tx, campaign)
		return err
	})
	if err != nil {
		j.locks.release(lock)
		return nil, nil, err
	}
	recovered, err := j.rowsByKey(campaign, keys)
	if err != nil {
		j.locks.release(lock)
		return nil, nil, err
	}
	return &Run{j: j, campaign: campaign, account: c.Account, lock: lock,
		sending: make(map[string]struct{})}, recovered, nil
}

func recoverSending(tx *wtx, campaign int64) ([]string, error) {
	keys, err := keysInState(tx, campaign, StateSending)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if _, err := tx.move(campaign, k, StateUnknown, byRecovery, "recovered",
			"the run stopped while this message was being sent; it may have been delivered"); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// Campaign returns the ID of the campaign this run sends.
func (r *Run) Campaign() int64 { return r.campaign }

// MarkSending durably records that the row's message is about to be
// transmitted. It returns only after the commit that holds the record
// (and any MarkDone before it) has been fsynced.
func (r *Run) MarkSending(key, messageID, hash string) error {
	if r.isClosed() {
		return ErrClosed
	}
	var from State
	check := func(tx *wtx) error {
		// Checked on the writer too: Close may have flushed since.
		r.mu.Lock()
		closed := r.closed
		_, retry := r.sending[key]
		r.mu.Unlock()
		if closed {
			return ErrClosed
		}
		if retry {
			from = StateSending
			return nil
		}
		var err error
		if from, err = tx.state(r.campaign, key); err != nil {
			return err
		}
		return checkMove(key, from, StateSending, byEngine)
	}
	return r.j.w.writeChecked(check, func(tx *wtx) error {
		if _, err := tx.stmt.sending.Exec(messageID, hash, tx.nowMillis(), r.campaign, key); err != nil {
			return err
		}
		if err := tx.event(r.campaign, key, "sending", from, StateSending, messageID); err != nil {
			return err
		}
		r.mu.Lock()
		r.sending[key] = struct{}{}
		r.mu.Unlock()
		return nil
	})
}

// MarkDone records the outcome of the row's message. For a row this run
// marked sending it checks the move in memory and returns at once; the
// writer folds the change into the next commit (the next MarkSending,
// Flush, Close or the flush delay). A crash in between leaves the row
// "sending", which the next StartRun reports as unknown. Any other row
// is looked up, and an illegal move is refused, before it returns.
func (r *Run) MarkDone(res sender.Result) error {
	to, err := outcomeState(res.Outcome)
	if err != nil {
		return err
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrClosed
	}
	if _, ok := r.sending[res.Key]; ok {
		defer r.mu.Unlock()
		if err := checkMove(res.Key, StateSending, to, byEngine); err != nil {
			return err
		}
		at := res.At
		if at.IsZero() {
			at = r.j.clock()
		}
		// Queued under mu, so that Close's flush, which follows, takes it.
		err := r.j.w.done.add(doneUpdate{campaign: r.campaign, key: res.Key, to: to,
			attempts: res.Attempts, messageID: res.MessageID, reply: res.Reply, code: res.Code,
			at: at.UnixMilli()})
		if err == nil {
			delete(r.sending, res.Key)
		}
		return err
	}
	r.mu.Unlock()
	return r.j.w.write(false, func(tx *wtx) error {
		from, err := tx.state(r.campaign, res.Key)
		if err != nil {
			return err
		}
		if err := checkMove(res.Key, from, to, byEngine); err != nil {
			return err
		}
		if from == StatePending {
			return nil // a row the engine never tried: nothing happened
		}
		if !res.At.IsZero() {
			tx.now = res.At
		}
		if _, err := tx.stmt.done.Exec(string(to), res.Attempts, res.MessageID, res.Reply, res.Code,
			tx.nowMillis(), r.campaign, res.Key); err != nil {
			return err
		}
		return tx.event(r.campaign, res.Key, "done", from, to, res.Reply)
	})
}

// Skip moves a pending row to skipped with reason (a stored text, as
// RowInput.Skip) when the run finds, just before sending it, that it must
// not be sent after all: its address was put on the do-not-send list
// while the run was going. Only a pending row can be skipped. The next
// Sync looks at the row again, like any skip. Durability is not waited
// for: a crash that loses the move leaves the row pending, and the next
// run's preflight skips it for the same reason.
func (r *Run) Skip(key, reason string) error {
	if r.isClosed() {
		return ErrClosed
	}
	return r.j.w.write(false, func(tx *wtx) error {
		if _, err := tx.move(r.campaign, key, StateSkipped, byLastCheck, "skip", reason); err != nil {
			return err
		}
		_, err := tx.conn.ExecContext(context.Background(),
			`UPDATE rows SET skip_reason = ? WHERE campaign = ? AND key = ?`, reason, r.campaign, key)
		return err
	})
}

func (r *Run) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// SentSince counts the messages sent (or possibly sent) at or after t by
// every campaign of this run's account, including outcomes not yet
// committed.
func (r *Run) SentSince(t time.Time) (int, error) {
	var n int
	err := r.j.w.read(func(tx *wtx) error {
		return tx.stmt.countSent.QueryRow(r.account, t.UnixMilli()).Scan(&n)
	})
	return n, err
}

// Close makes the run's outcomes durable and releases the run lock.
func (r *Run) Close() error {
	r.closeOnce.Do(func() {
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		r.closeErr = r.j.w.flush()
		if errors.Is(r.closeErr, ErrClosed) {
			r.closeErr = nil // Journal.Close already committed everything
		}
		r.j.locks.release(r.lock)
	})
	return r.closeErr
}

// SentSince counts messages sent (or possibly sent) at or after t through
// account, across campaigns; committed outcomes only.
func (j *Journal) SentSince(account string, t time.Time) (int, error) {
	var n int
	err := j.db.QueryRow(sentSinceQuery, account, t.UnixMilli()).Scan(&n)
	return n, err
}
