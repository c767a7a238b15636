package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mailroom/app/msg"
)

// The fakes below stand in for the app/ packages behind the views' narrow
// interfaces; they record what the views asked for.

type fakeAccounts struct {
	accounts  []Account
	passwords map[string]string
	tested    []Account
	// testMessages records, per connection test, whether a test message
	// was asked for.
	testMessages []bool
	steps        []ConnStep
	testErr      error
	// imapPasswords holds separate IMAP passwords by account ID.
	imapPasswords map[string]string
	keychain      string // KeychainWarning's reason
	// imapTested records TestIMAP's arguments; it answers folder or imapErr.
	imapTested         []Account
	imapPasswordsTried []string
	folder             string
	imapErr            error
	saveErr            error    // returned by Save, as Account.Validate would
	dkimKeys           []string // the pasted DKIM key of each Save
}

func (f *fakeAccounts) List() ([]Account, error) { return append([]Account(nil), f.accounts...), nil }

// The presets and their rules are app/accounts' own: pure functions of the
// form's fields, so the fake uses them rather than imitate them.
func (f *fakeAccounts) Presets() []Preset { return (&accountBook{}).Presets() }
func (f *fakeAccounts) ApplyPreset(a Account, id string) Account {
	return (&accountBook{}).ApplyPreset(a, id)
}
func (f *fakeAccounts) GuessPreset(address string) string {
	return (&accountBook{}).GuessPreset(address)
}
func (f *fakeAccounts) DefaultUsername(a Account) string { return (&accountBook{}).DefaultUsername(a) }

func (f *fakeAccounts) Save(a Account, password, imapPassword string) (Account, error) {
	if f.saveErr != nil {
		return a, f.saveErr
	}
	if f.passwords == nil {
		f.passwords = map[string]string{}
		f.imapPasswords = map[string]string{}
	}
	if a.ID == "" {
		a.ID = "acct-" + strconv.Itoa(len(f.accounts)+1)
		f.accounts = append(f.accounts, a)
	}
	if password != "" {
		f.passwords[a.ID] = password
	}
	a.HasPassword = f.passwords[a.ID] != ""
	// Like the real book: a pasted DKIM key goes to the keychain and is
	// never handed back.
	f.dkimKeys = append(f.dkimKeys, a.DKIM.KeyPEM)
	a.DKIM.HasKey = a.DKIM.HasKey || a.DKIM.KeyPEM != ""
	a.DKIM.KeyPEM = ""
	if imapPassword != "" && a.IMAP.OwnPassword {
		f.imapPasswords[a.ID] = imapPassword
	}
	a.IMAP.HasPassword = a.IMAP.OwnPassword && f.imapPasswords[a.ID] != ""
	for i := range f.accounts {
		if f.accounts[i].ID == a.ID {
			f.accounts[i] = a
		}
	}
	return a, nil
}

func (f *fakeAccounts) Delete(id string) error {
	for i, a := range f.accounts {
		if a.ID == id {
			f.accounts = append(f.accounts[:i], f.accounts[i+1:]...)
			delete(f.passwords, id)
			return nil
		}
	}
	return errors.New("no such account")
}

func (f *fakeAccounts) KeychainWarning() string { return f.keychain }

// SignIn opens a page and signs in as signedInAs; the view tests of the
// real sign-in use the real backend (accounts_oauth_test.go).
func (f *fakeAccounts) SignIn(ctx context.Context, a Account, open func(string) error) (Account, error) {
	if err := open("https://accounts.example.com/consent"); err != nil {
		return a, err
	}
	if err := ctx.Err(); err != nil {
		return a, err
	}
	a.Auth, a.OAuth.SignedIn, a.OAuth.SignedInAs = "xoauth2", true, a.FromAddress
	return f.Save(a, "", "")
}

func (f *fakeAccounts) SignOut(_ context.Context, a Account) (Account, msg.Text, error) {
	a.OAuth.SignedIn, a.OAuth.SignedInAs = false, ""
	saved, err := f.Save(a, "", "")
	return saved, msg.Text{}, err
}

// SentCopy is the real rule: it is a pure function of the form's fields.
func (f *fakeAccounts) SentCopy(a Account) SentCopyRule { return (&accountBook{}).SentCopy(a) }

func (f *fakeAccounts) TestIMAP(_ context.Context, a Account, password string) (string, error) {
	f.imapTested = append(f.imapTested, a)
	f.imapPasswordsTried = append(f.imapPasswordsTried, password)
	return f.folder, f.imapErr
}

func (f *fakeAccounts) TestConnection(_ context.Context, a Account, _ string, sendMessage bool, step func(ConnStep)) error {
	f.testMessages = append(f.testMessages, sendMessage)
	f.tested = append(f.tested, a)
	for _, s := range f.steps {
		step(s)
	}
	return f.testErr
}

type fakeRecipients struct {
	// reached, when set, is closed after the first progress report, and
	// the import then waits for hold to be closed.
	reached, hold chan struct{}
	// finishesLate makes an import return its list even when cancelled
	// meanwhile, as a real import does that read its last row just as it
	// was cancelled; otherwise a cancelled import returns ctx.Err() as
	// the real reader does.
	finishesLate bool
	// lists, when set, are the lists of successive imports (then list).
	lists []RecipientList
	held  bool         // the first import has been held
	ui    *uiGoroutine // see fakeRunner.ui
	mu    sync.Mutex
	opts  []ImportOptions
	list  RecipientList
	err   error
	sheet []string
}

func (f *fakeRecipients) Sheets(string) ([]string, error) {
	f.ui.check("RecipientSource.Sheets")
	return f.sheet, nil
}

func (f *fakeRecipients) Import(ctx context.Context, opts ImportOptions, progress func(*RecipientList)) (*RecipientList, error) {
	f.ui.check("RecipientSource.Import")
	f.mu.Lock()
	f.opts = append(f.opts, opts)
	l := f.list
	if n := len(f.opts) - 1; n < len(f.lists) {
		l = f.lists[n]
	}
	reached, hold := f.reached, f.hold
	if f.held {
		reached = nil // only the first import waits
	}
	f.held = true
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	first := l
	first.Rows = first.Rows[:1]
	progress(&first)
	if reached != nil {
		close(reached)
		if f.finishesLate {
			<-hold
		} else {
			// The reader stops as soon as it is cancelled.
			select {
			case <-hold:
			case <-ctx.Done():
			}
		}
	}
	if err := ctx.Err(); err != nil && !f.finishesLate {
		return nil, err
	}
	l.Path = opts.Path
	if opts.EmailColumn != "" {
		l.EmailColumn = opts.EmailColumn
	}
	return &l, nil
}

func (f *fakeRecipients) lastOptions() ImportOptions {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opts[len(f.opts)-1]
}

type fakeComposer struct {
	mu       sync.Mutex
	previews []int
	sentTo   []string
}

func (f *fakeComposer) Preview(_ context.Context, d Draft, l *RecipientList, i int) (Preview, error) {
	f.mu.Lock()
	f.previews = append(f.previews, i)
	f.mu.Unlock()
	pv := Preview{To: l.Rows[i].Address, BCC: d.Campaign.BCC, Subject: d.Campaign.Subject + " #" + strconv.Itoa(l.Rows[i].Row), Text: d.BodyText, EML: []byte("Subject: x\r\n\r\nbody")}
	if d.BodyFormat == formatHTML {
		pv.HTML = d.BodyText
	}
	return pv, nil
}

func (f *fakeComposer) TestSend(_ context.Context, _ Draft, _ *RecipientList, _ int, to string) error {
	f.mu.Lock()
	f.sentTo = append(f.sentTo, to)
	f.mu.Unlock()
	return nil
}

type fakeRunner struct {
	// ui, when set, fails the test for a call on the UI goroutine: the
	// real runner reads files and the journal.
	ui       *uiGoroutine
	problems []Problem
	// due is what Due answers (Now 1 when zero, as a fresh campaign).
	due Due
	// hold, when set, keeps Start preparing until it is closed.
	hold    chan struct{}
	mu      sync.Mutex
	started *fakeDelivery
	dues    int // Due calls
}

// startAndWait starts a run from the send view and waits until the view
// shows it running (Start runs off the UI goroutine).
func startAndWait(t *testing.T, v *sendView, b *bridge, f *fakeRunner) *fakeDelivery {
	t.Helper()
	before := f.current()
	v.startRun()
	deadline := time.Now().Add(time.Minute) // a bound for a hung test, not a timing assertion
	for (f.current() == before || v.run == nil) && time.Now().Before(deadline) {
		b.flush()
		time.Sleep(time.Millisecond)
	}
	if v.run == nil {
		t.Fatal("the run did not start")
	}
	return f.current()
}

func (f *fakeRunner) Preflight(context.Context, Draft) ([]Problem, error) {
	f.ui.check("Runner.Preflight")
	return f.problems, nil
}

func (f *fakeRunner) Due(context.Context, Draft) (Due, error) {
	f.ui.check("Runner.Due")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dues++
	d := f.due
	if d == (Due{}) {
		d = Due{Now: 1, Total: 1, Pending: 1, Estimate: "right away"}
	}
	return d, nil
}

func (f *fakeRunner) Start(_ context.Context, d Draft, progress func(Progress)) (Delivery, error) {
	f.ui.check("Runner.Start")
	if f.hold != nil {
		<-f.hold
	}
	run := &fakeDelivery{progress: progress, done: make(chan struct{})}
	f.mu.Lock()
	f.started = run
	f.mu.Unlock()
	return run, nil
}

// current is the last run started.
func (f *fakeRunner) current() *fakeDelivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.started
}

// fakeDelivery ends when the test calls finish.
type fakeDelivery struct {
	mu                      sync.Mutex
	progress                func(Progress)
	paused, resumed, cancel int
	final                   Progress
	err                     error // Wait's error: why the run stopped
	done                    chan struct{}
	log                     []LogRow
}

// logged adds entries to the run's log, as the journal records them.
func (d *fakeDelivery) logged(rows ...LogRow) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.log = append(d.log, rows...)
}

func (d *fakeDelivery) Log(from int) []LogRow {
	d.mu.Lock()
	defer d.mu.Unlock()
	if from >= len(d.log) {
		return nil
	}
	return append([]LogRow(nil), d.log[from:]...)
}

func (d *fakeDelivery) counts() (paused, resumed, cancel int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused, d.resumed, d.cancel
}

func (d *fakeDelivery) Pause()  { d.mu.Lock(); d.paused++; d.mu.Unlock() }
func (d *fakeDelivery) Resume() { d.mu.Lock(); d.resumed++; d.mu.Unlock() }
func (d *fakeDelivery) Cancel() { d.mu.Lock(); d.cancel++; d.mu.Unlock() }

func (d *fakeDelivery) Wait() (Progress, error) {
	<-d.done
	return d.final, d.err
}

func (d *fakeDelivery) finish(p Progress) {
	d.final = p
	close(d.done)
}

type fakeHistory struct {
	ui       *uiGoroutine // see fakeRunner.ui
	mu       sync.Mutex
	records  []CampaignRecord
	rows     []RowRecord
	resolved map[string]bool
	exported []string
	queries  int
}

func (f *fakeHistory) Campaigns(context.Context) ([]CampaignRecord, error) {
	f.ui.check("History.Campaigns")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]CampaignRecord(nil), f.records...), nil
}

func (f *fakeHistory) Rows(_ context.Context, id, query string) ([]RowRecord, error) {
	f.ui.check("History.Rows")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries++
	var out []RowRecord
	for _, r := range f.rows {
		if (id == "" || r.CampaignID == id) && containsFold(r.Address, query) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeHistory) Resolve(_ context.Context, id string, keys []string, asSent bool) error {
	f.ui.check("History.Resolve")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.resolved == nil {
		f.resolved = map[string]bool{}
	}
	for _, k := range keys {
		f.resolved[k] = asSent
		for i := range f.rows {
			if f.rows[i].Key == k && f.rows[i].CampaignID == id {
				f.rows[i].State = map[bool]string{true: "sent", false: "pending"}[asSent]
			}
		}
	}
	return nil
}

func (f *fakeHistory) RetryFailed(_ context.Context, id string) (int, error) {
	f.ui.check("History.RetryFailed")
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for i := range f.rows {
		if f.rows[i].CampaignID == id && f.rows[i].State == "failed" {
			f.rows[i].State = "pending"
			n++
		}
	}
	return n, nil
}

func (f *fakeHistory) Export(_ context.Context, id, path string) error {
	f.ui.check("History.Export")
	f.mu.Lock()
	f.exported = append(f.exported, id+":"+path)
	f.mu.Unlock()
	return nil
}

func (f *fakeHistory) ExportRows(_ context.Context, id string, keys []string, path string) error {
	f.ui.check("History.ExportRows")
	f.mu.Lock()
	f.exported = append(f.exported, id+":"+path+":"+strings.Join(keys, ","))
	f.mu.Unlock()
	return nil
}
