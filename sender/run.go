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
	cap    *dailyCap
	prog   *progress

	mu        sync.Mutex
	srcDone   bool
	queue     jobQueue // retries and rows put back, by due time
	stopErr   *StopError
	coolUntil time.Time // no transaction starts before (quota, unreachable)
	strikes   int       // consecutive quota replies
	failures  int       // consecutive failed connection attempts
	seq       int
	sum       Summary
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
		bucket: newBucket(e.cfg.rate), prog: newProgress(e.cfg.progress, e.cfg.clock, total)}
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
		r.deliver(conn, j)
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

// waitTurn holds a message until the engine is not paused, no cool-down
// is in force and the rate limit allows it. false means the run stopped.
func (r *run) waitTurn() bool {
	if !r.proceed() {
		return false
	}
	r.mu.Lock()
	until := r.coolUntil
	r.mu.Unlock()
	if now := r.cfg.clock.Now(); until.After(now) {
		r.prog.update(func(p *Progress) { p.WaitingUntil = until })
		r.sleep(until.Sub(now))
	}
	if wait := r.bucket.reserve(r.cfg.clock.Now()); wait > 0 {
		r.sleep(wait)
	}
	// A pause requested while waiting still applies to this message.
	return r.proceed()
}

// proceed waits while paused and reports whether the run goes on.
func (r *run) proceed() bool {
	if r.e.gate.wait(r.ctx) != nil {
		r.stopped() // records a cancel by the caller as the reason
		return false
	}
	return !r.stopped()
}

// coolDown delays every worker's next transaction by d.
func (r *run) coolDown(d time.Duration) {
	r.mu.Lock()
	if until := r.cfg.clock.Now().Add(d); until.After(r.coolUntil) {
		r.coolUntil = until
	}
	r.mu.Unlock()
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
