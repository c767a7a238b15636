package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2/lang"

	"mailroom/app/accounts"
)

// accountBook adapts accounts.Store to the account view.
type accountBook struct {
	store   *accounts.Store
	warning string // why passwords stay in memory, or ""
	chinese bool   // show the presets' Chinese names and notes
}

func newAccountBook(dir string, chinese bool) (*accountBook, error) {
	secrets, keychainErr := accounts.OpenSecrets()
	store, err := accounts.OpenStore(dir, secrets)
	if err != nil {
		return nil, err
	}
	b := &accountBook{store: store, chinese: chinese}
	if keychainErr != nil {
		b.warning = lang.L("No system keychain is available ({{.Reason}}): passwords are kept only until you close Mailroom.", map[string]any{"Reason": keychainErr.Error()})
	}
	return b, nil
}

func (b *accountBook) List() ([]Account, error) {
	var out []Account
	for _, a := range b.store.List() {
		out = append(out, b.toUI(a))
	}
	return out, nil
}

func (b *accountBook) toUI(a accounts.Account) Account {
	_, err := b.store.Password(a.ID)
	return Account{
		ID: a.ID, Name: a.DisplayName, PresetID: a.Preset,
		FromName: a.FromName, FromAddress: a.FromAddress, ReplyTo: a.ReplyTo,
		Host: a.Host, Port: a.Port, Security: string(a.Security), Auth: string(a.Auth), Username: a.Username,
		PerMinute: a.Limits.PerMinute, PerHour: a.Limits.PerHour, PerDay: a.Limits.PerDay,
		MaxMessageMB: megabytes(a.Limits.MaxMessageBytes), MaxConnections: a.Limits.MaxConnections,
		PinnedSHA256: a.Trust.PinnedSHA256,
		HasPassword:  err == nil,
	}
}

// fromUI overlays the form on the stored account, so fields the form does
// not show (a trusted CA) survive an edit.
func (b *accountBook) fromUI(u Account) accounts.Account {
	a, err := b.store.Get(u.ID)
	if err != nil {
		a = accounts.Account{}
	}
	a.DisplayName, a.Preset = u.Name, u.PresetID
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
		name, note := p.Name, p.Note
		if b.chinese {
			name, note = orDefault(p.NameZH, name), orDefault(p.NoteZH, note)
		}
		out = append(out, Preset{ID: p.ID, Name: name, Host: p.Host, Port: p.Port, Security: string(p.Security), Auth: string(p.Auth), Note: note,
			PerMinute: p.Limits.PerMinute, PerHour: p.Limits.PerHour, PerDay: p.Limits.PerDay, MaxMessageMB: megabytes(p.Limits.MaxMessageBytes)})
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (b *accountBook) Save(u Account, password string) (Account, error) {
	a := b.fromUI(u)
	if a.Username == "" && a.Auth != accounts.AuthNone {
		a.Username = a.FromAddress
	}
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
	return b.toUI(a), nil
}

func (b *accountBook) Delete(id string) error { return b.store.Delete(id) }

func (b *accountBook) KeychainWarning() string { return b.warning }

func (b *accountBook) TestConnection(ctx context.Context, u Account, password string, step func(ConnStep)) error {
	a := b.fromUI(u)
	if password == "" && u.ID != "" {
		stored, err := b.store.Password(u.ID)
		if err != nil && !errors.Is(err, accounts.ErrNoSecret) {
			return err
		}
		password = stored
	}
	report, err := accounts.Check(ctx, a, password, accounts.WithProgress(func(s accounts.Step) {
		step(connStep(s))
	}))
	if err != nil {
		return err
	}
	return report.Err()
}

func connStep(s accounts.Step) ConnStep {
	detail := s.Summary
	if s.Reply != "" && !strings.Contains(detail, s.Reply) {
		detail += " (" + s.Reply + ")"
	}
	if s.Hint != "" {
		detail += " " + s.Hint
	}
	c := ConnStep{Step: string(s.Kind), OK: s.OK, Detail: detail}
	if !s.OK && len(s.Certificates) > 0 {
		leaf := s.Certificates[0]
		c.Certificate = &Certificate{Subject: leaf.Subject, Issuer: leaf.Issuer, SHA256: leaf.SHA256, SelfSigned: leaf.SelfSigned}
	}
	return c
}
