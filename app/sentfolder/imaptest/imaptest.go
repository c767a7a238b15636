// Package imaptest runs an in-process IMAP server for tests: the
// go-imap/v2 imapserver with its in-memory backend (imapmemserver), on
// 127.0.0.1, over implicit TLS or STARTTLS with a certificate from a CA
// generated for the server. It adds what that backend lacks for testing
// Sent-folder copies and reading the inbox back: folders marked with
// special-use attributes (RFC 6154), fixture mail delivered straight into
// a folder (Deliver), a log of every command that could change the
// mailbox (Changes), a Snapshot of UIDs and flags, a count of connections
// and of bytes sent, and a way to drop connections.
package imaptest

import (
	"crypto/tls"
	"fmt"
	"net"
	"sort"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"mailroom/app/accounts"

	"mailroom/sender/testca"
)

// Option configures a Server.
type Option func(*config) error

type config struct {
	startTLS   bool
	specialUse bool
	folders    []folder
	mechs      []string
	tokenValid func(token string) bool
}

type folder struct {
	name  string
	attrs []imap.MailboxAttr
}

// WithSTARTTLS serves plain text that must be upgraded with STARTTLS before
// logging in, instead of implicit TLS.
func WithSTARTTLS() Option {
	return func(c *config) error { c.startTLS = true; return nil }
}

// WithFolder creates a folder, with special-use attributes such as
// imap.MailboxAttrSent. INBOX always exists.
func WithFolder(name string, attrs ...imap.MailboxAttr) Option {
	return func(c *config) error {
		if name == "" {
			return fmt.Errorf("imaptest: empty folder name")
		}
		c.folders = append(c.folders, folder{name: name, attrs: attrs})
		return nil
	}
}

// WithoutSpecialUse makes the server an older one that neither advertises
// SPECIAL-USE nor marks any folder.
func WithoutSpecialUse() Option {
	return func(c *config) error { c.specialUse = false; return nil }
}

// Server is a running IMAP server with one user.
type Server struct {
	ca       *testca.CA
	user     *imapmemserver.User
	username string
	password string
	startTLS bool
	mechs    []string
	// tokenValid, when set, decides on XOAUTH2 tokens (WithXOAUTH2).
	tokenValid func(token string) bool
	imap       *imapserver.Server
	ln         net.Listener
	attrs      map[string][]imap.MailboxAttr // folder name → special use
	names      []string

	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	accepted int
	changes  []string // commands that can modify the mailbox (Changes)
	sent     int64    // bytes written to clients (BytesSent)
}

// New starts a server on 127.0.0.1 for one user. Close it when done.
func New(username, password string, opts ...Option) (*Server, error) {
	cfg := config{specialUse: true, mechs: []string{"PLAIN"}}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	ca, err := testca.New("imaptest CA")
	if err != nil {
		return nil, err
	}
	leaf, err := ca.Leaf(false, "127.0.0.1", "localhost")
	if err != nil {
		return nil, err
	}
	s := &Server{
		ca: ca, username: username, password: password, startTLS: cfg.startTLS, mechs: cfg.mechs, tokenValid: cfg.tokenValid,
		user:  imapmemserver.NewUser(username, password),
		attrs: map[string][]imap.MailboxAttr{},
		conns: map[net.Conn]struct{}{},
	}
	for _, f := range append([]folder{{name: "INBOX"}}, cfg.folders...) {
		if err := s.user.Create(f.name, nil); err != nil {
			return nil, fmt.Errorf("imaptest: create %q: %w", f.name, err)
		}
		if cfg.specialUse {
			s.attrs[f.name] = f.attrs
		}
		s.names = append(s.names, f.name)
	}
	sort.Strings(s.names)
	caps := imap.CapSet{imap.CapIMAP4rev1: {}}
	if cfg.specialUse {
		caps[imap.CapSpecialUse] = struct{}{}
	}
	mem := imapmemserver.New()
	mem.AddUser(s.user)
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12}
	s.imap = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{Session: mem.NewSession(), server: s}, nil, nil
		},
		Caps:      caps,
		TLSConfig: tlsConfig,
		Logger:    discardLogger{},
	})
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.ln = &countingListener{Listener: tcp, server: s}
	if !cfg.startTLS {
		s.ln = tls.NewListener(s.ln, tlsConfig)
	}
	go func() { _ = s.imap.Serve(s.ln) }()
	return s, nil
}

// Port is the port the server listens on, at 127.0.0.1.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// CAPEM is the PEM certificate of the CA that signed the server's
// certificate, for accounts.Trust.CAPEM.
func (s *Server) CAPEM() string { return string(s.ca.PEM) }

// Configure returns a with its IMAP section pointing at this server (copy
// on) and the server's CA added to the trusted certificates.
func (s *Server) Configure(a accounts.Account) accounts.Account {
	a.IMAP.Host, a.IMAP.Port, a.IMAP.Security = "127.0.0.1", s.Port(), accounts.SecurityTLS
	if s.startTLS {
		a.IMAP.Security = accounts.SecuritySTARTTLS
	}
	a.IMAP.CopyToSent = true
	if a.Trust.CAPEM != "" && a.Trust.CAPEM[len(a.Trust.CAPEM)-1] != '\n' {
		a.Trust.CAPEM += "\n"
	}
	a.Trust.CAPEM += s.CAPEM()
	return a
}

// Accepted is how many connections the server has accepted.
func (s *Server) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// DropConnections closes every open connection, as a server restart or a
// NAT timeout would; the server keeps listening.
func (s *Server) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.Close()
		delete(s.conns, c)
	}
}

// Close stops the server and closes every connection.
func (s *Server) Close() error {
	s.DropConnections()
	return s.imap.Close()
}

// session is the in-memory backend's session with LIST answered here, so
// that folders carry their special-use attributes, which imapmemserver
// cannot store. Every other command goes to the backend.
type session struct {
	imapserver.Session
	server *Server
}

// List lists the folders made with WithFolder. Like Dovecot and Gmail, it
// shows special-use attributes with or without RETURN (SPECIAL-USE).
func (sess *session) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		return w.WriteList(&imap.ListData{Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect}, Delim: '/'})
	}
	for _, name := range sess.server.names {
		if !matchesAny(name, ref, patterns) {
			continue
		}
		attrs := sess.server.attrs[name]
		if options.SelectSpecialUse && len(attrs) == 0 {
			continue
		}
		data := imap.ListData{Mailbox: name, Delim: '/', Attrs: append([]imap.MailboxAttr(nil), attrs...)}
		if err := w.WriteList(&data); err != nil {
			return err
		}
	}
	return nil
}

func matchesAny(name, ref string, patterns []string) bool {
	for _, p := range patterns {
		if imapserver.MatchList(name, '/', ref, p) {
			return true
		}
	}
	return false
}

// countingListener counts and remembers accepted connections so that
// DropConnections can close them.
type countingListener struct {
	net.Listener
	server *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.server.mu.Lock()
	l.server.accepted++
	l.server.conns[c] = struct{}{}
	l.server.mu.Unlock()
	return &countingConn{Conn: c, server: l.server}, nil
}

// countingConn counts what the server writes, so tests can show that a
// reader fetched only part of a large message.
type countingConn struct {
	net.Conn
	server *Server
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.server.mu.Lock()
	c.server.sent += int64(n)
	c.server.mu.Unlock()
	return n, err
}

// BytesSent is how many bytes the server has written to all clients
// (after TLS with STARTTLS, before it with implicit TLS: either way a
// measure of what a client fetched).
func (s *Server) BytesSent() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent
}

// discardLogger keeps expected connection errors (dropped on purpose) out
// of the test output.
type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
