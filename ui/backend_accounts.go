package ui

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"strings"

	"mailroom/app/accounts"
	"mailroom/app/msg"
	"mailroom/app/oauth"
	"mailroom/app/sentfolder"
)

// accountBook adapts accounts.Store to the account view.
type accountBook struct {
	// keychain remembers which secrets exist, so List never waits for
	// the keychain.
	keychain keychainCache
	store    *accounts.Store
	oauth    *oauth.Service // sign-ins, sharing the store's keychain
	warning  string         // why passwords stay in memory, or ""
	chinese  bool           // show the presets' Chinese names and notes
	// resolver looks up DKIM records in the connection test; nil is the
	// system's DNS (tests use an in-memory one).
	resolver accounts.TXTResolver
}

func newAccountBook(dir string, chinese bool) (*accountBook, error) {
	secrets, keychainErr := accounts.OpenSecrets()
	b, err := openAccountBook(dir, secrets, chinese)
	if err != nil {
		return nil, err
	}
	if keychainErr != nil {
		// The raw D-Bus text means nothing to most users; the view shows a
		// plain sentence and keeps this behind "Details".
		b.warning = keychainErr.Error()
	}
	b.prefetch() // before the window lists the accounts
	return b, nil
}

// openAccountBook opens the accounts in dir with their secrets in secrets;
// tests pass oauth options that point at a local authorization server.
func openAccountBook(dir string, secrets accounts.Secrets, chinese bool, opts ...oauth.Option) (*accountBook, error) {
	store, err := accounts.OpenStore(dir, secrets)
	if err != nil {
		return nil, err
	}
	return &accountBook{store: store, oauth: oauth.New(secrets, opts...), chinese: chinese}, nil
}

// List answers from the store (in memory) and what the keychain said
// before: it is called on the UI goroutine, and a keychain lookup can
// block (a D-Bus round trip, a locked keyring's prompt). Lookups it has
// no answer for yet run on a goroutine; see backend_accounts_keychain.go.
func (b *accountBook) List() ([]Account, error) {
	var out []Account
	for _, a := range b.store.List() {
		out = append(out, b.toUIWith(a, b.keychain.cached(b)))
	}
	return out, nil
}

// toUI reads the keychain afresh (after a save, a sign-in) and remembers
// what it found for List.
func (b *accountBook) toUI(a accounts.Account) Account {
	return b.toUIWith(a, b.keychain.fresh(b))
}

func (b *accountBook) toUIWith(a accounts.Account, secret func(id string) bool) Account {
	return Account{
		ID: a.ID, Name: a.DisplayName, PresetID: a.Preset,
		FromName: a.FromName, FromAddress: a.FromAddress, ReplyTo: a.ReplyTo,
		Host: a.Host, Port: a.Port, Security: string(a.Security), Auth: string(a.Auth), Username: a.Username,
		PerMinute: a.Limits.PerMinute, PerHour: a.Limits.PerHour, PerDay: a.Limits.PerDay,
		MaxMessageMB: megabytes(a.Limits.MaxMessageBytes), MaxConnections: a.Limits.MaxConnections,
		PinnedSHA256: a.Trust.PinnedSHA256,
		HasPassword:  secret(a.ID),
		IMAP:         b.imapToUI(a, secret),
		OAuth: OAuthSettings{Provider: a.OAuth.Provider, SignedInAs: a.OAuth.SignedInAs,
			SignedIn: a.SignsInWithOAuth() && a.ID != "" && b.oauth != nil && secret(a.OAuthSecretID()),
			ClientID: a.OAuth.ClientID, ClientSecret: a.OAuth.ClientSecret, Tenant: a.OAuth.Tenant},
		DKIM: b.dkimToUI(a, secret),
	}
}

func (b *accountBook) imapToUI(a accounts.Account, secret func(id string) bool) IMAPSettings {
	m := a.IMAP
	s := IMAPSettings{CopyToSent: m.CopyToSent, Host: m.Host, Port: m.Port, Security: string(m.Security),
		Username: m.Username, SentFolder: m.SentFolder, OwnPassword: m.OwnPassword}
	if m.OwnPassword {
		s.HasPassword = secret(a.IMAPSecretID())
	}
	return s
}

// fromUI overlays the form on the stored account, so fields the form does
// not show (a trusted CA) survive an edit.
func (b *accountBook) fromUI(u Account) accounts.Account {
	a, err := b.store.Get(u.ID)
	if err != nil {
		a = accounts.Account{}
	}
	return overlayForm(a, u)
}

// overlayForm puts what the form shows over a.
func overlayForm(a accounts.Account, u Account) accounts.Account {
	previous := a.Preset
	a.DisplayName, a.Preset = u.Name, u.PresetID
	a.PresetChanged(previous)
	a.FromName, a.FromAddress, a.ReplyTo = u.FromName, u.FromAddress, u.ReplyTo
	a.Host, a.Port, a.Username = strings.TrimSpace(u.Host), u.Port, strings.TrimSpace(u.Username)
	a.Security, a.Auth = accounts.Security(u.Security), accounts.AuthMethod(u.Auth)
	a.Limits.PerMinute, a.Limits.PerHour, a.Limits.PerDay = u.PerMinute, u.PerHour, u.PerDay
	a.Limits.MaxConnections = u.MaxConnections
	// Presets give exact byte limits; keep them unless the user changed
	// the rounded figure shown.
	if megabytes(a.Limits.MaxMessageBytes) != u.MaxMessageMB {
		a.Limits.MaxMessageBytes = int64(u.MaxMessageMB) << 20
	}
	a.Trust.PinnedSHA256 = u.PinnedSHA256
	a.IMAP = accounts.IMAP{CopyToSent: u.IMAP.CopyToSent, Host: strings.TrimSpace(u.IMAP.Host), Port: u.IMAP.Port,
		Security: accounts.Security(u.IMAP.Security), Username: strings.TrimSpace(u.IMAP.Username),
		SentFolder: u.IMAP.SentFolder, OwnPassword: u.IMAP.OwnPassword}
	if a.IMAP.Host == "" && !a.IMAP.CopyToSent {
		a.IMAP = accounts.IMAP{} // an untouched section: no IMAP at all
	}
	a.OAuth.ClientID = strings.TrimSpace(u.OAuth.ClientID)
	a.OAuth.ClientSecret = strings.TrimSpace(u.OAuth.ClientSecret)
	a.OAuth.Tenant = strings.TrimSpace(u.OAuth.Tenant)
	if a.Auth != accounts.AuthXOAUTH2 || u.OAuth.Provider != a.OAuth.Provider && a.OAuth.Provider != "" {
		// The user chose a password, or another provider: the sign-in goes.
		a.OAuth.Provider, a.OAuth.SignedInAs = "", ""
	}
	a.DKIM = dkimFromUI(u.DKIM)
	return a
}

func megabytes(n int64) int {
	return int((n + 1<<19) >> 20)
}

func (b *accountBook) Presets() []Preset {
	var out []Preset
	for _, p := range accounts.Presets() {
		if p.ID == "custom" {
			continue // the view offers its own "custom server" entry
		}
		name := p.Name
		if b.chinese {
			name = orDefault(p.NameZH, name)
		}
		up := Preset{ID: p.ID, Name: name, Note: say(p.Note), SecretLabel: say(p.Secret.Label()), SecretHelp: say(p.SecretHelp)}
		if b.oauth != nil {
			if op, ok := b.oauth.Provider(p.OAuth); ok {
				up.OAuth, up.OAuthName, up.OAuthBuiltIn = op.ID, op.Name, op.ClientID != ""
			}
		}
		out = append(out, up)
	}
	return out
}

// ApplyPreset is app/accounts' rule for switching provider, on the form's
// fields.
func (b *accountBook) ApplyPreset(u Account, presetID string) Account {
	a := accounts.ApplyPreset(overlayForm(accounts.Account{}, u), presetID)
	u.Host, u.Port, u.Username = a.Host, a.Port, a.Username
	u.Security, u.Auth = string(a.Security), string(a.Auth)
	u.PerMinute, u.PerHour, u.PerDay = a.Limits.PerMinute, a.Limits.PerHour, a.Limits.PerDay
	u.MaxMessageMB, u.MaxConnections = megabytes(a.Limits.MaxMessageBytes), a.Limits.MaxConnections
	m := a.IMAP
	u.IMAP = IMAPSettings{CopyToSent: m.CopyToSent, Host: m.Host, Port: m.Port, Security: string(m.Security),
		Username: m.Username, SentFolder: m.SentFolder, OwnPassword: m.OwnPassword, HasPassword: u.IMAP.HasPassword}
	return u
}

// GuessPreset names the provider hosting the address ("" for none).
func (b *accountBook) GuessPreset(address string) string {
	p, _ := accounts.GuessPreset(address)
	return p.ID
}

// DefaultUsername is the user name the form's provider expects.
func (b *accountBook) DefaultUsername(u Account) string {
	return accounts.WithDefaults(overlayForm(accounts.Account{}, Account{PresetID: u.PresetID, FromAddress: u.FromAddress, Auth: u.Auth})).Username
}

// SentCopy renders app/accounts' rule for the account in the form.
func (b *accountBook) SentCopy(u Account) SentCopyRule {
	a := accounts.Account{Preset: u.PresetID, Host: strings.TrimSpace(u.Host)}
	rule := accounts.SentCopyFor(a)
	return SentCopyRule{Offered: rule.Offered, Default: rule.Default, Note: say(rule.Note)}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (b *accountBook) Save(u Account, password, imapPassword string) (Account, error) {
	a := b.fromUI(u)
	// A pasted key is checked before anything is saved.
	if strings.TrimSpace(u.DKIM.KeyPEM) != "" && a.SignsDKIM() && a.DKIM.KeyFile == "" {
		if _, err := accounts.ParseDKIMKey([]byte(u.DKIM.KeyPEM)); err != nil {
			return u, errors.New(sayErr(err))
		}
	}
	// The preset's own rules (Amazon SES: no user name from the address).
	a = accounts.WithDefaults(a)
	if u.ID == "" {
		added, err := b.store.Add(a)
		if err != nil {
			return u, err
		}
		a = added
	} else if err := b.store.Update(a); err != nil {
		return u, err
	}
	if password != "" {
		if err := b.store.SetPassword(a.ID, password); err != nil {
			return b.toUI(a), err
		}
	}
	if !a.SignsInWithOAuth() {
		// A sign-in the user replaced with a password must not linger.
		if err := b.store.Secrets().Delete(a.OAuthSecretID()); err != nil {
			return b.toUI(a), err
		}
	}
	if err := b.saveDKIMKey(a, u.DKIM.KeyPEM); err != nil {
		return b.toUI(a), err
	}
	switch {
	case imapPassword != "" && a.IMAP.OwnPassword:
		if err := b.store.Secrets().Set(a.IMAPSecretID(), imapPassword); err != nil {
			return b.toUI(a), err
		}
	case !a.IMAP.OwnPassword:
		// A separate password the user stopped using must not linger in
		// the keychain.
		if err := b.store.Secrets().Delete(a.ID + accounts.IMAPSecretSuffix); err != nil {
			return b.toUI(a), err
		}
	}
	return b.toUI(a), nil
}

// Delete removes the account, its password and its separate IMAP password,
// which the store does not know about.
func (b *accountBook) Delete(id string) error {
	b.keychain.forget(id)
	if err := b.store.Secrets().Delete(id + accounts.IMAPSecretSuffix); err != nil {
		return err
	}
	return b.store.Delete(id)
}

func (b *accountBook) KeychainWarning() string { return b.warning }

func (b *accountBook) TestConnection(ctx context.Context, u Account, password string, sendMessage bool, step func(ConnStep)) error {
	a := b.fromUI(u)
	if a.SignsInWithOAuth() {
		// A fresh access token from the sign-in, as a run gets.
		cred, _, err := b.oauth.Credential(a, nil)
		if err != nil {
			return err
		}
		if password, err = cred(ctx, ""); err != nil {
			return err
		}
	} else if password == "" && u.ID != "" {
		stored, err := b.store.Password(u.ID)
		if err != nil && !errors.Is(err, accounts.ErrNoSecret) {
			return err
		}
		password = stored
	}
	opts := []accounts.CheckOption{accounts.WithProgress(func(s accounts.Step) { step(connStep(s)) })}
	if sendMessage {
		opts = append(opts, accounts.WithTestMessage())
	}
	if a.SignsDKIM() {
		key, err := b.dkimKey(a, u.DKIM.KeyPEM)
		if err != nil {
			return errors.New(sayErr(err))
		}
		opts = append(opts, accounts.WithDKIMKey(key))
		if b.resolver != nil {
			opts = append(opts, accounts.WithTXTResolver(b.resolver))
		}
	}
	report, err := accounts.Check(ctx, a, password, opts...)
	if err != nil {
		return err
	}
	if err := report.Err(); err != nil {
		return fmt.Errorf("%w: %w", errStepFailed, err)
	}
	return nil
}

// errStepFailed says a connection test stopped at a step it reported.
var errStepFailed = errors.New("a step of the connection test failed")

func (b *accountBook) TestIMAP(ctx context.Context, u Account, password string) (string, error) {
	a := b.fromUI(u)
	var opts []sentfolder.Option
	if a.SignsInWithOAuth() {
		// The mailbox takes the same access tokens as sending.
		cred, _, err := b.oauth.Credential(a, nil)
		if err != nil {
			return "", err
		}
		opts = append(opts, sentfolder.WithCredential(cred))
	} else if password == "" && u.ID != "" {
		stored, err := b.store.Secrets().Get(a.IMAPSecretID())
		if err != nil && !errors.Is(err, accounts.ErrNoSecret) {
			return "", err
		}
		password = stored
	}
	copier, err := sentfolder.Open(ctx, a, password, opts...)
	if err != nil {
		return "", err
	}
	folder := copier.Folder()
	// Only the look-up was wanted; a failed logout changes nothing for the user.
	_ = copier.Close()
	return folder, nil
}

func connStep(s accounts.Step) ConnStep {
	text := s.Text
	if s.Reply != "" && !strings.Contains(s.Text.String(), s.Reply) {
		text = msg.T("{{.Text}} ({{.Reply}})", "Text", text, "Reply", s.Reply)
	}
	if !s.HintText.IsZero() {
		text = msg.T("{{.Summary}} {{.Hint}}", "Summary", text, "Hint", s.HintText)
	}
	detail := say(text)
	c := ConnStep{Step: string(s.Kind), OK: s.OK, Detail: detail}
	if !s.OK && len(s.Certificates) > 0 {
		leaf := s.Certificates[0]
		c.Certificate = &Certificate{Subject: leaf.Subject, Issuer: leaf.Issuer, SHA256: leaf.SHA256, SelfSigned: leaf.SelfSigned}
	}
	return c
}

// SignIn runs the provider's sign-in in the browser, then saves the account
// with it: the provider's address becomes the login (XOAUTH2 wants the
// mailbox's address) and the From address when the form had none, and the
// refresh token goes to the keychain. A password kept for the account
// before (an app password, a pasted access token) is deleted: it is no
// longer used.
func (b *accountBook) SignIn(ctx context.Context, u Account, open func(string) error) (Account, error) {
	p, ok := b.oauth.Provider(u.OAuth.Provider)
	if !ok {
		return u, fmt.Errorf("unknown sign-in provider %q", u.OAuth.Provider)
	}
	a := b.fromUI(u)
	g, err := b.oauth.SignIn(ctx, a, p, open)
	if err != nil {
		return u, err
	}
	a.Auth, a.Username = accounts.AuthXOAUTH2, g.Email
	a.OAuth.Provider, a.OAuth.SignedInAs = p.ID, g.Email
	if strings.TrimSpace(a.FromAddress) == "" {
		a.FromAddress = g.Email
	}
	if strings.TrimSpace(a.DisplayName) == "" {
		a.DisplayName = a.FromAddress
	}
	if a.ID == "" {
		if a, err = b.store.Add(a); err != nil {
			return u, err
		}
	} else if err := b.store.Update(a); err != nil {
		return u, err
	}
	if err := b.oauth.Keep(a, g); err != nil {
		return b.toUI(a), err
	}
	if err := b.store.Secrets().Delete(a.ID); err != nil {
		return b.toUI(a), err
	}
	return b.toUI(a), nil
}

// SignOut revokes the sign-in where the provider allows it and deletes it
// from the keychain. The account keeps its provider, so the form offers to
// sign in again, and a run says it is not signed in.
func (b *accountBook) SignOut(ctx context.Context, u Account) (Account, msg.Text, error) {
	a, err := b.store.Get(u.ID)
	if err != nil {
		return u, msg.Text{}, err
	}
	note, err := b.oauth.SignOut(ctx, a)
	if err != nil {
		return b.toUI(a), note, err
	}
	a.OAuth.SignedInAs = ""
	if err := b.store.Update(a); err != nil {
		return b.toUI(a), note, err
	}
	return b.toUI(a), note, nil
}

// dkimToUI shows an account's DKIM side and whether its key is stored.
func (b *accountBook) dkimToUI(a accounts.Account, secret func(id string) bool) DKIMSettings {
	d := DKIMSettings{Domain: a.DKIM.Domain, Selector: a.DKIM.Selector, KeyFile: a.DKIM.KeyFile}
	if a.SignsDKIM() && a.DKIM.KeyFile == "" {
		d.HasKey = secret(a.DKIMSecretID())
	}
	return d
}

// dkimFromUI is the account's DKIM side; an empty domain signs nothing.
func dkimFromUI(u DKIMSettings) accounts.DKIM {
	d := accounts.DKIM{Domain: strings.TrimSpace(u.Domain), Selector: strings.TrimSpace(u.Selector), KeyFile: strings.TrimSpace(u.KeyFile)}
	if d.Domain == "" && d.Selector == "" {
		return accounts.DKIM{}
	}
	return d
}

// saveDKIMKey keeps a pasted key in the keychain; a key file, or no
// signing, leaves no key behind there.
func (b *accountBook) saveDKIMKey(a accounts.Account, pasted string) error {
	if !a.SignsDKIM() || a.DKIM.KeyFile != "" {
		return b.store.Secrets().Delete(a.DKIMSecretID())
	}
	if strings.TrimSpace(pasted) == "" {
		return nil
	}
	return b.store.Secrets().Set(a.DKIMSecretID(), strings.TrimSpace(pasted)+"\n")
}

// dkimKey is the key the connection test compares with DNS: the one just
// pasted, else the stored one.
func (b *accountBook) dkimKey(a accounts.Account, pasted string) (crypto.Signer, error) {
	if strings.TrimSpace(pasted) != "" && a.DKIM.KeyFile == "" {
		return accounts.ParseDKIMKey([]byte(pasted))
	}
	return accounts.LoadDKIMKey(a, b.store.Secrets())
}
