package smtptest

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func bufioReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }

func TestReplyFaults(t *testing.T) {
	s := Start(t, WithRules(
		Rule{Stage: StageMail, Message: 1, Fault: Reply(451, "4.3.0", "try later")},
		Rule{Stage: StageRcpt, Recipient: "gone@example.com", Fault: Reply(550, "5.1.1", "no such user")},
		Rule{Stage: StageRcpt, Recipient: "busy@example.com", Times: 1, Fault: Reply(450, "4.2.1", "busy")},
		Rule{Stage: StageData, Recipient: "nodata@example.com", Fault: Reply(554, "5.6.0", "no data for you")},
		Rule{Stage: StageDataEnd, Recipient: "full@example.com", Fault: Reply(550, "5.4.5", "Daily sending quota exceeded")},
		Rule{Stage: StageRcpt, Match: func(e Event) bool { return e.Recipient == "cb@example.com" && e.Attempt == 2 },
			Fault: Reply(452, "4.5.3", "callback")},
	))
	c := dial(t, s)
	if msg := c.cmd(451, "MAIL FROM:<a@example.com>"); msg != "4.3.0 try later" {
		t.Errorf("reply text %q", msg)
	}
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(550, "RCPT TO:<gone@example.com>")
	c.cmd(450, "RCPT TO:<busy@example.com>")
	c.cmd(250, "RCPT TO:<busy@example.com>") // Times: 1
	c.cmd(250, "RSET")

	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<nodata@example.com>")
	c.cmd(554, "DATA")
	// The refused DATA reset the transaction, as the client's RSET would.
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<full@example.com>")
	c.cmd(354, "DATA")
	w := c.tp.DotWriter()
	_, _ = io.WriteString(w, "Subject: x\r\n\r\nx\r\n")
	_ = w.Close()
	if msg := c.expect(550); msg != "5.4.5 Daily sending quota exceeded" {
		t.Errorf("quota reply %q", msg)
	}
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<cb@example.com>")
	c.cmd(250, "RSET")
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(452, "RCPT TO:<cb@example.com>")
	if s.Count() != 0 {
		t.Errorf("%d messages accepted, want 0", s.Count())
	}
}

func TestReplyAndClose(t *testing.T) {
	s := Start(t, WithRules(Rule{Stage: StageMail, Fault: ReplyAndClose(421, "4.7.0", "Too many messages, closing")}))
	c := dial(t, s)
	c.cmd(421, "MAIL FROM:<a@example.com>")
	if _, _, err := c.try("NOOP"); err == nil {
		t.Fatal("connection still open after 421")
	}
}

// TestPerConnectionLimit: every connection takes three messages, then
// answers the next MAIL with 421 and closes; a new connection takes three
// again.
func TestPerConnectionLimit(t *testing.T) {
	s := Start(t, WithRules(PerConnectionLimit(3)))
	for conn := 1; conn <= 2; conn++ {
		c := dial(t, s)
		for range 3 {
			c.send("a@example.com", "b@example.com", "Subject: x\r\n\r\nx\r\n")
		}
		if msg := c.cmd(421, "MAIL FROM:<a@example.com>"); !strings.Contains(msg, "4.7.0 Too many messages on this connection") {
			t.Errorf("connection %d: reply %q", conn, msg)
		}
		if _, _, err := c.try("NOOP"); err == nil {
			t.Fatalf("connection %d still open after 421", conn)
		}
	}
	if s.Count() != 6 {
		t.Errorf("%d messages accepted, want 6", s.Count())
	}
	if _, err := New(WithRules(PerConnectionLimit(0))); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("a limit of 0 messages: %v, want ErrInvalidRule", err)
	}
}

func TestDropAfterDotIsLoggedAsUnanswered(t *testing.T) {
	s := Start(t, WithRules(Rule{Stage: StageDataEnd, Message: 1, Fault: Drop()}))
	c := dial(t, s)
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	c.cmd(354, "DATA")
	w := c.tp.DotWriter()
	_, _ = io.WriteString(w, "Subject: x\r\n\r\nx\r\n")
	if err := w.Close(); err != nil {
		t.Fatalf("writing the final dot failed: %v", err)
	}
	if _, _, err := c.tp.ReadResponse(0); err == nil {
		t.Fatal("got a reply after the dot, want a dropped connection")
	}
	if s.Count() != 0 || len(s.Unanswered()) != 1 || s.Unanswered()[0].To[0] != "b@example.com" {
		t.Fatalf("accepted %d, unanswered %+v", s.Count(), s.Unanswered())
	}
}

func TestDropDuringBodyFailsTheClientsWrite(t *testing.T) {
	s := Start(t, WithRules(Rule{Stage: StageDataBody, Fault: DropAfter(1024)}))
	c := dial(t, s)
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	c.cmd(354, "DATA")
	w := c.tp.DotWriter()
	// Far more than socket buffers hold, so the client is still writing
	// when the reset arrives.
	line := strings.Repeat("x", 998) + "\r\n"
	var err error
	for i := 0; i < 64<<10 && err == nil; i++ {
		_, err = io.WriteString(w, line)
	}
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		t.Fatal("client wrote the whole body, want a write error")
	}
	if s.Count() != 0 || len(s.Unanswered()) != 0 {
		t.Fatal("a message dropped before the dot was logged")
	}
}

func TestStallAndConnectFaults(t *testing.T) {
	s := Start(t, WithRules(
		Rule{Stage: StageConnect, Message: 0, Match: func(e Event) bool { return e.Conn == 1 }, Fault: Stall()},
		Rule{Stage: StageConnect, Match: func(e Event) bool { return e.Conn == 2 }, Fault: Drop()},
		Rule{Stage: StageRcpt, Fault: Stall()},
	))
	// Connection 1: accepted, never greeted.
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := conn.Read(make([]byte, 1)); !isTimeout(err) {
		t.Fatalf("stalled greeting: %v, want timeout", err)
	}
	// Connection 2: reset at once (the reset may even beat the dial).
	if conn2, err := net.Dial("tcp", s.Addr()); err == nil {
		defer conn2.Close()
		if _, err := conn2.Read(make([]byte, 1)); err == nil || isTimeout(err) {
			t.Fatalf("dropped connection read: %v", err)
		}
	}
	// Connection 3: stalls at RCPT.
	c := dial(t, s)
	c.cmd(250, "MAIL FROM:<a@example.com>")
	_ = c.conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, _, err := c.try("RCPT TO:<b@example.com>"); !isTimeout(err) {
		t.Fatalf("stalled RCPT: %v, want timeout", err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestRestartKeepsPortAndClosesConnections(t *testing.T) {
	s := Start(t, WithRules(Rule{Stage: StageRcpt, Recipient: "stall@example.com", Fault: Stall()}))
	old := dial(t, s)
	stalled := dial(t, s)
	stalled.cmd(250, "MAIL FROM:<a@example.com>")
	done := make(chan error, 1)
	go func() { _, _, err := stalled.try("RCPT TO:<stall@example.com>"); done <- err }()
	port := s.Port()
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("stalled connection got a reply across a restart")
	}
	if _, _, err := old.try("NOOP"); err == nil {
		t.Error("connection survived the restart")
	}
	if s.Port() != port {
		t.Fatalf("port changed from %d to %d", port, s.Port())
	}
	c := dial(t, s)
	c.send("a@example.com", "b@example.com", "Subject: after\r\n\r\nx\r\n")
	if s.Count() != 1 {
		t.Fatalf("count after restart = %d", s.Count())
	}
}

func TestWaitCount(t *testing.T) {
	s := Start(t)
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		conn, err := net.Dial("tcp", s.Addr())
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, "EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: x\r\n\r\nx\r\n.\r\nQUIT\r\n")
		_, _ = io.Copy(io.Discard, conn)
	}()
	defer func() { <-sent }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.WaitCount(ctx, 1); err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := s.WaitCount(short, 5); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitCount on a cancelled context = %v", err)
	}
}
