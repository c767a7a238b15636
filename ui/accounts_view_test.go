package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestAccountsViewSavesAnAccountFilledFromAPreset(t *testing.T) {
	test.NewTempApp(t)
	book := &fakeAccounts{}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newAccountsView(book, w, b)
	w.SetContent(v.content)

	v.preset.SetSelected("QQ Mail")
	if v.host.Text != "smtp.qq.com" || v.port.Text != "465" || choiceValue(v.security, securityModes) != "tls" {
		t.Fatalf("preset not applied: host %q port %q security %q", v.host.Text, v.port.Text, choiceValue(v.security, securityModes))
	}
	if !strings.Contains(v.presetNote.Text, "authorisation code") {
		t.Errorf("preset note = %q", v.presetNote.Text)
	}
	test.Type(v.fromName, "李雷")
	test.Type(v.fromAddress, "lilei@qq.com")
	if v.username.Text != "lilei@qq.com" {
		t.Errorf("user name %q does not follow the address", v.username.Text)
	}
	test.Type(v.password, "auth-code")
	test.Tap(v.save)

	if len(book.accounts) != 1 {
		t.Fatalf("saved %d accounts, want 1", len(book.accounts))
	}
	a := book.accounts[0]
	if a.PresetID != "qq" || a.Host != "smtp.qq.com" || a.Port != 465 || a.FromName != "李雷" || a.Name != "lilei@qq.com" {
		t.Errorf("saved %+v", a)
	}
	if book.passwords[a.ID] != "auth-code" {
		t.Errorf("password not handed to the keychain")
	}
	if v.password.Text != "" || v.password.PlaceHolder == "" {
		t.Errorf("after saving, the password field should be empty with a stored-password hint")
	}
}

func TestAccountsViewRejectsANonNumericPort(t *testing.T) {
	test.NewTempApp(t)
	book := &fakeAccounts{}
	w := test.NewTempWindow(t, nil)
	v := newAccountsView(book, w, newTestBridge())
	w.SetContent(v.content)
	v.port.SetText("58x")
	test.Type(v.fromAddress, "a@example.com")
	test.Tap(v.save)
	if len(book.accounts) != 0 {
		t.Fatal("an account with port 58x was saved")
	}
	if got := dialogText(w); !strings.Contains(got, "Port") || !strings.Contains(got, "whole number") {
		t.Errorf("error dialog says %q, want it to name the Port field", got)
	}
}

func TestAccountsViewShowsEachConnectionTestStep(t *testing.T) {
	test.NewTempApp(t)
	book := &fakeAccounts{
		steps: []ConnStep{
			{Step: "dns", OK: true, Detail: "smtp.qq.com is 1.2.3.4"},
			{Step: "tls", OK: true, Detail: "TLS 1.3"},
			{Step: "auth", OK: false, Detail: "535 Login fail"},
		},
		testErr: errors.New("wrong password: QQ Mail needs an authorisation code"),
	}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newAccountsView(book, w, b)
	w.SetContent(v.content)
	v.host.SetText("smtp.qq.com")
	test.Tap(v.test)
	b.wait()

	got := v.testSteps.Text
	for _, want := range []string{"✓ Looking up the server: smtp.qq.com is 1.2.3.4", "✓ Encryption: TLS 1.3", "✗ Signing in: 535 Login fail", "✗ wrong password: QQ Mail needs an authorisation code"} {
		if !strings.Contains(got, want) {
			t.Errorf("steps %q lack %q", got, want)
		}
	}
	if v.test.Disabled() || v.testBusy.Visible() {
		t.Error("test button still disabled or progress still shown after the test ended")
	}
	if len(book.tested) != 1 || book.tested[0].Host != "smtp.qq.com" {
		t.Errorf("tested %+v", book.tested)
	}
	// Ticking the box asks for a test message to the account's own address.
	test.Tap(v.testMessage)
	test.Tap(v.test)
	b.wait()
	if len(book.testMessages) != 2 || book.testMessages[0] || !book.testMessages[1] {
		t.Errorf("test message asked for per test: %v, want [false true]", book.testMessages)
	}
}

func TestAccountsViewDeletesAfterConfirmation(t *testing.T) {
	test.NewTempApp(t)
	book := &fakeAccounts{accounts: []Account{{ID: "a1", Name: "Work", FromAddress: "me@example.com", Port: 587}}}
	w := test.NewTempWindow(t, nil)
	v := newAccountsView(book, w, newTestBridge())
	w.SetContent(v.content)
	v.list.Select(0)
	if v.name.Text != "Work" {
		t.Fatalf("selecting the account shows %q", v.name.Text)
	}
	test.Tap(v.remove)
	tapDialogButton(t, w, "Yes")
	if len(book.accounts) != 0 {
		t.Error("account not deleted")
	}
	if !v.remove.Disabled() {
		t.Error("delete stays enabled for the empty form")
	}
}
