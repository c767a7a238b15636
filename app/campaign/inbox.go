package campaign

import (
	"context"
	"fmt"
	"path/filepath"

	"mailroom/app/accounts"
	"mailroom/app/inbox"
	"mailroom/app/journal"
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
	password, options, err := imapLogin(env, c.Account, c.Login)
	if err != nil {
		return inbox.Report{}, err
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
	req := inbox.Request{Campaign: c.Campaign, Account: c.Account, Password: password, Options: options}
	if env.DataDir != "" {
		req.Suppressions = filepath.Join(env.DataDir, SuppressionFileName)
	}
	return inbox.Fetch(ctx, j, req)
}
