package campaign

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"path/filepath"
	"strings"
	"time"

	"mailroom/app/accounts"
	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/app/recipients"
	"mailroom/sender"
)

// SendOptions are the run-time choices that are not part of the campaign.
type SendOptions struct {
	// Password is the account's password or token; empty when it needs none.
	Password string
	// Credential, when set, replaces Password: the account's OAuth access
	// tokens (oauth.Service.Credential), renewed during the run and shared
	// by sending and the copy to the Sent folder.
	Credential accounts.Credential
	// Progress receives engine snapshots; it must not block.
	Progress func(sender.Progress)
	// Control, when set, receives the engine once it exists so the caller
	// can pause and resume it.
	Control func(*sender.Engine)
	// Now is the clock for quota pauses; time.Now when nil.
	Now func() time.Time
	// WaitForHours makes the run wait outside the campaign's sending hours
	// (and for its start time) instead of stopping with the time to come
	// back: the window waits, the headless command exits.
	WaitForHours bool
	// PauseOnErrorSpike pauses the engine when messages in a row are
	// refused with the same reply (the window, where the user can resume);
	// otherwise the run stops.
	PauseOnErrorSpike bool
	// Decisions are applied to the journal before the run.
	Decisions Decisions
	// Engine adds engine options after the campaign's own (tests shorten
	// timeouts and backoff with it).
	Engine []sender.Option
	// Lang is the language of the report and of the results columns
	// (English when empty): the window's, or the headless --lang.
	Lang msg.Language
	// Started, when set, is called once the run knows what it will do,
	// before the first message.
	Started func(RunStart)
	// RunProgress, when set, receives progress in terms of the whole
	// campaign (a resumed campaign starts where it stood); it must not
	// block.
	RunProgress func(RunProgress)
	// Row, when set, receives every row this run skips or finds unknown
	// at its start, then every outcome as soon as the journal recorded it
	// (the window's live log); it must not block.
	Row func(RowEvent)
}

// Outcome is what a send did, counted from the journal (the record of
// truth), not from what this process believes.
type Outcome struct {
	journal.Counts
	// Recovered are rows a crashed earlier run left "sending": they may have
	// been delivered, so they are reported and not resent.
	Recovered []journal.Row
	// Decisions are every row of the campaign that needs the user's
	// decision (unknown, failed), whichever run found them, in sheet order.
	Decisions []Decision
	// Stopped is set when the run stopped with rows left (quota,
	// authentication, cancel).
	Stopped *sender.StopError
	// ResumesAt is when sending may start again after a stop (a quota, a
	// throttle that lasted, the sending hours, the start time); zero when
	// not known or not stopped.
	ResumesAt time.Time
	// Hold says in words why the run stopped, or did not start, with rows
	// left; nil when it did not.
	Hold *Hold
	// JournalPath is the journal file used, CampaignID the campaign's ID
	// in it.
	JournalPath string
	CampaignID  int64
	// ThisRun is what this run did, counted from the journal: Counts are
	// the whole campaign's.
	ThisRun RunCounts
	// Warnings are problems of the after-send work (audit archive, Sent
	// folder copy); they never change a row's delivery state.
	Warnings []string
}

// planned pairs a journal row input with what renders it: the planned
// row (nil when it is not sent), its index and which of its messages.
type planned struct {
	row        *PlannedRow
	index, msg int
}

// Send delivers the plan through the journal: rows already sent are never
// sent again, and rows a crash left unknown are reported, not resent.
func (p *Plan) Send(ctx context.Context, env Env, opts SendOptions) (out Outcome, err error) {
	if !p.Ready() {
		return Outcome{}, ErrNotReady
	}
	if err := p.checkUnchanged(); err != nil {
		return Outcome{}, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	c := p.Campaign
	j, err := journal.Open(c.JournalPath(env))
	if err != nil {
		return Outcome{}, fmt.Errorf("refusing to send without a journal: %w", err)
	}
	defer j.Close()
	out.JournalPath = j.Path()
	if err := RememberJournal(env, j.Path()); err != nil {
		// History would not list the campaign; sending is still safe.
		out.Warnings = append(out.Warnings, fmt.Sprintf("history: %v", err))
	}

	camp, err := j.Campaign(journal.CampaignSpec{Key: c.Key(), Name: c.DisplayName(), Account: p.Account.ID, Source: c.Recipients})
	if err != nil {
		return out, err
	}
	out.CampaignID = camp.ID
	if !camp.ResumesAt.IsZero() {
		if now().Before(camp.ResumesAt) {
			out.ResumesAt = camp.ResumesAt
			h := pausedHold(camp.ResumesAt, camp.PauseReason, now())
			out.Hold = &h
			return out, out.readJournal(j, camp.ID)
		}
		if err := j.Resume(camp.ID); err != nil {
			return out, err
		}
	}
	inputs, plans := p.journalRows()
	synced, err := j.Sync(camp.ID, inputs)
	if err != nil {
		return out, err
	}
	if !opts.Decisions.empty() {
		if err := opts.Decisions.apply(j, camp.ID); err != nil {
			return out, err
		}
		// Sync again so the rows reflect the decisions; it changes nothing else.
		if synced, err = j.Sync(camp.ID, inputs); err != nil {
			return out, err
		}
	}
	run, recovered, err := j.StartRun(camp.ID)
	if err != nil {
		return out, err
	}
	out.Recovered = recovered
	states := make([]journal.State, len(synced.Rows))
	var todo []int
	for i, r := range synced.Rows {
		states[i] = r.State
		if sendsNow(r.State, plans[i]) {
			todo = append(todo, i)
		}
	}
	start := RunStart{CampaignID: camp.ID, JournalPath: j.Path(), Due: len(todo)}
	_, start.Rows = tally(states, plans)
	before, err := j.Summary(camp.ID)
	if err != nil {
		run.Close()
		return out, err
	}
	if opts.Started != nil {
		opts.Started(start)
	}
	if opts.Row != nil {
		logStart(synced.Rows, recovered, opts.Row)
	}
	engineOpts, err := p.engineOptions(opts, start)
	if err != nil {
		run.Close()
		return out, err
	}
	var store sender.Store = run
	src, err := p.newRowSource(synced.Rows, plans, todo)
	if err != nil {
		run.Close()
		return out, err
	}
	defer src.close()
	src.skip = run.Skip
	if opts.Row != nil {
		keys := make(map[string]journal.Row, len(todo))
		for _, i := range todo {
			keys[synced.Rows[i].Key] = synced.Rows[i]
		}
		log := &rowLog{Store: run, keys: keys, fn: opts.Row}
		store, src.skip = log, log.skipping(run.Skip)
	}
	if env.DataDir != "" {
		// Read again now, not only at preflight: the window may have
		// prepared the plan minutes ago, and each message is checked again
		// just before it goes (rowSource.Next).
		if src.suppressed, err = recipients.WatchSuppressionList(filepath.Join(env.DataDir, SuppressionFileName)); err != nil {
			run.Close()
			return out, err
		}
	}
	accepted, err := p.newAcceptedStore(ctx, store, env, opts)
	if err != nil {
		run.Close()
		return out, err
	}
	if accepted != nil {
		src.accepted, store = accepted, accepted
		defer func() { out.Warnings = append(out.Warnings, accepted.close()...) }()
	}
	engine, err := sender.New(store, engineOpts...)
	if err != nil {
		run.Close()
		return out, err
	}
	if opts.Control != nil {
		opts.Control(engine)
	}
	_, runErr := engine.Run(ctx, src)
	// Close makes every outcome the engine was told durable; only then are
	// the rows counted, from the journal, so the summary is what the next
	// run will find (never the engine's own tally).
	if err := run.Close(); err != nil && runErr == nil {
		runErr = err
	}
	countErr := out.readJournal(j, camp.ID)
	out.ThisRun = RunCounts{Sent: out.Sent - before.Sent, Failed: out.Failed - before.Failed, Unknown: out.Unknown - before.Unknown}
	if stop := (*sender.StopError)(nil); errors.As(runErr, &stop) {
		out.Stopped, runErr = stop, nil
		h := StopHold(stop, now())
		out.Hold, out.ResumesAt = &h, stop.ResumeAt
		// Only a quota is the provider's state: a rerun before it lifts
		// would be refused again. The hours and the start time are the
		// campaign's own, and a throttle may have lifted sooner.
		if !stop.ResumeAt.IsZero() && errors.Is(stop, sender.ErrQuota) {
			if err := j.Pause(camp.ID, stop.ResumeAt, pauseReason(stop)); err != nil {
				return out, err
			}
		}
	}
	if runErr != nil {
		return out, runErr
	}
	if countErr != nil {
		return out, countErr
	}
	if c.Report != "" {
		if err := j.ExportReportIn(camp.ID, c.Report, lang(opts.Lang)); err != nil {
			return out, fmt.Errorf("write report %s: %w", c.Report, err)
		}
	}
	if c.Results != "" {
		if err := p.writeResults(j, camp.ID, lang(opts.Lang)); err != nil {
			return out, fmt.Errorf("write results copy %s: %w", c.Results, err)
		}
	}
	return out, nil
}

// readJournal fills the counts and the rows needing a decision from the
// journal, the record of truth.
func (o *Outcome) readJournal(j *journal.Journal, id int64) error {
	var st Status
	err := fillStatus(&st, j, id)
	o.Counts, o.Decisions = st.Counts, st.Decisions
	return err
}

// journalRows turns the plan into the journal's rows: one per message,
// plus one per row that will not be sent, so nothing is dropped silently.
// Each row's key is recipients.RowKeys' (docs/design.md, "Row identity").
func (p *Plan) journalRows() ([]journal.RowInput, []planned) {
	var inputs []journal.RowInput
	var plans []planned
	keys := recipients.NewRowKeys()
	for i := range p.Rows {
		r := &p.Rows[i]
		reason := skipReason(r)
		if len(r.Messages) == 0 {
			inputs = append(inputs, journal.RowInput{Key: keys.Next(strings.Split(r.Cell, ",")), Number: r.Number, Address: r.Cell, Name: r.Name, Skip: reason})
			plans = append(plans, planned{})
			continue
		}
		for k, m := range r.Messages {
			pl := planned{row: r, index: i, msg: k}
			if reason != "" {
				pl.row = nil
			}
			// The message's key holds its addresses, normalised.
			to, _ := recipients.SplitRowKey(m.Key)
			inputs = append(inputs, journal.RowInput{Key: keys.Next(to), Number: r.Number, Address: m.Address, Name: r.Name, Skip: reason})
			plans = append(plans, pl)
		}
	}
	return inputs, plans
}

// skipReason is why the row is not sent, kept in the journal as a stored
// text (msg.Text.Store) so reports and History show it in the reader's
// language.
func skipReason(r *PlannedRow) string {
	switch r.Skip {
	case recipients.SkipInvalid:
		return msg.T("invalid address").Store()
	case recipients.SkipSuppressed:
		return msg.T("on the do-not-send list").Store()
	case recipients.SkipDuplicate:
		return msg.T("duplicate address").Store()
	}
	if r.Blocked {
		if r.Reason != "" {
			return r.Reason
		}
		return msg.T("blocking problem").Store()
	}
	return ""
}

// nameColumn guesses the column holding the person's name, for the
// history search ("did Mr Zhang get the March invoice?").
func (p *Plan) nameColumn() int {
	if cols := p.Columns.PersonName(); len(cols) > 0 {
		return cols[0].Index
	}
	return -1
}

func (p *Plan) engineOptions(opts SendOptions, start RunStart) ([]sender.Option, error) {
	a, c := p.Account, p.Campaign
	mode := map[accounts.Security]sender.TLSMode{
		accounts.SecurityTLS: sender.TLSImplicit, accounts.SecuritySTARTTLS: sender.TLSStartTLS, accounts.SecurityNone: sender.TLSNone,
	}[a.Security]
	o := []sender.Option{sender.WithServer(a.Host, a.Port, mode)}
	switch {
	case a.NeedsSecret() && opts.Credential != nil:
		o = append(o, sender.WithCredential(a.Username, engineCredential(opts.Credential), authMechanisms[a.Auth]))
	case a.NeedsSecret():
		o = append(o, sender.WithAuth(a.Username, opts.Password, authMechanisms[a.Auth]))
	}
	tlsConf, err := a.TLSConfig()
	if err != nil {
		return nil, err
	}
	o = append(o, sender.WithTLSConfig(tlsConf))
	if domain := domainOf(c.From); domain != "" {
		o = append(o, sender.WithHELO(domain))
	}
	if n := c.Concurrency; n > 0 {
		if m := a.Limits.MaxConnections; m > 0 && n > m {
			n = m
		}
		o = append(o, sender.WithConcurrency(n))
	}
	if rate, ok := p.rate(); ok {
		o = append(o, sender.WithRate(rate))
	}
	if daily := p.dailyCap(); daily > 0 {
		o = append(o, sender.WithDailyCap(daily))
	}
	if c.Retries != nil {
		o = append(o, sender.WithRetries(*c.Retries, sender.Backoff{}))
	}
	pacing, err := p.pacingOptions(opts)
	if err != nil {
		return nil, err
	}
	o = append(o, pacing...)
	if fn := progressFunc(opts, start, p); fn != nil {
		o = append(o, sender.WithProgress(fn))
	}
	return append(o, opts.Engine...), nil
}

// engineCredential hands the account's credential to the engine: a
// sign-in that must be renewed by the user stops the run as an
// authentication stop, with the credential's words.
func engineCredential(cred accounts.Credential) sender.Credential {
	return func(ctx context.Context, rejected string) (string, error) {
		secret, err := cred(ctx, rejected)
		if errors.Is(err, accounts.ErrSignInAgain) {
			return "", authStop{err}
		}
		return secret, err
	}
}

// authStop is a credential error the engine must stop on: it matches
// sender.ErrAuth and reads as the credential's own words.
type authStop struct{ err error }

func (e authStop) Error() string        { return e.err.Error() }
func (e authStop) Unwrap() error        { return e.err }
func (e authStop) Is(target error) bool { return target == sender.ErrAuth }

var authMechanisms = map[accounts.AuthMethod]sender.AuthMechanism{
	accounts.AuthAuto: sender.AuthAuto, accounts.AuthPlain: sender.AuthPlain, accounts.AuthLogin: sender.AuthLogin,
	accounts.AuthCRAMMD5: sender.AuthCRAMMD5, accounts.AuthXOAUTH2: sender.AuthXOAuth2,
}

// rate is the campaign's --rate, else the account's per-minute limit.
func (p *Plan) rate() (sender.Rate, bool) {
	if p.Campaign.Rate != "" {
		r, err := sender.ParseRate(p.Campaign.Rate)
		return r, err == nil
	}
	if n := p.Account.Limits.PerMinute; n > 0 {
		return sender.Rate{N: n, Per: time.Minute}, true
	}
	if n := p.Account.Limits.PerHour; n > 0 {
		return sender.Rate{N: n, Per: time.Hour}, true
	}
	return sender.Rate{}, false
}

func (p *Plan) dailyCap() int {
	if p.Campaign.DailyCap > 0 {
		return p.Campaign.DailyCap
	}
	return p.Account.Limits.PerDay
}

// Key is the campaign's identity in the journal: its file when it was
// loaded from one, else a digest of what defines the run.
func (c *Campaign) Key() string {
	if c.file != "" {
		return "file:" + c.file
	}
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	fields := []string{abs(c.Recipients), c.Sheet, c.Subject, abs(c.Body), c.From, c.SMTP, c.Account}
	if c.Recipients == "" && len(c.RecipientLines) > 0 {
		fields = append(fields, c.RecipientLines...)
	}
	id, _ := json.Marshal(fields)
	sum := sha256.Sum256(id)
	return "flags:" + hex.EncodeToString(sum[:16])
}

// DisplayName is the campaign's name for the history view.
func (c *Campaign) DisplayName() string {
	if c.Name != "" {
		return c.Name
	}
	if c.Subject != "" {
		return c.Subject
	}
	return filepath.Base(c.Recipients)
}

// domainOf returns the domain of a "Name <addr>" address, for EHLO: some
// servers score a bare "localhost" greeting as spam.
func domainOf(from string) string {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return ""
	}
	return a.Address[strings.LastIndexByte(a.Address, '@')+1:]
}
