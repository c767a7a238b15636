package ui

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// connectionTestTimeout bounds the whole test so that it never hangs, even
// when the backend forgets its own timeouts.
const connectionTestTimeout = 45 * time.Second

// accountsView lists the SMTP accounts and edits one at a time.
type accountsView struct {
	book   AccountBook
	win    fyne.Window
	bridge *bridge
	// onSaved lets other views refresh their account choice.
	onSaved func()

	accounts []Account
	current  Account

	list                        *widget.List
	empty                       *widget.Label
	preset                      *widget.Select
	presetNote                  *widget.Label
	name, fromName, fromAddress *widget.Entry
	replyTo, host, port         *widget.Entry
	security, auth              *widget.Select
	username, password          *widget.Entry
	perMinute, perHour, perDay  *widget.Entry
	maxMB, maxConns             *widget.Entry
	save, remove, test          *widget.Button
	trust                       *widget.Button
	untrustedCert               *Certificate
	testSteps                   *widget.Label
	testMessage                 *widget.Check
	testBusy                    *widget.ProgressBarInfinite
	imap                        *imapSection
	oauth                       *oauthSection
	fields                      *widget.Form
	// openURL shows the provider's sign-in page in the system browser;
	// tests replace it with a scripted browser.
	openURL func(authURL string) error
	dkim    *dkimSection
	// passwordItem is the secret's row, named as the provider names it;
	// secretHelp under the field says where to get the secret.
	passwordItem *widget.FormItem
	secretHelp   *widget.Label
	// formPreset is the preset the form's settings came from ("" for a
	// custom server); guessedPreset the one last picked from the address.
	formPreset, guessedPreset string
	// autoUsername is the user name the form filled in by itself: while
	// the field still holds it, it follows the address.
	autoUsername string
	// filling is set while an account is shown, so the fields' change
	// handlers do not take it for the user's choices.
	filling bool
	// steps holds the connection test's lines; hidden until a test runs.
	steps   fyne.CanvasObject
	content fyne.CanvasObject
}

var securityModes = []string{"starttls", "tls", "none"}

var authModes = []string{"auto", "plain", "login", "cram-md5", "xoauth2", "none"}

func securityLabel(mode string) string {
	switch mode {
	case "tls":
		return lang.L("Implicit TLS (SSL, port 465)")
	case "none":
		return lang.L("None (only for a server on this computer)")
	}
	return lang.L("STARTTLS required (port 587)")
}

func authLabel(mode string) string {
	switch mode {
	case "plain":
		return "PLAIN"
	case "login":
		return "LOGIN"
	case "cram-md5":
		return "CRAM-MD5"
	case "xoauth2":
		return lang.L("XOAUTH2 (access token)")
	case "none":
		return lang.L("None (the server accepts this computer without a login)")
	}
	return lang.L("Automatic")
}

func newAccountsView(book AccountBook, win fyne.Window, b *bridge) *accountsView {
	v := &accountsView{book: book, win: win, bridge: b, openURL: openInBrowser}
	v.list = widget.NewList(
		func() int { return len(v.accounts) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			a := v.accounts[i]
			o.(*widget.Label).SetText(a.Name + "  <" + a.FromAddress + ">")
		})
	v.list.OnSelected = func(i widget.ListItemID) { v.edit(v.accounts[i]) }
	add := widget.NewButtonWithIcon(lang.L("New account"), theme.ContentAddIcon(), func() {
		v.list.UnselectAll()
		v.edit(Account{Security: "starttls", Auth: "auto", Port: 587})
	})

	presetNames := []string{lang.L("Custom server")}
	for _, p := range book.Presets() {
		presetNames = append(presetNames, p.Name)
	}
	v.presetNote = widget.NewLabel("")
	v.presetNote.Wrapping = fyne.TextWrapWord
	v.presetNote.Hide()
	v.preset = newSelect(presetNames, func(string) { v.applyPreset() })

	v.name, v.fromName, v.fromAddress = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	v.replyTo, v.host, v.port = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	// Gmail's or Microsoft's server typed in by hand files its own Sent copy.
	v.host.OnChanged = func(string) {
		if v.imap != nil {
			v.refreshSentCopy(false)
		}
	}
	v.fromAddress.SetPlaceHolder("name@example.com")
	v.fromAddress.OnChanged = v.addressChanged
	v.security = newChoice(securityModes, securityLabel)
	v.auth = newChoice(authModes, authLabel)
	v.auth.OnChanged = func(string) { v.passwordHint() }
	v.username = widget.NewEntry()
	v.password = widget.NewPasswordEntry()
	v.perMinute, v.perHour, v.perDay = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	v.maxMB, v.maxConns = widget.NewEntry(), widget.NewEntry()
	for _, e := range []*widget.Entry{v.perMinute, v.perHour, v.perDay, v.maxMB, v.maxConns} {
		e.SetPlaceHolder(lang.L("no limit"))
	}

	v.save = widget.NewButtonWithIcon(lang.L("Save account"), theme.DocumentSaveIcon(), v.saveAccount)
	v.save.Importance = widget.HighImportance
	v.remove = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), v.confirmDelete)
	v.test = widget.NewButtonWithIcon(lang.L("Test connection"), theme.MailSendIcon(), v.testConnection)
	v.trust = widget.NewButtonWithIcon(lang.L("Trust this certificate…"), theme.WarningIcon(), v.confirmTrust)
	v.trust.Hide()
	v.testMessage = widget.NewCheck(lang.L("Also send a test message to my own address"), nil)
	v.testSteps = widget.NewLabel("")
	v.testSteps.Wrapping = fyne.TextWrapWord
	v.testBusy = widget.NewProgressBarInfinite()
	v.testBusy.Hide()
	v.oauth = v.newOAuthSection()

	v.secretHelp = widget.NewLabel("")
	v.secretHelp.Wrapping = fyne.TextWrapWord
	v.secretHelp.SizeName = theme.SizeNameCaptionText
	v.secretHelp.Hide()
	v.passwordItem = widget.NewFormItem(lang.L("Password"), newWithNote(v.password, v.secretHelp))
	v.fields = widget.NewForm(
		widget.NewFormItem(lang.L("Provider"), container.NewVBox(v.preset, v.presetNote, v.oauth.box)),
		widget.NewFormItem(lang.L("Account name"), v.name),
		widget.NewFormItem(lang.L("From name"), v.fromName),
		widget.NewFormItem(lang.L("From address"), v.fromAddress),
		widget.NewFormItem(lang.L("Reply-To"), v.replyTo),
		widget.NewFormItem(lang.L("Server"), v.host),
		widget.NewFormItem(lang.L("Port"), v.port),
		widget.NewFormItem(lang.L("Security"), v.security),
		widget.NewFormItem(lang.L("Authentication"), v.auth),
		widget.NewFormItem(lang.L("User name"), v.username),
		v.passwordItem,
		widget.NewFormItem(lang.L("Messages per minute"), v.perMinute),
		widget.NewFormItem(lang.L("Messages per hour"), v.perHour),
		widget.NewFormItem(lang.L("Messages per day"), v.perDay),
		widget.NewFormItem(lang.L("Largest message (MB)"), v.maxMB),
		widget.NewFormItem(lang.L("Connections at once"), v.maxConns),
	)
	v.imap = v.newIMAPSection()
	v.dkim = v.newDKIMSection()
	// The check sits under the buttons, so the row fits a narrow window.
	buttons := container.NewVBox(container.NewHBox(v.save, v.test, v.remove), v.testMessage)
	// The buttons and the test's steps stay in view below the long form;
	// the steps take room only once a test has run.
	steps := container.NewVScroll(container.NewVBox(v.testSteps, container.NewHBox(v.trust)))
	steps.SetMinSize(fyne.NewSize(0, 130))
	steps.Hide()
	v.steps = steps
	form := container.NewVScroll(container.NewVBox(v.fields, v.imap.accordion, v.dkim.accordion))
	editor := container.NewBorder(nil, container.NewVBox(buttons, v.testBusy, steps), nil, nil, wheelAnywhere(form))

	v.empty = widget.NewLabel(lang.L("No accounts yet. Fill in the form, or pick your provider first."))
	v.empty.Wrapping = fyne.TextWrapWord
	left := container.NewBorder(nil, add, nil, nil, container.NewStack(v.list, container.NewVBox(v.empty)))
	split := container.NewHSplit(left, editor)
	split.Offset = 0.3
	var top fyne.CanvasObject
	if reason := book.KeychainWarning(); reason != "" {
		top = keychainBanner(reason)
	}
	v.content = container.NewBorder(top, nil, nil, nil, split)
	v.reload("")
	if len(v.accounts) == 0 {
		v.edit(Account{Security: "starttls", Auth: "auto", Port: 587})
	} else {
		v.list.Select(0)
	}
	return v
}

// newChoice is a Select showing translated labels for stable values.
func newChoice(values []string, label func(string) string) *widget.Select {
	labels := make([]string, len(values))
	for i, v := range values {
		labels[i] = label(v)
	}
	s := newSelect(labels, nil)
	s.SetSelectedIndex(0)
	return s
}

func choiceValue(s *widget.Select, values []string) string {
	if i := s.SelectedIndex(); i >= 0 {
		return values[i]
	}
	return values[0]
}

func setChoice(s *widget.Select, values []string, value string) {
	for i, v := range values {
		if v == value {
			s.SetSelectedIndex(i)
			return
		}
	}
	s.SetSelectedIndex(0)
}

// reload reads the accounts again and selects the one with id.
func (v *accountsView) reload(id string) {
	accounts, err := v.book.List()
	if err != nil {
		showError(err, v.win)
		return
	}
	v.accounts = accounts
	v.list.Refresh()
	if len(accounts) == 0 {
		v.empty.Show()
	} else {
		v.empty.Hide()
	}
	for i, a := range accounts {
		if a.ID == id {
			v.list.Select(i)
		}
	}
}

// edit fills the form with a.
func (v *accountsView) edit(a Account) {
	v.filling = true
	defer func() { v.filling = false }()
	v.current = a
	v.formPreset, v.guessedPreset = a.PresetID, ""
	v.selectPreset(a.PresetID)
	v.name.SetText(a.Name)
	v.fromName.SetText(a.FromName)
	v.fromAddress.SetText(a.FromAddress)
	v.replyTo.SetText(a.ReplyTo)
	v.host.SetText(a.Host)
	v.port.SetText(intText(a.Port))
	setChoice(v.security, securityModes, a.Security)
	setChoice(v.auth, authModes, a.Auth)
	v.username.SetText(a.Username)
	v.autoUsername = v.book.DefaultUsername(a)
	v.password.SetText("")
	v.passwordHint()
	v.perMinute.SetText(intText(a.PerMinute))
	v.perHour.SetText(intText(a.PerHour))
	v.perDay.SetText(intText(a.PerDay))
	v.maxMB.SetText(intText(a.MaxMessageMB))
	v.maxConns.SetText(intText(a.MaxConnections))
	v.fillIMAP(a.IMAP)
	v.fillOAuth(a.OAuth)
	v.showOAuth(v.selectedPreset())
	v.showSecretField(v.selectedPreset())
	v.fillDKIM(a.DKIM)
	v.testSteps.SetText("")
	v.steps.Hide()
	v.trust.Hide()
	if a.ID == "" {
		v.remove.Disable()
	} else {
		v.remove.Enable()
	}
}

// passwordHint says what goes into the password field: an access token
// for XOAUTH2, and whether one is already stored.
func (v *accountsView) passwordHint() {
	if v.oauth != nil && v.signedIn() {
		v.password.SetText("")
		v.password.SetPlaceHolder(lang.L("Not needed: signed in with {{.Provider}}", map[string]any{"Provider": v.oauth.name}))
		v.setPasswordEnabled(false)
		return
	}
	v.setPasswordEnabled(true)
	var hint string
	switch {
	case v.current.HasPassword:
		hint = lang.L("Stored in the keychain; type to replace")
	case choiceValue(v.auth, authModes) == "xoauth2":
		hint = lang.L("OAuth 2 access token")
	case choiceValue(v.auth, authModes) == "none":
		hint = lang.L("not needed")
	}
	v.password.SetPlaceHolder(hint)
}

// setPasswordEnabled also greys the field's label, which the form only
// redraws when refreshed.
func (v *accountsView) setPasswordEnabled(on bool) {
	if on == !v.password.Disabled() {
		return
	}
	if on {
		v.password.Enable()
	} else {
		v.password.Disable()
	}
	if v.fields != nil {
		v.fields.Refresh()
	}
}

// form reads the account from the widgets; the error names the field.
func (v *accountsView) form() (Account, error) {
	a := v.current
	a.PresetID = v.presetID()
	a.Name, a.FromName, a.FromAddress = v.name.Text, v.fromName.Text, v.fromAddress.Text
	a.ReplyTo, a.Host, a.Username = v.replyTo.Text, v.host.Text, v.username.Text
	a.Security = choiceValue(v.security, securityModes)
	a.Auth = choiceValue(v.auth, authModes)
	fields := []struct {
		label string
		entry *widget.Entry
		dst   *int
	}{
		{lang.L("Port"), v.port, &a.Port},
		{lang.L("Messages per minute"), v.perMinute, &a.PerMinute},
		{lang.L("Messages per hour"), v.perHour, &a.PerHour},
		{lang.L("Messages per day"), v.perDay, &a.PerDay},
		{lang.L("Largest message (MB)"), v.maxMB, &a.MaxMessageMB},
		{lang.L("Connections at once"), v.maxConns, &a.MaxConnections},
	}
	var first error
	for _, f := range fields {
		n, err := parseCount(f.entry.Text)
		if err != nil && first == nil {
			first = fieldError(f.label, lang.L("enter a whole number, or leave it empty"))
		}
		*f.dst = n
	}
	if err := v.readIMAP(&a); err != nil && first == nil {
		first = err
	}
	v.readOAuth(&a)
	v.readDKIM(&a)
	if a.Name == "" {
		a.Name = a.FromAddress
	}
	return a, first
}

// formFields reads the widgets as they are, a field that is not a whole
// number as empty: what a preset switch starts from.
func (v *accountsView) formFields() Account {
	a, _ := v.form()
	return a
}

func (v *accountsView) saveAccount() {
	a, err := v.form()
	if err != nil {
		showError(err, v.win)
		return
	}
	saved, err := v.book.Save(a, v.password.Text, v.imap.password.Text)
	if err != nil {
		showError(err, v.win)
		return
	}
	v.reload(saved.ID)
	v.edit(saved)
	if v.onSaved != nil {
		v.onSaved()
	}
}

func (v *accountsView) confirmDelete() {
	id, name := v.current.ID, v.current.Name
	dialog.ShowConfirm(lang.L("Delete account"),
		lang.L("Delete the account {{.Name}} and its stored password?", map[string]any{"Name": name}),
		func(ok bool) {
			if !ok {
				return
			}
			if err := v.book.Delete(id); err != nil {
				showError(err, v.win)
				return
			}
			v.list.UnselectAll()
			v.reload("")
			v.edit(Account{Security: "starttls", Auth: "auto", Port: 587})
			if v.onSaved != nil {
				v.onSaved()
			}
		}, v.win)
}

func intText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// parseCount reads an optional non-negative whole number.
func parseCount(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, strconv.ErrSyntax
	}
	return n, nil
}
