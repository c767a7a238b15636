package sender

import (
	"sync"
	"time"
)

// Progress is a snapshot of a run.
type Progress struct {
	Sent    int
	Failed  int
	Unknown int
	// Retrying counts rows waiting for another attempt (temporary
	// failure, quota cool-down, unreachable server).
	Retrying int
	// Remaining is the number of rows not finished yet, or -1 when the
	// source does not know its length (see Sizer).
	Remaining int
	// Rate is the delivery rate in messages per minute since the run
	// started, not counting time spent paused.
	Rate float64
	// ETA estimates the time left; 0 when unknown.
	ETA time.Duration
	// Paused is true while the caller has paused the run.
	Paused bool
	// WaitingUntil is set while the run waits for a throttle or an
	// unavailable server to cool down, for the sending hours or the start
	// time: Wait.Until for those reasons.
	WaitingUntil time.Time
	// Wait says why the run holds messages back now, and until when; the
	// zero Wait while it does not.
	Wait Wait
	// Last is the most recent row result.
	Last Result
}

// WaitReason says why a run holds messages back.
type WaitReason int

// The reasons a run waits.
const (
	WaitNone WaitReason = iota
	// WaitThrottle: the server limits how fast or on how many connections
	// the account may send (Wait.Limit); sending continues by itself at
	// Wait.Until.
	WaitThrottle
	// WaitUnavailable: the server is not taking mail; the next try is at
	// Wait.Until.
	WaitUnavailable
	// WaitHours: outside the sending hours; they open at Wait.Until.
	WaitHours
	// WaitStart: the run starts at Wait.Until.
	WaitStart
	// WaitDelay: the random pause between messages; the next starts at
	// Wait.Until.
	WaitDelay
	// WaitErrorSpike: the engine paused itself after Wait.Failures
	// messages in a row were refused with Wait.Reply; Resume continues.
	WaitErrorSpike
)

// Wait is why a run holds messages back.
type Wait struct {
	Reason WaitReason
	// Until is when sending continues; zero for WaitErrorSpike.
	Until time.Time
	// Limit is what the server limits (WaitThrottle).
	Limit Limit
	// Reply is the server's reply behind the wait, if any.
	Reply string
	// Failures counts the refusals in a row (WaitErrorSpike).
	Failures int
}

// progress keeps the counters and hands snapshots to the caller's
// callback through a one-slot mailbox, so that a slow callback only
// coalesces updates and never holds up a worker.
type progress struct {
	mu       sync.Mutex
	snap     Progress
	total    int
	started  time.Time
	pausedAt time.Time
	paused   time.Duration
	clock    Clock
	fn       func(Progress)
	kick     chan struct{}
	done     chan struct{}
	closed   bool // kick is closed; p.mu guards both
}

func newProgress(fn func(Progress), clock Clock, total int) *progress {
	p := &progress{fn: fn, clock: clock, total: total, started: clock.Now(), kick: make(chan struct{}, 1), done: make(chan struct{})}
	p.snap.Remaining = -1
	if total >= 0 {
		p.snap.Remaining = total
	}
	if fn == nil {
		close(p.done)
		return p
	}
	go p.deliver()
	return p
}

func (p *progress) deliver() {
	defer close(p.done)
	for range p.kick {
		p.mu.Lock()
		s := p.snap
		p.mu.Unlock()
		p.fn(s)
	}
}

// update applies f to the snapshot and signals the callback.
func (p *progress) update(f func(*Progress)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.snap)
	p.refresh()
	// Under the lock that close takes: Pause or Resume may come from
	// another goroutine as the run ends.
	if p.fn != nil && !p.closed {
		select {
		case p.kick <- struct{}{}:
		default: // an undelivered signal is pending and will pick this up
		}
	}
}

// refresh recomputes the derived fields; p.mu is held.
func (p *progress) refresh() {
	s := &p.snap
	done := s.Sent + s.Failed + s.Unknown
	if p.total >= 0 {
		s.Remaining = max(p.total-done, 0)
	}
	active := p.clock.Now().Sub(p.started) - p.paused
	if !p.pausedAt.IsZero() {
		active -= p.clock.Now().Sub(p.pausedAt)
	}
	s.Rate, s.ETA = 0, 0
	if active > 0 && done > 0 {
		s.Rate = float64(done) / active.Minutes()
		if s.Remaining > 0 {
			s.ETA = time.Duration(float64(s.Remaining) / s.Rate * float64(time.Minute))
		}
	}
}

// hold shows that the run waits for w.
func (p *progress) hold(w Wait) {
	p.update(func(s *Progress) {
		s.Wait, s.WaitingUntil = w, time.Time{}
		if w.Reason != WaitDelay && w.Reason != WaitErrorSpike {
			s.WaitingUntil = w.Until
		}
	})
}

// release ends the wait w, unless another one has replaced it meanwhile.
func (p *progress) release(w Wait) {
	p.mu.Lock()
	same := p.snap.Wait == w
	p.mu.Unlock()
	if same {
		p.update(func(s *Progress) {
			if s.Wait == w {
				s.Wait, s.WaitingUntil = Wait{}, time.Time{}
			}
		})
	}
}

func (p *progress) setPaused(paused bool) {
	p.update(func(s *Progress) {
		if !paused && s.Wait.Reason == WaitErrorSpike {
			s.Wait = Wait{} // resuming is the user's answer to it
		}
		now := p.clock.Now()
		if paused && p.pausedAt.IsZero() {
			p.pausedAt = now
		} else if !paused && !p.pausedAt.IsZero() {
			p.paused += now.Sub(p.pausedAt)
			p.pausedAt = time.Time{}
		}
		s.Paused = paused
	})
}

// close delivers the final snapshot and waits for the callback.
func (p *progress) close() {
	if p.fn == nil {
		return
	}
	p.mu.Lock()
	p.closed = true
	close(p.kick)
	p.mu.Unlock()
	<-p.done
}
