package sender

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Delay is a random pause between messages, on top of the rate limit and
// the daily cap, as desktop bulk senders use for free mailboxes (双翼:
// 30–120 s): an even, fast beat is what providers' filters look for.
// Each message starts a random time between Min and Max after the one
// before it, across all connections.
type Delay struct {
	Min, Max time.Duration
}

// IsZero reports whether there is no delay.
func (d Delay) IsZero() bool { return d.Max <= 0 }

// String writes d as ParseDelay reads it, in seconds.
func (d Delay) String() string {
	if d.IsZero() {
		return ""
	}
	s := func(x time.Duration) string { return strconv.FormatFloat(x.Seconds(), 'f', -1, 64) }
	if d.Min == d.Max {
		return s(d.Min)
	}
	return s(d.Min) + "-" + s(d.Max)
}

// ParseDelay reads "30-120" (seconds), "30s-2m", "45" or "0" (none).
func ParseDelay(s string) (Delay, error) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	shortest, err1 := delayPart(lo)
	longest, err2 := shortest, error(nil)
	if isRange {
		longest, err2 = delayPart(hi)
	}
	switch {
	case err1 != nil || err2 != nil:
		return Delay{}, fmt.Errorf("%w: delay %q: want seconds or a range, e.g. 30-120", ErrInvalidConfig, s)
	case longest < shortest:
		return Delay{}, fmt.Errorf("%w: delay %q: the longest pause must not be shorter than the shortest", ErrInvalidConfig, s)
	case longest > 24*time.Hour:
		return Delay{}, fmt.Errorf("%w: delay %q: at most a day between messages", ErrInvalidConfig, s)
	}
	return Delay{Min: shortest, Max: longest}, nil
}

func delayPart(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 0 {
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return d, nil
}

// WithDelay pauses a random time between d.Min and d.Max between
// messages (see Delay). The zero Delay turns it off.
func WithDelay(d Delay) Option {
	return func(c *config) error {
		if d.Min < 0 || d.Max < d.Min {
			return fmt.Errorf("%w: delay %s..%s", ErrInvalidConfig, d.Min, d.Max)
		}
		c.delay = d
		return nil
	}
}

// WithRandom replaces the source of the random delays (tests): it returns
// a number in [0, n).
func WithRandom(intN func(n int64) int64) Option {
	return func(c *config) error {
		if intN == nil {
			return fmt.Errorf("%w: nil random source", ErrInvalidConfig)
		}
		c.random = intN
		return nil
	}
}

// spacer spaces message starts by random delays.
type spacer struct {
	mu    sync.Mutex
	delay Delay
	rand  func(int64) int64
	next  time.Time // earliest start of the next message; zero: at once
}

func newSpacer(d Delay, random func(int64) int64) *spacer {
	if d.IsZero() {
		return nil
	}
	if random == nil {
		random = rand.Int64N
	}
	return &spacer{delay: d, rand: random}
}

func (s *spacer) pick() time.Duration {
	d := s.delay.Min
	if span := int64(s.delay.Max - s.delay.Min); span > 0 {
		d += time.Duration(s.rand(span + 1))
	}
	return d
}

// resume carries the pause across a restart: when the Store had a send
// within the longest delay, the first message of this run waits too.
func (s *spacer) resume(store Store, now time.Time) error {
	if s == nil {
		return nil
	}
	n, err := store.SentSince(now.Add(-s.delay.Max))
	if err != nil || n == 0 {
		return err
	}
	s.mu.Lock()
	s.next = now.Add(s.pick())
	s.mu.Unlock()
	return nil
}

// reserve takes the next start and returns when it is.
func (s *spacer) reserve(now time.Time) time.Time {
	if s == nil {
		return now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	start := now
	if s.next.After(now) {
		start = s.next
	}
	s.next = start.Add(s.pick())
	return start
}

// Throttle is how the run waits out a server's short-term limits (rate,
// connections): every connection pauses First, then twice as long after
// each further throttle in a row, at most Max; a message accepted ends the
// series. When a series has lasted longer than GiveUp the run stops with
// ErrThrottled and StopError.ResumeAt is when the next try was due.
type Throttle struct {
	First, Max, GiveUp time.Duration
}

// defaultThrottle: QQ's and NetEase's frequency limits lift within
// minutes; Exmail's hourly one within hours (docs/sender.md). 1, 2, 4, 8,
// 16, 30, 30… minutes, giving up after two hours of waiting in a row.
var defaultThrottle = Throttle{First: time.Minute, Max: 30 * time.Minute, GiveUp: 2 * time.Hour}

func (t Throttle) delay(k int) time.Duration { return Backoff{Initial: t.First, Max: t.Max}.delay(k) }

// WithThrottle replaces the throttle waits (default 1 min doubling to 30
// min, giving up after 2 hours in a row).
func WithThrottle(t Throttle) Option {
	return func(c *config) error {
		if t.First <= 0 || t.Max < t.First || t.GiveUp < 0 {
			return fmt.Errorf("%w: throttle %s..%s, giving up after %s", ErrInvalidConfig, t.First, t.Max, t.GiveUp)
		}
		c.throttle = t
		return nil
	}
}

// WithErrorSpike acts when n messages in a row are refused (5xx) with the
// same reply, such as NetEase's "554 DT:SPM" (content judged as spam):
// with pause the engine pauses itself (Progress.Wait says why; Resume
// continues), otherwise the run stops with ErrErrorSpike. n = 0 turns it
// off; the default is 5 with pause off.
func WithErrorSpike(n int, pause bool) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("%w: error spike %d", ErrInvalidConfig, n)
		}
		c.spike, c.spikePause = n, pause
		return nil
	}
}

// DefaultErrorSpike is how many identical refusals in a row pause or stop
// a run unless WithErrorSpike says otherwise (一米 stops after 5).
const DefaultErrorSpike = 5
