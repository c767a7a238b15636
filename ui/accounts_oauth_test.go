package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/emersion/go-imap/v2"
	"github.com/zalando/go-keyring"

	"mailroom/app/accounts"
	"mailroom/app/msg"
	"mailroom/app/oauth"
	"mailroom/app/oauth/oauthtest"
	"mailroom/app/sentfolder/imaptest"
	"mailroom/sender/smtptest"
)

// oauthForm is the account view on the real account backend (a mocked
// keychain, a settings folder of the test's own) with a local
// authorization server playing Google, and the browser opener replaced by
// a scripted browser that consents.
type oauthForm struct {
	fake   *oauthtest.Server
	book   *accountBook
	view   *accountsView
	bridge *bridge
	opened []string
}

func newOAuthForm(t *testing.T, builtIn bool) *oauthForm {
	t.Helper()
	test.NewTempApp(t)
	keyring.MockInit()
	f := &oauthForm{fake: oauthtest.New(), bridge: newTestBridge()}
	t.Cleanup(f.fake.Close)
	f.fake.Email = "zhang.wei@gmail.com"
	p := oauth.Provider{ID: accounts.OAuthGoogle, Name: "Google", AuthURL: f.fake.AuthURL(), TokenURL: f.fake.TokenURL(),
		RevokeURL: f.fake.RevokeURL(), Scopes: []string{"https://mail.google.com/", "openid", "email"}}
	if builtIn {
		p.ClientID = f.fake.ClientID
	}
	book, err := openAccountBook(t.TempDir(), accounts.Keychain{}, false, oauth.WithProvider(p))
	if err != nil {
		t.Fatal(err)
	}
	f.book = book
	w := test.NewTempWindow(t, nil)
	f.view = newAccountsView(book, w, f.bridge)
	f.view.openURL = func(u string) error {
		f.opened = append(f.opened, u)
		return f.fake.Consent(u)
	}
	w.SetContent(f.view.content)
	return f
}

func TestSignInWithGoogleFromTheAccountForm(t *testing.T) {
	f := newOAuthForm(t, true)
	v := f.view
	if v.oauth.box.Visible() {
		t.Fatal("sign-in offered for a custom server")
	}
	v.preset.SetSelected("Gmail")
	if !v.oauth.box.Visible() || v.oauth.signIn.Text != "Sign in with Google" || v.oauth.signOut.Visible() {
		t.Fatalf("Gmail: box shown %v, button %q", v.oauth.box.Visible(), v.oauth.signIn.Text)
	}
	test.Type(v.fromName, "张伟")
	test.Tap(v.oauth.signIn)
	f.bridge.wait()

	if len(f.opened) != 1 || !strings.HasPrefix(f.opened[0], f.fake.AuthURL()) {
		t.Fatalf("browser opened %v", f.opened)
	}
	saved := f.book.store.List()
	if len(saved) != 1 {
		t.Fatalf("%d accounts saved", len(saved))
	}
	a := saved[0]
	if a.OAuth.Provider != accounts.OAuthGoogle || a.OAuth.SignedInAs != "zhang.wei@gmail.com" || a.Auth != accounts.AuthXOAUTH2 ||
		a.Username != "zhang.wei@gmail.com" || a.FromAddress != "zhang.wei@gmail.com" || a.FromName != "张伟" || a.Host != "smtp.gmail.com" {
		t.Fatalf("saved %+v", a)
	}
	if v, err := keyring.Get(accounts.KeychainService, a.OAuthSecretID()); err != nil || v == "" {
		t.Fatalf("no refresh token in the keychain: %v", err)
	}
	if !strings.Contains(v.oauth.status.Text, "Signed in as zhang.wei@gmail.com") || !v.oauth.signOut.Visible() || v.oauth.signIn.Text != "Sign in again" {
		t.Fatalf("status %q, sign out shown %v", v.oauth.status.Text, v.oauth.signOut.Visible())
	}
	if !v.password.Disabled() || !strings.Contains(v.password.PlaceHolder, "signed in with Google") {
		t.Errorf("password field: disabled %v, placeholder %q", v.password.Disabled(), v.password.PlaceHolder)
	}
	if v.current.ID != a.ID || choiceValue(v.auth, authModes) != "xoauth2" {
		t.Errorf("form shows %q with auth %q", v.current.ID, choiceValue(v.auth, authModes))
	}
	// Saving the form again keeps the sign-in.
	test.Tap(v.save)
	if got, _ := f.book.store.Get(a.ID); got.OAuth.SignedInAs != "zhang.wei@gmail.com" || !f.book.oauth.SignedIn(got) {
		t.Fatalf("saving dropped the sign-in: %+v", got.OAuth)
	}

	// Sign out: revoked at the provider, gone from the keychain.
	test.Tap(v.oauth.signOut)
	tapDialogButton(t, f.view.win, "Yes")
	f.bridge.wait()
	if _, _, revoked := f.fake.Counts(); revoked != 1 {
		t.Error("the sign-in was not revoked at Google")
	}
	if _, err := keyring.Get(accounts.KeychainService, a.OAuthSecretID()); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("refresh token still in the keychain: %v", err)
	}
	if v.oauth.signOut.Visible() || !strings.Contains(v.oauth.status.Text, "Not signed in") || v.password.Disabled() {
		t.Errorf("after signing out: status %q", v.oauth.status.Text)
	}
}

func TestSignInWithoutAppIDExplainsWhatToRegister(t *testing.T) {
	f := newOAuthForm(t, false)
	v := f.view
	v.preset.SetSelected("Gmail")
	if len(v.oauth.ownApp.Items) != 1 || !v.oauth.ownApp.Items[0].Open {
		t.Error("without a built-in app the organisation's own app section is not open")
	}
	test.Type(v.fromAddress, "zhang.wei@gmail.com")
	test.Tap(v.oauth.signIn)
	f.bridge.wait()
	if got := dialogText(v.win); !strings.Contains(got, "Desktop app") || !strings.Contains(got, "Your organisation's own app") {
		t.Fatalf("dialog says %q", got)
	}
	if len(f.opened) != 0 || len(f.book.store.List()) != 0 {
		t.Fatal("the browser opened or an account was saved without an app")
	}
	tapDialogButton(t, v.win, "OK")
	// The organisation pastes its own app and signs in with it.
	test.Type(v.oauth.clientID, f.fake.ClientID)
	test.Tap(v.oauth.signIn)
	f.bridge.wait()
	saved := f.book.store.List()
	if len(saved) != 1 || saved[0].OAuth.ClientID != f.fake.ClientID || saved[0].OAuth.SignedInAs == "" {
		t.Fatalf("saved %+v", saved)
	}
}

func TestSignInDeclinedSavesNothing(t *testing.T) {
	f := newOAuthForm(t, true)
	f.fake.Deny = true
	v := f.view
	v.preset.SetSelected("Gmail")
	test.Tap(v.oauth.signIn)
	f.bridge.wait()
	if got := dialogText(v.win); !strings.Contains(got, "did not allow Mailroom") {
		t.Fatalf("dialog says %q", got)
	}
	if len(f.book.store.List()) != 0 {
		t.Fatal("an account was saved after the user declined")
	}
}

func TestSignInDialogIsChinese(t *testing.T) {
	inChinese(t)
	f := newOAuthForm(t, false)
	v := f.view
	v.preset.SetSelected("Gmail")
	if v.oauth.signIn.Text != "用 Google 登录" {
		t.Errorf("button %q", v.oauth.signIn.Text)
	}
	test.Tap(v.oauth.signIn)
	f.bridge.wait()
	if got := dialogText(v.win); !strings.Contains(got, "桌面应用") {
		t.Fatalf("the explanation is not in Chinese: %q", got)
	}
}

func TestChoosingAnotherProviderDropsTheSignIn(t *testing.T) {
	f := newOAuthForm(t, true)
	v := f.view
	v.preset.SetSelected("Gmail")
	test.Tap(v.oauth.signIn)
	f.bridge.wait()
	a := f.book.store.List()[0]
	if !f.book.oauth.SignedIn(a) {
		t.Fatal("not signed in")
	}
	// The user moves the account to QQ Mail with an authorisation code.
	v.preset.SetSelected("QQ Mail")
	if v.oauth.box.Visible() || v.password.Disabled() {
		t.Fatal("QQ Mail shows Google's sign-in")
	}
	test.Type(v.password, "qq-auth-code")
	test.Tap(v.save)
	got, _ := f.book.store.Get(a.ID)
	if got.OAuth.Provider != "" || got.Auth == accounts.AuthXOAUTH2 {
		t.Fatalf("saved %+v", got)
	}
	if _, err := keyring.Get(accounts.KeychainService, a.OAuthSecretID()); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("Google's refresh token stayed in the keychain: %v", err)
	}
	if pw, _ := f.book.store.Password(a.ID); pw != "qq-auth-code" {
		t.Errorf("password %q", pw)
	}
}

// TestRevokedSignInStopIsInTheWindowsLanguage: a run stopped because the
// sign-in must be renewed says so in Chinese, not in the engine's English.
func TestRevokedSignInStopIsInTheWindowsLanguage(t *testing.T) {
	inChinese(t)
	runner := &fakeRunner{}
	v, _, b := newTestSend(t, runner)
	test.Tap(v.check)
	b.wait()
	started := startAndWait(t, v, b, runner)
	words := msg.Errorf(accounts.ErrSignInAgain, "{{.Provider}} no longer accepts the sign-in of {{.Account}} (it was signed out, expired, or the password was changed): open the account under Accounts and sign in again.",
		"Provider", "Google", "Account", "Work")
	started.err = fmt.Errorf("sender: authentication failed: %w", words)
	started.finish(Progress{Total: 10, Sent: 4, Pending: 6})
	b.wait()
	if !strings.Contains(v.verdict.Text, "重新登录") || strings.Contains(v.verdict.Text, "authentication failed") {
		t.Fatalf("verdict %q", v.verdict.Text)
	}
}

// TestSignedInAccountTestsItsConnectionWithAToken: after signing in, the
// connection test and the IMAP test log in with XOAUTH2 and an access
// token from the sign-in, against servers that take only the provider's
// tokens.
func TestSignedInAccountTestsItsConnectionWithAToken(t *testing.T) {
	f := newOAuthForm(t, true)
	v := f.view
	v.preset.SetSelected("Gmail")
	test.Tap(v.oauth.signIn)
	f.bridge.wait()
	user := f.fake.Email
	valid := func(tok string) bool { return f.fake.Valid(user, tok) }
	smtp := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSImplicit), smtptest.WithXOAUTH2(user, valid))
	mailbox, err := imaptest.New(user, "unused", imaptest.WithXOAUTH2(valid), imaptest.WithFolder("Sent Mail", imap.MailboxAttrSent))
	if err != nil {
		t.Fatal(err)
	}
	defer mailbox.Close()
	a := f.book.store.List()[0]
	a.Host, a.Port = smtp.Host(), smtp.Port()
	a = mailbox.Configure(a)
	a.Trust.CAPEM = string(smtp.CAPEM()) + mailbox.CAPEM()
	if err := f.book.store.Update(a); err != nil {
		t.Fatal(err)
	}
	v.edit(f.book.toUI(a))
	test.Tap(v.test)
	f.bridge.wait()
	if !strings.Contains(v.testSteps.Text, "✓ The account works.") || !strings.Contains(v.testSteps.Text, "XOAUTH2") {
		t.Fatalf("connection test:\n%s", v.testSteps.Text)
	}
	test.Tap(v.imap.test)
	f.bridge.wait()
	if !strings.Contains(v.imap.result.Text, "Sent Mail") {
		t.Fatalf("IMAP test: %q", v.imap.result.Text)
	}
}
