package ui

import (
	"context"
	"time"

	"mailroom/app/campaign"
	"mailroom/app/msg"
)

// Each view depends on one of the small interfaces below rather than on the
// domain packages, so tests drive the views with fakes and the adapters in
// backend_*.go are the only code that knows the domain APIs.

// AccountBook stores SMTP accounts and tests their connection.
type AccountBook interface {
	List() ([]Account, error)
	Presets() []Preset
	// Save stores the account and, when password or imapPassword is not
	// empty, that password in the keychain (imapPassword only when the
	// account has its own IMAP password); it returns the account with its
	// ID set.
	Save(a Account, password, imapPassword string) (Account, error)
	// Delete removes the account and its keychain entry.
	Delete(id string) error
	// KeychainWarning is empty when passwords go to the OS keychain, and
	// otherwise is the technical reason they are kept for this session
	// only; the view words the warning itself and shows this as details.
	KeychainWarning() string
	// TestConnection connects, negotiates TLS and authenticates, reporting
	// each step as it finishes. An empty password means the stored one.
	// With sendMessage it also sends a test message to the account's own
	// address. When a step failed (and was reported) the error matches
	// errStepFailed.
	TestConnection(ctx context.Context, a Account, password string, sendMessage bool, step func(ConnStep)) error
	// ApplyPreset switches the account as the form holds it to the preset
	// with that ID ("" for a server set up by hand) by app/accounts' rule:
	// what the previous preset filled goes, the new one's settings come.
	// It does no I/O.
	ApplyPreset(a Account, presetID string) Account
	// GuessPreset names the preset of the provider hosting the address
	// ("zhang@qq.com" → "qq"), "" when none does.
	GuessPreset(address string) string
	// DefaultUsername is the user name the account's provider expects when
	// the user types none (the From address; nothing for Amazon SES).
	DefaultUsername(a Account) string
	// SentCopy is the provider's rule for the copy into the Sent folder of
	// the account as the form holds it (preset and servers). It does no
	// I/O, so the view may call it as the user types.
	SentCopy(a Account) SentCopyRule
	// TestIMAP logs in to the account's IMAP server and returns the name of
	// the Sent folder copies would go to. An empty password means the
	// stored one (the IMAP password, or the sending one when shared).
	TestIMAP(ctx context.Context, a Account, password string) (folder string, err error)
	// SignIn runs the browser sign-in of a.OAuth.Provider for the account
	// as the form holds it: open shows the provider's consent page. It
	// then saves the account with the sign-in (the refresh token in the
	// keychain) and returns it as saved. Cancel ctx to stop waiting.
	SignIn(ctx context.Context, a Account, open func(authURL string) error) (Account, error)
	// SignOut forgets the account's sign-in and returns the account as
	// saved, with a note for the user when there is more to say.
	SignOut(ctx context.Context, a Account) (Account, msg.Text, error)
}

// Account is one SMTP account as the account view edits it.
type Account struct {
	ID, Name, PresetID    string
	FromName, FromAddress string
	ReplyTo               string
	Host                  string
	Port                  int
	Security              string // one of securityModes
	Auth                  string // one of authModes
	Username              string
	PerMinute, PerHour    int
	PerDay                int
	MaxMessageMB          int
	MaxConnections        int
	// PinnedSHA256 is a server certificate the user chose to trust.
	PinnedSHA256 string
	HasPassword  bool
	IMAP         IMAPSettings
	OAuth        OAuthSettings
	DKIM         DKIMSettings
}

// OAuthSettings is an account's "Sign in with Google / Microsoft".
type OAuthSettings struct {
	// Provider is "google" or "microsoft" for an account that signs in
	// with its provider; the view sets it from the preset before SignIn.
	Provider string
	// SignedInAs is the address the provider named; SignedIn says the
	// sign-in (refresh token) is in the keychain.
	SignedInAs string
	SignedIn   bool
	// ClientID, ClientSecret and Tenant are an organisation's own app,
	// empty for the one Mailroom was built with.
	ClientID, ClientSecret, Tenant string
}

// IMAPSettings is the optional mailbox side of an account, used to copy
// each sent message into the Sent folder.
type IMAPSettings struct {
	CopyToSent bool
	Host       string
	Port       int
	Security   string // one of imapSecurityModes
	// Username and SentFolder are empty for "same as SMTP" and "find it".
	Username   string
	SentFolder string
	// OwnPassword keeps a separate IMAP password instead of sharing the
	// sending one; HasPassword says one is stored.
	OwnPassword bool
	HasPassword bool
}

// SentCopyRule is what the IMAP section offers: the copy switch (not
// where the provider files its own copy), its starting state once an IMAP
// server is set, and the reason in the window's language.
type SentCopyRule struct {
	Offered, Default bool
	Note             string
}

// Preset is a known provider in the form's choice; AccountBook.ApplyPreset
// fills its settings.
type Preset struct {
	ID, Name string
	Note     string
	// SecretLabel names the secret the provider asks for ("Authorisation
	// code" for QQ Mail), SecretHelp says where to get it; both are in the
	// window's language.
	SecretLabel, SecretHelp string
	// OAuth is the provider whose sign-in the form offers ("google",
	// "microsoft"), OAuthName its brand; empty where there is none.
	OAuth, OAuthName string
	// OAuthBuiltIn says Mailroom was built with the provider's app, so no
	// client ID needs to be pasted.
	OAuthBuiltIn bool
}

// ConnStep is one finished step of a connection test.
type ConnStep struct {
	Step   string // "dns", "connect", "tls", "certificate", "auth" …
	OK     bool
	Detail string
	// Certificate is the server's certificate when it did not verify, so
	// the user can choose to trust it.
	Certificate *Certificate
}

// Certificate describes a server certificate for the trust decision.
type Certificate struct {
	Subject, Issuer string
	SHA256          string // fingerprint as shown to the user
	SelfSigned      bool
}

// RecipientSource reads recipient lists.
type RecipientSource interface {
	// Sheets lists the worksheets of a workbook (nil for .csv/.txt).
	Sheets(path string) ([]string, error)
	// Import reads and validates the list. It calls progress from its
	// goroutine with the rows read so far (first after about 100 rows), so
	// the window shows the start of a large list before the end is read;
	// the snapshot's rows are never modified afterwards.
	Import(ctx context.Context, opts ImportOptions, progress func(sofar *RecipientList)) (*RecipientList, error)
}

// Suppressions is the persistent do-not-send list (addresses and domains).
type Suppressions interface {
	List() ([]string, error)
	Add(entries ...string) error
	Remove(entry string) error
	// ImportFile adds every address or domain in a file and returns how
	// many were added.
	ImportFile(path string) (int, error)
}

// ImportOptions are the recipient choices a campaign saves.
type ImportOptions struct {
	Path string
	// Lines are recipients typed or pasted instead of a file (Path "").
	Lines        []string
	Sheet        string
	HeaderRow    int // 0 = detect
	EmailColumn  string
	MultiAddress string // "split" or "together"
	Duplicates   string // "once" or "keep"
	Rows         string // e.g. "10-200"
	Where        []string
}

// RowState says what will happen to a recipient row.
type RowState int

// The states a recipient row can be in after import.
const (
	RowReady RowState = iota
	RowDuplicate
	RowSuppressed
	RowInvalid
	RowFiltered
)

// RecipientRow is one data row of the list.
type RecipientRow struct {
	Row     int // as the user sees it in Excel
	Address string
	Values  []string // one per column
	State   RowState
}

// RecipientList is an imported, validated list.
type RecipientList struct {
	Path        string
	Sheet       string
	Sheets      []string
	HeaderRow   int
	Columns     []string
	EmailColumn string
	Rows        []RecipientRow
	Problems    []Problem
}

// Count returns how many rows are in the given state.
func (l *RecipientList) Count(s RowState) int {
	n := 0
	for _, r := range l.Rows {
		if r.State == s {
			n++
		}
	}
	return n
}

// Draft is the campaign being edited plus the body text, which the
// campaign file stores as a path.
type Draft struct {
	// Path is where the window saved the campaign just before handing it
	// over (its file, or the autosaved draft), so backends read exactly
	// what `mailroom send PATH` would.
	Path string
	// File is the user's campaign file when Path is the window's autosaved
	// copy of it: the journal knows the campaign by File. Empty when Path
	// is the campaign itself.
	File       string
	Campaign   campaign.Campaign
	BodyText   string
	BodyFormat string // "text", "html" or "markdown"
}

// Composer renders previews.
type Composer interface {
	// Preview renders the message for list.Rows[index].
	Preview(ctx context.Context, d Draft, list *RecipientList, index int) (Preview, error)
}

// TestSender sends one row's message to another address as a test.
type TestSender interface {
	// TestSend sends the message for list.Rows[index] to the address to,
	// marked as a test; it never counts as that row's delivery.
	TestSend(ctx context.Context, d Draft, list *RecipientList, index int, to string) error
}

// Preview is one rendered message.
type Preview struct {
	From, To, CC, BCC, ReplyTo string
	Subject                    string
	Text                       string // the plain-text body
	HTML                       string // the HTML body; "" for plain text
	Attachments                []string
	Size                       int64 // encoded size in bytes
	EML                        []byte
	Problems                   []Problem
}

// UnsentCounter tells how many rows an earlier run of a campaign left
// waiting, so that reopening it offers to continue.
type UnsentCounter interface {
	Unsent(ctx context.Context, d Draft) (int, error)
}

// Runner checks and delivers campaigns.
type Runner interface {
	// Preflight returns every problem that blocks or warns about a send.
	Preflight(ctx context.Context, d Draft) ([]Problem, error)
	// Start begins delivery; progress is called from any goroutine and
	// must not block. It reads the campaign's files: call it off the UI
	// goroutine.
	Start(ctx context.Context, d Draft, progress func(Progress)) (Delivery, error)
	// Due says what a run would send now, counted from the journal by the
	// rule the run itself follows, and how long it would take.
	Due(ctx context.Context, d Draft) (Due, error)
}

// Delivery is a run in progress.
type Delivery interface {
	Pause()
	Resume()
	Cancel()
	// Wait blocks until the run ends and returns its final progress; it
	// may be called more than once.
	Wait() (Progress, error)
	// Log returns the run's log from entry from on: rows skipped or
	// found unknown at the start, then every outcome as the journal
	// recorded it. Entries are only ever appended.
	Log(from int) []LogRow
}

// Progress is a snapshot of a run. The counts are the whole campaign's
// (the list's rows as the journal has them, this run included); Run is
// what this run did.
type Progress struct {
	CampaignID                   string
	Total, Sent, Failed, Unknown int
	Skipped, Pending             int
	Run                          RunCounts
	// Due is how many messages this run set out to send.
	Due int
	// PerMinute is the measured speed, 0 until measured long enough;
	// Limit the pace the run keeps, in words ("30/min"), "" when none.
	PerMinute              float64
	Limit                  string
	ETA                    time.Duration
	Paused                 bool
	ResumesAt              time.Time // quota pause; zero when none
	LastAddress, LastReply string
	// DryRunDir is set when the run wrote the messages there as .eml
	// files instead of sending them; Sent counts the files.
	DryRunDir string
	// Hold says why the run waits or stopped (a provider's throttle or
	// quota, the sending hours, an error spike), in words; nil while it
	// sends, and for a run that finished.
	Hold *campaign.Hold
}

// RunCounts is what one run did.
type RunCounts struct{ Sent, Failed, Unknown int }

// Due is what a run would send now and the campaign's rows as the run
// would find them.
type Due struct {
	// Now is how many messages go now.
	Now                                            int
	Total, Sent, Failed, Unknown, Skipped, Pending int
	// Ran says the campaign was sent before.
	Ran bool
	// Estimate says how long sending takes under the rate and the daily
	// limit, in the window's language.
	Estimate string
}

// LogRow is one row of a run's log.
type LogRow struct {
	Key     string
	Row     int // spreadsheet row
	Address string
	State   string // the journal's state name
	// Reason says why in plain words (the window's language); Reply is
	// the server's reply as it came.
	Reason, Reply string
	At            time.Time
}

// History reads the journal and acts on its rows.
type History interface {
	Campaigns(ctx context.Context) ([]CampaignRecord, error)
	// Rows lists a campaign's rows (all campaigns when campaignID is
	// empty) whose address contains query.
	Rows(ctx context.Context, campaignID, query string) ([]RowRecord, error)
	// Resolve settles rows left unknown: asSent records them as delivered,
	// otherwise they become pending and the next run sends them again.
	Resolve(ctx context.Context, campaignID string, keys []string, asSent bool) error
	// RetryFailed makes the campaign's failed rows pending again and
	// returns how many; the next run sends them.
	RetryFailed(ctx context.Context, campaignID string) (int, error)
	// Export writes the per-row report; the extension picks .csv or .xlsx.
	Export(ctx context.Context, campaignID, path string) error
	// ExportRows writes the report of the rows with these keys only.
	ExportRows(ctx context.Context, campaignID string, keys []string, path string) error
}

// CampaignRecord summarises one campaign in the journal.
type CampaignRecord struct {
	ID, Name                     string
	Started, Finished            time.Time
	Total, Sent, Failed, Unknown int
	Skipped, Pending             int
	// What came back through the mailbox (history_mailbox.go).
	MailboxCounts
}

// RowRecord is one row's outcome in the journal.
type RowRecord struct {
	CampaignID, CampaignName string
	Key, Address, State      string
	Attempts                 int
	MessageID, Reply         string
	// Reason says in plain words why the row failed, is unknown or was
	// skipped; Reply is the server's reply as it came.
	Reason string
	At     time.Time
	// What came back through the mailbox (history_mailbox.go).
	RowMailbox
}

// Problem is one thing to fix before sending, located as precisely as the
// backend knows it (the adapters copy it from the domain's Problem type).
type Problem struct {
	// Code says what the problem is about (see recipients.Problem.Code),
	// so the window can take the user to the field to fix.
	Code     string
	Blocking bool
	Row      int // spreadsheet row, 0 when not about a row
	Column   string
	// Text is the full sentence the user reads, location included.
	Text string
}
