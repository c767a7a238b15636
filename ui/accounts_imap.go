package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The account form's IMAP section: copies of sent messages in the Sent
// folder, folded away because most users never need it.

// imapSecurityModes has no "none": the IMAP login always carries a
// password, and accounts.Validate refuses it.
var imapSecurityModes = []string{"tls", "starttls"}

func imapSecurityLabel(mode string) string {
	if mode == "starttls" {
		return lang.L("STARTTLS (port 143)")
	}
	return lang.L("SSL/TLS (port 993)")
}

// imapSection holds the section's widgets.
type imapSection struct {
	copyToSent   *widget.Check
	note         *widget.Label
	host, port   *widget.Entry
	security     *widget.Select
	username     *widget.Entry
	sentFolder   *widget.Entry
	passwordMode *widget.RadioGroup
	password     *widget.Entry
	test         *widget.Button
	busy         *widget.ProgressBarInfinite
	result       *widget.Label
	accordion    *widget.Accordion
	// filling is set while an account is shown, so the fields' change
	// handlers do not take it for the user's typing.
	filling bool
	// lastHost is the IMAP server before the latest edit.
	lastHost string
}

func (s *imapSection) sharedLabel() string { return lang.L("Same password as for sending") }
func (s *imapSection) ownLabel() string    { return lang.L("Its own password") }

// ownPassword reports whether the user chose a separate IMAP password.
func (s *imapSection) ownPassword() bool { return s.passwordMode.Selected == s.ownLabel() }

func (v *accountsView) newIMAPSection() *imapSection {
	s := &imapSection{}
	s.copyToSent = widget.NewCheck(lang.L("Copy each sent message into the Sent folder"), nil)
	s.note = widget.NewLabel("")
	s.note.Wrapping = fyne.TextWrapWord
	s.note.Hide()
	s.host, s.port = widget.NewEntry(), widget.NewEntry()
	s.host.SetPlaceHolder("imap.example.com")
	s.host.OnChanged = func(string) { v.imapHostChanged() }
	s.security = newChoice(imapSecurityModes, imapSecurityLabel)
	s.username = widget.NewEntry()
	s.username.SetPlaceHolder(lang.L("empty = the same as for sending"))
	s.sentFolder = widget.NewEntry()
	s.sentFolder.SetPlaceHolder(lang.L("empty = found automatically"))
	s.password = widget.NewPasswordEntry()
	s.password.Hide()
	s.passwordMode = widget.NewRadioGroup([]string{s.sharedLabel(), s.ownLabel()}, func(string) {
		if s.ownPassword() {
			s.password.Show()
		} else {
			s.password.Hide()
		}
	})
	s.passwordMode.Required = true
	s.passwordMode.SetSelected(s.sharedLabel())
	s.test = widget.NewButtonWithIcon(lang.L("Test IMAP"), theme.MailComposeIcon(), v.testIMAP)
	s.busy = widget.NewProgressBarInfinite()
	s.busy.Stop()
	s.busy.Hide()
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Copy to Sent"), container.NewVBox(s.copyToSent, s.note)),
		widget.NewFormItem(lang.L("IMAP server"), s.host),
		widget.NewFormItem(lang.L("IMAP port"), s.port),
		widget.NewFormItem(lang.L("IMAP security"), s.security),
		widget.NewFormItem(lang.L("IMAP user name"), s.username),
		widget.NewFormItem(lang.L("Sent folder"), s.sentFolder),
		widget.NewFormItem(lang.L("IMAP password"), container.NewVBox(s.passwordMode, s.password)),
	)
	body := container.NewVBox(form, container.NewHBox(s.test), s.busy, s.result)
	s.accordion = widget.NewAccordion(widget.NewAccordionItem(lang.L("Copy sent messages to the Sent folder (IMAP)"), body))
	return s
}

// fillIMAP shows an account's IMAP settings.
func (v *accountsView) fillIMAP(m IMAPSettings) {
	s := v.imap
	s.filling = true
	defer func() { s.filling = false }()
	s.copyToSent.SetChecked(m.CopyToSent)
	s.host.SetText(m.Host)
	s.port.SetText(intText(m.Port))
	setChoice(s.security, imapSecurityModes, m.Security)
	s.username.SetText(m.Username)
	s.sentFolder.SetText(m.SentFolder)
	if m.OwnPassword {
		s.passwordMode.SetSelected(s.ownLabel())
	} else {
		s.passwordMode.SetSelected(s.sharedLabel())
	}
	s.password.SetText("")
	s.password.SetPlaceHolder("")
	if m.HasPassword {
		s.password.SetPlaceHolder(lang.L("Stored in the keychain; type to replace"))
	}
	s.result.SetText("")
	if m.CopyToSent {
		s.accordion.OpenAll()
	} else {
		s.accordion.CloseAll()
	}
	v.refreshSentCopy(false)
}

// fillIMAPServer shows the mailbox side a preset filled (or withdrew);
// refreshSentCopy then sets whether copying is on. The password choice is
// the user's and stays.
func (v *accountsView) fillIMAPServer(m IMAPSettings) {
	s := v.imap
	s.filling = true
	defer func() { s.filling = false }()
	s.host.SetText(m.Host)
	s.port.SetText(intText(m.Port))
	setChoice(s.security, imapSecurityModes, m.Security)
	s.username.SetText(m.Username)
	s.sentFolder.SetText(m.SentFolder)
	s.copyToSent.SetChecked(m.CopyToSent)
	s.result.SetText("")
}

// readIMAP reads the section into a; the error names the field.
func (v *accountsView) readIMAP(a *Account) error {
	s := v.imap
	port, err := parseCount(s.port.Text)
	a.IMAP = IMAPSettings{
		CopyToSent: s.copyToSent.Checked, Host: s.host.Text, Port: port,
		Security: choiceValue(s.security, imapSecurityModes),
		Username: s.username.Text, SentFolder: s.sentFolder.Text,
		OwnPassword: s.ownPassword(), HasPassword: v.current.IMAP.HasPassword,
	}
	if err != nil {
		return fieldError(lang.L("IMAP port"), lang.L("enter a whole number, or leave it empty"))
	}
	return nil
}

// imapPassword is what the user typed for the IMAP login, if anything:
// the IMAP password field, or the sending one when they are shared.
func (v *accountsView) imapPassword() string {
	if v.imap.ownPassword() {
		return v.imap.password.Text
	}
	return v.password.Text
}

// testIMAP logs in to the IMAP server in the background and shows the
// Sent folder it found, or why it could not.
func (v *accountsView) testIMAP() {
	a, err := v.form()
	if err != nil {
		showError(err, v.win)
		return
	}
	s := v.imap
	password := v.imapPassword()
	s.test.Disable()
	s.busy.Show()
	s.busy.Start()
	s.result.SetText("")
	v.bridge.run(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), connectionTestTimeout)
		defer cancel()
		folder, err := v.book.TestIMAP(ctx, a, password)
		return func() {
			s.busy.Stop()
			s.busy.Hide()
			s.test.Enable()
			if err != nil {
				s.result.SetText("✗ " + sayErr(err))
				return
			}
			s.result.SetText("✓ " + lang.L("Signed in. Copies will go to the folder “{{.Folder}}”.", map[string]any{"Folder": folder}))
		}
	})
}

// keychainBanner says in plain words that passwords live for this session
// only, with the technical reason behind a Details button.
func keychainBanner(reason string) fyne.CanvasObject {
	warn := widget.NewLabelWithStyle(lang.L("No system keychain is available: passwords are kept only until you close Mailroom."),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	warn.Wrapping = fyne.TextWrapWord
	detail := widget.NewLabel(reason)
	detail.Wrapping = fyne.TextWrapWord
	// Selectable, so that the user can copy it for whoever helps them.
	detail.Selectable = true
	detail.Hide()
	var details *widget.Button
	details = widget.NewButton(lang.L("Details"), func() {
		if detail.Visible() {
			detail.Hide()
			details.SetText(lang.L("Details"))
		} else {
			detail.Show()
			details.SetText(lang.L("Hide details"))
		}
	})
	details.Importance = widget.LowImportance
	return container.NewVBox(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), details, warn), detail)
}
