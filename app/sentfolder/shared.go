package sentfolder

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"mailroom/app/accounts"
)

// Session is one logged-in IMAP connection to the account, for packages
// that read the mailbox (app/inbox): the same TLS settings, login,
// OAuth renewal and NetEase ID handshake as the Sent copies, defined once
// here. It is not safe for concurrent use.
type Session struct {
	sess *session
	acct accounts.Account
}

// Dial connects and logs in as Open does, without looking for the Sent
// folder. Its errors are Open's (less ErrNoSentFolder).
func Dial(ctx context.Context, acct accounts.Account, password string, opts ...Option) (*Session, error) {
	cfg, err := configure(acct, password, opts)
	if err != nil {
		return nil, err
	}
	sess, err := connect(ctx, acct, cfg)
	if err != nil {
		return nil, err
	}
	return &Session{sess: sess, acct: acct}, nil
}

// configure applies the options and checks the account, for Open and Dial.
func configure(acct accounts.Account, password string, opts []Option) (config, error) {
	cfg := config{timeout: DefaultTimeout}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return config{}, err
		}
	}
	if acct.IMAP.Host == "" {
		return config{}, fmt.Errorf("account %q: %w", acct.Label(), ErrNotConfigured)
	}
	if err := acct.Validate(); err != nil {
		return config{}, err
	}
	if cfg.cred == nil {
		if password == "" {
			return config{}, fmt.Errorf("account %q: %w: save the password or authorisation code first", acct.Label(), ErrNoPassword)
		}
		cfg.cred = accounts.StaticCredential(password)
	}
	return cfg, nil
}

// Server is the IMAP server's host:port, for messages.
func (s *Session) Server() string { return s.sess.server }

// Do runs fn on the connection, bounded by ctx and the session's timeout:
// when either ends first the connection is closed, fn's command fails,
// and Do returns a *ConnectError. Server refusals (*imap.Error) come back
// as they are; other failures of fn's commands become *ConnectError.
func (s *Session) Do(ctx context.Context, fn func(c *imapclient.Client) error) error {
	finish := s.sess.bound(ctx)
	err := fn(s.sess.client)
	if !finish() {
		return &ConnectError{Server: s.sess.server, Err: errTimedOut}
	}
	var refused *imap.Error
	if err != nil && !errors.As(err, &refused) && isConnectionError(err) {
		return &ConnectError{Server: s.sess.server, Err: err}
	}
	return err
}

// Folders lists every folder, with special-use attributes where the
// server supports RFC 6154.
func (s *Session) Folders(ctx context.Context) ([]*imap.ListData, error) {
	var list []*imap.ListData
	err := s.Do(ctx, func(*imapclient.Client) error {
		var err error
		list, err = s.sess.folders()
		return err
	})
	return list, err
}

// SentFolder finds the Sent folder in list as Open does: the account's
// IMAP.SentFolder when set, else the \Sent folder, else a usual name.
func (s *Session) SentFolder(list []*imap.ListData) (string, error) {
	folder, ok := chooseSentFolder(list, s.acct.IMAP.SentFolder)
	if !ok {
		return "", &NoSentFolderError{Server: s.sess.server, Wanted: s.acct.IMAP.SentFolder, Folders: folderNames(list)}
	}
	return folder, nil
}

// Close logs out politely and closes the connection.
func (s *Session) Close() { s.sess.logout() }

// HasAttr reports whether a listed folder carries a special-use or other
// attribute, ignoring case as RFC 9051 asks.
func HasAttr(d *imap.ListData, attr imap.MailboxAttr) bool { return hasAttr(d, attr) }
