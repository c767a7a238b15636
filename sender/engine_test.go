package sender

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"mailroom/sender/smtptest"
)

func TestDeliversEachMessageOnceInFourRoundTrips(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	e, _ := plainEngine(t, srv, store)
	msgs := messages(t, 20)
	sum, err := runAll(t, e, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 20 || sum.Failed != 0 || sum.Unknown != 0 || sum.Pending != 0 {
		t.Fatalf("summary %+v", sum)
	}
	for _, m := range msgs {
		to := m.Mail.GetTo()[0].Address
		if n := srv.CountTo(to); n != 1 {
			t.Errorf("%s received %d times", to, n)
		}
		r := store.result(t, m.Key)
		if r.Outcome != OutcomeSent || r.Attempts != 1 || r.Code != 250 || r.MessageID != m.MessageID {
			t.Errorf("%s: %+v", m.Key, r)
		}
	}
	conns := srv.Conns()
	if len(conns) != 1 {
		t.Fatalf("%d connections, want 1 reused connection", len(conns))
	}
	c := conns[0]
	if c.Commands["MAIL"] != 20 || c.Commands["RSET"] != 0 || c.Commands["NOOP"] != 0 {
		t.Errorf("commands %v: want 20 MAIL, no RSET, no NOOP", c.Commands)
	}
	// EHLO and QUIT once per connection; everything else is per message.
	if perMessage := c.RoundTrips - 2; perMessage != 4*20 {
		t.Errorf("%d round trips for 20 messages, want 80", perMessage)
	}
	store.check(t)
}

func TestConcurrencyDeliversEachMessageExactlyOnce(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	e, _ := plainEngine(t, srv, store, WithConcurrency(4))
	msgs := messages(t, 200)
	if _, err := runAll(t, e, msgs); err != nil {
		t.Fatal(err)
	}
	if srv.Count() != 200 {
		t.Fatalf("server received %d, want 200", srv.Count())
	}
	for _, m := range msgs {
		if n := srv.CountTo(m.Mail.GetTo()[0].Address); n != 1 {
			t.Errorf("%s received %d times", m.Key, n)
		}
	}
	conns := srv.Conns()
	if len(conns) > 4 {
		t.Errorf("%d connections for concurrency 4", len(conns))
	}
	mails := 0
	for _, c := range conns {
		mails += c.Commands["MAIL"]
	}
	if mails != 200 {
		t.Errorf("%d MAIL commands for 200 messages", mails)
	}
	store.check(t)
}

func TestRefusesSharedRecipients(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	e, _ := plainEngine(t, srv, store)

	twoTo := newMsg(t, "two-to", "a@example.org")
	if err := twoTo.Mail.To("a@example.org", "b@example.org"); err != nil {
		t.Fatal(err)
	}
	sneakyBcc := newMsg(t, "bcc", "c@example.org")
	if err := sneakyBcc.Mail.Bcc("boss@example.org"); err != nil {
		t.Fatal(err)
	}
	ownCc := newMsg(t, "own-cc", "d@example.org")
	if err := ownCc.Mail.Cc("assistant@example.org"); err != nil {
		t.Fatal(err)
	}
	ownCc.ExplicitCopies = []string{"Assistant@Example.org"}
	ownBcc := newMsg(t, "own-bcc", "e@example.org")
	if err := ownBcc.Mail.Bcc("archive@example.org"); err != nil {
		t.Fatal(err)
	}
	ownBcc.ExplicitCopies = []string{"archive@example.org"}

	sum, err := runAll(t, e, []Message{twoTo, sneakyBcc, ownCc, ownBcc})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 2 || sum.Sent != 2 {
		t.Fatalf("summary %+v", sum)
	}
	for _, key := range []string{"two-to", "bcc"} {
		r := store.result(t, key)
		if r.Outcome != OutcomeFailed || !errors.Is(r.Err, ErrRecipients) || r.Attempts != 0 {
			t.Errorf("%s: %+v", key, r)
		}
	}
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			if to == "a@example.org" || to == "b@example.org" || to == "c@example.org" || to == "boss@example.org" {
				t.Errorf("refused message reached %s", to)
			}
		}
	}
	got := srv.Messages()
	if len(got) != 2 || len(got[0].To) != 2 || len(got[1].To) != 2 {
		t.Fatalf("envelopes %+v", got)
	}
	if bytes.Contains(got[1].Data, []byte("archive@example.org")) {
		t.Error("the Bcc address appears in the message headers")
	}
	store.check(t)
}

func TestMissingAttachmentFailsRowWithoutSending(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	e, _ := plainEngine(t, srv, store)
	missing := newMsg(t, "missing", "a@example.org")
	missing.Files = []string{t.TempDir() + "/发票.pdf"}
	dir := newMsg(t, "dir", "b@example.org")
	dir.Files = []string{t.TempDir()}
	ok := newMsg(t, "ok", "c@example.org")

	sum, err := runAll(t, e, []Message{missing, dir, ok})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 2 || sum.Sent != 1 || srv.Count() != 1 {
		t.Fatalf("summary %+v, server %d", sum, srv.Count())
	}
	r := store.result(t, "missing")
	if !errors.Is(r.Err, ErrMissingFile) || !strings.Contains(r.Reply, "发票.pdf") {
		t.Errorf("missing file result %+v", r)
	}
	if r := store.result(t, "dir"); !errors.Is(r.Err, ErrMissingFile) || !strings.Contains(r.Reply, "not a regular file") {
		t.Errorf("directory result %+v", r)
	}
	if srv.Conns()[0].Commands["MAIL"] != 1 {
		t.Error("a refused message got as far as MAIL")
	}
}

func TestJournalFailureStopsBeforeSending(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	store.failSending = errors.New("disk full")
	e, _ := plainEngine(t, srv, store)
	sum, err := runAll(t, e, messages(t, 3))
	wantStop(t, err, ErrJournal)
	if srv.Count() != 0 || sum.Sent != 0 {
		t.Fatalf("sent %d without a journal", srv.Count())
	}
	if !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %q does not say why", err)
	}
}

func TestSourceIsReadLazily(t *testing.T) {
	srv := smtptest.Start(t)
	e, _ := plainEngine(t, srv, newMemStore())
	const n = 50
	produced := 0
	src := SourceFunc(func(context.Context) (Message, error) {
		// The engine must have finished all but a handful of the earlier
		// rows before asking for the next one.
		if produced-srv.Count() > 2 {
			return Message{}, fmt.Errorf("row %d requested with %d in flight", produced+1, produced-srv.Count())
		}
		if produced == n {
			return Message{}, errEOF
		}
		produced++
		return newMsg(t, fmt.Sprintf("r%d", produced), fmt.Sprintf("r%d@example.org", produced)), nil
	})
	if _, err := e.Run(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if srv.Count() != n {
		t.Fatalf("sent %d", srv.Count())
	}
}
