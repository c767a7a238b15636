package sender

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/wneessen/go-mail"

	"mailroom/sender/smtptest"
)

// memStore is a small in-memory Store that checks the engine keeps the
// journal protocol: MarkDone only for a row marked sending.
type memStore struct {
	mu          sync.Mutex
	state       map[string]string
	results     map[string]Result
	sendings    map[string]int
	sentAt      []time.Time
	failSending error
	violations  []string
}

func newMemStore() *memStore {
	return &memStore{state: map[string]string{}, results: map[string]Result{}, sendings: map[string]int{}}
}

func (s *memStore) MarkSending(key, messageID, hash string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSending != nil {
		return s.failSending
	}
	if st := s.state[key]; st != "" && st != "pending" && st != "sending" {
		s.violations = append(s.violations, fmt.Sprintf("MarkSending %s in state %s", key, st))
	}
	s.state[key] = "sending"
	s.sendings[key]++
	return nil
}

func (s *memStore) MarkDone(r Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state[r.Key] != "sending" {
		s.violations = append(s.violations, fmt.Sprintf("MarkDone %s in state %q", r.Key, s.state[r.Key]))
	}
	s.state[r.Key] = r.Outcome.String()
	s.results[r.Key] = r
	if r.Outcome == OutcomeSent || r.Outcome == OutcomeUnknown {
		s.sentAt = append(s.sentAt, r.At)
	}
	return nil
}

func (s *memStore) SentSince(t time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, at := range s.sentAt {
		if !at.Before(t) {
			n++
		}
	}
	return n, nil
}

func (s *memStore) result(t *testing.T, key string) Result {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.results[key]
	if !ok {
		t.Fatalf("no result for %s (state %q)", key, s.state[key])
	}
	return r
}

func (s *memStore) check(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.violations {
		t.Error("journal protocol:", v)
	}
}

// fakeClock jumps forward by every duration it is asked to wait, so that
// backoff and rate limiting run instantly and can be inspected.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// newMsg renders a small personalised message for addr.
func newMsg(t testing.TB, key, addr string) Message {
	t.Helper()
	m := mail.NewMsg()
	if err := m.From("Sender <sender@example.com>"); err != nil {
		t.Fatal(err)
	}
	if err := m.To(addr); err != nil {
		t.Fatal(err)
	}
	m.Subject("Invoice for " + addr)
	m.SetBodyString(mail.TypeTextPlain, "Dear customer,\n\nyour invoice is attached.\n")
	id := key + ".test@example.com"
	m.SetMessageIDWithValue(id)
	return Message{Key: key, Mail: m, MessageID: id}
}

func messages(t testing.TB, n int) []Message {
	msgs := make([]Message, n)
	for i := range msgs {
		msgs[i] = newMsg(t, fmt.Sprintf("row%03d", i+1), fmt.Sprintf("rcpt%03d@example.org", i+1))
	}
	return msgs
}

// plainEngine returns an engine for srv without TLS, on a fake clock.
func plainEngine(t *testing.T, srv *smtptest.Server, store Store, opts ...Option) (*Engine, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	base := []Option{
		WithServer(srv.Host(), srv.Port(), TLSNone),
		WithClock(clk),
		WithTimeouts(5*time.Second, 5*time.Second),
	}
	e, err := New(store, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return e, clk
}

func runAll(t *testing.T, e *Engine, msgs []Message) (Summary, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return e.Run(ctx, NewSliceSource(msgs...))
}

func wantStop(t *testing.T, err error, reason error) *StopError {
	t.Helper()
	var se *StopError
	if !errors.As(err, &se) || !errors.Is(err, reason) {
		t.Fatalf("Run error = %v, want a StopError for %v", err, reason)
	}
	return se
}

var errEOF = io.EOF

type contextT = context.Context

func decodeBase64(b []byte) ([]byte, error) {
	clean := bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, b)
	return base64.StdEncoding.DecodeString(string(clean))
}
