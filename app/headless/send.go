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
	"mailroom/app/msg"
	"mailroom/app/oauth"
	"mailroom/sender"
)

// send runs preflight, then delivery, and maps the outcome to an exit code.
func send(ctx context.Context, plan *campaign.Plan, env campaign.Env, opts *options, stdin *os.File, stderr io.Writer, sp speaker) int {
	c := plan.Campaign
	if !plan.Ready() {
		sp.problems(stderr, plan.Problems)
		sp.line(stderr, "mailroom send: nothing was sent; fix the blocking problems above (or add --skip-invalid to skip those rows)",
			msg.T("mailroom send: nothing was sent; fix the blocking problems above (or add --skip-invalid to skip those rows)"))
		return ExitUsage
	}
	sp.problems(stderr, plan.Problems)
	if c.DryRun != "" {
		n, err := plan.WriteDryRun(c.DryRun)
		if err != nil {
			fmt.Fprintf(stderr, "mailroom send: %s\n", sp.err(err))
			return ExitUsage
		}
		sp.line(stderr, fmt.Sprintf("dry run: wrote %d messages to %s; nothing was sent", n, c.DryRun),
			msg.T("dry run: wrote {{.Count}} messages to {{.Folder}}; nothing was sent", "Count", n, "Folder", c.DryRun))
		return ExitOK
	}
	login, ok := resolveLogin(plan.Account, env, stdin, stderr, sp)
	if !ok {
		return ExitUsage
	}
	if !connectionOK(ctx, plan.Account, login, stderr, sp) {
		return ExitUsage
	}
	progress := newProgressPrinter(stderr, sp)
	sendOpts := login.sendOptions()
	sendOpts.Progress, sendOpts.Decisions, sendOpts.Lang = progress.update, opts.decisions, sp.lang
	sendOpts.Started = func(s campaign.RunStart) { progress.print(sp.say(startLine(s))) }
	out, err := plan.Send(ctx, env, sendOpts)
	progress.finish()
	for _, w := range out.Warnings {
		sp.line(stderr, "warning: "+w, msg.T("warning: {{.Problem}}", "Problem", msg.Raw(w)))
	}
	for _, r := range out.Recovered {
		sp.line(stderr, fmt.Sprintf("unknown: row %d, %s: an earlier run was interrupted while sending it; it may have been delivered, so it is not sent again", r.Number, r.Address),
			msg.T("unknown: row {{.Row}}, {{.Address}}: an earlier run was interrupted while sending it; it may have been delivered, so it is not sent again", "Row", r.Number, "Address", r.Address))
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailroom send: %s\n", sp.err(err))
		if errors.Is(err, campaign.ErrNotReady) {
			return ExitUsage
		}
		if out.JournalPath == "" { // the journal could not be opened: nothing was sent
			return ExitUsage
		}
		printDecisions(stderr, out.Decisions, maxListed, statusCommand(opts), sp)
		return ExitStopped
	}
	sp.line(stderr, fmt.Sprintf("sent %d, failed %d, unknown %d, skipped %d, pending %d", out.Sent, out.Failed, out.Unknown, out.Skipped, out.Pending+out.Sending),
		msg.T("sent {{.Sent}}, failed {{.Failed}}, unknown {{.Unknown}}, skipped {{.Skipped}}, pending {{.Pending}}",
			"Sent", out.Sent, "Failed", out.Failed, "Unknown", out.Unknown, "Skipped", out.Skipped, "Pending", out.Pending+out.Sending))
	fmt.Fprintln(stderr, sp.say(msg.T("this run: sent {{.Sent}}, failed {{.Failed}}, unknown {{.Unknown}}",
		"Sent", out.ThisRun.Sent, "Failed", out.ThisRun.Failed, "Unknown", out.ThisRun.Unknown)))
	if out.Hold != nil {
		printHold(stderr, *out.Hold, time.Now(), sp)
	}
	printDecisions(stderr, out.Decisions, maxListed, statusCommand(opts), sp)
	switch {
	case out.Pending+out.Sending > 0:
		return ExitStopped
	case len(out.Decisions) > 0: // failed or unknown rows still in the list
		return ExitFailed
	}
	return ExitOK
}

// printHold says why the run stopped with rows left, or did not start:
// "stopped: " and the words (docs/headless.md), the server's reply, what
// to change, and when to run the command again. In English (the
// documented output) the prefixes are fixed for scripts.
func printHold(w io.Writer, h campaign.Hold, now time.Time, sp speaker) {
	sp.line(w, "stopped: "+h.Text.String(), msg.T("stopped: {{.Reason}}", "Reason", h.Text))
	if h.Reply != "" {
		fmt.Fprintln(w, "  "+sp.say(msg.T("server replied: {{.Reply}}", "Reply", msg.Raw(h.Reply))))
	}
	if !h.Advice.IsZero() {
		fmt.Fprintln(w, "  "+sp.say(h.Advice))
	}
	at := campaign.When(h.Until, now)
	switch {
	case h.Until.IsZero():
	case h.Kind == campaign.HoldQuota || h.Kind == campaign.HoldCap:
		sp.line(w, "paused: the provider's limit was reached; resumes at "+at+" (run the same command again then)",
			msg.T("paused: the provider's limit was reached; resumes at {{.Time}} (run the same command again then)", "Time", at))
	default:
		sp.line(w, "next start: "+at+" (run the same command again then)",
			msg.T("next start: {{.Time}} (run the same command again then)", "Time", at))
	}
}

// progressPrinter shows progress on stderr: a bar redrawn in place on a
// terminal, a plain line every few seconds otherwise (logs, schedulers).
// A pause (a provider's throttle, the sending hours) gets its own line
// when it starts: "waiting until HH:MM: why".
type progressPrinter struct {
	w        io.Writer
	sp       speaker
	terminal bool
	mu       sync.Mutex
	last     time.Time
	drawn    bool
	wait     sender.Wait // the pause last announced
}

func newProgressPrinter(w io.Writer, sp speaker) *progressPrinter {
	f, ok := w.(*os.File)
	return &progressPrinter{w: w, sp: sp, terminal: ok && term.IsTerminal(int(f.Fd()))}
}

// update is called by the engine; it must not block delivery for long.
func (p *progressPrinter) update(s sender.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.announce(s.Wait)
	interval := 5 * time.Second
	if p.terminal {
		interval = 200 * time.Millisecond
	}
	if time.Since(p.last) < interval && s.Remaining != 0 {
		return
	}
	p.last = time.Now()
	line := p.line(s)
	if p.terminal {
		done := s.Sent + s.Failed + s.Unknown
		total := done + max(s.Remaining, 0)
		fmt.Fprintf(p.w, "\r%s %s\x1b[K", bar(done, total, 30), line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, line)
}

// line is one progress line, in the documented English or said in --lang.
func (p *progressPrinter) line(s sender.Progress) string {
	if !p.sp.english() {
		parts := []msg.Text{msg.T("sent {{.Sent}}, failed {{.Failed}}, unknown {{.Unknown}}", "Sent", s.Sent, "Failed", s.Failed, "Unknown", s.Unknown)}
		if s.Remaining >= 0 {
			parts = append(parts, msg.T("{{.Count}} left", "Count", s.Remaining))
		}
		if s.Rate > 0 {
			parts = append(parts, msg.T("{{.Rate}} per minute", "Rate", fmt.Sprintf("%.0f", s.Rate)))
		}
		if s.ETA > 0 {
			parts = append(parts, msg.T("about {{.Left}} left", "Left", msg.Duration(s.ETA)))
		}
		if !s.WaitingUntil.IsZero() {
			parts = append(parts, msg.T("waiting until {{.Time}}", "Time", s.WaitingUntil.Local().Format("15:04:05")))
		}
		out := ""
		for i, t := range parts {
			if i > 0 {
				out += msg.T(", ").In(p.sp.lang)
			}
			out += t.In(p.sp.lang)
		}
		return out
	}
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
	} else if s.Wait.Reason == sender.WaitDelay {
		line += ", next message at " + s.Wait.Until.Local().Format("15:04:05")
	}
	return line
}

// announce prints a line when a pause starts that the user should know
// about; the random delay between messages is not one.
func (p *progressPrinter) announce(w sender.Wait) {
	if w == p.wait {
		return
	}
	p.wait = w
	if w.Reason == sender.WaitDelay {
		return
	}
	h, ok := campaign.WaitHold(w, time.Now())
	if !ok {
		return
	}
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
	at := campaign.When(w.Until, time.Now())
	why := h.Text
	if h.Reply != "" {
		why = msg.T("{{.What}} (server replied: {{.Reply}})", "What", why, "Reply", msg.Raw(h.Reply))
	}
	// In English the prefix is fixed, for scripts.
	p.sp.line(p.w, "waiting until "+at+": "+why.String(), msg.T("waiting until {{.Time}}: {{.Why}}", "Time", at, "Why", why))
}

// print prints a line of its own between progress updates.
func (p *progressPrinter) print(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
	fmt.Fprintln(p.w, s)
}

// startLine says what a run is about to do, counted by the rule the
// window's confirmation uses (campaign.Plan.Due).
func startLine(s campaign.RunStart) msg.Text {
	return msg.T("to send now: {{.Due}} messages ({{.Sent}} of {{.Total}} rows already sent, {{.Decide}} need a decision, {{.Skipped}} skipped)",
		"Due", s.Due, "Sent", s.Rows.Sent, "Total", s.Rows.Total(), "Decide", s.Rows.Failed+s.Rows.Unknown, "Skipped", s.Rows.Skipped)
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
func resolveLogin(a accounts.Account, env campaign.Env, stdin *os.File, stderr io.Writer, sp speaker) (login, bool) {
	if !a.NeedsSecret() {
		return login{}, true
	}
	cred, ok, err := newOAuth(env.Keychain()).Credential(a, os.LookupEnv)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "mailroom: %s\n", sp.err(err))
		return login{}, false
	case ok:
		return login{cred: cred}, true
	}
	pw, _, err := accounts.ResolvePassword(a, env.Keychain(), accounts.WithTerminal(stdin, stderr))
	if err != nil {
		fmt.Fprintf(stderr, "mailroom: %s\n", sp.err(err))
		return login{}, false
	}
	return login{password: pw}, true
}

// sendTest is `mailroom preview --row N --send-test ADDR`.
func sendTest(ctx context.Context, plan *campaign.Plan, env campaign.Env, row int, to string, stdin *os.File, stderr io.Writer, sp speaker) int {
	if !plan.Ready() {
		sp.problems(stderr, plan.Problems)
		sp.line(stderr, "mailroom preview: fix the blocking problems above first", msg.T("mailroom preview: fix the blocking problems above first"))
		return ExitUsage
	}
	login, ok := resolveLogin(plan.Account, env, stdin, stderr, sp)
	if !ok || !connectionOK(ctx, plan.Account, login, stderr, sp) {
		return ExitUsage
	}
	res, err := plan.SendTest(ctx, row, to, login.sendOptions())
	if err != nil {
		fmt.Fprintf(stderr, "mailroom preview: %s\n", sp.err(err))
		return ExitUsage
	}
	sp.line(stderr, fmt.Sprintf("test message for data row %d sent to %s (Message-ID <%s>); the row still counts as not sent", row, to, res.MessageID),
		msg.T("test message for data row {{.Row}} sent to {{.Address}} (Message-ID <{{.ID}}>); the row still counts as not sent", "Row", row, "Address", to, "ID", res.MessageID))
	return ExitOK
}

// connectionOK tests the server the way sending will use it (connect,
// TLS, certificate, login) before any row is touched, so a wrong password,
// a sign-in to renew or an unreachable server is a preflight error with
// nothing sent. A signed-in account gets a fresh access token here.
func connectionOK(ctx context.Context, a accounts.Account, l login, stderr io.Writer, sp speaker) bool {
	nothingSent := func() {
		sp.line(stderr, "mailroom send: nothing was sent", msg.T("mailroom send: nothing was sent"))
	}
	password := l.password
	if l.cred != nil {
		token, err := l.cred(ctx, "")
		if err != nil {
			fmt.Fprintf(stderr, "mailroom send: %s\n", sp.err(err))
			nothingSent()
			return false
		}
		password = token
	}
	report, err := accounts.Check(ctx, a, password)
	if err != nil {
		fmt.Fprintf(stderr, "mailroom send: %s\n", sp.err(err))
		return false
	}
	if report.OK() {
		return true
	}
	for _, s := range report.Steps {
		if s.OK {
			continue
		}
		english := "mailroom send: " + s.Summary
		if s.Reply != "" && !strings.Contains(s.Summary, s.Reply) {
			english += " (server replied: " + s.Reply + ")"
		}
		if s.Hint != "" {
			english += " — " + s.Hint
		}
		text := s.Text
		if s.Reply != "" && !strings.Contains(s.Summary, s.Reply) {
			text = msg.T("{{.Text}} (server replied: {{.Reply}})", "Text", text, "Reply", s.Reply)
		}
		if !s.HintText.IsZero() {
			text = msg.T("{{.What}} — {{.Fix}}", "What", text, "Fix", s.HintText)
		}
		sp.line(stderr, english, msg.T("mailroom send: {{.Problem}}", "Problem", text))
	}
	nothingSent()
	return false
}
