package sender

import (
	"container/heap"
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

// run is the state of one Engine.Run.
type run struct {
	e      *Engine
	cfg    *config
	parent context.Context
	ctx    context.Context // cancelled when the run stops
	cancel context.CancelFunc
	src    Source
	bucket *bucket
	spacer *spacer
	cap    *dailyCap
	prog   *progress

	mu        sync.Mutex
	srcDone   bool
	queue     jobQueue // retries and rows put back, by due time
	stopErr   *StopError
	coolUntil time.Time // no transaction starts before (throttle, unreachable)
	coolWait  Wait      // why, for progress
	// throttles counts the throttles in a row, since throttledSince;
	// a message accepted ends the series.
	throttles      int
	throttledSince time.Time
	failures       int // consecutive failed connection attempts
	active         int // workers still taking rows
	// spikeSig and spikeN: the signature of the last refusal and how
	// many rows in a row were refused with it (WithErrorSpike).
	spikeSig string
	spikeN   int
	seq      int
	sum      Summary
}

// job is one row on its way through the engine.
type job struct {
	msg      Message
	env      envelope
	attempts int
	due      time.Time
	seq      int // keeps rows put back in their original order
}

func newRun(e *Engine, parent context.Context, src Source, total int) *run {
	ctx, cancel := context.WithCancel(parent)
	r := &run{e: e, cfg: &e.cfg, parent: parent, ctx: ctx, cancel: cancel, src: src,
		bucket: newBucket(e.cfg.rate), spacer: newSpacer(e.cfg.delay, e.cfg.random),
		prog: newProgress(e.cfg.progress, e.cfg.clock, total), active: e.cfg.concurrency}
	if e.cfg.dailyCap > 0 {
		r.cap = &dailyCap{limit: e.cfg.dailyCap, store: e.store, clock: e.cfg.clock}
	}
	r.sum.Started = e.cfg.clock.Now()
	return r
}

func (r *run) execute() (Summary, error) {
	if err := r.bucket.resume(r.e.store, r.cfg.clock.Now()); err != nil {
		return r.sum, &StopError{Reason: ErrJournal, Err: err}
	}
	if err := r.spacer.resume(r.e.store, r.cfg.clock.Now()); err != nil {
		return r.sum, &StopError{Reason: ErrJournal, Err: err}
	}
	var wg sync.WaitGroup
	for range r.cfg.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.worker()
		}()
	}
	wg.Wait()
	r.cancel()
	r.prog.close()

	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Pending += r.queue.Len()
	r.sum.Finished = r.cfg.clock.Now()
	if r.stopErr != nil {
		return r.sum, r.stopErr
	}
	return r.sum, nil
}

// stop ends the run early; the first reason wins.
func (r *run) stop(err *StopError) {
	r.mu.Lock()
	if r.stopErr == nil {
		r.stopErr = err
	}
	r.mu.Unlock()
	r.cancel()
}

// stopped reports whether the run is over, recording a cancel by the
// caller as the reason if nothing else stopped it first.
func (r *run) stopped() bool {
	if r.ctx.Err() == nil {
		return false
	}
	if r.parent.Err() != nil {
		r.stop(stop(ErrCanceled, "", r.parent.Err()))
	}
	return true
}

func (r *run) worker() {
	conn, err := newSMTPConn(r.cfg, r.e.tlsConf)
	if err != nil {
		r.stop(stop(ErrInvalidConfig, "", err))
		return
	}
	defer conn.quit()
	for {
		j := r.next()
		if j == nil {
			return
		}
		if r.deliver(conn, j) {
			return // one connection fewer: the server limits connections
		}
	}
}

// next returns the next job: a retry that is due, else a new row from
// the source, else the earliest retry once it is due. nil means done.
func (r *run) next() *job {
	for {
		if !r.proceed() {
			return nil
		}
		now := r.cfg.clock.Now()
		r.mu.Lock()
		if r.queue.Len() > 0 && !r.queue[0].due.After(now) {
			j := heap.Pop(&r.queue).(*job)
			waiting := r.queue.Len()
			r.mu.Unlock()
			r.prog.update(func(p *Progress) { p.Retrying = waiting })
			return j
		}
		if !r.srcDone {
			msg, err := r.src.Next(r.ctx)
			switch {
			case err == nil:
				r.seq++
				j := &job{msg: msg, seq: r.seq}
				r.mu.Unlock()
				return j
			case errors.Is(err, io.EOF):
				r.srcDone = true
			default:
				r.mu.Unlock()
				if !r.stopped() {
					r.stop(stop(ErrSource, "", err))
				}
				return nil
			}
		}
		if r.queue.Len() == 0 {
			// Decided under the lock that puts rows back, so that a worker
			// retiring (retire) never leaves a row to no one.
			r.active--
			r.mu.Unlock()
			return nil
		}
		wait := r.queue[0].due.Sub(now)
		r.mu.Unlock()
		r.sleep(wait)
	}
}

// putBack returns a job to the queue, due after d.
func (r *run) putBack(j *job, d time.Duration) {
	r.mu.Lock()
	j.due = r.cfg.clock.Now().Add(d)
	heap.Push(&r.queue, j)
	waiting := r.queue.Len()
	r.mu.Unlock()
	r.prog.update(func(p *Progress) { p.Retrying = waiting })
}

// sleep waits d or until the run stops.
func (r *run) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	select {
	case <-r.cfg.clock.After(d):
	case <-r.ctx.Done():
	}
}

// maxNap bounds one sleep of a long wait, which then goes on against the
// wall clock: a computer that sleeps (a laptop's lid closed overnight)
// stops the monotonic clock timers run on, and the sending hours or a
// provider's limit are about the wall clock.
const maxNap = 5 * time.Minute

// sleepUntil waits until t by the run's clock, or until the run stops.
func (r *run) sleepUntil(t time.Time) {
	for {
		d := t.Sub(r.cfg.clock.Now())
		if d <= 0 || r.ctx.Err() != nil {
			return
		}
		r.sleep(min(d, maxNap))
	}
}

// waitFor shows w while waiting for it to end; a long wait closes the
// connection first, as an idle connection would be closed by the server.
func (r *run) waitFor(conn *smtpConn, w Wait) {
	if w.Until.Sub(r.cfg.clock.Now()) > maxNap {
		conn.quit()
	}
	r.prog.hold(w)
	r.sleepUntil(w.Until)
	r.prog.release(w)
}

// waitTurn holds a message until the engine is not paused, sending is
// allowed (start time, hours), no cool-down is in force, and the rate
// limit and the random delay allow it. false means the run stopped.
func (r *run) waitTurn(conn *smtpConn) bool {
	for {
		if !r.proceed() || !r.inSchedule(conn) {
			return false
		}
		r.mu.Lock()
		w := r.coolWait
		w.Until = r.coolUntil
		r.mu.Unlock()
		if !w.Until.After(r.cfg.clock.Now()) {
			break
		}
		r.waitFor(conn, w)
	}
	if wait := r.bucket.reserve(r.cfg.clock.Now()); wait > 0 {
		r.sleep(wait)
	}
	if now := r.cfg.clock.Now(); r.spacer != nil {
		if start := r.spacer.reserve(now); start.After(now) {
			r.waitFor(conn, Wait{Reason: WaitDelay, Until: start})
		}
	}
	// A pause requested while waiting still applies to this message, and
	// the waits may have run past the end of the sending hours.
	return r.proceed() && r.inSchedule(conn)
}

// inSchedule waits, or stops the run, while the schedule does not allow
// sending (Schedule). false means the run stopped.
func (r *run) inSchedule(conn *smtpConn) bool {
	for {
		now := r.cfg.clock.Now()
		next, reason := r.cfg.schedule.Next(now)
		if !next.After(now) {
			return true
		}
		if !r.cfg.schedule.Wait {
			why := ErrOutsideHours
			if reason == WaitStart {
				why = ErrScheduled
			}
			r.stop(&StopError{Reason: why, ResumeAt: next})
			return false
		}
		r.waitFor(conn, Wait{Reason: reason, Until: next})
		if !r.proceed() {
			return false
		}
	}
}

// proceed waits while paused and reports whether the run goes on.
func (r *run) proceed() bool {
	if r.e.gate.wait(r.ctx) != nil {
		r.stopped() // records a cancel by the caller as the reason
		return false
	}
	return !r.stopped()
}

// coolDown delays every worker's next transaction by d, for the reason
// w says; r.mu is held.
func (r *run) coolDown(d time.Duration, w Wait) {
	if until := r.cfg.clock.Now().Add(d); until.After(r.coolUntil) {
		r.coolUntil, r.coolWait = until, w
	}
}

// jobQueue is a min-heap of jobs by due time, then by sequence.
type jobQueue []*job

func (q jobQueue) Len() int { return len(q) }
func (q jobQueue) Less(i, k int) bool {
	if !q[i].due.Equal(q[k].due) {
		return q[i].due.Before(q[k].due)
	}
	return q[i].seq < q[k].seq
}
func (q jobQueue) Swap(i, k int) { q[i], q[k] = q[k], q[i] }
func (q *jobQueue) Push(x any)   { *q = append(*q, x.(*job)) }
func (q *jobQueue) Pop() any {
	old := *q
	j := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return j
}
