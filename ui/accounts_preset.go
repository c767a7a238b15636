package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// The account form's provider choice: picking a provider, or typing an
// address one hosts, fills the form by app/accounts' rule (ApplyPreset),
// and the secret's field is named as the provider names it.

// selectedPreset is the preset chosen in the form, nil for a custom server.
func (v *accountsView) selectedPreset() *Preset {
	presets := v.book.Presets()
	if i := v.preset.SelectedIndex() - 1; i >= 0 && i < len(presets) {
		return &presets[i]
	}
	return nil
}

// selectPreset chooses the preset with that ID ("" for a custom server);
// the choice's handler then applies it.
func (v *accountsView) selectPreset(id string) {
	for i, p := range v.book.Presets() {
		if p.ID == id {
			v.preset.SetSelectedIndex(i + 1)
			return
		}
	}
	v.preset.SetSelectedIndex(0)
}

// applyPreset follows the user's choice of provider: its note, its
// sign-in and its secret's name, and, unless an account is being shown,
// its settings in place of what the previous choice filled.
func (v *accountsView) applyPreset() {
	p := v.selectedPreset()
	id := ""
	if p != nil {
		id = p.ID
		v.presetNote.SetText(p.Note)
		v.presetNote.Show()
	} else {
		v.presetNote.SetText("")
		v.presetNote.Hide()
	}
	v.showOAuth(p)
	v.showSecretField(p)
	if v.filling || id == v.formPreset {
		v.refreshSentCopy(false)
		return // showing a saved account must not overwrite its settings
	}
	a := v.formFields()
	a.PresetID = v.formPreset
	v.fillServer(v.book.ApplyPreset(a, id))
	v.formPreset = id
	v.refreshSentCopy(true)
}

// fillServer shows the server side of a: what a preset fills.
func (v *accountsView) fillServer(a Account) {
	v.host.SetText(a.Host)
	v.port.SetText(intText(a.Port))
	setChoice(v.security, securityModes, a.Security)
	setChoice(v.auth, authModes, a.Auth)
	v.username.SetText(a.Username)
	v.autoUsername = v.book.DefaultUsername(a)
	v.perMinute.SetText(intText(a.PerMinute))
	v.perHour.SetText(intText(a.PerHour))
	v.perDay.SetText(intText(a.PerDay))
	v.maxMB.SetText(intText(a.MaxMessageMB))
	v.maxConns.SetText(intText(a.MaxConnections))
	v.fillIMAPServer(a.IMAP)
}

// addressChanged picks the provider of a new account from its address
// (zhang@qq.com → QQ Mail) unless the user chose one, and keeps the user
// name in step with the address until the user types their own.
func (v *accountsView) addressChanged(address string) {
	if v.filling {
		return
	}
	follows := v.username.Text == "" || v.username.Text == v.autoUsername
	if v.current.ID == "" && (v.formPreset == "" || v.formPreset == v.guessedPreset) {
		if id := v.book.GuessPreset(address); id != "" && id != v.formPreset {
			v.guessedPreset = id
			v.selectPreset(id)
		}
	}
	if follows {
		a := v.formFields()
		a.PresetID = v.formPreset
		v.autoUsername = v.book.DefaultUsername(a)
		v.username.SetText(v.autoUsername)
	}
}

// showSecretField names the password field as the provider does
// ("Authorisation code" for QQ Mail) and says under it where to get one.
func (v *accountsView) showSecretField(p *Preset) {
	label, help := lang.L("Password"), ""
	if p != nil && p.SecretLabel != "" {
		label, help = p.SecretLabel, p.SecretHelp
	}
	v.secretHelp.SetText(help)
	if help == "" {
		v.secretHelp.Hide()
	} else {
		v.secretHelp.Show()
	}
	if v.passwordItem.Text != label {
		v.passwordItem.Text = label
		v.fields.Refresh()
	}
}

// withNote is an entry with a note under it, as one form field: the form
// greys the field's label when the entry is disabled.
type withNote struct {
	widget.BaseWidget
	entry *widget.Entry
	note  *widget.Label
}

func newWithNote(entry *widget.Entry, note *widget.Label) *withNote {
	w := &withNote{entry: entry, note: note}
	w.ExtendBaseWidget(w)
	return w
}

func (w *withNote) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewVBox(w.entry, w.note))
}

func (w *withNote) Disabled() bool { return w.entry.Disabled() }
func (w *withNote) Enable()        { w.entry.Enable() }
func (w *withNote) Disable()       { w.entry.Disable() }
