package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func newTestAccountsView(t *testing.T, book *fakeAccounts) (*accountsView, *bridge, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newAccountsView(book, w, b)
	w.SetContent(v.content)
	return v, b, w
}

func TestIMAPSectionFillsFromThePreset(t *testing.T) {
	v, _, _ := newTestAccountsView(t, &fakeAccounts{})
	s := v.imap
	if s.host.Text != "" || s.copyToSent.Checked || s.note.Visible() {
		t.Fatalf("a new custom account starts with IMAP host %q, copy %v, note shown %v", s.host.Text, s.copyToSent.Checked, s.note.Visible())
	}

	v.preset.SetSelected("QQ Mail")
	if s.host.Text != "imap.qq.com" || s.port.Text != "993" || choiceValue(s.security, imapSecurityModes) != "tls" || !s.copyToSent.Checked {
		t.Errorf("QQ preset: host %q port %q security %q copy %v", s.host.Text, s.port.Text, choiceValue(s.security, imapSecurityModes), s.copyToSent.Checked)
	}
	if !s.copyToSent.Visible() || !s.note.Visible() || !strings.Contains(s.note.Text, "turn this off") {
		t.Errorf("QQ: switch shown %v, note shown %v %q", s.copyToSent.Visible(), s.note.Visible(), s.note.Text)
	}

	// Gmail files its own copy: no switch at all, and the reason instead.
	v.preset.SetSelected("Gmail")
	if s.host.Text != "imap.gmail.com" || s.copyToSent.Checked || s.copyToSent.Visible() {
		t.Errorf("Gmail preset: host %q copy %v shown %v, want imap.gmail.com and no copy offered", s.host.Text, s.copyToSent.Checked, s.copyToSent.Visible())
	}
	if !s.note.Visible() || !strings.Contains(s.note.Text, "Gmail already puts every message") {
		t.Errorf("Gmail's note next to the switch: shown %v, %q", s.note.Visible(), s.note.Text)
	}

	v.preset.SetSelectedIndex(0) // back to a custom server, on another host
	v.host.SetText("mail.example.com")
	if strings.Contains(s.note.Text, "Gmail") || !s.copyToSent.Visible() {
		t.Errorf("after choosing a custom server: switch shown %v, note %q", s.copyToSent.Visible(), s.note.Text)
	}
}

// A custom server copies by default once its IMAP server is typed in; the
// switch disappears when the SMTP server typed in is Gmail's or Microsoft's.
func TestIMAPSectionCustomServerCopiesByDefault(t *testing.T) {
	v, _, _ := newTestAccountsView(t, &fakeAccounts{})
	s := v.imap
	test.Type(v.host, "mail.example.com")
	if s.copyToSent.Checked || s.note.Visible() {
		t.Fatalf("no IMAP server yet: copy %v, note %q shown %v", s.copyToSent.Checked, s.note.Text, s.note.Visible())
	}
	test.Type(s.host, "imap.example.com")
	if !s.copyToSent.Checked || !s.note.Visible() {
		t.Errorf("IMAP server typed: copy %v, note shown %v", s.copyToSent.Checked, s.note.Visible())
	}
	test.Tap(s.copyToSent) // the user's choice sticks while they type on
	test.Type(s.host, "x")
	if s.copyToSent.Checked {
		t.Error("editing the IMAP server overrode the user's choice")
	}
	v.host.SetText("smtp.office365.com")
	if s.copyToSent.Visible() || s.copyToSent.Checked || !strings.Contains(s.note.Text, "Microsoft 365") {
		t.Errorf("Microsoft's server typed in: switch shown %v, copy %v, note %q", s.copyToSent.Visible(), s.copyToSent.Checked, s.note.Text)
	}
}

func TestIMAPSectionSavesItsFieldsAndOwnPassword(t *testing.T) {
	book := &fakeAccounts{}
	v, _, _ := newTestAccountsView(t, book)
	s := v.imap
	v.preset.SetSelected("QQ Mail")
	test.Type(v.fromAddress, "lilei@qq.com")
	test.Type(v.username, "lilei@qq.com")
	test.Type(v.password, "smtp-code")
	s.port.SetText("")
	test.Type(s.port, "143")
	s.security.SetSelectedIndex(1)
	test.Type(s.username, "lilei")
	test.Type(s.sentFolder, "已发送")
	if s.password.Visible() {
		t.Fatal("the IMAP password field is shown while the sending password is shared")
	}
	s.passwordMode.SetSelected(s.ownLabel())
	if !s.password.Visible() {
		t.Fatal("choosing its own password does not show the IMAP password field")
	}
	test.Type(s.password, "imap-code")
	test.Tap(v.save)

	if len(book.accounts) != 1 {
		t.Fatalf("saved %d accounts, want 1", len(book.accounts))
	}
	a := book.accounts[0]
	want := IMAPSettings{CopyToSent: true, Host: "imap.qq.com", Port: 143, Security: "starttls", Username: "lilei",
		SentFolder: "已发送", OwnPassword: true, HasPassword: true}
	if a.IMAP != want {
		t.Errorf("saved IMAP %+v, want %+v", a.IMAP, want)
	}
	if book.passwords[a.ID] != "smtp-code" || book.imapPasswords[a.ID] != "imap-code" {
		t.Errorf("passwords handed over: SMTP %q, IMAP %q", book.passwords[a.ID], book.imapPasswords[a.ID])
	}
	if s.password.Text != "" || s.password.PlaceHolder == "" {
		t.Errorf("after saving, the IMAP password field should be empty with a stored-password hint (text %q, hint %q)", s.password.Text, s.password.PlaceHolder)
	}

	// Opening the saved account shows the section as saved, unfolded.
	v.edit(Account{})
	v.list.UnselectAll()
	v.list.Select(0)
	if s.host.Text != "imap.qq.com" || s.port.Text != "143" || s.username.Text != "lilei" || s.sentFolder.Text != "已发送" || !s.ownPassword() {
		t.Errorf("reopened: host %q port %q user %q folder %q own %v", s.host.Text, s.port.Text, s.username.Text, s.sentFolder.Text, s.ownPassword())
	}
	if !s.accordion.Items[0].Open {
		t.Error("the section of an account that copies to Sent is folded away")
	}
}

func TestIMAPSectionNamesTheFieldOfABadPort(t *testing.T) {
	book := &fakeAccounts{}
	v, _, w := newTestAccountsView(t, book)
	test.Type(v.fromAddress, "a@example.com")
	test.Type(v.imap.port, "99x")
	test.Tap(v.save)
	if len(book.accounts) != 0 {
		t.Fatal("an account with IMAP port 99x was saved")
	}
	if got := dialogText(w); !strings.Contains(got, "IMAP port") {
		t.Errorf("error dialog says %q, want it to name the IMAP port", got)
	}
}

func TestIMAPSectionShowsValidationErrorsOfTheBackend(t *testing.T) {
	book := &fakeAccounts{saveErr: errors.New(`account "a@example.com": IMAP server is empty: copying sent messages to the Sent folder needs the IMAP server name`)}
	v, _, w := newTestAccountsView(t, book)
	test.Type(v.fromAddress, "a@example.com")
	test.Tap(v.imap.copyToSent)
	test.Tap(v.save)
	if got := dialogText(w); !strings.Contains(got, "IMAP server is empty") {
		t.Errorf("error dialog says %q", got)
	}
}

func TestIMAPTestShowsTheSentFolder(t *testing.T) {
	book := &fakeAccounts{folder: "已发送"}
	v, b, _ := newTestAccountsView(t, book)
	v.preset.SetSelected("QQ Mail")
	test.Type(v.fromAddress, "lilei@qq.com")
	test.Type(v.password, "smtp-code")
	test.Tap(v.imap.test)
	if !v.imap.test.Disabled() || !v.imap.busy.Visible() {
		t.Error("the test button is not disabled, or no progress is shown, while the test runs")
	}
	b.wait()

	if got := v.imap.result.Text; !strings.HasPrefix(got, "✓") || !strings.Contains(got, "已发送") {
		t.Errorf("result %q, want success naming the folder", got)
	}
	if v.imap.test.Disabled() || v.imap.busy.Visible() {
		t.Error("test button still disabled or progress still shown after the test")
	}
	if len(book.imapTested) != 1 || book.imapTested[0].IMAP.Host != "imap.qq.com" || book.imapPasswordsTried[0] != "smtp-code" {
		t.Errorf("tested %+v with password %q; want the form's IMAP server and the shared sending password", book.imapTested, book.imapPasswordsTried)
	}
}

func TestIMAPTestShowsWhyItFailed(t *testing.T) {
	book := &fakeAccounts{imapErr: errors.New("imap.qq.com refused the login: use the authorisation code")}
	v, b, _ := newTestAccountsView(t, book)
	v.preset.SetSelected("QQ Mail")
	test.Type(v.fromAddress, "lilei@qq.com")
	v.imap.passwordMode.SetSelected(v.imap.ownLabel())
	test.Type(v.imap.password, "imap-code")
	test.Tap(v.imap.test)
	b.wait()

	if got := v.imap.result.Text; got != "✗ imap.qq.com refused the login: use the authorisation code" {
		t.Errorf("result %q", got)
	}
	if v.imap.test.Disabled() {
		t.Error("test button still disabled after a failed test")
	}
	if book.imapPasswordsTried[0] != "imap-code" {
		t.Errorf("tested with %q, want the separate IMAP password", book.imapPasswordsTried[0])
	}
}

func TestKeychainBannerIsPlainWithDetailsOnRequest(t *testing.T) {
	reason := "failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"
	v, _, _ := newTestAccountsView(t, &fakeAccounts{keychain: reason})
	var plain, detail *widget.Label
	var details *widget.Button
	walk(v.content, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			if strings.HasPrefix(o.Text, "No system keychain") {
				plain = o
			}
			if o.Text == reason {
				detail = o
			}
		case *widget.Button:
			if o.Text == "Details" {
				details = o
			}
		}
	})
	if plain == nil || strings.Contains(plain.Text, "freedesktop") {
		t.Fatalf("no plain keychain warning (found %v)", plain)
	}
	if detail == nil || details == nil {
		t.Fatal("the technical reason or the Details button is missing")
	}
	if detail.Visible() {
		t.Error("the technical reason is shown before asking for details")
	}
	test.Tap(details)
	if !detail.Visible() || details.Text != "Hide details" {
		t.Errorf("after Details: reason shown %v, button %q", detail.Visible(), details.Text)
	}
	test.Tap(details)
	if detail.Visible() {
		t.Error("Hide details leaves the reason shown")
	}
}
