package sender

import (
	"context"
	"io"
)

// Source yields the messages of a run one at a time, so that a 100,000-row
// campaign is rendered lazily and never held in memory. Next returns io.EOF
// after the last message. The engine never calls Next concurrently.
type Source interface {
	Next(ctx context.Context) (Message, error)
}

// Withdrawer is implemented by sources that can take back a message they
// gave out. The engine asks just before the first attempt, after the
// waits that come before a message (the random pause, the sending hours,
// a provider's throttle), which can last hours: what the source knew when
// it gave the message out (the do-not-send list) may have changed since.
// true means the source has recorded the row's outcome itself (skipped)
// and the engine drops the message; an error stops the run with ErrSource
// and leaves the message pending. Withdraw may be called from several
// connections at once. A retry of a message already tried is not asked
// about.
type Withdrawer interface {
	Withdraw(ctx context.Context, m Message) (bool, error)
}

// Sizer is implemented by sources that know how many messages they hold;
// progress then reports Remaining and an ETA.
type Sizer interface {
	Len() int
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context) (Message, error)

// Next calls f.
func (f SourceFunc) Next(ctx context.Context) (Message, error) { return f(ctx) }

// SliceSource is a Source over messages already in memory (small runs,
// tests).
type SliceSource struct {
	msgs []Message
	next int
}

// NewSliceSource returns a Source yielding msgs in order.
func NewSliceSource(msgs ...Message) *SliceSource { return &SliceSource{msgs: msgs} }

// Next returns the next message or io.EOF.
func (s *SliceSource) Next(context.Context) (Message, error) {
	if s.next >= len(s.msgs) {
		return Message{}, io.EOF
	}
	s.next++
	return s.msgs[s.next-1], nil
}

// Len returns the number of messages.
func (s *SliceSource) Len() int { return len(s.msgs) }
