package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/app/journal"
	"mailroom/app/merge"
	"mailroom/app/msg"
	"mailroom/app/oauth"
	"mailroom/app/recipients"
	"mailroom/sender"
)

// campaignBackend runs previews, preflight and sends through
// app/campaign, reading the campaign from the file the window just saved,
// so the window does exactly what `mailroom send FILE` does.
type campaignBackend struct {
	env campaign.Env
	// oauth gives the sign-ins of accounts that use one; nil makes one on
	// the accounts' keychain.
	oauth *oauth.Service

	mu       sync.Mutex
	planKey  string
	lastPlan *campaign.Plan
}

// plan prepares the campaign, reusing the last plan while nothing that
// defines it changed: stepping through previews must not reread a large
// spreadsheet for every row.
func (b *campaignBackend) plan(ctx context.Context, d Draft) (*campaign.Plan, error) {
	if d.Path == "" {
		return nil, errors.New(lang.L("save the campaign first"))
	}
	key, err := planKey(d)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if key == b.planKey && b.lastPlan != nil {
		return b.lastPlan, nil
	}
	c, err := campaign.LoadAs(d.Path, d.File)
	if err != nil {
		return nil, err
	}
	p, err := campaign.Prepare(ctx, c, b.env)
	if err != nil {
		return nil, err
	}
	b.planKey, b.lastPlan = key, p
	return p, nil
}

// planKey identifies what a plan depends on: the campaign, the body and
// the recipient file's modification time.
func planKey(d Draft) (string, error) {
	c, err := json.Marshal(d.Campaign)
	if err != nil {
		return "", err
	}
	stamp := ""
	if fi, err := os.Stat(d.Campaign.Recipients); err == nil {
		stamp = fi.ModTime().String()
	}
	return d.Path + "\x00" + d.File + "\x00" + string(c) + "\x00" + d.BodyText + "\x00" + stamp, nil
}

// Preview renders the row the window already read, with the campaign as
// the user has it now: nothing rereads the list, so the preview can
// follow the typing.
func (b *campaignBackend) Preview(_ context.Context, d Draft, l *RecipientList, index int) (Preview, error) {
	if d.Path == "" {
		return Preview{}, errors.New(lang.L("save the campaign first"))
	}
	c, err := campaign.LoadAs(d.Path, d.File)
	if err != nil {
		return Preview{}, err
	}
	r := l.Rows[index]
	var to []string
	if r.Address != "" {
		to = strings.Split(r.Address, ", ")
		if c.MultiAddress != "together" {
			to = to[:1]
		}
	}
	pv, eml, err := campaign.PreviewRow(c, b.env, l.Sheet, l.Columns, merge.Row{Number: r.Row, Values: r.Values}, to)
	if err != nil {
		return Preview{}, err
	}
	out := Preview{From: decodeHeader(pv.From), To: strings.Join(pv.To, ", "), CC: strings.Join(pv.Cc, ", "), BCC: strings.Join(pv.Bcc, ", "),
		ReplyTo: strings.Join(pv.ReplyTo, ", "), Subject: pv.Subject, Text: pv.Text, HTML: pv.HTML, Size: pv.Size, EML: eml}
	for _, f := range pv.Files {
		if !f.Inline {
			out.Attachments = append(out.Attachments, f.Name)
		}
	}
	for _, p := range pv.Problems {
		out.Problems = append(out.Problems, uiProblem(p))
	}
	for _, p := range l.Problems {
		if p.Row == r.Row {
			out.Problems = append(out.Problems, p)
		}
	}
	return out, nil
}

func (b *campaignBackend) TestSend(ctx context.Context, d Draft, l *RecipientList, index int, to string) error {
	p, err := b.plan(ctx, d)
	if err != nil {
		return err
	}
	login, err := b.login(p.Account)
	if err != nil {
		return err
	}
	_, err = p.SendTest(ctx, l.Rows[index].Row-l.HeaderRow, to, login)
	return err
}

func (b *campaignBackend) Preflight(ctx context.Context, d Draft) ([]Problem, error) {
	b.mu.Lock()
	b.planKey = "" // a check always reads the files afresh
	b.mu.Unlock()
	p, err := b.plan(ctx, d)
	if err != nil {
		return nil, err
	}
	var out []Problem
	for _, pr := range p.Problems {
		out = append(out, uiProblem(pr))
	}
	return out, nil
}

func (b *campaignBackend) Start(_ context.Context, d Draft, progress func(Progress)) (Delivery, error) {
	b.mu.Lock()
	b.planKey = ""
	b.mu.Unlock()
	p, err := b.plan(context.Background(), d)
	if err != nil {
		return nil, err
	}
	if !p.Ready() {
		first := p.Problems.Blocking()[0]
		return nil, &msg.Error{Text: first.Words(), Err: errors.Join(campaign.ErrNotReady, first)}
	}
	if dir := p.Campaign.DryRun; dir != "" {
		return startDryRun(p, dir), nil
	}
	login, err := b.login(p.Account)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &campaignRun{cancel: cancel, done: make(chan struct{})}
	language := windowLanguage()
	go func() {
		defer close(run.done)
		opts := login
		opts.Started = run.started
		opts.RunProgress = func(rp campaign.RunProgress) {
			pr := runProgress(rp)
			pr.CampaignID = run.campaignID()
			progress(pr)
		}
		opts.Row = run.log
		opts.Control = run.attach
		opts.Lang = language
		// The window waits for the sending hours and pauses on an error
		// spike (the user resumes or cancels); the command line stops.
		opts.WaitForHours, opts.PauseOnErrorSpike = true, true
		out, err := p.Send(ctx, b.env, opts)
		run.final, run.err = outcomeProgress(out), err
		if out.JournalPath != "" {
			run.final.CampaignID = historyID(out.JournalPath, out.CampaignID)
		}
		if err == nil && out.Stopped != nil && !errors.Is(out.Stopped, context.Canceled) && out.ResumesAt.IsZero() {
			run.err = out.StopError()
		}
	}()
	return run, nil
}

// Unsent counts the rows an earlier run of the campaign left waiting.
func (b *campaignBackend) Unsent(_ context.Context, d Draft) (int, error) {
	c, err := campaign.LoadAs(d.Path, d.File)
	if err != nil {
		return 0, err
	}
	return campaign.Unsent(c, b.env)
}

// startDryRun writes every message as a .eml file, as `mailroom send
// --dry-run` does, and connects to nothing.
func startDryRun(p *campaign.Plan, dir string) Delivery {
	run := &campaignRun{cancel: func() {}, done: make(chan struct{})}
	go func() {
		defer close(run.done)
		n, err := p.WriteDryRunLog(dir, run.log)
		run.final = Progress{Total: n, Sent: n, Run: RunCounts{Sent: n}, DryRunDir: dir}
		for _, r := range run.Log(0) {
			if r.State == string(journal.StateSkipped) {
				run.final.Skipped++
			}
		}
		run.err = err
	}()
	return run
}

// Due counts what a run would send now with the rule the run follows
// (campaign.Plan.Due), and words the estimate.
func (b *campaignBackend) Due(ctx context.Context, d Draft) (Due, error) {
	p, err := b.plan(ctx, d)
	if err != nil {
		return Due{}, err
	}
	if p.Campaign.DryRun != "" {
		// A dry run writes every message and touches no journal.
		n := p.DryRunMessages()
		return Due{Now: n, Total: n, Pending: n, Estimate: say(msg.T("right away"))}, nil
	}
	due, err := p.Due(b.env, time.Now())
	if err != nil {
		return Due{}, err
	}
	r := due.Rows
	return Due{Now: due.Now, Total: r.Total(), Sent: r.Sent, Failed: r.Failed, Unknown: r.Unknown, Skipped: r.Skipped,
		Pending: r.Pending + r.Sending, Ran: due.Ran, Estimate: say(p.Estimate(due).Text())}, nil
}

// login is how the account signs in for a run: its sign-in with Google or
// Microsoft (renewing access tokens), or its stored password.
func (b *campaignBackend) login(a accounts.Account) (campaign.SendOptions, error) {
	if !a.NeedsSecret() {
		return campaign.SendOptions{}, nil
	}
	svc := b.oauth
	if svc == nil {
		svc = oauth.New(b.env.Keychain())
	}
	// The environment counts as in preflight (MAILROOM_OAUTH_TOKEN).
	cred, ok, err := svc.Credential(a, os.LookupEnv)
	switch {
	case err != nil:
		return campaign.SendOptions{}, err
	case ok:
		return campaign.SendOptions{Credential: cred}, nil
	}
	if b.env.Accounts == nil || a.ID == "" {
		return campaign.SendOptions{}, errors.New(lang.L("no password is stored for this account: add it under Accounts"))
	}
	pw, err := b.env.Accounts.Password(a.ID)
	if err != nil {
		return campaign.SendOptions{}, fmt.Errorf("%s: %w", a.Label(), err)
	}
	return campaign.SendOptions{Password: pw}, nil
}

// runProgress is the campaign's progress as the send view shows it.
func runProgress(p campaign.RunProgress) Progress {
	c := p.Campaign
	pr := Progress{
		Total: c.Total(), Sent: c.Sent, Failed: c.Failed, Unknown: c.Unknown, Skipped: c.Skipped, Pending: c.Pending + c.Sending,
		Run: RunCounts(p.ThisRun), Due: p.Due, PerMinute: p.PerMinute, ETA: p.ETA, Paused: p.Paused, ResumesAt: p.WaitingUntil,
		LastAddress: recipients.RowKeyAddresses(p.Last.Key), LastReply: p.Last.Reply,
	}
	if p.Limit.N > 0 {
		pr.Limit = say(campaign.RateText(p.Limit))
	}
	if h, ok := campaign.WaitHold(p.Wait, time.Now()); ok {
		pr.Hold = &h
	}
	return pr
}

// outcomeProgress is the final progress: the campaign's counts read from
// the journal after the run, and what this run did.
func outcomeProgress(o campaign.Outcome) Progress {
	c := o.Counts
	return Progress{Total: c.Total(), Sent: c.Sent, Failed: c.Failed, Unknown: c.Unknown, Skipped: c.Skipped,
		Pending: c.Pending + c.Sending, Run: RunCounts(o.ThisRun), ResumesAt: o.ResumesAt, Hold: o.Hold}
}

// logRow is a log entry in the window's words.
func logRow(e campaign.RowEvent) LogRow {
	return LogRow{Key: e.Key, Row: e.Row, Address: e.Address, State: string(e.State), Reason: say(e.Reason()), Reply: e.Reply, At: e.At}
}

// SuggestedDelay is the account's suggested pause between messages and
// its reason, for the Send view's schedule section (pacingAdvisor).
func (b *campaignBackend) SuggestedDelay(accountID string) (string, msg.Text) {
	if b.env.Accounts == nil || accountID == "" {
		return "", msg.Text{}
	}
	a, err := b.env.Accounts.Get(accountID)
	if err != nil {
		return "", msg.Text{}
	}
	return a.SuggestedDelay()
}

// campaignRun is a send in progress. Pause may arrive before the engine
// exists; it is applied when the engine is handed over.
type campaignRun struct {
	cancel context.CancelFunc
	done   chan struct{}
	final  Progress
	err    error

	mu     sync.Mutex
	engine *sender.Engine
	paused bool
	start  campaign.RunStart
	rows   []LogRow
}

func (r *campaignRun) started(s campaign.RunStart) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.start = s
}

func (r *campaignRun) campaignID() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.start.JournalPath == "" {
		return ""
	}
	return historyID(r.start.JournalPath, r.start.CampaignID)
}

func (r *campaignRun) log(e campaign.RowEvent) {
	row := logRow(e)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = append(r.rows, row)
}

func (r *campaignRun) Log(from int) []LogRow {
	r.mu.Lock()
	defer r.mu.Unlock()
	if from >= len(r.rows) {
		return nil
	}
	return slices.Clone(r.rows[from:])
}

func (r *campaignRun) attach(e *sender.Engine) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.engine = e
	if r.paused {
		e.Pause()
	}
}

func (r *campaignRun) Pause() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.paused = true
	if r.engine != nil {
		r.engine.Pause()
	}
}

func (r *campaignRun) Resume() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.paused = false
	if r.engine != nil {
		r.engine.Resume()
	}
}

func (r *campaignRun) Cancel() { r.cancel() }

func (r *campaignRun) Wait() (Progress, error) {
	<-r.done
	return r.final, r.err
}

// decodeHeader shows an RFC 2047 encoded name ("=?utf-8?q?…?=") as
// the recipient's mail program does.
func decodeHeader(s string) string {
	if d, err := new(mime.WordDecoder).DecodeHeader(s); err == nil {
		return d
	}
	return s
}
