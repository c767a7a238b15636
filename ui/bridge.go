package ui

import (
	"sync"

	"fyne.io/fyne/v2"
)

// bridge is the only way code running off the UI goroutine reaches the
// widgets: slow work (imports, previews, connection tests, sends) runs in a
// goroutine and hands back a function that fyne.Do applies on the UI
// goroutine. Tests call wait to let the work finish before asserting.
type bridge struct {
	wg sync.WaitGroup
}

// run executes work in a new goroutine; the function it returns, if any,
// is applied on the UI goroutine.
func (b *bridge) run(work func() (apply func())) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		if apply := work(); apply != nil {
			fyne.DoAndWait(apply)
		}
	}()
}

// wait blocks until every goroutine started by run has finished and its
// result is on screen.
func (b *bridge) wait() {
	b.wg.Wait()
}

// latest forwards values from a producer goroutine to the UI without ever
// blocking the producer: while one update is queued, newer values replace
// the pending one instead of piling up behind it.
type latest[T any] struct {
	mu      sync.Mutex
	queued  bool
	value   T
	applyFn func(T)
}

func newLatest[T any](apply func(T)) *latest[T] {
	return &latest[T]{applyFn: apply}
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
	l.mu.Unlock()
	fyne.Do(func() {
		l.mu.Lock()
		v := l.value
		l.queued = false
		l.mu.Unlock()
		l.applyFn(v)
	})
}

// update applies f on the UI goroutine without waiting; for streams of
// small updates from a goroutine, such as connection-test steps.
func (b *bridge) update(f func()) {
	fyne.Do(f)
}
