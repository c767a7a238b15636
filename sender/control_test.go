package sender

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"mailroom/sender/smtptest"
)

// hookSource calls hook before yielding row i (0-based).
type hookSource struct {
	msgs []Message
	i    int
	hook func(i int)
}

func (s *hookSource) Next(context.Context) (Message, error) {
	if s.i == len(s.msgs) {
		return Message{}, io.EOF
	}
	s.hook(s.i)
	s.i++
	return s.msgs[s.i-1], nil
}

func (s *hookSource) Len() int { return len(s.msgs) }

func TestPauseAndResume(t *testing.T) {
	srv := smtptest.Start(t)
	e, _ := plainEngine(t, srv, newMemStore())
	src := &hookSource{msgs: messages(t, 5), hook: func(i int) {
		if i == 2 {
			e.Pause() // row 3 is in hand and must wait
		}
	}}
	done := make(chan error, 1)
	go func() {
		_, err := e.Run(context.Background(), src)
		done <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.WaitCount(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// Nothing may be sent while paused; give a wrongly running worker the
	// chance to send row 3.
	short, cancelShort := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancelShort()
	if err := srv.WaitCount(short, 3); err == nil {
		t.Fatal("a message was sent while paused")
	}
	if !e.Paused() {
		t.Fatal("engine does not report paused")
	}
	e.Resume()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if srv.Count() != 5 {
		t.Fatalf("sent %d after resume", srv.Count())
	}
}

func TestCancelLeavesRowsPending(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	e, _ := plainEngine(t, srv, store)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &hookSource{msgs: messages(t, 5), hook: func(i int) {
		if i == 2 {
			cancel()
		}
	}}
	sum, err := e.Run(ctx, src)
	wantStop(t, err, ErrCanceled)
	if !errors.Is(err, context.Canceled) {
		t.Error("the StopError does not wrap context.Canceled")
	}
	if sum.Sent != 2 || sum.Pending != 1 || srv.Count() != 2 {
		t.Fatalf("summary %+v, server %d", sum, srv.Count())
	}
	if _, ok := store.results["row003"]; ok {
		t.Error("the cancelled row was journaled")
	}
	// The engine can run again: the next run sends the rest.
	rest := messages(t, 5)[2:]
	if _, err := e.Run(context.Background(), NewSliceSource(rest...)); err != nil || srv.Count() != 5 {
		t.Fatalf("second run: %v, server %d", err, srv.Count())
	}
}

func TestProgressNeverBlocksDelivery(t *testing.T) {
	srv := smtptest.Start(t)
	const n = 30
	release := make(chan struct{})
	var last Progress
	calls := 0
	e, _ := plainEngine(t, srv, newMemStore(), WithProgress(func(p Progress) {
		if calls == 0 {
			<-release // a stuck consumer
		}
		calls++
		last = p
	}))
	done := make(chan Summary, 1)
	go func() {
		sum, _ := e.Run(context.Background(), NewSliceSource(messages(t, n)...))
		done <- sum
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.WaitCount(ctx, n); err != nil {
		t.Fatalf("delivery waited for the progress consumer: %v", err)
	}
	close(release)
	<-done
	if last.Sent != n || last.Remaining != 0 || last.Last.Outcome != OutcomeSent {
		t.Errorf("final progress %+v", last)
	}
	if calls > n {
		t.Errorf("%d callbacks for %d messages: updates were not coalesced", calls, n)
	}
}

func TestChineseNamesSubjectsAndFilesArriveIntact(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	e, _ := plainEngine(t, srv, store)
	dir := t.TempDir()
	file := filepath.Join(dir, "三月发票.pdf")
	content := []byte("%PDF-1.4 fake invoice 发票\x00\x01\x02")
	if err := os.WriteFile(file, content, 0o600); err != nil {
		t.Fatal(err)
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.From(`"王经理" <manager@example.cn>`); err != nil {
		t.Fatal(err)
	}
	if err := m.To(`"张伟" <zhang.wei@qq.com>`); err != nil {
		t.Fatal(err)
	}
	subject := "三月份发票 – 请查收（编号 2025-03）"
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, "张伟您好：\n\n附件是您三月份的发票。\n")
	m.AttachFile(file)
	msg := Message{Key: "zhang", Mail: m, Files: []string{file}}
	if _, err := runAll(t, e, []Message{msg}); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	if s, err := dec.DecodeHeader(parsed.Header.Get("Subject")); err != nil || s != subject {
		t.Errorf("subject %q (%v)", s, err)
	}
	from, err := parsed.Header.AddressList("From")
	if err != nil || from[0].Name != "王经理" {
		t.Errorf("from %v (%v)", from, err)
	}
	to, err := parsed.Header.AddressList("To")
	if err != nil || to[0].Name != "张伟" || to[0].Address != "zhang.wei@qq.com" {
		t.Errorf("to %v (%v)", to, err)
	}
	// The Message-ID was generated from the sender's domain.
	r := store.result(t, "zhang")
	if !strings.HasSuffix(r.MessageID, "@example.cn") || parsed.Header.Get("Message-Id") != "<"+r.MessageID+">" {
		t.Errorf("Message-ID %q, header %q", r.MessageID, parsed.Header.Get("Message-Id"))
	}
	_, params, err := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(parsed.Body, params["boundary"])
	found := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name, _ := dec.DecodeHeader(part.FileName())
		if name == "" {
			continue
		}
		found = true
		if name != "三月发票.pdf" {
			t.Errorf("attachment name %q", name)
		}
		body, _ := io.ReadAll(part) // multipart decodes quoted-printable only
		if part.Header.Get("Content-Transfer-Encoding") == "base64" {
			body, err = decodeBase64(body)
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(body, content) {
			t.Errorf("attachment bytes differ")
		}
	}
	if !found {
		t.Error("attachment missing")
	}
}

func TestNoLibraryUserAgent(t *testing.T) {
	srv := smtptest.Start(t)
	e, _ := plainEngine(t, srv, newMemStore())
	plain := newMsg(t, "plain", "a@example.org") // built without WithNoDefaultUserAgent
	chosen := newMsg(t, "chosen", "b@example.org")
	chosen.Mail.SetGenHeader(gomail.HeaderXMailer, "Mailroom")
	if _, err := runAll(t, e, []Message{plain, chosen}); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if bytes.Contains(bytes.ToLower(got[0].Data), []byte("go-mail")) || bytes.Contains(got[0].Data, []byte("User-Agent")) {
		t.Errorf("library named in headers:\n%s", headerOf(got[0].Data))
	}
	if !bytes.Contains(got[1].Data, []byte("X-Mailer: Mailroom")) {
		t.Errorf("the caller's own X-Mailer was removed:\n%s", headerOf(got[1].Data))
	}
}

func headerOf(data []byte) string {
	h, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	return string(h)
}

func TestMessageIDMismatchIsRefused(t *testing.T) {
	srv := smtptest.Start(t)
	store := newMemStore()
	e, _ := plainEngine(t, srv, store)
	m := newMsg(t, "k", "a@example.org")
	m.MessageID = "other@example.com"
	if _, err := runAll(t, e, []Message{m}); err != nil {
		t.Fatal(err)
	}
	if r := store.result(t, "k"); !errors.Is(r.Err, ErrInvalidMessage) || srv.Count() != 0 {
		t.Fatalf("%+v", r)
	}
}

func TestNewValidates(t *testing.T) {
	bad := [][]Option{
		{},
		{WithServer("", 25, TLSNone)},
		{WithServer("h", 70000, TLSNone)},
		{WithServer("h", 25, TLSMode(9))},
		{WithServer("h", 25, TLSStartTLS), WithConcurrency(0)},
		{WithServer("h", 25, TLSStartTLS), WithRate(Rate{N: 0, Per: time.Second})},
		{WithServer("h", 25, TLSStartTLS), WithDailyCap(0)},
		{WithServer("h", 25, TLSStartTLS), WithRetries(-1, Backoff{Initial: time.Second, Max: time.Second})},
		{WithServer("h", 25, TLSStartTLS), WithRetries(1, Backoff{Initial: time.Minute, Max: time.Second})},
		{WithServer("h", 25, TLSStartTLS), WithAuth("", "p", AuthAuto)},
		{WithServer("h", 25, TLSStartTLS), WithAuth("u", "p", AuthMechanism("GSSAPI"))},
		{WithServer("h", 25, TLSStartTLS), WithCA([]byte("not pem"))},
		{WithServer("h", 25, TLSStartTLS), WithHELO("bad name")},
		{WithServer("h", 25, TLSStartTLS), WithTimeouts(0, time.Second)},
	}
	for i, opts := range bad {
		if _, err := New(newMemStore(), opts...); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("case %d: %v", i, err)
		}
	}
	if _, err := New(nil, WithServer("h", 0, TLSStartTLS)); !errors.Is(err, ErrInvalidConfig) {
		t.Error("nil store accepted")
	}
	e, err := New(newMemStore(), WithServer("h", 0, TLSImplicit))
	if err != nil || e.cfg.port != 465 {
		t.Errorf("default port: %v %d", err, e.cfg.port)
	}
}
