package headless

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"mailroom/app/campaign"
	"mailroom/app/inbox"
	"mailroom/app/msg"
)

// fetchStatus is `mailroom status --fetch`: read the account's mailbox
// once into the journal (campaign.CheckMailbox: bounces, replies,
// automatic replies, unsubscribes, unknown rows looked up in Sent), then
// print the status exactly as `status` does, with the same exit codes.
//
//   - Nothing to read (no journal, no record of the campaign): exit 2
//     before anything is connected, as `status` does.
//   - The mailbox cannot even be tried (no saved account, no IMAP server,
//     no password or sign-in for it): exit 2, nothing printed on stdout,
//     like a preflight error of `send`: the command as given can never
//     work.
//   - Trying failed (unreachable, TLS, login refused, connection dropped,
//     journal not writable): said on stderr in words, then the status of
//     the journal as it is (what the pass read before the failure is
//     kept), exit 0 or 1 as for `status`. What the mailbox says can only
//     settle rows, never make one need a decision, so the exit code read
//     without it is still true.
//
// It takes no run lock: it never sends, its one state change (an unknown
// row proven sent) is one a running send never makes, and its journal
// writes are short transactions, so it is safe beside a running send
// (docs/headless.md).
func fetchStatus(ctx context.Context, opts *options, env campaign.Env, stdin *os.File, stdout, stderr io.Writer) int {
	c := opts.campaign
	sp := speaker{lang: opts.lang}
	say := sp.say
	if st, err := c.ReadStatus(env); err != nil {
		return statusError(opts, env, st, err, stderr)
	}
	a, err := c.MailboxAccount(env)
	if err != nil {
		fmt.Fprintf(stderr, "mailroom status: %s\n", sp.err(err))
		return ExitUsage
	}
	var l login
	// An IMAP password kept apart is read from the keychain by the
	// check itself; otherwise the mailbox logs in as sending does.
	if a.SignsInWithOAuth() || a.IMAPSecretID() == a.ID {
		var ok bool
		if l, ok = resolveLogin(a, env, stdin, stderr, sp); !ok {
			fmt.Fprintln(stderr, "mailroom status: "+say(msg.T("the mailbox was not read: no password or sign-in for it")))
			return ExitUsage
		}
	}
	rep, err := c.CheckMailbox(ctx, env, a, l.sendOptions())
	switch {
	case err != nil && campaign.IsMailboxSetupError(err):
		fmt.Fprintf(stderr, "mailroom status: %s\n", sp.err(err))
		return ExitUsage
	case err != nil:
		fmt.Fprintln(stderr, "mailroom status: "+say(msg.T("the mailbox was not read: {{.Error}}", "Error", msg.Raw(sp.err(err)))))
		fmt.Fprintln(stderr, "mailroom status: "+say(msg.T("the status below is the journal's as it stands")))
		if rep.Read > 0 {
			printFetched(stderr, rep, sp)
		}
	default:
		printFetched(stderr, rep, sp)
	}
	return status(opts, env, stdout, stderr)
}

// printFetched says what one pass found that was new.
func printFetched(w io.Writer, rep inbox.Report, sp speaker) {
	say := sp.say
	fmt.Fprintln(w, say(msg.T("mailbox read: {{.Read}} new messages; new: bounced {{.Hard}} hard, {{.Soft}} soft; replied {{.Replied}}; automatic replies {{.Auto}}; unsubscribed {{.Unsubscribed}}; confirmed in Sent {{.Confirmed}}; not in Sent {{.NotInSent}}",
		"Read", rep.Read, "Hard", rep.HardBounces, "Soft", rep.SoftBounces, "Replied", rep.Replies, "Auto", rep.AutoReplies,
		"Unsubscribed", rep.Unsubscribes, "Confirmed", rep.Confirmed, "NotInSent", rep.NotInSent)))
	if len(rep.Suppressed) > 0 {
		fmt.Fprintln(w, say(msg.T("added to the do-not-send list: {{.Addresses}}", "Addresses", msg.Raw(strings.Join(rep.Suppressed, ", ")))))
	}
	if rep.NoSentFolder {
		fmt.Fprintln(w, say(msg.T("the account has no Sent folder Mailroom can recognise: unknown rows could not be looked up")))
	}
}
