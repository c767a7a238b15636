package smtptest

import (
	"context"
	"strconv"
	"strings"
)

// Message is one message the server received completely.
type Message struct {
	Conn   int    // connection number (see ConnInfo.ID)
	Number int    // transaction number (see Event.Message)
	From   string // envelope MAIL FROM
	To     []string
	// Data is the raw message as received (dot-unstuffed, CRLF line ends);
	// nil with WithoutBodies.
	Data []byte
	Size int64
	TLS  bool
	User string // authenticated user, "" without AUTH
}

// ConnInfo describes one connection the server accepted.
type ConnInfo struct {
	ID  int
	TLS bool
	// TLSError is the handshake failure, if the TLS handshake failed.
	TLSError string
	// Commands counts each command verb (EHLO, MAIL, RCPT, DATA, RSET,
	// NOOP, AUTH, STARTTLS, QUIT...).
	Commands map[string]int
	// RoundTrips counts client lines that got a final reply: commands,
	// SASL continuations and each message body's final ".".
	RoundTrips int
	// Accepted counts messages accepted on this connection.
	Accepted int
}

func (s *Server) beginMessage() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsg++
	return s.nextMsg
}

// match evaluates the rules; countAttempt is set for RCPT, which counts as
// an attempt for its recipient.
func (s *Server) match(e Event, countAttempt bool) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.Recipient != "" {
		key := strings.ToLower(e.Recipient)
		if countAttempt {
			s.attempts[key]++
		}
		e.Attempt = s.attempts[key]
	}
	if e.Conn >= 1 && e.Conn-1 < len(s.conns) {
		e.ConnAccepted = s.conns[e.Conn-1].Accepted
	}
	return s.matchLocked(e)
}

// record logs a received message: accepted (answered 2xx) or unanswered
// (received in full but the reply was never sent).
func (s *Server) record(m Message, accepted bool) {
	s.mu.Lock()
	if accepted {
		s.messages = append(s.messages, m)
		if m.Conn-1 < len(s.conns) {
			s.conns[m.Conn-1].Accepted++
		}
	} else {
		s.unanswered = append(s.unanswered, m)
	}
	s.mu.Unlock()
	s.notify()
}

func (s *Server) countCommand(info *ConnInfo, verb string) {
	s.mu.Lock()
	info.Commands[verb]++
	s.mu.Unlock()
}

func (s *Server) countRoundTrip(info *ConnInfo) {
	s.mu.Lock()
	info.RoundTrips++
	s.mu.Unlock()
}

// notify wakes every waiter.
func (s *Server) notify() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// Messages returns the messages accepted so far, in arrival order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Unanswered returns messages the server received in full but never
// acknowledged because a fault dropped or stalled the connection after the
// final ".": the client cannot know they arrived.
func (s *Server) Unanswered() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.unanswered...)
}

// Count returns the number of accepted messages.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}

// CountTo returns how many accepted messages had addr among their
// envelope recipients.
func (s *Server) CountTo(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.messages {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				n++
				break
			}
		}
	}
	return n
}

// Conns returns a snapshot of every connection accepted so far.
func (s *Server) Conns() []ConnInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ConnInfo, len(s.conns))
	for i, c := range s.conns {
		out[i] = *c
		out[i].Commands = make(map[string]int, len(c.Commands))
		for k, v := range c.Commands {
			out[i].Commands[k] = v
		}
	}
	return out
}

// Wait blocks until cond, evaluated after every change (a connection, a
// command-free state change, a message), returns true, or ctx ends.
// cond must not call Server methods that lock; use the snapshot it gets.
func (s *Server) Wait(ctx context.Context, cond func(State) bool) error {
	for {
		s.mu.Lock()
		st := State{Accepted: len(s.messages), Unanswered: len(s.unanswered), Conns: len(s.conns)}
		ch := s.changed
		s.mu.Unlock()
		if cond(st) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// State is the summary Wait's condition sees.
type State struct {
	Accepted   int
	Unanswered int
	Conns      int
}

// WaitCount blocks until at least n messages were accepted or ctx ends.
func (s *Server) WaitCount(ctx context.Context, n int) error {
	return s.Wait(ctx, func(st State) bool { return st.Accepted >= n })
}

func itoa(n int) string { return strconv.Itoa(n) }

func itoa3(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}
