package journal

import (
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
	// check, when set, does everything that can refuse the job, reading
	// only; fn then only writes, so the job needs no savepoint, and an
	// error while writing is the disk's and breaks the writer.
	check func(tx *wtx) error
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
	done       *doneQueue
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
		done:       newDoneQueue(),
		exited:     make(chan struct{}),
		flushDelay: flushDelay,
		maxBatch:   maxBatch,
	}
	go w.run()
	return w
}

// do hands fn to the writer and waits for its reply. A read-only journal
// has no writer.
func (w *writer) do(j *job) error {
	if w == nil {
		return ErrReadOnly
	}
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

// writeChecked is a durable write whose refusals all come from check,
// before apply writes anything (see job.check).
func (w *writer) writeChecked(check, apply func(tx *wtx) error) error {
	return w.do(&job{check: check, fn: apply, durable: true})
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
	// flushDue is nil while nothing waits to be committed.
	var flushDue <-chan time.Time
	arm := func() {
		if flushDue == nil {
			timer.Reset(w.flushDelay)
			flushDue = timer.C
		}
	}
	for {
		select {
		case first := <-w.jobs:
			if w.runBatch(w.collect(first)) {
				return
			}
			timer.Stop()
			flushDue = nil
			if w.dirty || w.done.pending() {
				arm()
			}
		case <-w.done.kick:
			// Idle: write the outcomes now, while their workers talk to
			// the server, so the next MarkSending's batch finds less to do.
			w.applyDone(nil)
			if w.dirty || w.done.pending() {
				arm()
			}
		case <-flushDue:
			flushDue = nil
			// Nothing durable came along: commit the MarkDone results on
			// their own rather than keep them in memory.
			w.applyDone(nil)
			w.commit()
			if w.done.pending() {
				arm()
			}
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
// writer must stop. Queued MarkDone outcomes go first, so that every job
// sees the rows as the engine was told they are, and again just before
// the commit, so that those which arrived meanwhile share it.
func (w *writer) runBatch(batch []*job) (stop bool) {
	w.applyDone(nil)
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
			err := w.runJob(j)
			if err != nil || !j.durable {
				j.done <- err
				continue
			}
		}
		waiting = append(waiting, j)
		stop = stop || j.final
	}
	var refuse error
	if stop {
		refuse = ErrClosed
	}
	queuedErr := w.applyDone(refuse)
	if len(waiting) == 0 {
		return stop
	}
	err := w.commit()
	if err == nil && w.broken != nil {
		err = w.broken // a queued outcome could not be written
	}
	if err == nil && queuedErr != nil {
		err = queuedErr // queued outcomes are not durable yet: say so
	}
	for _, j := range waiting {
		j.done <- err
	}
	return stop
}

// begin opens the transaction that the following jobs share.
func (w *writer) begin() error {
	if w.inTx {
		return nil
	}
	if _, err := w.tx.stmt.begin.Exec(); err != nil {
		return w.durabilityError("begin", err)
	}
	w.inTx = true
	return nil
}

func (w *writer) runJob(j *job) error {
	if err := w.begin(); err != nil {
		return err
	}
	w.tx.now = w.tx.clock()
	if j.check == nil {
		return w.runSavepoint(j.fn)
	}
	if err := j.check(w.tx); err != nil {
		return err
	}
	if err := j.fn(w.tx); err != nil {
		return w.fail("write", err)
	}
	w.dirty = true
	return nil
}

// runSavepoint runs fn under a savepoint so that a refused change (an
// illegal move, an unknown row) undoes only its own writes, not the
// batch's.
func (w *writer) runSavepoint(fn func(tx *wtx) error) error {
	if _, err := w.tx.stmt.savepoint.Exec(); err != nil {
		return w.fail("savepoint", err)
	}
	if err := fn(w.tx); err != nil {
		if _, rerr := w.tx.stmt.rollbackTo.Exec(); rerr != nil {
			return w.fail("rollback", rerr)
		}
		if _, rerr := w.tx.stmt.release.Exec(); rerr != nil {
			return w.fail("rollback", rerr)
		}
		return err
	}
	if _, err := w.tx.stmt.release.Exec(); err != nil {
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
	if _, err := w.tx.stmt.commit.Exec(); err != nil {
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
		_, _ = w.tx.stmt.rollback.Exec()
	}
	w.inTx, w.dirty = false, false
	w.broken = w.durabilityError(op, err)
	w.done.take(w.broken)
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
