package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"mailroom/app/accounts"
)

// Choosing another provider withdraws what the previous one filled: 163's
// server, port and IMAP copy do not stay hidden behind a custom server,
// where the connection test would fail on them (issue 11).
func TestAccountsViewSwitchingPresetLeavesNothingBehind(t *testing.T) {
	v, _, _ := newTestAccountsView(t, &fakeAccounts{})
	test.Type(v.fromAddress, "wang@163.com")
	if got := v.preset.Selected; got != "NetEase 163 Mail" {
		t.Fatalf("the address picked %q", got)
	}
	if v.host.Text != "smtp.163.com" || v.imap.host.Text != "imap.163.com" || !v.imap.copyToSent.Checked {
		t.Fatalf("163 not applied: %q, IMAP %q, copy %v", v.host.Text, v.imap.host.Text, v.imap.copyToSent.Checked)
	}

	v.preset.SetSelectedIndex(0) // Custom server
	a, err := v.form()
	if err != nil {
		t.Fatal(err)
	}
	if a.Host != "" || a.Port != 587 || a.Security != "starttls" || a.Auth != "auto" {
		t.Errorf("custom server keeps 163's settings: %s:%d %s %s", a.Host, a.Port, a.Security, a.Auth)
	}
	if a.IMAP.Host != "" || a.IMAP.Port != 0 || a.IMAP.CopyToSent {
		t.Errorf("custom server keeps 163's IMAP side: %+v", a.IMAP)
	}
	if a.FromAddress != "wang@163.com" || a.Username != "wang@163.com" {
		t.Errorf("the user's own fields changed: from %q, user %q", a.FromAddress, a.Username)
	}

	// A server typed by hand stays when another hand-set kind is chosen,
	// and gives way to a provider's.
	test.Type(v.host, "mail.example.com")
	v.preset.SetSelected("Other relay service")
	if v.host.Text != "mail.example.com" {
		t.Errorf("the typed server was replaced by %q", v.host.Text)
	}
	v.preset.SetSelected("QQ Mail")
	if v.host.Text != "smtp.qq.com" || v.port.Text != "465" || v.imap.host.Text != "imap.qq.com" {
		t.Errorf("QQ Mail: %s:%s, IMAP %s", v.host.Text, v.port.Text, v.imap.host.Text)
	}
}

// Typing a sender address picks its provider and fills the user name; the
// secret's field is named as the provider names it, with how to get one.
func TestAccountsViewAddressPicksThePresetAndNamesTheSecret(t *testing.T) {
	v, _, _ := newTestAccountsView(t, &fakeAccounts{})
	if v.passwordItem.Text != "Password" || v.secretHelp.Text != "" {
		t.Fatalf("a custom server asks for %q (%q)", v.passwordItem.Text, v.secretHelp.Text)
	}
	test.Type(v.fromAddress, "zhang@qq.com")
	if v.preset.Selected != "QQ Mail" || v.host.Text != "smtp.qq.com" || v.username.Text != "zhang@qq.com" {
		t.Errorf("zhang@qq.com: preset %q, server %q, user %q", v.preset.Selected, v.host.Text, v.username.Text)
	}
	if v.passwordItem.Text != "Authorisation code" || !strings.Contains(v.secretHelp.Text, "Generate authorisation code") {
		t.Errorf("QQ's secret field: %q (%q)", v.passwordItem.Text, v.secretHelp.Text)
	}

	// A user name the user typed is theirs: the address no longer moves it.
	v.username.SetText("")
	test.Type(v.username, "zhang")
	v.fromAddress.SetText("li@qq.com")
	if v.username.Text != "zhang" {
		t.Errorf("the typed user name became %q", v.username.Text)
	}

	// A provider the user chose is not overridden by the address.
	v.preset.SetSelected("Zoho Mail")
	v.fromAddress.SetText("wang@163.com")
	if v.preset.Selected != "Zoho Mail" {
		t.Errorf("the address replaced the chosen provider with %q", v.preset.Selected)
	}
}

func TestAccountsViewNamesTheAuthorisationCodeInChinese(t *testing.T) {
	inChinese(t)
	v, _, _ := newTestAccountsView(t, &fakeAccounts{})
	test.Type(v.fromAddress, "zhang@qq.com")
	if v.passwordItem.Text != "授权码" || !strings.Contains(v.secretHelp.Text, "生成授权码") {
		t.Errorf("QQ's secret field in Chinese: %q (%q)", v.passwordItem.Text, v.secretHelp.Text)
	}
	if !strings.Contains(v.presetNote.Text, "授权码") || strings.ContainsAny(v.presetNote.Text, ",:") {
		t.Errorf("QQ's note in Chinese: %q", v.presetNote.Text)
	}
}

// Saving follows the preset's rules: Amazon SES's SMTP user name is never
// the From address (the real account book, with a store of its own).
func TestAccountsViewSavesAmazonSESWithoutGuessingTheUserName(t *testing.T) {
	test.NewTempApp(t)
	book, err := openAccountBook(t.TempDir(), accounts.NewSessionSecrets(), false)
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	v := newAccountsView(book, w, newTestBridge())
	w.SetContent(v.content)

	v.preset.SetSelected("Amazon SES")
	test.Type(v.fromAddress, "billing@example.com")
	if v.username.Text != "" {
		t.Errorf("the form filled SES's user name with %q", v.username.Text)
	}
	test.Type(v.password, "smtp-secret")
	test.Tap(v.save)
	// Saving does not slip the address in: it asks for SES's user name.
	if n := len(book.store.List()); n != 0 {
		t.Fatalf("saved %d accounts without an SES user name", n)
	}
	if got := dialogText(w); !strings.Contains(got, "User name") || !strings.Contains(got, "SMTP user name Amazon SES gave you") {
		t.Errorf("the error says %q", got)
	}
	w.Canvas().Overlays().Top().Hide()
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
	test.Type(v.username, "AKIAEXAMPLE")
	test.Tap(v.save)
	saved := book.store.List()
	if len(saved) != 1 || saved[0].Username != "AKIAEXAMPLE" || saved[0].Preset != "ses" {
		t.Fatalf("saved %+v", saved)
	}
	if v.passwordItem.Text != "SMTP password" {
		t.Errorf("SES's secret field is named %q", v.passwordItem.Text)
	}
}

// The form scrolls with the wheel wherever the pointer is, also over a
// text field, and a click there still reaches the field.
func TestAccountsFormScrollsWithTheWheelOverAField(t *testing.T) {
	v, _, w := newTestAccountsView(t, &fakeAccounts{})
	w.Resize(fyne.NewSize(900, 500))
	var form *container.Scroll
	walk(v.content, func(o fyne.CanvasObject) {
		if s, ok := o.(*container.Scroll); ok && form == nil && s.Content.MinSize().Height > 600 {
			form = s
		}
	})
	if form == nil {
		t.Fatal("no scrolled form found")
	}
	d := fyne.CurrentApp().Driver()
	field := d.AbsolutePositionForObject(v.fromAddress).Add(fyne.NewPos(20, 10))
	test.Scroll(w.Canvas(), field, 0, -120)
	if form.Offset.Y <= 0 {
		t.Fatalf("the wheel over the From address field did not scroll the form (offset %v)", form.Offset)
	}
	// Fyne hands every other event to the deepest object under the
	// pointer that takes that kind of event; the layer takes none of them,
	// so clicks, typing, selection and the cursor still reach the fields.
	var layer any = newWheelLayer(form)
	for name, takes := range map[string]bool{
		"taps":        implements[fyne.Tappable](layer) || implements[fyne.SecondaryTappable](layer) || implements[fyne.DoubleTappable](layer),
		"drags":       implements[fyne.Draggable](layer),
		"mouse":       implements[desktop.Mouseable](layer) || implements[desktop.Hoverable](layer) || implements[desktop.Cursorable](layer),
		"focus, keys": implements[fyne.Focusable](layer) || implements[fyne.Shortcutable](layer),
	} {
		if takes {
			t.Errorf("the wheel layer takes %s away from the fields under it", name)
		}
	}
	// No space kept for test steps before a test has run.
	if v.steps.Visible() {
		t.Error("the empty test-steps area takes room below the buttons")
	}
}

func implements[I any](o any) bool {
	_, ok := o.(I)
	return ok
}
