package journal

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// job is one unit of work for the writer goroutine.
type job struct {
	fn func(tx *wtx) error
	// durable jobs get their reply only after the transaction holding
	// them has committed (fsync); the others as soon as fn has run.
	durable bool
	// read jobs run outside any savepoint and dirty nothing.
	read bool
	// final stops the writer after committing.
	final bool
	done  chan error
}

// writer owns the only write connection. All changes go through it so
// that concurrent durable requests share one commit (group commit), and
// MarkDone results ride along with the next durable commit.
type writer struct {
	tx         *wtx
	path       string
	jobs       chan *job // unbuffered: a job is either taken or refused
	exited     chan struct{}
	flushDelay time.Duration
	maxBatch   int

	inTx   bool
	dirty  bool
	broken error // sticky: once a commit failed, nothing is trusted

	// commits counts successful commits (fsyncs); benchmarks report
	// commits per message to show the group commit at work.
	commits atomic.Int64
}

func newWriter(tx *wtx, path string, flushDelay time.Duration, maxBatch int) *writer {
	w := &writer{
		tx:         tx,
		path:       path,
		jobs:       make(chan *job),
		exited:     make(chan struct{}),
		flushDelay: flushDelay,
		maxBatch:   maxBatch,
	}
	go w.run()
	return w
}

// do hands fn to the writer and waits for its reply.
func (w *writer) do(j *job) error {
	j.done = make(chan error, 1)
	select {
	case w.jobs <- j:
	case <-w.exited:
		return ErrClosed
	}
	return <-j.done
}

func (w *writer) write(durable bool, fn func(tx *wtx) error) error {
	return w.do(&job{fn: fn, durable: durable})
}

func (w *writer) read(fn func(tx *wtx) error) error {
	return w.do(&job{fn: fn, read: true})
}

// flush makes every change so far durable.
func (w *writer) flush() error { return w.do(&job{durable: true}) }

// stop commits what is pending and ends the writer.
func (w *writer) stop() error { return w.do(&job{durable: true, final: true}) }

func (w *writer) run() {
	defer close(w.exited)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var first *job
		if w.dirty {
			select {
			case first = <-w.jobs:
			case <-timer.C:
				// Nothing durable came along: commit the MarkDone
				// results on their own rather than keep them in memory.
				w.commit()
				continue
			}
		} else {
			first = <-w.jobs
		}
		if w.runBatch(w.collect(first)) {
			return
		}
		if w.dirty {
			timer.Reset(w.flushDelay)
		}
	}
}

// collect takes every job already waiting, so that durable jobs which
// arrived during the previous commit share the next one.
func (w *writer) collect(first *job) []*job {
	batch := []*job{first}
	for len(batch) < w.maxBatch {
		select {
		case j := <-w.jobs:
			batch = append(batch, j)
		default:
			return batch
		}
	}
	return batch
}

// runBatch runs the jobs in one transaction and reports whether the
// writer must stop.
func (w *writer) runBatch(batch []*job) (stop bool) {
	var waiting []*job
	for _, j := range batch {
		if w.broken != nil {
			j.done <- w.broken
			stop = stop || j.final
			continue
		}
		if j.read {
			j.done <- j.fn(w.tx)
			continue
		}
		if j.fn != nil {
			err := w.runInTx(j.fn)
			if err != nil || !j.durable {
				j.done <- err
				continue
			}
		}
		waiting = append(waiting, j)
		stop = stop || j.final
	}
	if len(waiting) == 0 {
		return stop
	}
	err := w.commit()
	for _, j := range waiting {
		j.done <- err
	}
	return stop
}

// runInTx runs fn under a savepoint so that a refused change (an illegal
// move, an unknown row) undoes only its own writes, not the batch's.
func (w *writer) runInTx(fn func(tx *wtx) error) error {
	ctx := context.Background()
	if !w.inTx {
		if _, err := w.tx.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return w.durabilityError("begin", err)
		}
		w.inTx = true
	}
	if _, err := w.tx.conn.ExecContext(ctx, "SAVEPOINT job"); err != nil {
		return w.fail("savepoint", err)
	}
	w.tx.now = w.tx.clock()
	if err := fn(w.tx); err != nil {
		if _, rerr := w.tx.conn.ExecContext(ctx, "ROLLBACK TO job; RELEASE job"); rerr != nil {
			return w.fail("rollback", rerr)
		}
		return err
	}
	if _, err := w.tx.conn.ExecContext(ctx, "RELEASE job"); err != nil {
		return w.fail("release", err)
	}
	w.dirty = true
	return nil
}

// commit ends the open transaction; with synchronous=FULL this is the
// fsync of the write-ahead log.
func (w *writer) commit() error {
	if !w.inTx {
		return nil
	}
	_, err := w.tx.conn.ExecContext(context.Background(), "COMMIT")
	if err != nil {
		return w.fail("commit", err)
	}
	w.inTx, w.dirty = false, false
	w.commits.Add(1)
	return nil
}

// fail makes the writer refuse everything from now on. Changes already
// acknowledged (MarkDone) may be lost with the transaction; their rows
// stay "sending" on disk and become "unknown" at the next start, which is
// the contract's answer to a crash at the same moment.
func (w *writer) fail(op string, err error) error {
	if w.inTx {
		_, _ = w.tx.conn.ExecContext(context.Background(), "ROLLBACK")
	}
	w.inTx, w.dirty = false, false
	w.broken = w.durabilityError(op, err)
	return w.broken
}

func (w *writer) durabilityError(op string, err error) error {
	return &DurabilityError{Path: w.path, Op: op, Err: err}
}

// wtx is what a job sees: the write connection, its prepared statements
// and the time the job started.
type wtx struct {
	conn  *sql.Conn
	clock func() time.Time
	now   time.Time
	stmt  statements
}

func (t *wtx) nowMillis() int64 { return t.now.UnixMilli() }
