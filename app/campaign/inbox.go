package campaign

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"mailroom/app/accounts"
	"mailroom/app/inbox"
	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/app/sentfolder"
)

// MailboxCheck is one reading of the account's mailbox for a campaign
// stored in a journal (issue 14): the journal file, the campaign's ID in
// it, and the account that sent it, with how it logs in.
type MailboxCheck struct {
	Journal  string
	Campaign int64
	Account  accounts.Account
	// Login is the account's password or OAuth credential, as for a send.
	Login SendOptions
}

// ErrNoMailbox means the account has no IMAP server, so nothing can be
// read back; the caller says so instead of failing.
var ErrNoMailbox = fmt.Errorf("the account has no IMAP server: set one up under Accounts to read bounces and replies")

// CheckMailbox reads the account's mailbox once (INBOX and Junk since the
// campaign started, and the Sent folder for unknown rows), records what
// came back in the journal, and puts hard-bounced addresses and
// unsubscribers on the do-not-send list in env.DataDir. Nothing in the
// mailbox is changed. See docs/inbox.md.
func CheckMailbox(ctx context.Context, env Env, c MailboxCheck) (inbox.Report, error) {
	if c.Account.IMAP.Host == "" {
		return inbox.Report{}, ErrNoMailbox
	}
	path := c.Journal
	if path == "" {
		path = filepath.Join(env.DataDir, journal.DefaultFileName)
	}
	j, err := journal.Open(path)
	if err != nil {
		return inbox.Report{}, err
	}
	defer j.Close()
	return fetch(ctx, env, j, c.Campaign, c.Account, c.Login)
}

// MailboxAccount is the account whose mailbox answers for the campaign:
// its saved account (--account, or the campaign file's "account"), which
// must have an IMAP server. A campaign sent with --smtp alone has no
// mailbox Mailroom knows of. The error matches ErrNoMailbox then.
func (c *Campaign) MailboxAccount(env Env) (accounts.Account, error) {
	a, problem := c.account(env)
	switch {
	case problem != nil:
		return a, problem
	case c.Account == "":
		return a, msg.Errorf(ErrNoMailbox, "this campaign names no saved account, so there is no mailbox to read: send it with --account ID, an account set up in the window with an IMAP server")
	case a.IMAP.Host == "":
		return a, msg.Errorf(ErrNoMailbox, "the account {{.Account}} has no IMAP server: set one up under Accounts to read bounces and replies",
			"Account", msg.Raw(a.Label()))
	}
	return a, nil
}

// CheckMailbox reads the account's mailbox once for this campaign, as the
// package's CheckMailbox does, finding the campaign in its own journal
// (JournalPath). It never creates a journal: a missing file is
// journal.ErrNoJournal, a journal without this campaign ErrNotRun.
//
// It takes no run lock, so it works while another process sends the
// campaign: its only state change (an unknown row proven sent) is one the
// engine never makes, and each of its writes is one short transaction,
// never held across the network (docs/inbox.md, "Reading while a send
// runs").
func (c *Campaign) CheckMailbox(ctx context.Context, env Env, a accounts.Account, login SendOptions) (inbox.Report, error) {
	if a.IMAP.Host == "" {
		return inbox.Report{}, ErrNoMailbox
	}
	path := c.JournalPath(env)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return inbox.Report{}, fmt.Errorf("%w: %s", journal.ErrNoJournal, path)
	}
	j, err := journal.Open(path)
	if err != nil {
		return inbox.Report{}, err
	}
	defer j.Close()
	camp, err := j.CampaignByKey(c.Key())
	if errors.Is(err, journal.ErrUnknownCampaign) {
		return inbox.Report{}, fmt.Errorf("%w (%s)", ErrNotRun, j.Path())
	}
	if err != nil {
		return inbox.Report{}, err
	}
	return fetch(ctx, env, j, camp.ID, a, login)
}

// fetch is one pass of inbox.Fetch with the account's IMAP login and the
// do-not-send list of env.DataDir.
func fetch(ctx context.Context, env Env, j *journal.Journal, id int64, a accounts.Account, login SendOptions) (inbox.Report, error) {
	password, options, err := imapLogin(env, a, login)
	if err != nil {
		return inbox.Report{}, &mailboxSetupError{err}
	}
	req := inbox.Request{Campaign: id, Account: a, Password: password, Options: options}
	if env.DataDir != "" {
		req.Suppressions = filepath.Join(env.DataDir, SuppressionFileName)
	}
	return inbox.Fetch(ctx, j, req)
}

// mailboxSetupError is a failure to find how to log in to the mailbox.
type mailboxSetupError struct{ err error }

func (e *mailboxSetupError) Error() string { return e.err.Error() }
func (e *mailboxSetupError) Unwrap() error { return e.err }

// IsMailboxSetupError reports whether err from CheckMailbox means the
// mailbox could not even be tried: the account has no IMAP server, or no
// password or sign-in for it is available. Anything else (the server
// cannot be reached, refuses the login, the connection drops, the journal
// cannot be written) happened while trying.
func IsMailboxSetupError(err error) bool {
	var setup *mailboxSetupError
	return errors.As(err, &setup) || errors.Is(err, ErrNoMailbox) ||
		errors.Is(err, sentfolder.ErrNotConfigured) || errors.Is(err, sentfolder.ErrNoPassword) ||
		errors.Is(err, accounts.ErrInvalidAccount)
}
