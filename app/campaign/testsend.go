package campaign

import (
	"context"
	"fmt"
	"io"
	"time"

	"mailroom/sender"
)

// SendTest sends data row n's message, marked "[TEST] ", to another
// address (usually the sender's own), without the row's Cc/Bcc. It goes
// through the same engine and server as the real run but not through the
// journal: a test send never counts as the row's delivery.
func (p *Plan) SendTest(ctx context.Context, n int, to string, opts SendOptions) (sender.Result, error) {
	if p.composer == nil {
		return sender.Result{}, ErrNotReady
	}
	r, err := p.row(n)
	if err != nil {
		return sender.Result{}, err
	}
	msg, err := p.composer.TestMessage(mergeRow(r.Row), to)
	if err != nil {
		return sender.Result{}, err
	}
	store := &testStore{}
	engineOpts, err := p.engineOptions(SendOptions{Password: opts.Password, Credential: opts.Credential, Engine: opts.Engine}, RunStart{})
	if err != nil {
		return sender.Result{}, err
	}
	// A test goes now: no start time, sending hours or pause apply to it.
	engineOpts = append(engineOpts, sender.WithRetries(0, sender.Backoff{}),
		sender.WithSchedule(sender.Schedule{}), sender.WithDelay(sender.Delay{}))
	engine, err := sender.New(store, engineOpts...)
	if err != nil {
		return sender.Result{}, err
	}
	sent := false
	src := sender.SourceFunc(func(context.Context) (sender.Message, error) {
		if sent {
			return sender.Message{}, io.EOF
		}
		sent = true
		return msg, nil
	})
	if _, err := engine.Run(ctx, src); err != nil {
		return store.result, err
	}
	if store.result.Outcome != sender.OutcomeSent {
		return store.result, fmt.Errorf("test message to %s: %s", to, store.result.Reply)
	}
	return store.result, nil
}

// testStore keeps a test send out of the journal: nothing is recorded
// durably because nothing about the campaign's rows changes.
type testStore struct{ result sender.Result }

func (s *testStore) MarkSending(key, messageID, hash string) error { return nil }
func (s *testStore) MarkDone(r sender.Result) error                { s.result = r; return nil }
func (s *testStore) SentSince(time.Time) (int, error)              { return 0, nil }
