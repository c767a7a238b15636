// Package headless is `mailroom send|check|preview`: the same pipeline as
// the window, driven by flags and a campaign file, for scheduled runs and
// scripts. Its flags, exit codes and outputs are a public interface.
package headless

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"mailroom/app/campaign"
	"mailroom/app/msg"
)

// Exit codes of the headless command (see docs/headless.md).
const (
	ExitOK      = 0 // all rows sent or skipped; check found nothing
	ExitFailed  = 1 // some rows failed (or ended unknown)
	ExitUsage   = 2 // usage or preflight error; nothing was sent
	ExitStopped = 3 // stopped with rows left (quota, auth, cancel)
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// options are the parsed command line: the campaign with flags applied,
// plus what only makes sense on a command line.
type options struct {
	campaign *campaign.Campaign
	path     string // campaign file, if any
	row      int    // preview --row
	testTo   string // preview --send-test
	// decisions about unknown and failed rows (send only)
	decisions campaign.Decisions
	// journalFlag is --journal as given on the command line, "" if not.
	journalFlag string
	// lang is the language of the output and of the report (--lang).
	lang msg.Language
	// fetch is status --fetch: read the mailbox first.
	fetch bool
}

// errHelp is returned when the user asked for -h; usage was printed.
var errHelp = errors.New("help requested")

// parse reads `[CAMPAIGN] [flags]`; the campaign file may also come after
// the flags. Flags override the file's fields.
func parse(cmd string, args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("mailroom "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f campaign.Campaign
	var attach, where stringList
	var retries int
	fs.StringVar(&f.Recipients, "recipients", "", "recipient list: .xlsx .xlsm .xltx .csv .txt")
	var to stringList
	fs.Var(&to, "to", `recipients typed instead of a list file: "Name <addr>; addr2", one per line or separated by , ; (repeatable)`)
	fs.StringVar(&f.Sheet, "sheet", "", "worksheet name (default: first visible sheet with data)")
	fs.StringVar(&f.EmailColumn, "email-column", "", "column holding the address (default: detected)")
	fs.IntVar(&f.HeaderRow, "header-row", 0, "spreadsheet row holding the column names (default: first non-empty)")
	fs.StringVar(&f.Rows, "rows", "", "only these data rows, e.g. 10-200")
	fs.Var(&where, "where", `only rows matching a condition, e.g. "Status != sent" (repeatable)`)
	fs.StringVar(&f.Duplicates, "duplicates", "", "once (default) or keep")
	fs.StringVar(&f.MultiAddress, "multi-address", "", "a cell with several addresses: split (default) or together")
	fs.StringVar(&f.Account, "account", "", "saved account ID (see the window's Accounts view)")
	fs.StringVar(&f.From, "from", "", `sender, "Name <addr>"`)
	fs.StringVar(&f.ToName, "to-name", "", `recipient's name in To (template, e.g. "{{姓名}}"; default: the list's name column)`)
	fs.BoolVar(&f.NoToName, "no-to-name", false, "send to the bare address, without the recipient's name in To")
	fs.StringVar(&f.ReplyTo, "reply-to", "", "Reply-To address (template)")
	fs.StringVar(&f.CC, "cc", "", "Cc address for every message (template)")
	fs.StringVar(&f.BCC, "bcc", "", "Bcc address for every message (template)")
	fs.StringVar(&f.Subject, "subject", "", "subject template, e.g. \"Invoice for {{Name}}\"")
	fs.StringVar(&f.Body, "body", "", "body file: .txt plain, .html, .md Markdown")
	fs.Var(&attach, "attach", "file attached to every message (repeatable)")
	fs.BoolVar(&f.Marketing, "marketing", false, "promotional mail: adds the unsubscribe link unless --unsubscribe=false")
	var unsubscribe, unsubscribeMailto bool
	fs.BoolVar(&unsubscribe, "unsubscribe", false, "add List-Unsubscribe and the {{unsubscribe}} field (default: on with --marketing)")
	fs.BoolVar(&unsubscribeMailto, "unsubscribe-mailto", true, "offer unsubscribing by mail to the account's address (--unsubscribe-mailto=false for the web address only)")
	fs.StringVar(&f.UnsubscribeURL, "unsubscribe-url", "", "https address template for one-click unsubscribe, e.g. https://example.com/u?id={{ID}}")
	fs.StringVar(&f.AttachDir, "attach-dir", "", "folder of per-recipient attachments")
	fs.StringVar(&f.AttachColumn, "attach-column", "", "column naming each row's files in --attach-dir")
	fs.StringVar(&f.SMTP, "smtp", "", "smtp://[user@]host[:port] (STARTTLS), smtps://… (TLS), smtp+plain://host:port")
	fs.StringVar(&f.TLSCA, "tls-ca", "", "also trust this CA certificate (PEM)")
	fs.StringVar(&f.DryRun, "dry-run", "", "write each message to DIR as .eml instead of sending")
	fs.StringVar(&f.Rate, "rate", "", "at most N/s, N/min or N/h")
	fs.IntVar(&f.DailyCap, "daily-cap", 0, "at most N messages in any 24 hours (kept in the journal)")
	fs.IntVar(&f.Concurrency, "concurrency", 0, "parallel SMTP connections (default 1)")
	fs.IntVar(&retries, "retries", 0, "retries of a temporary failure (default 3)")
	fs.StringVar(&f.Delay, "delay", "", "random pause between messages in seconds, e.g. 30-120 (0: none; default: the account's suggestion)")
	fs.StringVar(&f.Hours, "hours", "", `sending hours, e.g. "Mon-Fri 09:00-18:00" (this computer's time zone); outside them send exits 3 with the next start`)
	fs.StringVar(&f.StartAt, "start-at", "", `do not send before this time, e.g. "2026-03-02 09:00"; before it send exits 3`)
	var errorSpike int
	fs.IntVar(&errorSpike, "error-spike", 0, "stop after N messages in a row refused with the same reply (default 5; 0: never)")
	fs.BoolVar(&f.SkipInvalid, "skip-invalid", false, "skip and report rows with blocking problems instead of stopping")
	fs.StringVar(&f.Journal, "journal", "", "journal file: rerunning resumes and never sends a row twice")
	fs.StringVar(&f.Report, "report", "", "per-row outcome report, .csv or .xlsx")
	fs.StringVar(&f.Results, "results", "", "copy of the recipient workbook with result columns added (never the original)")
	fs.StringVar(&f.Archive, "archive", "", "folder keeping every sent message as .eml plus a manifest, for audits")
	var markSent, sendAgain stringList
	var retryFailed bool
	if cmd == "send" {
		fs.Var(&markSent, "mark-sent", `rows found delivered (e.g. 12,15-17 or "unknown"); they are not sent again`)
		fs.Var(&sendAgain, "send-again", `rows to send again although the journal has them done (e.g. 12 or "unknown", "failed")`)
		fs.BoolVar(&retryFailed, "retry-failed", false, "send failed rows again (after fixing the account or the addresses)")
	}
	var langFlag string
	fs.StringVar(&langFlag, "lang", "", "language of the output, the report and the results columns: en (default) or zh-Hans")
	var row int
	var testTo string
	if cmd == "preview" {
		fs.IntVar(&row, "row", 0, "data row to render (1 = first row under the header)")
		fs.StringVar(&testTo, "send-test", "", `send the row's message, marked "[TEST] ", to this address instead of printing it; the row still counts as not sent`)
	}
	var fetch bool
	if cmd == "status" {
		fs.BoolVar(&fetch, "fetch", false, "first read the account's mailbox once (bounces, replies, unsubscribes, unknown rows in Sent) into the journal")
	}
	fs.Usage = func() { usage(stderr, cmd, fs) }

	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		}
		return nil, err
	}
	if rest := fs.Args(); len(rest) > 0 {
		if path != "" || len(rest) > 1 {
			return nil, fmt.Errorf("unexpected argument %q: give at most one campaign file", rest[len(rest)-1])
		}
		path = rest[0]
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	f.Attach, f.Where, f.RecipientLines = attach, where, to
	if set["retries"] {
		f.Retries = &retries
	}
	if set["error-spike"] {
		f.ErrorSpike = &errorSpike
	}
	if set["unsubscribe"] {
		f.Unsubscribe = &unsubscribe
	}
	if set["unsubscribe-mailto"] {
		f.UnsubscribeMailto = &unsubscribeMailto
	}

	c := &campaign.Campaign{}
	if path != "" {
		loaded, err := campaign.Load(path)
		if err != nil {
			return nil, err
		}
		c = loaded
	}
	c.Override(&f, set)
	if cmd == "preview" && row < 1 {
		return nil, errors.New("preview needs --row N (1 = first row under the header)")
	}
	language, err := parseLang(langFlag)
	if err != nil {
		return nil, err
	}
	decisions := campaign.Decisions{MarkSent: markSent, SendAgain: sendAgain, RetryFailed: retryFailed}
	o := &options{campaign: c, path: path, row: row, testTo: testTo, decisions: decisions, lang: language, fetch: fetch}
	if set["journal"] {
		o.journalFlag = f.Journal
	}
	return o, nil
}

func usage(w io.Writer, cmd string, fs *flag.FlagSet) {
	switch cmd {
	case "send":
		fmt.Fprintln(w, "usage: mailroom send [CAMPAIGN] [flags]\n  deliver; exit 0 all rows sent or skipped, 1 some failed, 2 usage or preflight error, 3 stopped with rows left")
	case "check":
		fmt.Fprintln(w, "usage: mailroom check [CAMPAIGN] [flags]\n  preflight only: print every blocking problem; exit 0 clean, 2 problems")
	case "preview":
		fmt.Fprintln(w, "usage: mailroom preview [CAMPAIGN] --row N [flags]\n  print the rendered message for data row N as RFC 5322 text")
	case "status":
		fmt.Fprintln(w, "usage: mailroom status [CAMPAIGN] [--journal PATH] [--fetch]\n  the journal's counts per state and every row needing a decision; exit 0 none, 1 some, 2 no journal or no record of the campaign\n  read-only, unless --fetch first reads the account's mailbox into the journal (exit 2 when it has no mailbox or login)\n  (a campaign run without a file is found with the same campaign flags as its send)")
	}
	// The documented spelling is --flag; Go's PrintDefaults shows -flag.
	fs.VisitAll(func(f *flag.Flag) {
		name, help := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		fmt.Fprintf(w, "  --%s%s\n    \t%s\n", f.Name, name, help)
	})
}
