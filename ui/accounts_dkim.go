package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The account form's DKIM section: signing for servers that do not sign
// themselves, folded away because most users never need it. The key is
// pasted (it goes to the keychain) or is a file the user points to (read
// when sending, never copied).

// DKIMSettings is the DKIM side of an account as the form edits it.
type DKIMSettings struct {
	Domain, Selector string
	// KeyFile is the key file the user pointed to; empty keeps the key in
	// the keychain.
	KeyFile string
	// KeyPEM is a key the user pasted, to be stored in the keychain on
	// Save; never filled from storage.
	KeyPEM string
	// HasKey says a key is stored in the keychain.
	HasKey bool
}

type dkimSection struct {
	domain, selector *widget.Entry
	keyMode          *widget.RadioGroup
	keyText          *widget.Entry
	keyFile          *widget.Entry
	browse           *widget.Button
	fileRow          fyne.CanvasObject
	note             *widget.Label
	accordion        *widget.Accordion
}

func (s *dkimSection) pastedLabel() string {
	return lang.L("Paste the private key (kept in the keychain)")
}
func (s *dkimSection) fileLabel() string { return lang.L("Use a key file on this computer") }
func (s *dkimSection) fromFile() bool    { return s.keyMode.Selected == s.fileLabel() }

func (v *accountsView) newDKIMSection() *dkimSection {
	s := &dkimSection{}
	s.domain, s.selector = widget.NewEntry(), widget.NewEntry()
	s.domain.SetPlaceHolder(lang.L("empty = do not sign; e.g. {{.Example}}", map[string]any{"Example": "example.com"}))
	s.selector.SetPlaceHolder("mail")
	s.keyText = widget.NewMultiLineEntry()
	s.keyText.SetMinRowsVisible(3)
	s.keyText.SetPlaceHolder("-----BEGIN PRIVATE KEY-----")
	s.keyFile = widget.NewEntry()
	s.keyFile.SetPlaceHolder(lang.L("full path of the .pem file"))
	s.browse = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		askOpenPath(v.win, []string{".pem", ".key"}, func(path string) { s.keyFile.SetText(path) })
	})
	s.fileRow = container.NewBorder(nil, nil, nil, s.browse, s.keyFile)
	s.keyMode = widget.NewRadioGroup([]string{s.pastedLabel(), s.fileLabel()}, func(string) { s.showKeyMode() })
	s.keyMode.Required = true
	s.keyMode.SetSelected(s.pastedLabel())
	s.note = widget.NewLabel(lang.L("Only when your server does not sign messages itself (most providers do). Publish the public key as a TXT record at selector._domainkey.domain; Test connection checks that it matches. RSA (2048 bits or more) or Ed25519."))
	s.note.Wrapping = fyne.TextWrapWord
	s.note.Importance = widget.LowImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("DKIM domain"), s.domain),
		widget.NewFormItem(lang.L("DKIM selector"), s.selector),
		widget.NewFormItem(lang.L("Private key"), container.NewVBox(s.keyMode, s.keyText, s.fileRow)),
	)
	s.accordion = widget.NewAccordion(widget.NewAccordionItem(lang.L("Sign messages with DKIM"), container.NewVBox(s.note, form)))
	return s
}

func (s *dkimSection) showKeyMode() {
	if s.fromFile() {
		s.keyText.Hide()
		s.fileRow.Show()
	} else {
		s.fileRow.Hide()
		s.keyText.Show()
	}
}

// fillDKIM shows an account's DKIM settings; a pasted key is never shown
// again, only whether one is stored.
func (v *accountsView) fillDKIM(d DKIMSettings) {
	s := v.dkim
	s.domain.SetText(d.Domain)
	s.selector.SetText(d.Selector)
	s.keyFile.SetText(d.KeyFile)
	s.keyText.SetText("")
	s.keyText.SetPlaceHolder("-----BEGIN PRIVATE KEY-----")
	if d.HasKey {
		s.keyText.SetPlaceHolder(lang.L("Stored in the keychain; paste to replace"))
	}
	if d.KeyFile != "" {
		s.keyMode.SetSelected(s.fileLabel())
	} else {
		s.keyMode.SetSelected(s.pastedLabel())
	}
	s.showKeyMode()
	if d.Domain != "" {
		s.accordion.OpenAll()
	} else {
		s.accordion.CloseAll()
	}
}

// readDKIM reads the section into a.
func (v *accountsView) readDKIM(a *Account) {
	s := v.dkim
	d := DKIMSettings{Domain: s.domain.Text, Selector: s.selector.Text, HasKey: v.current.DKIM.HasKey}
	if s.fromFile() {
		d.KeyFile = s.keyFile.Text
	} else {
		d.KeyPEM = s.keyText.Text
	}
	a.DKIM = d
}
