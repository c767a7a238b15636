// Package sentfolder puts a copy of each message Mailroom sent into the
// account's Sent folder over IMAP (github.com/emersion/go-imap/v2), for
// users who expect to see in their mail program what went out.
//
// A copy is a courtesy to the user, never part of delivery: whatever
// happens here, the row stays sent. The caller records a failed copy as a
// warning next to the row. See docs/sentfolder.md.
package sentfolder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"mailroom/app/accounts"
)

// DefaultTimeout bounds connecting (with the login and the folder search)
// and each copy, unless WithTimeout says otherwise.
const DefaultTimeout = time.Minute

// giveUpAfter is how many copies in a row may fail for want of a
// connection before the copier stops trying for the rest of the run, so
// that an unreachable server costs a campaign a few timeouts, not one per
// row.
const giveUpAfter = 3

// Option changes how a Copier works.
type Option func(*config) error

type config struct {
	timeout time.Duration
	cred    accounts.Credential
}

// WithTimeout sets how long connecting, or one copy, may take.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("sentfolder: timeout must be positive, got %v", d)
		}
		c.timeout = d
		return nil
	}
}

// WithCredential logs in with the secret cred gives instead of a fixed
// password: the account's OAuth access tokens, shared with sending. Every
// (re)connection asks for it, and a login the server refuses asks cred
// once for a renewed one.
func WithCredential(cred accounts.Credential) Option {
	return func(c *config) error {
		if cred == nil {
			return errors.New("sentfolder: nil credential")
		}
		c.cred = cred
		return nil
	}
}

// Copier copies sent messages into one account's Sent folder over a single
// IMAP connection, reconnecting when the server drops it. It is safe for
// concurrent use: copies are made one at a time.
type Copier struct {
	acct   accounts.Account
	cfg    config
	folder string

	mu       sync.Mutex
	sess     *session // nil while disconnected
	failures int      // copies in a row that failed for want of a connection
	stopped  error    // why the copier gave up, if it did
	closed   bool
}

// Open connects to the account's IMAP server with its TLS settings, logs
// in and finds the Sent folder: the account's IMAP.SentFolder if set, else
// the folder marked \Sent (RFC 6154), else one with a usual name ("Sent",
// "Sent Messages", "Sent Items", "已发送", "INBOX.Sent"…). password is the
// secret under acct.IMAPSecretID(); with WithCredential it is not used.
//
// Errors match ErrNotConfigured, ErrNoPassword, accounts.ErrInvalidAccount,
// ErrConnect, ErrTLS, ErrLogin or ErrNoSentFolder, and say in plain words
// what to do.
func Open(ctx context.Context, acct accounts.Account, password string, opts ...Option) (*Copier, error) {
	cfg, err := configure(acct, password, opts)
	if err != nil {
		return nil, err
	}
	sess, err := connect(ctx, acct, cfg)
	if err != nil {
		return nil, err
	}
	finish := sess.bound(ctx)
	list, err := sess.folders()
	if !finish() && (err == nil || errors.Is(err, ErrConnect)) {
		err = &ConnectError{Server: sess.server, Err: errTimedOut}
	}
	if err != nil {
		sess.close()
		return nil, err
	}
	folder, ok := chooseSentFolder(list, acct.IMAP.SentFolder)
	if !ok {
		sess.logout()
		return nil, &NoSentFolderError{Server: sess.server, Wanted: acct.IMAP.SentFolder, Folders: folderNames(list)}
	}
	return &Copier{acct: acct, cfg: cfg, folder: folder, sess: sess}, nil
}

// Folder is the name of the folder copies go to, as the server lists it.
func (c *Copier) Folder() string { return c.folder }

// Append stores raw, the message exactly as sent, in the Sent folder,
// marked as read (\Seen) and dated sentAt, the time the server accepted
// it. Bare line feeds are turned into CRLF as IMAP requires; a message
// with CRLF line ends is stored byte for byte.
//
// When the connection has dropped, Append reconnects once and tries again,
// so a copy may rarely be stored twice (when the drop came after the
// server stored it). Errors match ErrConnect, ErrTLS, ErrLogin, ErrAppend,
// ErrGaveUp or ErrClosed; none of them says anything about delivery.
func (c *Copier) Append(ctx context.Context, raw []byte, sentAt time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return ErrClosed
	case c.stopped != nil:
		return &GaveUpError{Err: c.stopped}
	}
	raw = withCRLF(raw)
	reconnected := false
	if c.sess == nil {
		if err := c.reconnect(ctx); err != nil {
			return c.failed(ctx, err)
		}
		reconnected = true
	}
	for {
		err := c.appendOnce(ctx, raw, sentAt)
		if err == nil || errors.Is(err, ErrAppend) {
			// The server answered: the connection works.
			c.failures = 0
			return err
		}
		c.drop()
		if reconnected || ctx.Err() != nil {
			return c.failed(ctx, err)
		}
		if err := c.reconnect(ctx); err != nil {
			return c.failed(ctx, err)
		}
		reconnected = true
	}
}

// Close logs out. Append fails with ErrClosed afterwards; closing twice is
// harmless.
func (c *Copier) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.sess != nil {
		c.sess.logout()
		c.sess = nil
	}
	return nil
}

func (c *Copier) appendOnce(ctx context.Context, raw []byte, sentAt time.Time) error {
	finish := c.sess.bound(ctx)
	err := c.sess.append(c.folder, raw, sentAt)
	if !finish() {
		// Closed by the timeout or the caller; even if the copy made it,
		// the connection is gone.
		c.drop()
		if err != nil {
			err = &ConnectError{Server: c.acct.IMAPAddress(), Err: errTimedOut}
		}
	}
	return err
}

func (c *Copier) reconnect(ctx context.Context) error {
	sess, err := connect(ctx, c.acct, c.cfg)
	if err != nil {
		return err
	}
	c.sess = sess
	return nil
}

// connect dials with the credential's secret; a refused login is tried
// once more with a renewed one (an access token that expired).
func connect(ctx context.Context, acct accounts.Account, cfg config) (*session, error) {
	secret, err := cfg.cred(ctx, "")
	if err != nil {
		return nil, credentialFailed(acct, err)
	}
	sess, err := dial(ctx, acct, secret, cfg.timeout)
	if !errors.Is(err, ErrLogin) {
		return sess, err
	}
	next, cerr := cfg.cred(ctx, secret)
	if cerr != nil {
		return nil, credentialFailed(acct, cerr)
	}
	if next == secret {
		return nil, err
	}
	return dial(ctx, acct, next, cfg.timeout)
}

// credentialFailed reports a credential that gave no secret: a sign-in to
// renew counts as a refused login (copying stops), anything else as a
// failed connection (tried again with the next copy).
func credentialFailed(acct accounts.Account, err error) error {
	if errors.Is(err, accounts.ErrSignInAgain) {
		return &LoginError{Server: acct.IMAPAddress(), Username: acct.IMAPUsername(), Reply: err.Error(), Err: err}
	}
	return &ConnectError{Server: acct.IMAPAddress(), Err: err}
}

func (c *Copier) drop() {
	if c.sess != nil {
		c.sess.close()
		c.sess = nil
	}
}

// failed counts a copy lost for want of a connection and decides whether
// to stop trying: at once when the login or the certificate is refused,
// which retrying cannot fix, else after giveUpAfter failures in a row. A
// run being stopped (ctx done) is not the server's fault and not counted.
func (c *Copier) failed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	c.failures++
	if errors.Is(err, ErrLogin) || errors.Is(err, ErrTLS) || c.failures >= giveUpAfter {
		c.stopped = err
		return &GaveUpError{Err: err}
	}
	return err
}

// withCRLF returns raw with every bare LF preceded by CR; raw itself when
// it has none, which is the case for what go-mail writes.
func withCRLF(raw []byte) []byte {
	if bytes.Count(raw, []byte("\n")) == bytes.Count(raw, []byte("\r\n")) {
		return raw
	}
	out := make([]byte, 0, len(raw)+len(raw)/32)
	for i, b := range raw {
		if b == '\n' && (i == 0 || raw[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, b)
	}
	return out
}
