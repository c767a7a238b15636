package headless

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"mailroom/app/campaign"
	"mailroom/app/journal"
	"mailroom/app/msg"
)

// maxListed is how many rows needing a decision the send summary lists
// before pointing to `mailroom status` for the rest.
const maxListed = 50

// status is `mailroom status [CAMPAIGN] [--journal PATH]`: the journal's
// counts per state and every row needing a decision, read without
// changing anything. Exit 0 when nothing needs a decision, 1 otherwise,
// 2 when there is nothing to read. With --fetch, fetchStatus reads the
// account's mailbox into the journal first and then calls status.
func status(opts *options, env campaign.Env, stdout, stderr io.Writer) int {
	say := speaker{lang: opts.lang}.say
	st, err := opts.campaign.ReadStatus(env)
	if err != nil {
		return statusError(opts, env, st, err, stderr)
	}
	fmt.Fprintln(stdout, say(msg.T("campaign: {{.Name}}", "Name", msg.Raw(st.Name))))
	fmt.Fprintln(stdout, say(msg.T("journal: {{.Path}}", "Path", st.JournalPath)))
	fmt.Fprintln(stdout, say(msg.T("pending {{.Pending}}, sending {{.Sending}}, sent {{.Sent}}, failed {{.Failed}}, unknown {{.Unknown}}, skipped {{.Skipped}}",
		"Pending", st.Pending, "Sending", st.Sending, "Sent", st.Sent, "Failed", st.Failed, "Unknown", st.Unknown, "Skipped", st.Skipped)))
	if !st.ResumesAt.IsZero() {
		fmt.Fprintln(stdout, say(msg.T("paused by the provider's limit until {{.Time}}", "Time", st.ResumesAt.Local().Format("2006-01-02 15:04"))))
		if st.Hold != nil {
			fmt.Fprintln(stdout, "  "+say(st.Hold.Text))
		}
	}
	if m := st.Mailbox; !st.InboxChecked.IsZero() {
		fmt.Fprintln(stdout, say(msg.T("mailbox read at {{.Time}}: bounced {{.Hard}} hard, {{.Soft}} soft; replied {{.Replied}}; automatic replies {{.Auto}}; unsubscribed {{.Unsubscribed}}; confirmed in Sent {{.Confirmed}}; not in Sent {{.NotInSent}}",
			"Time", st.InboxChecked.Local().Format("2006-01-02 15:04"), "Hard", m.BouncedHard, "Soft", m.BouncedSoft, "Replied", m.Replied,
			"Auto", m.AutoReplied, "Unsubscribed", m.Unsubscribed, "Confirmed", m.ConfirmedInSent, "NotInSent", m.NotInSent)))
	}
	printDecisions(stdout, st.Decisions, len(st.Decisions), "", speaker{lang: opts.lang})
	if len(st.Decisions) > 0 {
		return ExitFailed
	}
	return ExitOK
}

// statusError says why the journal cannot answer for the campaign.
func statusError(opts *options, env campaign.Env, st campaign.Status, err error, stderr io.Writer) int {
	sp := speaker{lang: opts.lang}
	say := sp.say
	switch {
	case errors.Is(err, journal.ErrNoJournal):
		fmt.Fprintln(stderr, "mailroom status: "+say(msg.T("no journal at {{.Path}}: this campaign has not been sent yet, or its journal is elsewhere (give --journal PATH)",
			"Path", opts.campaign.JournalPath(env))))
	case errors.Is(err, campaign.ErrNotRun):
		path := st.JournalPath
		if path == "" {
			path = opts.campaign.JournalPath(env)
		}
		fmt.Fprintln(stderr, "mailroom status: "+say(msg.T("the journal {{.Path}} has no record of this campaign: it has not been sent with this journal",
			"Path", path)))
	default:
		fmt.Fprintf(stderr, "mailroom status: %s\n", sp.err(err))
	}
	return ExitUsage
}

// printDecisions lists the rows needing a decision, at most limit of
// them; more names where the full list is.
func printDecisions(w io.Writer, ds []campaign.Decision, limit int, more string, sp speaker) {
	if len(ds) == 0 {
		return
	}
	say := sp.say
	unknown := 0
	for _, d := range ds {
		if d.State == journal.StateUnknown {
			unknown++
		}
	}
	fmt.Fprintln(w, say(msg.T("needs a decision: {{.Count}} rows ({{.Unknown}} unknown, {{.Failed}} failed)",
		"Count", len(ds), "Unknown", unknown, "Failed", len(ds)-unknown)))
	for i, d := range ds {
		if i == limit {
			fmt.Fprintln(w, "  "+say(msg.T("… and {{.Count}} more; the full list: {{.Where}}", "Count", len(ds)-limit, "Where", more)))
			break
		}
		fmt.Fprintln(w, "  "+say(msg.T("row {{.Row}}, {{.Address}}: {{.Reason}}", "Row", d.Row, "Address", msg.Raw(d.Address), "Reason", d.Reason)))
	}
	fmt.Fprintln(w, "  "+say(msg.T("decide with mailroom send --mark-sent ROWS (they were delivered), --send-again ROWS or --retry-failed")))
}

// statusCommand is the command that lists this campaign's status, for
// the send summary to point to.
func statusCommand(opts *options) string {
	if opts.path == "" {
		return speaker{lang: opts.lang}.say(msg.T("mailroom status with the same campaign flags as this send"))
	}
	cmd := "mailroom status " + shellQuote(opts.path)
	if opts.journalFlag != "" {
		cmd += " --journal " + shellQuote(opts.journalFlag)
	}
	return cmd
}

// shellQuote quotes a path for copying into a shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"\\$`!*?&;|<>(){}[]#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
