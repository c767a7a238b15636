package smtptest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/wneessen/go-mail/smtp"
)

// client is a minimal line-level SMTP client, so that tests control every
// byte the server sees.
type client struct {
	t    *testing.T
	conn net.Conn
	tp   *textproto.Conn
}

func dial(t *testing.T, s *Server) *client {
	t.Helper()
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	c := &client{t: t, conn: conn, tp: textproto.NewConn(conn)}
	c.expect(220)
	c.cmd(250, "EHLO client.test")
	return c
}

// cmd sends a line and checks the reply code; it returns the reply text.
func (c *client) cmd(want int, format string, args ...any) string {
	c.t.Helper()
	code, msg, err := c.try(format, args...)
	if err != nil || code != want {
		c.t.Fatalf("%q: got %d %q (%v), want %d", format, code, msg, err, want)
	}
	return msg
}

func (c *client) try(format string, args ...any) (int, string, error) {
	if err := c.tp.PrintfLine(format, args...); err != nil {
		return 0, "", err
	}
	return c.tp.ReadResponse(0)
}

func (c *client) expect(want int) string {
	c.t.Helper()
	code, msg, err := c.tp.ReadResponse(0)
	if err != nil || code != want {
		c.t.Fatalf("got %d %q (%v), want %d", code, msg, err, want)
	}
	return msg
}

func (c *client) send(from, to, body string) {
	c.t.Helper()
	c.cmd(250, "MAIL FROM:<%s>", from)
	c.cmd(250, "RCPT TO:<%s>", to)
	c.cmd(354, "DATA")
	w := c.tp.DotWriter()
	_, _ = w.Write([]byte(body))
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	c.expect(250)
}

func TestMessagesAndCommandCounts(t *testing.T) {
	s := Start(t)
	c := dial(t, s)
	c.send("a@example.com", "b@example.com", "Subject: one\r\n\r\nhello\r\n.leading dot\r\n")
	c.send("a@example.com", "c@example.com", "Subject: two\r\n\r\nbye\r\n")
	c.cmd(250, "NOOP")
	c.cmd(250, "RSET")
	c.cmd(221, "QUIT")

	msgs := s.Messages()
	if len(msgs) != 2 || s.Count() != 2 {
		t.Fatalf("got %d messages, want 2", len(msgs))
	}
	if msgs[0].From != "a@example.com" || len(msgs[0].To) != 1 || msgs[0].To[0] != "b@example.com" {
		t.Errorf("envelope = %q -> %q", msgs[0].From, msgs[0].To)
	}
	if got := string(msgs[0].Data); got != "Subject: one\r\n\r\nhello\r\n.leading dot\r\n" {
		t.Errorf("data = %q", got)
	}
	if s.CountTo("C@example.com") != 1 {
		t.Errorf("CountTo is not case-insensitive")
	}
	conns := s.Conns()
	if len(conns) != 1 {
		t.Fatalf("got %d connections", len(conns))
	}
	want := map[string]int{"EHLO": 1, "MAIL": 2, "RCPT": 2, "DATA": 2, "NOOP": 1, "RSET": 1, "QUIT": 1}
	for verb, n := range want {
		if conns[0].Commands[verb] != n {
			t.Errorf("%s count = %d, want %d", verb, conns[0].Commands[verb], n)
		}
	}
	// EHLO + 2×(MAIL, RCPT, DATA, ".") + NOOP + RSET + QUIT
	if conns[0].RoundTrips != 12 {
		t.Errorf("round trips = %d, want 12", conns[0].RoundTrips)
	}
	if conns[0].Accepted != 2 {
		t.Errorf("accepted = %d", conns[0].Accepted)
	}
}

func TestGoMailClientOverStartTLSWithAuth(t *testing.T) {
	s := Start(t, WithRequireTLS(), WithAuth("user", "secret"))
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c, err := gosmtp.NewClient(conn, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH offered before STARTTLS")
	}
	if err := c.Mail("a@example.com"); err == nil || !strings.Contains(err.Error(), "530") {
		t.Fatalf("MAIL before STARTTLS: %v, want 530", err)
	}
	if err := c.StartTLS(&tls.Config{ServerName: "127.0.0.1", RootCAs: s.CertPool()}); err != nil {
		t.Fatal(err)
	}
	if ok, mechs := c.Extension("AUTH"); !ok || mechs != "PLAIN LOGIN" {
		t.Fatalf("AUTH after STARTTLS = %v %q", ok, mechs)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Error("STARTTLS offered again after the upgrade")
	}
	if err := c.Auth(gosmtp.LoginAuth("user", "secret", "127.0.0.1", false)); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("a@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("b@example.com"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("Subject: tls\r\n\r\nbody\r\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	m := s.Messages()
	if len(m) != 1 || !m[0].TLS || m[0].User != "user" {
		t.Fatalf("messages = %+v", m)
	}
	if info := s.Conns()[0]; info.Commands["STARTTLS"] != 1 || info.Commands["EHLO"] != 2 || !info.TLS {
		t.Errorf("conn info = %+v", info)
	}
}

func TestAuthMechanisms(t *testing.T) {
	mechs := []struct {
		name string
		auth func(pass string) gosmtp.Auth
	}{
		{"PLAIN", func(p string) gosmtp.Auth { return gosmtp.PlainAuth("", "user", p, "127.0.0.1", true) }},
		{"LOGIN", func(p string) gosmtp.Auth { return gosmtp.LoginAuth("user", p, "127.0.0.1", true) }},
		{"CRAM-MD5", func(p string) gosmtp.Auth { return gosmtp.CRAMMD5Auth("user", p) }},
		{"XOAUTH2", func(p string) gosmtp.Auth { return gosmtp.XOAuth2Auth("user", p) }},
	}
	s := Start(t, WithAuth("user", "secret"), WithAuthMechanisms("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"))
	for _, m := range mechs {
		for _, pass := range []string{"secret", "wrong"} {
			conn, err := net.Dial("tcp", s.Addr())
			if err != nil {
				t.Fatal(err)
			}
			c, err := gosmtp.NewClient(conn, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			err = c.Auth(m.auth(pass))
			if pass == "secret" && err != nil {
				t.Errorf("%s with the right password: %v", m.name, err)
			}
			if pass == "wrong" && (err == nil || !strings.Contains(err.Error(), "535") || !strings.Contains(err.Error(), "5.7.8")) {
				t.Errorf("%s with a wrong password: %v, want 535 5.7.8", m.name, err)
			}
			_ = conn.Close()
		}
	}
}

func TestMailRequiresAuth(t *testing.T) {
	s := Start(t, WithAuth("user", "secret"))
	c := dial(t, s)
	if code, _, _ := c.try("MAIL FROM:<a@example.com>"); code != 530 {
		t.Fatalf("MAIL without AUTH = %d, want 530", code)
	}
}

func TestCertificates(t *testing.T) {
	tests := []struct {
		name    string
		opts    []Option
		pool    bool
		wantErr string
	}{
		{"trusted", nil, true, ""},
		{"unknown CA", nil, false, "unknown authority"},
		{"expired", []Option{WithExpiredCertificate()}, true, "expired"},
		{"wrong host", []Option{WithCertificateHosts("mail.example.org")}, true, "cannot validate certificate for 127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(t, append(tt.opts, WithTLS(TLSImplicit))...)
			cfg := &tls.Config{ServerName: "127.0.0.1"}
			if tt.pool {
				cfg.RootCAs = s.CertPool()
			}
			conn, err := tls.Dial("tcp", s.Addr(), cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				line, err := textproto.NewReader(bufioReader(conn)).ReadLine()
				if err != nil || !strings.HasPrefix(line, "220 ") {
					t.Fatalf("greeting %q, %v", line, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to mention %q", err, tt.wantErr)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = s.Wait(ctx, func(State) bool { return s.connTLSError() != "" })
			if err != nil {
				t.Fatal("server did not record the failed handshake")
			}
		})
	}
}

// connTLSError reads the first connection's handshake error without
// calling back into Wait's lock.
func (s *Server) connTLSError() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.conns) == 0 {
		return ""
	}
	return s.conns[0].TLSError
}

func TestCAFile(t *testing.T) {
	s := Start(t, WithTLS(TLSStartTLS))
	b, err := os.ReadFile(s.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatal("CA file is not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !cert.IsCA {
		t.Fatalf("CA file: %v, IsCA=%v", err, cert != nil && cert.IsCA)
	}
	path := s.CAFile()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("CA file still exists after Close: %v", err)
	}
}

func TestInvalidOptions(t *testing.T) {
	bad := []Option{
		WithRules(Rule{Stage: StageMail}),
		WithRules(Rule{Stage: StageConnect, Fault: Reply(421, "4.0.0", "no")}),
		WithRules(Rule{Stage: StageRcpt, Fault: Reply(250, "", "ok")}),
		WithRules(Rule{Stage: Stage(99), Fault: Drop()}),
		WithAuth("", "x"),
		WithAuthMechanisms("GSSAPI"),
		WithTLS(TLSMode(7)),
	}
	for i, o := range bad {
		if s, err := New(o); err == nil {
			_ = s.Close()
			t.Errorf("option %d accepted", i)
		}
	}
}
