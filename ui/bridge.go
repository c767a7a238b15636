package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// bridge is the only way code running off the UI goroutine reaches the
// widgets: slow work (imports, previews, connection tests, sends) runs in a
// goroutine and hands back a function that is applied on the UI goroutine.
//
// Fyne's test driver runs fyne.Do inline on the calling goroutine, which
// would let background work touch widgets while the test does. So tests
// give the bridge a queue and call wait, which applies the queued updates on
// the test's goroutine, standing in for the UI goroutine.
type bridge struct {
	queue   chan func() // nil in the app: updates go through fyne.Do
	pending int         // goroutines started by run not yet applied; queue mode only
}

func newTestBridge() *bridge {
	return &bridge{queue: make(chan func(), 4096)}
}

// run executes work in a new goroutine; the function it returns, if any,
// is applied on the UI goroutine. Call run from the UI goroutine.
func (b *bridge) run(work func() (apply func())) {
	if b.queue == nil {
		go func() {
			if apply := work(); apply != nil {
				fyne.Do(apply)
			}
		}()
		return
	}
	b.pending++
	go func() {
		apply := work()
		b.queue <- func() {
			b.pending--
			if apply != nil {
				apply()
			}
		}
	}()
}

// update applies f on the UI goroutine without waiting; for streams of
// small updates from a goroutine, such as connection-test steps.
func (b *bridge) update(f func()) {
	if b.queue != nil {
		b.queue <- f
		return
	}
	fyne.Do(f)
}

// wait applies queued updates until every goroutine started by run has
// delivered its result (tests only).
func (b *bridge) wait() {
	for {
		select {
		case f := <-b.queue:
			f()
			continue
		default:
		}
		if b.pending == 0 {
			return
		}
		f := <-b.queue
		f()
	}
}

// flush applies the updates queued so far without waiting for running
// goroutines, e.g. progress of a send that is still going (tests only).
func (b *bridge) flush() {
	for {
		select {
		case f := <-b.queue:
			f()
		default:
			return
		}
	}
}

// latest forwards values from a producer goroutine to the UI without ever
// blocking the producer: while one update is queued, newer values replace
// the pending one instead of piling up behind it.
type latest[T any] struct {
	bridge  *bridge
	mu      sync.Mutex
	queued  bool
	value   T
	applyFn func(T)
	// every, when set, spaces updates at least that far apart: each one
	// repaints the window, which a fast producer (a send at hundreds of
	// messages a second) would otherwise make the UI goroutine do
	// back to back.
	every time.Duration
	last  time.Time
}

func newLatest[T any](b *bridge, apply func(T)) *latest[T] {
	return &latest[T]{bridge: b, applyFn: apply}
}

// newLatestEvery is newLatest with updates at most once per interval; the
// newest value is always shown in the end.
func newLatestEvery[T any](b *bridge, every time.Duration, apply func(T)) *latest[T] {
	return &latest[T]{bridge: b, applyFn: apply, every: every}
}

// post records v and schedules at most one UI update.
func (l *latest[T]) post(v T) {
	l.mu.Lock()
	l.value = v
	if l.queued {
		l.mu.Unlock()
		return
	}
	l.queued = true
	wait := l.every - time.Since(l.last)
	l.mu.Unlock()
	apply := func() {
		l.mu.Lock()
		v := l.value
		l.queued = false
		l.last = time.Now()
		l.mu.Unlock()
		l.applyFn(v)
	}
	if l.every > 0 && wait > 0 {
		time.AfterFunc(wait, func() { l.bridge.update(apply) })
		return
	}
	l.bridge.update(apply)
}
