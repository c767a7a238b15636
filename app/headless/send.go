package headless

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/app/oauth"
	"mailroom/sender"
)

// send runs preflight, then delivery, and maps the outcome to an exit code.
func send(ctx context.Context, plan *campaign.Plan, env campaign.Env, opts *options, stdin *os.File, stderr io.Writer) int {
	c := plan.Campaign
	if !plan.Ready() {
		printProblems(stderr, plan.Problems)
		fmt.Fprintln(stderr, "mailroom send: nothing was sent; fix the blocking problems above (or add --skip-invalid to skip those rows)")
		return ExitUsage
	}
	printProblems(stderr, plan.Problems)
	if c.DryRun != "" {
		n, err := plan.WriteDryRun(c.DryRun)
		if err != nil {
			fmt.Fprintf(stderr, "mailroom send: %v\n", err)
			return ExitUsage
		}
		fmt.Fprintf(stderr, "dry run: wrote %d messages to %s; nothing was sent\n", n, c.DryRun)
		return ExitOK
	}
	login, ok := resolveLogin(plan, env, stdin, stderr)
	if !ok {
		return ExitUsage
	}
	if !connectionOK(ctx, plan.Account, login, stderr) {
		return ExitUsage
	}
	progress := newProgressPrinter(stderr)
	sendOpts := login.sendOptions()
	sendOpts.Progress, sendOpts.Decisions = progress.update, opts.decisions
	out, err := plan.Send(ctx, env, sendOpts)
	progress.finish()
	for _, w := range out.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	for _, r := range out.Recovered {
		fmt.Fprintf(stderr, "unknown: row %d, %s: an earlier run was interrupted while sending it; it may have been delivered, so it is not sent again\n", r.Number, r.Address)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailroom send: %v\n", err)
		if errors.Is(err, campaign.ErrNotReady) {
			return ExitUsage
		}
		if out.JournalPath == "" { // the journal could not be opened: nothing was sent
			return ExitUsage
		}
		printDecisions(stderr, out.Decisions, maxListed, statusCommand(opts))
		return ExitStopped
	}
	fmt.Fprintf(stderr, "sent %d, failed %d, unknown %d, skipped %d, pending %d\n", out.Sent, out.Failed, out.Unknown, out.Skipped, out.Pending+out.Sending)
	switch {
	case out.Stopped != nil:
		fmt.Fprintf(stderr, "stopped: %v\n", out.Stopped)
	}
	if !out.ResumesAt.IsZero() {
		fmt.Fprintf(stderr, "paused: the provider's limit was reached; resumes at %s (run the same command again then)\n", out.ResumesAt.Local().Format("15:04"))
	}
	printDecisions(stderr, out.Decisions, maxListed, statusCommand(opts))
	switch {
	case out.Pending+out.Sending > 0:
		return ExitStopped
	case len(out.Decisions) > 0: // failed or unknown rows still in the list
		return ExitFailed
	}
	return ExitOK
}

// progressPrinter shows progress on stderr: a bar redrawn in place on a
// terminal, a plain line every few seconds otherwise (logs, schedulers).
type progressPrinter struct {
	w        io.Writer
	terminal bool
	mu       sync.Mutex
	last     time.Time
	drawn    bool
}

func newProgressPrinter(w io.Writer) *progressPrinter {
	f, ok := w.(*os.File)
	return &progressPrinter{w: w, terminal: ok && term.IsTerminal(int(f.Fd()))}
}

// update is called by the engine; it must not block delivery for long.
func (p *progressPrinter) update(s sender.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	interval := 5 * time.Second
	if p.terminal {
		interval = 200 * time.Millisecond
	}
	if time.Since(p.last) < interval && s.Remaining != 0 {
		return
	}
	p.last = time.Now()
	line := fmt.Sprintf("sent %d, failed %d, unknown %d", s.Sent, s.Failed, s.Unknown)
	if s.Remaining >= 0 {
		line += fmt.Sprintf(", %d left", s.Remaining)
	}
	if s.Rate > 0 {
		line += fmt.Sprintf(", %.0f/min", s.Rate)
	}
	if s.ETA > 0 {
		line += ", about " + s.ETA.Round(time.Second).String() + " to go"
	}
	if !s.WaitingUntil.IsZero() {
		line += ", waiting until " + s.WaitingUntil.Local().Format("15:04:05")
	}
	if p.terminal {
		done := s.Sent + s.Failed + s.Unknown
		total := done + max(s.Remaining, 0)
		fmt.Fprintf(p.w, "\r%s %s\x1b[K", bar(done, total, 30), line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, line)
}

func (p *progressPrinter) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

func bar(done, total, width int) string {
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}

// login is how a run signs in: a password, or an OAuth credential that
// renews its access tokens.
type login struct {
	password string
	cred     accounts.Credential
}

func (l login) sendOptions() campaign.SendOptions {
	return campaign.SendOptions{Password: l.password, Credential: l.cred}
}

// newOAuth makes the OAuth service for the keychain; tests replace it to
// point at a local authorization server.
var newOAuth = func(secrets accounts.Secrets) *oauth.Service { return oauth.New(secrets) }

// resolveLogin finds how the account signs in: MAILROOM_OAUTH_TOKEN or
// the stored sign-in (refresh token) for Google and Microsoft accounts,
// else the password from MAILROOM_PASSWORD, the keychain, or a prompt on
// a terminal.
func resolveLogin(plan *campaign.Plan, env campaign.Env, stdin *os.File, stderr io.Writer) (login, bool) {
	a := plan.Account
	if !a.NeedsSecret() {
		return login{}, true
	}
	cred, ok, err := newOAuth(env.Keychain()).Credential(a, os.LookupEnv)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "mailroom: %v\n", err)
		return login{}, false
	case ok:
		return login{cred: cred}, true
	}
	pw, _, err := accounts.ResolvePassword(a, env.Keychain(), accounts.WithTerminal(stdin, stderr))
	if err != nil {
		fmt.Fprintf(stderr, "mailroom: %v\n", err)
		return login{}, false
	}
	return login{password: pw}, true
}

// sendTest is `mailroom preview --row N --send-test ADDR`.
func sendTest(ctx context.Context, plan *campaign.Plan, env campaign.Env, row int, to string, stdin *os.File, stderr io.Writer) int {
	if !plan.Ready() {
		printProblems(stderr, plan.Problems)
		fmt.Fprintln(stderr, "mailroom preview: fix the blocking problems above first")
		return ExitUsage
	}
	login, ok := resolveLogin(plan, env, stdin, stderr)
	if !ok || !connectionOK(ctx, plan.Account, login, stderr) {
		return ExitUsage
	}
	res, err := plan.SendTest(ctx, row, to, login.sendOptions())
	if err != nil {
		fmt.Fprintf(stderr, "mailroom preview: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "test message for data row %d sent to %s (Message-ID <%s>); the row still counts as not sent\n", row, to, res.MessageID)
	return ExitOK
}

// connectionOK tests the server the way sending will use it (connect,
// TLS, certificate, login) before any row is touched, so a wrong password,
// a sign-in to renew or an unreachable server is a preflight error with
// nothing sent. A signed-in account gets a fresh access token here.
func connectionOK(ctx context.Context, a accounts.Account, l login, stderr io.Writer) bool {
	password := l.password
	if l.cred != nil {
		token, err := l.cred(ctx, "")
		if err != nil {
			fmt.Fprintf(stderr, "mailroom send: %v\n", err)
			fmt.Fprintln(stderr, "mailroom send: nothing was sent")
			return false
		}
		password = token
	}
	report, err := accounts.Check(ctx, a, password)
	if err != nil {
		fmt.Fprintf(stderr, "mailroom send: %v\n", err)
		return false
	}
	if report.OK() {
		return true
	}
	for _, s := range report.Steps {
		if s.OK {
			continue
		}
		fmt.Fprintf(stderr, "mailroom send: %s", s.Summary)
		if s.Reply != "" && !strings.Contains(s.Summary, s.Reply) {
			fmt.Fprintf(stderr, " (server replied: %s)", s.Reply)
		}
		if s.Hint != "" {
			fmt.Fprintf(stderr, " — %s", s.Hint)
		}
		fmt.Fprintln(stderr)
	}
	fmt.Fprintln(stderr, "mailroom send: nothing was sent")
	return false
}
