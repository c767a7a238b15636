package campaign

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"mailroom/app/accounts"
	"mailroom/app/merge"
	"mailroom/app/msg"
	"mailroom/app/recipients"
	"mailroom/sender"
)

// Env is what a run needs besides the campaign file.
type Env struct {
	// DataDir holds the do-not-send list and the default journal.
	DataDir string
	// Accounts resolves Campaign.Account; nil when no account store exists.
	Accounts *accounts.Store
	// CanPrompt says the password can still be asked for when sending (a
	// terminal), so a missing one is a warning rather than blocking.
	CanPrompt bool
	// OpenKeychain gives the system keychain for accounts that are not in
	// Accounts (an --smtp URL); nil when there is none. Callers make it
	// open the keychain once: probing it means a D-Bus round trip on Linux.
	OpenKeychain func() accounts.Secrets
}

// Keychain returns where passwords are kept: the account store's secrets,
// else the system keychain, else nil.
func (e Env) Keychain() accounts.Secrets {
	if e.Accounts != nil {
		return e.Accounts.Secrets()
	}
	if e.OpenKeychain != nil {
		return e.OpenKeychain()
	}
	return nil
}

// Plan is a campaign read, checked and ready to send: every problem is
// known before anything is sent, and `check`, `preview`, `send` and the
// window all start from it.
type Plan struct {
	Campaign *Campaign
	Account  accounts.Account
	Columns  recipients.Columns
	Sheet    string
	// Rows are the rows this run concerns (filtered rows are left out),
	// in spreadsheet order, each as little as the journal needs: the plan
	// streams the list as the import does, and reads it again to render
	// what it sends (see rowStream).
	Rows     []PlannedRow
	Problems recipients.Problems
	composer *merge.Composer
	// email is the address column; rows that produce no message are
	// journaled with its raw cell.
	email     recipients.Column
	headerRow int
	// dkim signs each message when the account signs (see loadDKIM).
	dkim merge.Option
	list listCounts
	// source is how the list was read and checked, to read it again.
	source listSource
}

// PlannedRow is what the plan keeps of one spreadsheet row: its verdict
// and what the journal records about it, not its cells, so the plan grows
// by a few dozen bytes per row however wide the list is.
type PlannedRow struct {
	// Number is the spreadsheet row number.
	Number int
	// Cell is the address cell as written, kept for a row without a
	// message (the journal records it); Name is the cell of the column
	// holding the person's name, else the display name of its first
	// address, for the history search.
	Cell, Name string
	Skip       recipients.Skip
	// Blocked is set when the row has a blocking problem of its own
	// (address, attachment, size); with SkipInvalid it is skipped. Reason
	// is that problem's text as the journal stores it (msg.Text.Store).
	Blocked bool
	Reason  string
	// Messages are the row's messages: one, or one per address when its
	// cell holds several and they are split.
	Messages []PlannedMessage
}

// PlannedMessage is one message of a row.
type PlannedMessage struct {
	// Key is the checker's key for it (recipients.RowKey of its
	// addresses); the journal numbers repeats of the same addresses.
	Key string
	// Address is its To line's addresses as written, joined by ",".
	Address string
}

// ErrNotReady means the plan has blocking problems; Plan.Problems lists
// them.
var ErrNotReady = msg.Errorf(nil, "the campaign has blocking problems")

// Prepare reads the recipients, binds the message templates to their
// columns and collects every problem. It fails only when the campaign
// cannot be examined at all; problems the user must fix are in
// Plan.Problems.
func Prepare(ctx context.Context, c *Campaign, env Env) (*Plan, error) {
	p := &Plan{Campaign: c}
	p.requireFields()
	p.resolveAccount(env)
	p.requirePassword(env)
	p.loadDKIM(env)
	if !c.hasRecipients() {
		return p, nil
	}
	if err := p.readRecipients(ctx, env); err != nil {
		return nil, err
	}
	p.requireRecipients()
	return p, nil
}

func (p *Plan) blocking(code string, what, fix msg.Text) {
	p.Problems = append(p.Problems, recipients.Problem{Severity: recipients.Blocking, Code: code}.Say(what, fix))
}

// textOf is err's words in the user's language, or its English.
func textOf(err error) msg.Text {
	if t, ok := msg.TextOf(err); ok {
		return t
	}
	return msg.Raw(err.Error())
}

func (p *Plan) requireFields() {
	c := p.Campaign
	switch {
	case !c.hasRecipients():
		p.blocking("no-recipients", msg.T("no recipient list is given"), msg.T("add --recipients PATH (.xlsx, .csv …) or --to ADDRESSES"))
	case c.Recipients != "" && len(c.RecipientLines) > 0:
		p.blocking("two-recipient-lists", msg.T("both a recipient file and typed recipients are given"), msg.T("keep one of them"))
	}
	if c.Subject == "" {
		p.blocking("no-subject", msg.T("the message has no subject"), msg.T(`add --subject "…"`))
	}
	if c.Body == "" {
		p.blocking("no-body", msg.T("the message has no body"), msg.T("add --body PATH (.txt, .html or .md)"))
	}
	if c.Rate != "" {
		if _, err := sender.ParseRate(c.Rate); err != nil {
			p.blocking("bad-rate", msg.T(`the rate "{{.Rate}}" is not understood`, "Rate", c.Rate), msg.T("write it like 20/min, 2/s or 500/h"))
		}
	}
	p.checkPacing()
	if c.Concurrency < 0 || c.DailyCap < 0 || c.Retries != nil && *c.Retries < 0 {
		p.blocking("bad-number", msg.T("--concurrency, --daily-cap and --retries cannot be negative"), msg.Text{})
	}
	if c.SMTP == "" && c.Account == "" && c.DryRun == "" {
		p.blocking("no-server", msg.T("no mail server is given"), msg.T("add --smtp URL, --account ID, or --dry-run DIR"))
	}
}

// resolveAccount finds the account from --account or --smtp and --tls-ca.
func (p *Plan) resolveAccount(env Env) {
	c := p.Campaign
	a, problem := c.account(env)
	p.Account = a
	if problem != nil {
		p.Problems = append(p.Problems, *problem)
		return
	}
	if c.From == "" {
		c.From = accountFrom(p.Account)
	}
	if c.From == "" {
		p.blocking("no-from", msg.T("the sender address is missing"), msg.T(`add --from "Name <address>"`))
	}
}

// account is the one definition of the account a campaign uses: the saved
// account named by --account, else one made from the --smtp URL, with the
// --tls-ca certificate added. A problem says what is wrong with them.
func (c *Campaign) account(env Env) (accounts.Account, *recipients.Problem) {
	blocking := func(code string, what, fix msg.Text) *recipients.Problem {
		pr := recipients.Problem{Severity: recipients.Blocking, Code: code}.Say(what, fix)
		return &pr
	}
	var a accounts.Account
	switch {
	case c.Account != "":
		if env.Accounts == nil {
			return a, blocking("no-account", msg.T(`account "{{.Account}}" is not set up on this computer`, "Account", c.Account), msg.T("set it up in the window's Accounts view, or use --smtp URL"))
		}
		found, err := env.Accounts.Get(c.Account)
		if err != nil {
			return a, blocking("no-account", textOf(err), msg.T("check the account ID in the window's Accounts view, or use --smtp URL"))
		}
		a = found
	case c.SMTP != "":
		parsed, err := accounts.ParseSMTPURL(c.SMTP)
		if err != nil {
			return a, blocking("bad-smtp", textOf(err), msg.Text{})
		}
		// A script that brings an OAuth access token logs in with XOAUTH2.
		if v, ok := os.LookupEnv(accounts.OAuthTokenEnv); ok && v != "" && parsed.NeedsSecret() {
			parsed.Auth = accounts.AuthXOAUTH2
		}
		a = parsed
	}
	if c.TLSCA != "" {
		pem, err := accounts.ReadCAFile(c.TLSCA)
		if err != nil {
			return a, blocking("bad-tls-ca", textOf(err), msg.T("give a PEM certificate file"))
		}
		a.Trust.CAPEM = pem
	}
	return a, nil
}

// requirePassword reports an account that logs in but has no password
// anywhere the run can find it (MAILROOM_PASSWORD, the keychain).
func (p *Plan) requirePassword(env Env) {
	a := p.Account
	if !a.NeedsSecret() || p.Campaign.DryRun != "" {
		return
	}
	if a.SignsInWithOAuth() || a.Auth == accounts.AuthXOAUTH2 {
		if v, ok := os.LookupEnv(accounts.OAuthTokenEnv); ok && v != "" {
			return
		}
	}
	if a.SignsInWithOAuth() {
		p.requireSignIn(env)
		return
	}
	if v, ok := os.LookupEnv(accounts.PasswordEnv); ok && v != "" {
		return
	}
	if secrets := env.Keychain(); secrets != nil {
		if v, err := secrets.Get(a.ID); err == nil && v != "" {
			return
		}
	}
	what := msg.T("the account {{.Account}} has no saved password", "Account", a.Label())
	pr := recipients.Problem{Severity: recipients.Blocking, Code: "no-password"}.Say(what,
		msg.T("save it with the account in the Accounts view, or set {{.Variable}}", "Variable", accounts.PasswordEnv))
	if env.CanPrompt {
		pr = recipients.Problem{Severity: recipients.Warning, Code: "no-password"}.Say(what, msg.T("you will be asked for it when sending"))
	}
	p.Problems = append(p.Problems, pr)
}

// requireSignIn reports an account that signs in with Google or Microsoft
// but holds no refresh token: nothing can be asked on a terminal.
func (p *Plan) requireSignIn(env Env) {
	a := p.Account
	if secrets := env.Keychain(); secrets != nil {
		if v, err := secrets.Get(a.OAuthSecretID()); err == nil && v != "" {
			return
		}
	}
	provider := "Google"
	if a.OAuth.Provider == accounts.OAuthMicrosoft {
		provider = "Microsoft"
	}
	p.blocking("not-signed-in", msg.T("the account {{.Account}} is not signed in with {{.Provider}}", "Account", a.Label(), "Provider", provider),
		msg.T("open it under Accounts in the window and press Sign in with {{.Provider}}, or set {{.Variable}} to an access token", "Provider", provider, "Variable", accounts.OAuthTokenEnv))
}

func accountFrom(a accounts.Account) string {
	if a.FromAddress == "" {
		return ""
	}
	if a.FromName == "" {
		return a.FromAddress
	}
	return fmt.Sprintf("%q <%s>", a.FromName, a.FromAddress)
}

// fileProblem turns a file-level error into a blocking problem; the
// user's file is the problem, not the run.
func (p *Plan) fileProblem(err error) error {
	var fe *recipients.FileError
	if errors.As(err, &fe) {
		p.Problems = append(p.Problems, fe.Problem)
		return nil
	}
	return err
}

func (p *Plan) checkOptions(env Env) ([]recipients.CheckOption, error) {
	c := p.Campaign
	var opts []recipients.CheckOption
	record := func(err error) error {
		var pr recipients.Problem
		if !errors.As(err, &pr) {
			pr = recipients.Problem{Severity: recipients.Blocking, Code: "bad-option", File: c.Recipients}.Say(textOf(err), msg.Text{})
		}
		p.Problems = append(p.Problems, pr)
		return err
	}
	if c.Duplicates != "" {
		d, err := recipients.ParseDuplicatePolicy(c.Duplicates)
		if err != nil {
			return nil, record(err)
		}
		opts = append(opts, recipients.WithDuplicates(d))
	}
	if c.MultiAddress != "" {
		m, err := recipients.ParseMultiAddress(c.MultiAddress)
		if err != nil {
			return nil, record(err)
		}
		opts = append(opts, recipients.WithMultiAddress(m))
	}
	if c.Rows != "" || len(c.Where) > 0 {
		f, err := recipients.NewFilter(p.Columns, c.Rows, c.Where)
		if err != nil {
			return nil, record(err)
		}
		opts = append(opts, recipients.WithFilter(f))
	}
	if env.DataDir != "" {
		s, err := recipients.OpenSuppressionList(filepath.Join(env.DataDir, SuppressionFileName))
		if err != nil {
			return nil, record(err)
		}
		opts = append(opts, recipients.WithSuppression(s))
	}
	return opts, nil
}

// SuppressionFileName is the do-not-send list inside the data directory.
const SuppressionFileName = "do-not-send.txt"

// Ready reports whether the plan may be sent: no blocking problem, or,
// with SkipInvalid, none outside the rows that will be skipped.
func (p *Plan) Ready() bool {
	for _, pr := range p.Problems {
		if pr.Severity != recipients.Blocking {
			continue
		}
		if pr.Row == 0 || !p.Campaign.SkipInvalid {
			return false
		}
	}
	return p.composer != nil || len(p.Rows) == 0
}

// DefaultDirs returns the folders the window and the headless command
// share: the settings folder (accounts) and its "data" subfolder (journal,
// do-not-send list), so both see the same history.
func DefaultDirs() (settings, data string, err error) {
	settings, err = accounts.DefaultDir()
	if err != nil {
		return "", "", err
	}
	return settings, filepath.Join(settings, "data"), nil
}
