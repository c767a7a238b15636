package sender

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mailroom/sender/smtptest"
)

// gatedStore is a memStore whose MarkSending can be held for chosen rows
// until the test releases it with a result. It records every breach of
// the journal rules the overlap must keep: a DATA the server read while
// the row was not durably marked, a MarkDone while its MarkSending had
// not returned.
type gatedStore struct {
	*memStore
	mu         sync.Mutex
	gates      map[string]chan error
	inFlight   map[string]bool
	marked     map[string]bool // the row's last MarkSending returned nil
	violations []string
}

func newGatedStore() *gatedStore {
	return &gatedStore{memStore: newMemStore(), gates: map[string]chan error{},
		inFlight: map[string]bool{}, marked: map[string]bool{}}
}

// hold makes key's next MarkSending wait for a value on the returned
// channel: nil lets it proceed, an error is what it returns.
// A test that fails early leaves the gate open at its end, so that the
// run's goroutines finish.
func (g *gatedStore) hold(t *testing.T, key string) chan<- error {
	gate := make(chan error, 1)
	g.mu.Lock()
	g.gates[key] = gate
	g.mu.Unlock()
	t.Cleanup(func() {
		select {
		case gate <- nil:
		default:
		}
	})
	return gate
}

func (g *gatedStore) MarkSending(key, messageID, hash string) error {
	g.mu.Lock()
	gate := g.gates[key]
	delete(g.gates, key)
	g.inFlight[key], g.marked[key] = true, false
	g.mu.Unlock()
	var err error
	if gate != nil {
		err = <-gate
	}
	if err == nil {
		err = g.memStore.MarkSending(key, messageID, hash)
	}
	g.mu.Lock()
	g.inFlight[key], g.marked[key] = false, err == nil
	g.mu.Unlock()
	return err
}

func (g *gatedStore) MarkDone(r Result) error {
	g.mu.Lock()
	if g.inFlight[r.Key] {
		g.violations = append(g.violations, "MarkDone "+r.Key+" before its MarkSending returned")
	}
	g.mu.Unlock()
	return g.memStore.MarkDone(r)
}

// sawData is called by the server when it reads DATA for key's message.
func (g *gatedStore) sawData(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.marked[key] {
		g.violations = append(g.violations, "DATA for "+key+" before its MarkSending returned nil")
	}
}

func (g *gatedStore) check(t *testing.T) {
	t.Helper()
	g.memStore.check(t)
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, v := range g.violations {
		t.Error(v)
	}
}

// observer is a rule that never injects anything: its Match only reports
// the event. Observers go first so that fault rules still see the event.
func observer(stage smtptest.Stage, seen func(smtptest.Event)) smtptest.Rule {
	return smtptest.Rule{Stage: stage, Fault: smtptest.Reply(451, "", "never sent"),
		Match: func(e smtptest.Event) bool { seen(e); return false }}
}

// keyOf maps messages()' recipient rcptNNN@example.org to its key rowNNN.
func keyOf(rcpt string) string {
	return "row" + strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(rcpt), "rcpt"), "@example.org")
}

// overlapServer starts a server that reports each DATA to store and sends
// the recipient of each RCPT to the returned channel, followed by rules.
func overlapServer(t *testing.T, store *gatedStore, rules ...smtptest.Rule) (*smtptest.Server, <-chan string) {
	rcpts := make(chan string, 64)
	all := append([]smtptest.Rule{
		observer(smtptest.StageData, func(e smtptest.Event) { store.sawData(keyOf(e.Recipient)) }),
		observer(smtptest.StageRcpt, func(e smtptest.Event) {
			select {
			case rcpts <- e.Recipient:
			default:
			}
		}),
	}, rules...)
	return smtptest.Start(t, smtptest.WithRules(all...)), rcpts
}

func waitRcpt(ctx context.Context, t *testing.T, rcpts <-chan string, want string) {
	t.Helper()
	for {
		select {
		case r := <-rcpts:
			if strings.EqualFold(r, want) {
				return
			}
		case <-ctx.Done():
			t.Fatalf("the server never saw RCPT TO %s while its row's MarkSending was held", want)
		}
	}
}

type runOutcome struct {
	sum Summary
	err error
}

func runAsync(ctx context.Context, e *Engine, msgs []Message) <-chan runOutcome {
	done := make(chan runOutcome, 1)
	go func() {
		sum, err := e.Run(ctx, NewSliceSource(msgs...))
		done <- runOutcome{sum, err}
	}()
	return done
}

// TestDataWaitsForDurableMarkSending holds row001's MarkSending: its MAIL
// and RCPT go out meanwhile (the overlap), but its DATA only after the
// release. A second worker delivers three other rows while row001 is
// held, which gives an engine that did not wait ample time to send DATA.
func TestDataWaitsForDurableMarkSending(t *testing.T) {
	store := newGatedStore()
	srv, rcpts := overlapServer(t, store)
	release := store.hold(t, "row001")
	e, _ := plainEngine(t, srv, store, WithConcurrency(2))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := runAsync(ctx, e, messages(t, 4))

	waitRcpt(ctx, t, rcpts, "rcpt001@example.org")
	if err := srv.WaitCount(ctx, 3); err != nil {
		t.Fatal("the other worker did not deliver rows 2-4:", err)
	}
	if n := srv.CountTo("rcpt001@example.org"); n != 0 {
		t.Fatalf("row001 delivered %d times before its MarkSending returned", n)
	}
	var mails, datas int
	for _, c := range srv.Conns() {
		mails += c.Commands["MAIL"]
		datas += c.Commands["DATA"]
	}
	if mails != 4 || datas != 3 {
		t.Fatalf("before the release the server saw %d MAIL and %d DATA, want 4 MAIL (row001's included) and 3 DATA", mails, datas)
	}
	release <- nil

	out := <-done
	if out.err != nil || out.sum.Sent != 4 {
		t.Fatalf("summary %+v, error %v", out.sum, out.err)
	}
	for i := 1; i <= 4; i++ {
		if n := srv.CountTo(fmt.Sprintf("rcpt%03d@example.org", i)); n != 1 {
			t.Errorf("row%03d received %d times", i, n)
		}
	}
	if r := store.result(t, "row001"); r.Outcome != OutcomeSent || r.Attempts != 1 {
		t.Errorf("row001: %+v", r)
	}
	store.check(t)
}

// TestFailedMarkSendingSendsNoDataAndStops fails row002's MarkSending
// after its MAIL and RCPT went out: the server gets no DATA for it, the
// transaction is reset and the run stops with ErrJournal.
func TestFailedMarkSendingSendsNoDataAndStops(t *testing.T) {
	store := newGatedStore()
	srv, rcpts := overlapServer(t, store)
	fail := store.hold(t, "row002")
	e, _ := plainEngine(t, srv, store)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := runAsync(ctx, e, messages(t, 3))

	waitRcpt(ctx, t, rcpts, "rcpt002@example.org")
	diskFull := errors.New("disk full")
	fail <- diskFull

	out := <-done
	se := wantStop(t, out.err, ErrJournal)
	if !errors.Is(se, diskFull) {
		t.Errorf("stop error %v does not carry the journal's error", se)
	}
	if out.sum.Sent != 1 || out.sum.Pending != 1 {
		t.Errorf("summary %+v, want row001 sent and row002 pending", out.sum)
	}
	// Run returns after QUIT was answered, so the server has read every
	// command the engine sent.
	conns := srv.Conns()
	if len(conns) != 1 {
		t.Fatalf("%d connections, want 1", len(conns))
	}
	c := conns[0].Commands
	if c["MAIL"] != 2 || c["RCPT"] != 2 || c["DATA"] != 1 || c["RSET"] != 1 {
		t.Errorf("commands %v: want MAIL and RCPT for rows 1-2, DATA for row001 only, then RSET", c)
	}
	if srv.CountTo("rcpt002@example.org") != 0 || srv.CountTo("rcpt003@example.org") != 0 {
		t.Error("a row was delivered after the journal failed")
	}
	store.mu.Lock()
	_, row3 := store.inFlight["row003"]
	store.mu.Unlock()
	if row3 {
		t.Error("row003 was marked sending after the journal failed")
	}
	store.check(t)
}

// TestRcptFailureWaitsForMarkSendingBeforeMarkDone refuses row001's first
// RCPT with 450 while its MarkSending is held: the row's MarkDone
// (sending → pending) must wait until MarkSending returned, then the row
// is retried and sent once.
func TestRcptFailureWaitsForMarkSendingBeforeMarkDone(t *testing.T) {
	store := newGatedStore()
	srv, rcpts := overlapServer(t, store, smtptest.Rule{Stage: smtptest.StageRcpt,
		Recipient: "rcpt001@example.org", Times: 1, Fault: smtptest.Reply(450, "4.2.1", "try again later")})
	release := store.hold(t, "row001")
	e, _ := plainEngine(t, srv, store, WithConcurrency(2), WithRetries(1, Backoff{Initial: time.Minute, Max: time.Minute}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := runAsync(ctx, e, messages(t, 4))

	waitRcpt(ctx, t, rcpts, "rcpt001@example.org")
	// While row001 is held, the other worker delivers rows 2-4: time for
	// an engine that did not wait to call MarkDone too early.
	if err := srv.WaitCount(ctx, 3); err != nil {
		t.Fatal("the other worker did not deliver rows 2-4:", err)
	}
	release <- nil

	out := <-done
	if out.err != nil || out.sum.Sent != 4 {
		t.Fatalf("summary %+v, error %v", out.sum, out.err)
	}
	if r := store.result(t, "row001"); r.Outcome != OutcomeSent || r.Attempts != 2 {
		t.Errorf("row001: %+v, want sent at the second attempt", r)
	}
	if n := srv.CountTo("rcpt001@example.org"); n != 1 {
		t.Errorf("row001 received %d times", n)
	}
	store.check(t)
}
