package journal

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"mailroom/sender"
)

// TestGroupCommitManyWriters runs many engine workers at once. Every
// MarkSending must be committed when it returns (a fresh read connection
// sees it), every row must end sent exactly once, and the writer must have
// shared commits between workers.
func TestGroupCommitManyWriters(t *testing.T) {
	const workers, perWorker = 32, 25
	j := openTest(t)
	c, res := campaignWith(t, j, "group", workers*perWorker)
	run := startRun(t, j, c.ID)
	before := j.w.commits.Load()

	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				key := res.Rows[w*perWorker+i].Key
				if err := run.MarkSending(key, "mid-"+key, ""); err != nil {
					errs <- err
					return
				}
				var state string
				if err := j.db.QueryRow(`SELECT state FROM rows WHERE campaign = ? AND key = ?`, c.ID, key).Scan(&state); err != nil {
					errs <- err
					return
				}
				if state != string(StateSending) {
					errs <- fmt.Errorf("%s: MarkSending returned before its commit (state %s)", key, state)
					return
				}
				if err := run.MarkDone(sender.Result{Key: key, Outcome: sender.OutcomeSent, Code: 250, Attempts: 1}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	commits := j.w.commits.Load() - before
	s, err := j.Summary(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Sent != workers*perWorker || s.Total() != workers*perWorker {
		t.Fatalf("counts = %+v, want all %d sent", s.Counts, workers*perWorker)
	}
	var events int
	j.db.QueryRow(`SELECT count(*) FROM events WHERE campaign = ?`, c.ID).Scan(&events)
	sends, err := j.SentSince("acct", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if events != 2*workers*perWorker || sends != workers*perWorker {
		t.Fatalf("events = %d, sends = %d; each row must be logged exactly twice and counted once", events, sends)
	}
	if commits >= workers*perWorker {
		t.Fatalf("%d commits for %d messages: concurrent MarkSending calls did not share commits", commits, workers*perWorker)
	}
	t.Logf("%d messages, %d commits", workers*perWorker, commits)
}

// TestRefusedJobDoesNotSpoilBatch sends illegal and legal requests
// together: the refused ones are rolled back alone.
func TestRefusedJobDoesNotSpoilBatch(t *testing.T) {
	j := openTest(t)
	c, res := campaignWith(t, j, "mixed", 40)
	run := startRun(t, j, c.ID)
	var wg sync.WaitGroup
	for i, r := range res.Rows {
		wg.Go(func() {
			if i%2 == 0 {
				if err := run.MarkSending(r.Key, "m", ""); err != nil {
					t.Error(err)
				}
				return
			}
			// Odd rows are pending: reporting them sent is refused.
			if err := run.MarkDone(sender.Result{Key: r.Key, Outcome: sender.OutcomeSent}); err == nil {
				t.Errorf("%s: pending→sent accepted", r.Key)
			}
		})
	}
	wg.Wait()
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	s, _ := j.Summary(c.ID)
	if s.Sending != 20 || s.Pending != 20 {
		t.Fatalf("counts = %+v, want 20 sending and 20 pending", s.Counts)
	}
}

func TestSynchronousFullAndWAL(t *testing.T) {
	j := openTest(t)
	var sync int
	var mode string
	err := j.w.read(func(tx *wtx) error {
		if err := tx.conn.QueryRowContext(t.Context(), "PRAGMA synchronous").Scan(&sync); err != nil {
			return err
		}
		return tx.conn.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode)
	})
	if err != nil || sync != 2 || mode != "wal" {
		t.Fatalf("synchronous = %d, journal_mode = %q (%v); want 2 (FULL) and wal", sync, mode, err)
	}
}
