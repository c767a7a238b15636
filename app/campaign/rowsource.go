package campaign

import (
	"context"
	"io"
	"sync"

	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/app/recipients"
	"mailroom/sender"
)

// rowSource renders messages one at a time as the engine asks for them,
// reading their rows from the list again (rowStream).
type rowSource struct {
	plan   *Plan
	stream *rowStream
	todo   []todoMessage
	next   int
	// accepted, when set, keeps each message until its outcome is known.
	accepted *acceptedStore
	// suppressed, when set, is the do-not-send list as it is now; a row
	// whose address was put on it during the run is skipped (skip) instead
	// of sent.
	suppressed *recipients.SuppressionWatch
	skip       func(key, reason string) error
	// mu guards suppressed (Next and Withdraw both read it) and given.
	mu sync.Mutex
	// given holds the messages given out and not yet asked about by
	// Withdraw, by message key.
	given map[string]given
}

// given is a message given out: its row's journal key and addresses.
type given struct {
	key   string
	addrs []string
}

// todoMessage is a message this run sends: its journal key and address,
// and which planned message it is.
type todoMessage struct {
	key, address string
	planned
}

// newRowSource keeps what sending the pending rows needs of the journal's
// rows (rows, in the order of plans) and opens the list for reading.
func (p *Plan) newRowSource(rows []journal.Row, plans []planned, pending []int) (*rowSource, error) {
	todo := make([]todoMessage, len(pending))
	for n, i := range pending {
		todo[n] = todoMessage{key: rows[i].Key, address: rows[i].Address, planned: plans[i]}
	}
	s := &rowSource{plan: p, todo: todo}
	if len(todo) == 0 {
		return s, p.checkUnchanged()
	}
	stream, err := p.stream()
	if err != nil {
		return nil, err
	}
	s.stream = stream
	return s, nil
}

func (s *rowSource) Len() int { return len(s.todo) - s.next }

// Next renders the next row's message, reading its row from the list
// again. Before that it looks at the do-not-send list once more: a row
// any of whose addresses is on it now is recorded skipped and the next
// row is taken. The engine calls Next when a connection is free for the
// message, and Withdraw after the waits before its first attempt, so the
// last look is just before it goes (a retry of a message already tried is
// not looked at again). A list that has become unreadable stops the run.
func (s *rowSource) Next(ctx context.Context) (sender.Message, error) {
	for {
		if s.next >= len(s.todo) {
			return sender.Message{}, io.EOF
		}
		t := s.todo[s.next]
		s.next++
		row, err := s.stream.row(t.index)
		if err != nil {
			return sender.Message{}, err
		}
		to := row.Recipients[t.msg].Addresses
		addrs := addresses(to)
		skipped, err := s.skipIfSuppressed(t.key, addrs)
		if err != nil {
			return sender.Message{}, err
		}
		if skipped {
			continue
		}
		m, err := s.plan.composer.Message(t.key, mergeRow(row.Row), s.plan.toList(to))
		if err == nil {
			s.mu.Lock()
			if s.given == nil {
				s.given = map[string]given{}
			}
			s.given[m.Key] = given{key: t.key, addrs: addrs}
			s.mu.Unlock()
			if s.accepted != nil {
				s.accepted.remember(m.Key, inFlight{row: t.row.Number, address: t.address, msg: m.Mail})
			}
		}
		return m, err
	}
}

// Withdraw looks at the do-not-send list once more just before a message
// goes: the engine asks after the waits that come before it (the random
// pause between messages, the sending hours, a provider's throttle), which
// can last hours, and a row put on the list meanwhile is recorded skipped
// instead of sent (sender.Withdrawer).
func (s *rowSource) Withdraw(_ context.Context, m sender.Message) (bool, error) {
	s.mu.Lock()
	g, ok := s.given[m.Key]
	delete(s.given, m.Key) // asked once: a retry is not asked again
	s.mu.Unlock()
	if !ok {
		return false, nil
	}
	skipped, err := s.skipIfSuppressed(g.key, g.addrs)
	if skipped && s.accepted != nil {
		s.accepted.forget(m.Key)
	}
	return skipped, err
}

// skipIfSuppressed records the row skipped when one of its addresses is
// on the do-not-send list now.
func (s *rowSource) skipIfSuppressed(key string, addrs []string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	reason, err := s.lateSuppressed(addrs)
	if err != nil || reason == "" {
		return false, err
	}
	if err := s.skip(key, reason); err != nil {
		return false, err
	}
	return true, nil
}

// lateSuppressed is the skip reason (a stored text) when one of the
// message's addresses is on the do-not-send list now, "" to send it.
func (s *rowSource) lateSuppressed(addrs []string) (string, error) {
	if s.suppressed == nil {
		return "", nil
	}
	list, err := s.suppressed.Current()
	if err != nil {
		return "", err
	}
	for _, a := range addrs {
		if _, ok := list.Match(a); ok {
			return msg.T("put on the do-not-send list during the send").Store(), nil
		}
	}
	return "", nil
}

func (s *rowSource) close() error { return s.stream.close() }
