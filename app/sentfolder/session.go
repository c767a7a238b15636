package sentfolder

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"mailroom/app/accounts"
	"mailroom/app/identity"
	"mailroom/app/msg"
)

// errTimedOut is why a connection closed by bound failed.
var errTimedOut = errors.New("no answer in time, or the run was stopped")

// session is one logged-in IMAP connection.
type session struct {
	client *imapclient.Client
	// raw is the TCP connection under TLS: deadlines set on it bound every
	// read and write of the client, including its background reader.
	raw     net.Conn
	server  string
	timeout time.Duration
}

// dial connects, secures and logs in. Errors are *ConnectError, *TLSError
// or *LoginError.
func dial(ctx context.Context, acct accounts.Account, password string, timeout time.Duration) (*session, error) {
	server := acct.IMAPAddress()
	tlsConfig, err := acct.IMAPTLSConfig()
	if err != nil {
		return nil, &TLSError{Server: server, Summary: msg.Raw(err.Error()), Hint: msg.T("Fix the trusted certificate in the account settings."), Err: err}
	}
	dialer := net.Dialer{Timeout: timeout}
	raw, err := dialer.DialContext(ctx, "tcp", server)
	if err != nil {
		return nil, &ConnectError{Server: server, Err: err}
	}
	s := &session{raw: raw, server: server, timeout: timeout}
	finish := s.bound(ctx)
	err = s.secure(acct, tlsConfig)
	if err == nil {
		if err = s.login(acct, password); err == nil {
			s.identify()
		}
	}
	if !finish() && (err == nil || errors.Is(err, ErrConnect)) {
		// The connection was closed by the timeout or the caller, which is
		// the cause of whatever broke.
		err = &ConnectError{Server: server, Err: errTimedOut}
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// bound closes the connection if ctx ends or the timeout passes before
// finish is called: the client manages its own socket deadlines, so
// closing is the one way to stop it that always works. finish reports
// whether the connection is still open.
func (s *session) bound(ctx context.Context) (finish func() (open bool)) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	stop := context.AfterFunc(ctx, func() { _ = s.raw.Close() })
	return func() bool {
		open := stop()
		cancel()
		return open
	}
}

func (s *session) secure(acct accounts.Account, tlsConfig *tls.Config) error {
	options := &imapclient.Options{TLSConfig: tlsConfig}
	if acct.IMAP.Security == accounts.SecuritySTARTTLS {
		client, err := imapclient.NewStartTLS(s.raw, options)
		if err != nil {
			return s.tlsFailure(acct, err)
		}
		s.client = client
		return nil
	}
	tlsConfig.NextProtos = []string{"imap"}
	conn := tls.Client(s.raw, tlsConfig)
	if err := conn.Handshake(); err != nil {
		return s.tlsFailure(acct, err)
	}
	s.client = imapclient.New(conn, options)
	if err := s.client.WaitGreeting(); err != nil {
		return &ConnectError{Server: s.server, Err: err}
	}
	return nil
}

// tlsFailure explains a failed TLS set-up in the user's terms.
func (s *session) tlsFailure(acct accounts.Account, err error) error {
	if summary, hint, ok := accounts.ExplainCertificate(err, acct.IMAP.Host); ok {
		return &TLSError{Server: s.server, Summary: summary, Hint: hint, Err: err}
	}
	var header tls.RecordHeaderError
	var refused *imap.Error
	switch {
	case errors.As(err, &header):
		return &TLSError{Server: s.server, Summary: msg.T("The server did not answer with TLS."),
			Hint: msg.T("Port 143 normally starts unencrypted: choose STARTTLS, or SSL/TLS with port 993."), Err: err}
	case errors.As(err, &refused):
		return &TLSError{Server: s.server, Summary: msg.T("The server does not offer STARTTLS ({{.Reply}}).", "Reply", refused.Text),
			Hint: msg.T("Choose SSL/TLS with port 993."), Err: err}
	case isConnectionError(err):
		return &ConnectError{Server: s.server, Err: err}
	}
	return &TLSError{Server: s.server, Summary: msg.Raw(err.Error()), Err: err}
}

// login authenticates with the account's IMAP username and password, or
// its OAuth 2 token when the account signs in with XOAUTH2. AUTHENTICATE
// PLAIN is preferred where offered because it carries any password bytes
// unchanged, unlike LOGIN's quoted strings.
func (s *session) login(acct accounts.Account, password string) error {
	user := acct.IMAPUsername()
	caps := s.client.Caps()
	var err error
	switch {
	case acct.Auth == accounts.AuthXOAUTH2:
		err = s.client.Authenticate(xoauth2Client{user: user, token: password})
	case caps.Has(imap.AuthCap(sasl.Plain)):
		err = s.client.Authenticate(sasl.NewPlainClient("", user, password))
	case caps.Has(imap.CapLoginDisabled):
		return &LoginError{Server: s.server, Username: user, Reply: "LOGINDISABLED",
			Hint: msg.T("The server allows neither LOGIN nor AUTHENTICATE PLAIN: Mailroom cannot sign in to it over IMAP.")}
	default:
		err = s.client.Login(user, password).Wait()
	}
	if err == nil {
		return nil
	}
	var refused *imap.Error
	if errors.As(err, &refused) {
		return &LoginError{Server: s.server, Username: user, Reply: refused.Text, Hint: accounts.LoginHint(acct.Preset), Err: err}
	}
	return &ConnectError{Server: s.server, Err: err}
}

// identify sends the RFC 2971 ID command where offered: NetEase (163, 126,
// yeah.net) refuses mailbox commands with "Unsafe Login" from clients
// that do not say who they are. Its answer does not matter.
func (s *session) identify() {
	if !s.client.Caps().Has(imap.CapID) {
		return
	}
	_, _ = s.client.ID(&imap.IDData{Name: identity.Name, Vendor: identity.Name, Version: identity.Version}).Wait()
}

// folders lists every mailbox, with special-use attributes where the
// server supports RFC 6154.
func (s *session) folders() ([]*imap.ListData, error) {
	options := &imap.ListOptions{}
	if s.client.Caps().Has(imap.CapSpecialUse) {
		options.ReturnSpecialUse = true
	}
	list, err := s.client.List("", "*", options).Collect()
	var refused *imap.Error
	if errors.As(err, &refused) {
		return nil, fmt.Errorf("the IMAP server %s refused to list its folders: %w", s.server, err)
	}
	if err != nil {
		return nil, &ConnectError{Server: s.server, Err: err}
	}
	return list, nil
}

// append stores raw in folder with the \Seen flag and the given internal
// date. A refusal by the server is an *AppendError; anything else means the
// connection is gone.
func (s *session) append(folder string, raw []byte, sentAt time.Time) error {
	cmd := s.client.Append(folder, int64(len(raw)), &imap.AppendOptions{
		Flags: []imap.Flag{imap.FlagSeen},
		Time:  sentAt,
	})
	_, writeErr := cmd.Write(raw)
	closeErr := cmd.Close()
	if err := errors.Join(writeErr, closeErr); err != nil {
		return &ConnectError{Server: s.server, Err: err}
	}
	if _, err := cmd.Wait(); err != nil {
		var refused *imap.Error
		if errors.As(err, &refused) {
			return &AppendError{Server: s.server, Folder: folder, Err: err}
		}
		return &ConnectError{Server: s.server, Err: err}
	}
	return nil
}

// logout says goodbye politely, briefly, then closes.
func (s *session) logout() {
	ctx, cancel := context.WithTimeout(context.Background(), min(s.timeout, 5*time.Second))
	defer cancel()
	finish := s.bound(ctx)
	_ = s.client.Logout().Wait()
	finish()
	s.close()
}

// close drops the connection at once.
func (s *session) close() {
	if s.client != nil {
		_ = s.client.Close()
		return
	}
	_ = s.raw.Close()
}

func isConnectionError(err error) bool {
	var netErr net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.As(err, &netErr)
}

// xoauth2Client is the XOAUTH2 SASL mechanism (Google, Microsoft), which
// go-sasl no longer ships: one message with the user and bearer token.
type xoauth2Client struct {
	user, token string
}

func (c xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with an empty
// response, as the mechanism requires; the server then fails the command.
func (c xoauth2Client) Next([]byte) ([]byte, error) {
	return []byte{}, nil
}
