package journal

import (
	"errors"
	"sync"
	"sync/atomic"
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

	// closed refuses writes once the lock is gone: another process may
	// be running the campaign by then.
	closed    atomic.Bool
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
	return &Run{j: j, campaign: campaign, account: c.Account, lock: lock}, recovered, nil
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
	if r.closed.Load() {
		return ErrClosed
	}
	return r.j.w.write(true, func(tx *wtx) error {
		from, err := tx.state(r.campaign, key)
		if err != nil {
			return err
		}
		if err := checkMove(key, from, StateSending, byEngine); err != nil {
			return err
		}
		if _, err := tx.stmt.sending.Exec(messageID, hash, tx.nowMillis(), r.campaign, key); err != nil {
			return err
		}
		return tx.event(r.campaign, key, "sending", from, StateSending, messageID)
	})
}

// MarkDone records the outcome of the row's message. It returns once the
// change is written but before it is durable: the next MarkSending,
// Flush or Close (or the flush delay) commits it. A crash in between
// leaves the row "sending", which the next StartRun reports as unknown.
func (r *Run) MarkDone(res sender.Result) error {
	if r.closed.Load() {
		return ErrClosed
	}
	to, err := outcomeState(res.Outcome)
	if err != nil {
		return err
	}
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
		r.closed.Store(true)
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
