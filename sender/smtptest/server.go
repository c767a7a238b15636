// Package smtptest runs an in-process SMTP server on 127.0.0.1 for tests
// and benchmarks: plain, STARTTLS or implicit TLS with a CA generated at
// start-up, AUTH PLAIN/LOGIN (and CRAM-MD5/XOAUTH2 on request), a log of
// every message and of the commands each connection used, and injectable
// faults (replies, dropped connections, stalls, restarts).
//
// It is built on github.com/emersion/go-smtp, a complete server
// implementation, so tests talk to a real SMTP state machine rather than a
// script; this package only adds observation and faults around it.
package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"mailroom/sender/testca"
)

// Server is a running test SMTP server. All methods are safe for
// concurrent use.
type Server struct {
	cfg     config
	ca      *testca.CA
	tlsConf *tls.Config
	caDir   string
	addr    *net.TCPAddr

	mu         sync.Mutex
	gen        *generation
	closed     bool
	nextConn   int
	nextMsg    int
	attempts   map[string]int
	ruleHits   []int
	messages   []Message
	unanswered []Message
	conns      []*ConnInfo
	changed    chan struct{}
}

// generation is one listening period; Restart replaces it.
type generation struct {
	ln      net.Listener
	inner   *chanListener
	smtp    *smtp.Server
	stop    chan struct{} // closed to release stalls
	held    map[net.Conn]struct{}
	accepts sync.WaitGroup
}

// New starts a server on 127.0.0.1 with a free port. Close it when done.
func New(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.user != "" && len(cfg.mechanisms) == 0 {
		cfg.mechanisms = []string{mechPlain, mechLogin}
	}
	s := &Server{cfg: cfg, attempts: map[string]int{}, ruleHits: make([]int, len(cfg.rules)), changed: make(chan struct{})}
	if err := s.setupTLS(); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.removeCAFile()
		return nil, fmt.Errorf("smtptest: listen: %w", err)
	}
	s.addr = ln.Addr().(*net.TCPAddr)
	s.mu.Lock()
	s.startGeneration(ln)
	s.mu.Unlock()
	return s, nil
}

// Start is New for tests: it fails t on error and closes the server in
// t.Cleanup.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func (s *Server) setupTLS() error {
	ca, err := testca.New("smtptest CA")
	if err != nil {
		return err
	}
	leaf, err := ca.Leaf(s.cfg.expiredCert, s.cfg.certHosts...)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "smtptest-ca-")
	if err != nil {
		return fmt.Errorf("smtptest: CA directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), ca.PEM, 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return fmt.Errorf("smtptest: write CA file: %w", err)
	}
	s.ca, s.caDir = ca, dir
	s.tlsConf = &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12}
	return nil
}

func (s *Server) removeCAFile() {
	if s.caDir != "" {
		_ = os.RemoveAll(s.caDir)
	}
}

// startGeneration serves ln; s.mu must be held.
func (s *Server) startGeneration(ln net.Listener) {
	g := &generation{ln: ln, stop: make(chan struct{}), held: map[net.Conn]struct{}{}}
	g.inner = newChanListener(ln.Addr())
	srv := smtp.NewServer(backend{s: s, g: g})
	srv.Domain = s.cfg.serverDomain
	srv.AllowInsecureAuth = true // the session itself decides when AUTH is allowed
	srv.MaxMessageBytes = s.cfg.maxMsgBytes
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.cfg.tlsMode == TLSStartTLS {
		// Only makes go-smtp advertise STARTTLS; the command itself is
		// handled by conn so that the plaintext stays observable.
		srv.TLSConfig = s.tlsConf
	}
	g.smtp = srv
	s.gen = g
	go func() { _ = srv.Serve(g.inner) }()
	g.accepts.Add(1)
	go s.acceptLoop(g)
}

func (s *Server) acceptLoop(g *generation) {
	defer g.accepts.Done()
	for {
		raw, err := g.ln.Accept()
		if err != nil {
			return
		}
		go s.admit(g, raw)
	}
}

// admit applies connect-stage faults and implicit TLS, then hands the
// connection to go-smtp.
func (s *Server) admit(g *generation, raw net.Conn) {
	s.mu.Lock()
	s.nextConn++
	info := &ConnInfo{ID: s.nextConn, Commands: map[string]int{}}
	s.conns = append(s.conns, info)
	fault, faulted := s.matchLocked(Event{Stage: StageConnect, Conn: info.ID})
	s.mu.Unlock()
	s.notify()

	if faulted {
		switch fault.kind {
		case faultDrop:
			resetConn(raw)
			return
		case faultStall:
			s.hold(g, raw)
			return
		}
	}
	c := newConn(s, g, raw, info)
	if s.cfg.tlsMode == TLSImplicit {
		tc := tls.Server(raw, s.tlsConf)
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			s.recordTLSError(info, err)
			_ = raw.Close()
			return
		}
		_ = tc.SetDeadline(time.Time{})
		c.upgrade(tc)
	}
	if !g.inner.deliver(c) {
		_ = raw.Close()
	}
}

// hold keeps raw open and silent until the generation stops.
func (s *Server) hold(g *generation, raw net.Conn) {
	s.mu.Lock()
	select {
	case <-g.stop:
		s.mu.Unlock()
		_ = raw.Close()
		return
	default:
	}
	g.held[raw] = struct{}{}
	s.mu.Unlock()
}

func (s *Server) recordTLSError(info *ConnInfo, err error) {
	s.mu.Lock()
	info.TLSError = err.Error()
	s.mu.Unlock()
	s.notify()
}

// stopGeneration closes the listener and every connection; s.mu must not
// be held.
func (s *Server) stopGeneration(g *generation) {
	_ = g.ln.Close()
	g.accepts.Wait()
	s.mu.Lock()
	close(g.stop)
	for raw := range g.held {
		_ = raw.Close()
	}
	s.mu.Unlock()
	_ = g.smtp.Close()
}

// Restart closes the listener and all connections, as a server reboot
// does, then listens again on the same port.
func (s *Server) Restart() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("smtptest: restart of a closed server")
	}
	g := s.gen
	s.mu.Unlock()
	s.stopGeneration(g)
	ln, err := net.ListenTCP("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("smtptest: listen again on %s: %w", s.addr, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = ln.Close()
		return errors.New("smtptest: closed during restart")
	}
	s.startGeneration(ln)
	return nil
}

// Close stops the server and removes the CA file. It is idempotent.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	g := s.gen
	s.mu.Unlock()
	s.stopGeneration(g)
	s.removeCAFile()
	s.notify()
	return nil
}

// Addr returns "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr.String() }

// Host returns "127.0.0.1".
func (s *Server) Host() string { return s.addr.IP.String() }

// Port returns the TCP port; it stays the same across Restart.
func (s *Server) Port() int { return s.addr.Port }

// CertPool returns a pool holding the server's CA.
func (s *Server) CertPool() *x509.CertPool { return s.ca.Pool() }

// CAFile returns the path of the CA certificate in PEM form, for a
// --tls-ca flag. It is removed by Close.
func (s *Server) CAFile() string { return filepath.Join(s.caDir, "ca.pem") }

// CAPEM returns the CA certificate in PEM form.
func (s *Server) CAPEM() []byte { return append([]byte(nil), s.ca.PEM...) }

// Username returns the configured AUTH username ("" without AUTH).
func (s *Server) Username() string { return s.cfg.user }

// matchLocked returns the fault of the first rule matching e; s.mu must
// be held.
func (s *Server) matchLocked(e Event) (Fault, bool) {
	for i, r := range s.cfg.rules {
		if r.Stage != e.Stage || (r.Message != 0 && r.Message != e.Message) {
			continue
		}
		if r.Recipient != "" && !equalFoldASCII(r.Recipient, e.Recipient) {
			continue
		}
		if r.Times != 0 && s.ruleHits[i] >= r.Times {
			continue
		}
		if r.Match != nil && !r.Match(e) {
			continue
		}
		s.ruleHits[i]++
		return r.Fault, true
	}
	return Fault{}, false
}

func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // send RST so that the peer's writes fail
	}
	_ = c.Close()
}
