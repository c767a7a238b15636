package oauth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"mailroom/app/accounts"
	"mailroom/app/msg"
	"mailroom/app/oauth"
	"mailroom/app/oauth/oauthtest"
)

// provider makes the fake server play Google.
func provider(fake *oauthtest.Server) oauth.Provider {
	return oauth.Provider{
		ID: accounts.OAuthGoogle, Name: "Google",
		AuthURL: fake.AuthURL(), TokenURL: fake.TokenURL(), RevokeURL: fake.RevokeURL(),
		Scopes:     []string{"https://mail.google.com/", "openid", "email"},
		AuthParams: map[string]string{"access_type": "offline", "prompt": "consent"},
		ClientID:   fake.ClientID, ClientSecret: fake.ClientSecret,
	}
}

func gmailAccount() accounts.Account {
	return accounts.Account{
		ID: "acct-oauth", DisplayName: "Work", FromAddress: "sender@example.com",
		Host: "smtp.gmail.com", Port: 465, Security: accounts.SecurityTLS, Auth: accounts.AuthXOAUTH2,
		Username: "sender@example.com", Preset: "gmail",
		OAuth: accounts.OAuth{Provider: accounts.OAuthGoogle},
	}
}

// setup starts a fake Google, a mocked keychain and a Service using both.
func setup(t *testing.T) (*oauthtest.Server, *oauth.Service, oauth.Provider) {
	t.Helper()
	keyring.MockInit()
	fake := oauthtest.New()
	fake.ClientSecret = "desktop-secret"
	t.Cleanup(fake.Close)
	p := provider(fake)
	return fake, oauth.New(accounts.Keychain{}, oauth.WithProvider(p)), p
}

// signIn runs the whole browser sign-in with the fake server consenting.
func signIn(t *testing.T, fake *oauthtest.Server, svc *oauth.Service, p oauth.Provider, a accounts.Account) *oauth.Grant {
	t.Helper()
	g, err := svc.SignIn(context.Background(), a, p, fake.Consent)
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if err := svc.Keep(a, g); err != nil {
		t.Fatal(err)
	}
	return g
}

// signedIn is a Gmail account signed in through the fake provider (set
// up first by configure, if given) and a fresh token source for it, as a
// run makes.
func signedIn(t *testing.T, configure func(*oauthtest.Server)) (*oauthtest.Server, *oauth.Service, accounts.Account, *oauth.Source) {
	t.Helper()
	fake, svc, p := setup(t)
	if configure != nil {
		configure(fake)
	}
	a := gmailAccount()
	signIn(t, fake, svc, p, a)
	src, err := svc.Source(a)
	if err != nil {
		t.Fatal(err)
	}
	return fake, svc, a, src
}

func TestSignInWithPKCEKeepsRefreshTokenInKeychain(t *testing.T) {
	fake, svc, p := setup(t)
	fake.Email = "zhang.wei@example.com"
	a := gmailAccount()
	a.FromAddress = "" // the provider says who signed in
	a.Username = ""
	var seen *url.URL
	g, err := svc.SignIn(context.Background(), a, p, func(authURL string) error {
		u, err := url.Parse(authURL)
		if err != nil {
			return err
		}
		seen = u
		return fake.Consent(authURL)
	})
	if err != nil {
		t.Fatal(err)
	}
	q := seen.Query()
	redirect, _ := url.Parse(q.Get("redirect_uri"))
	if redirect.Hostname() != "127.0.0.1" || redirect.Port() == "" || redirect.Port() == "0" {
		t.Errorf("redirect %q is not a loopback address with a random port", q.Get("redirect_uri"))
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("state") == "" || q.Get("access_type") != "offline" {
		t.Errorf("consent page address lacks PKCE, state or offline access: %s", seen.RawQuery)
	}
	if g.Email != "zhang.wei@example.com" || g.Provider != accounts.OAuthGoogle {
		t.Fatalf("grant = %+v", g)
	}
	if err := svc.Keep(a, g); err != nil {
		t.Fatal(err)
	}
	stored, err := keyring.Get(accounts.KeychainService, a.OAuthSecretID())
	if err != nil || stored == "" {
		t.Fatalf("refresh token not in the keychain under %q: %v", a.OAuthSecretID(), err)
	}
	if !svc.SignedIn(a) {
		t.Fatal("SignedIn is false after Keep")
	}
	// The stored refresh token works: a fresh source (as the next run
	// makes) gets an access token the mail server accepts.
	src, err := svc.Source(a)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !fake.Valid("zhang.wei@example.com", tok) {
		t.Fatal("the access token is not one the provider issued")
	}
	if ex, refreshes, _ := fake.Counts(); ex != 1 || refreshes != 1 {
		t.Fatalf("exchanges %d, refreshes %d; want 1 and 1", ex, refreshes)
	}
}

func TestSignInPKCEIsCheckedByTheServer(t *testing.T) {
	fake, svc, p := setup(t)
	// An attacker who intercepts the code cannot redeem it without the
	// verifier: replace the challenge and the exchange must fail.
	tab := make(chan string, 1)
	_, err := svc.SignIn(context.Background(), gmailAccount(), p, func(authURL string) error {
		u, _ := url.Parse(authURL)
		q := u.Query()
		q.Set("code_challenge", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		u.RawQuery = q.Encode()
		resp, err := http.Get(u.String())
		if err != nil {
			tab <- err.Error()
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		tab <- string(body)
		return nil
	})
	if !errors.Is(err, oauth.ErrSignIn) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("exchange with a wrong verifier: %v", err)
	}
	// The browser tab waited for the exchange and does not claim success.
	if page := <-tab; !strings.Contains(page, "not completed") {
		t.Errorf("the tab says %q", page)
	}
	if ex, _, _ := fake.Counts(); ex != 0 {
		t.Fatalf("the server issued tokens for a wrong verifier")
	}
}

func TestSignInDeclined(t *testing.T) {
	fake, svc, p := setup(t)
	fake.Deny = true
	_, err := svc.SignIn(context.Background(), gmailAccount(), p, fake.Consent)
	if !errors.Is(err, oauth.ErrDenied) {
		t.Fatalf("got %v", err)
	}
	var m *msg.Error
	if !errors.As(err, &m) || !strings.Contains(m.Text.In(msg.SimplifiedChinese), "Google") || m.Text.In(msg.SimplifiedChinese) == m.Text.String() {
		t.Fatalf("no Chinese text for a declined sign-in: %v", err)
	}
}

func TestSignInIgnoresAnswerWithWrongState(t *testing.T) {
	fake, svc, p := setup(t)
	_, err := svc.SignIn(context.Background(), gmailAccount(), p, func(authURL string) error {
		u, _ := url.Parse(authURL)
		redirect := u.Query().Get("redirect_uri")
		// Another page tries to complete the sign-in with its own code.
		resp, err := http.Get(redirect + "?code=forged&state=guess")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("forged answer got HTTP %d", resp.StatusCode)
		}
		return fake.Consent(authURL)
	})
	if err != nil {
		t.Fatalf("the real answer after a forged one: %v", err)
	}
}

func TestSignInCancelled(t *testing.T) {
	_, svc, p := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := svc.SignIn(ctx, gmailAccount(), p, func(string) error {
		cancel() // the user pressed Cancel instead of signing in
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

func TestNoRefreshTokenIsRefused(t *testing.T) {
	fake, svc, p := setup(t)
	fake.NoRefreshToken = true
	_, err := svc.SignIn(context.Background(), gmailAccount(), p, fake.Consent)
	if !errors.Is(err, oauth.ErrSignIn) || !strings.Contains(err.Error(), "refresh token") {
		t.Fatalf("got %v", err)
	}
}

func TestNoClientIDExplainsWhatToRegister(t *testing.T) {
	fake, _, p := setup(t)
	p.ClientID, p.ClientSecret = "", ""
	svc := oauth.New(accounts.Keychain{}, oauth.WithProvider(p))
	a := gmailAccount()
	called := false
	_, err := svc.SignIn(context.Background(), a, p, func(string) error { called = true; return nil })
	if !errors.Is(err, oauth.ErrNoClientID) || called {
		t.Fatalf("got %v (browser opened: %v)", err, called)
	}
	var m *msg.Error
	errors.As(err, &m)
	for _, lang := range msg.Languages() {
		text := m.Text.In(lang)
		if !strings.Contains(text, "Desktop app") || !strings.Contains(text, "Google Cloud") {
			t.Errorf("%s: the text does not say what to register: %s", lang, text)
		}
	}
	if oauth.Configured(p, a) {
		t.Fatal("Configured without any client ID")
	}
	// An organisation's own app, pasted into the account, is used instead.
	a.OAuth.ClientID, a.OAuth.ClientSecret = fake.ClientID, fake.ClientSecret
	if !oauth.Configured(p, a) {
		t.Fatal("an account's own client ID does not count")
	}
	if _, err := svc.SignIn(context.Background(), a, p, fake.Consent); err != nil {
		t.Fatalf("sign-in with the account's own app: %v", err)
	}
}

func TestMicrosoftTenantGoesIntoTheEndpoints(t *testing.T) {
	keyring.MockInit()
	p := oauth.Provider{ID: accounts.OAuthMicrosoft, Name: "Microsoft",
		AuthURL: "http://127.0.0.1:1/{tenant}/oauth2/v2.0/authorize", TokenURL: "http://127.0.0.1:1/{tenant}/oauth2/v2.0/token", ClientID: "built-in"}
	svc := oauth.New(accounts.Keychain{}, oauth.WithProvider(p))
	a := gmailAccount()
	a.OAuth = accounts.OAuth{Provider: accounts.OAuthMicrosoft}
	var seen string
	stop := errors.New("stop")
	open := func(u string) error { seen = u; return stop }
	if _, err := svc.SignIn(context.Background(), a, p, open); !errors.Is(err, stop) {
		t.Fatal(err)
	}
	if !strings.Contains(seen, "/common/oauth2/v2.0/authorize") {
		t.Errorf("no tenant: %s", seen)
	}
	a.OAuth.Tenant, a.OAuth.ClientID = "contoso.onmicrosoft.com", "own-app"
	_, _ = svc.SignIn(context.Background(), a, p, open)
	if !strings.Contains(seen, "/contoso.onmicrosoft.com/oauth2/v2.0/authorize") || !strings.Contains(seen, "client_id=own-app") {
		t.Errorf("own tenant and app not used: %s", seen)
	}
}

func TestTokenIsReusedAndRenewedWhenRejected(t *testing.T) {
	fake, _, a, src := signedIn(t, nil)
	ctx := context.Background()
	first, err := src.Token(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := src.Token(ctx, ""); again != first {
		t.Fatal("a valid token was not reused")
	}
	// The server says the token expired (its clock, a revocation): renew,
	// although the expiry time says it is still good.
	fake.ExpireAccessTokens()
	renewed, err := src.Token(ctx, first)
	if err != nil || renewed == first || !fake.Valid(a.Username, renewed) {
		t.Fatalf("renewed %q, %v", renewed, err)
	}
	// Another connection reporting the same old token gets the new one
	// without a second refresh.
	if other, _ := src.Token(ctx, first); other != renewed {
		t.Fatal("a second rejection of the old token refreshed again")
	}
	if _, refreshes, _ := fake.Counts(); refreshes != 2 {
		t.Fatalf("refreshes = %d, want 2", refreshes)
	}
}

func TestConcurrentRejectionsRefreshOnce(t *testing.T) {
	fake, _, _, src := signedIn(t, nil)
	old, _ := src.Token(context.Background(), "")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := src.Token(context.Background(), old); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, refreshes, _ := fake.Counts(); refreshes != 2 {
		t.Fatalf("8 connections refused the same token: %d refreshes, want 2", refreshes)
	}
}

func TestShortLivedTokensAreRenewedBeforeTheyExpire(t *testing.T) {
	// A token that expires within x/oauth2's 10-second margin counts as
	// expired already: every use renews it, before a server refuses it.
	_, _, _, src := signedIn(t, func(fake *oauthtest.Server) { fake.ExpiresIn = 5 * time.Second })
	one, _ := src.Token(context.Background(), "")
	two, _ := src.Token(context.Background(), "")
	if one == two {
		t.Fatal("a token about to expire was reused")
	}
}

func TestRotatedRefreshTokenReplacesTheStoredOne(t *testing.T) {
	_, _, a, src := signedIn(t, func(fake *oauthtest.Server) { fake.RotateRefresh = true })
	before, _ := keyring.Get(accounts.KeychainService, a.OAuthSecretID())
	if _, err := src.Token(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	after, _ := keyring.Get(accounts.KeychainService, a.OAuthSecretID())
	if after == before || after == "" {
		t.Fatal("the rotated refresh token was not kept")
	}
}

func TestRevokedSignInSaysSignInAgain(t *testing.T) {
	fake, _, _, src := signedIn(t, nil)
	tok, _ := src.Token(context.Background(), "")
	fake.RevokeAll() // the user removed Mailroom from their Google account
	_, err := src.Token(context.Background(), tok)
	if !errors.Is(err, accounts.ErrSignInAgain) {
		t.Fatalf("got %v", err)
	}
	var m *msg.Error
	if !errors.As(err, &m) || !strings.Contains(m.Text.String(), "sign in again") || !strings.Contains(m.Text.In(msg.SimplifiedChinese), "重新登录") {
		t.Fatalf("not worded as sign in again: %v", err)
	}
}

func TestUnreachableProviderIsTemporary(t *testing.T) {
	fake, _, _, src := signedIn(t, nil)
	fake.FailRefreshes(1)
	_, err := src.Token(context.Background(), "")
	if !errors.Is(err, oauth.ErrUnreachable) || errors.Is(err, accounts.ErrSignInAgain) {
		t.Fatalf("a 503 from the provider: %v", err)
	}
	if _, err := src.Token(context.Background(), ""); err != nil {
		t.Fatalf("after the provider recovered: %v", err)
	}
}

func TestNotSignedIn(t *testing.T) {
	_, svc, _ := setup(t)
	_, err := svc.Source(gmailAccount())
	if !errors.Is(err, oauth.ErrNotSignedIn) || !errors.Is(err, accounts.ErrSignInAgain) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "Sign in with Google") {
		t.Fatalf("does not say what to press: %v", err)
	}
}

func TestSignOutRevokesAndForgets(t *testing.T) {
	fake, svc, a, src := signedIn(t, nil)
	p, _ := svc.Provider(accounts.OAuthGoogle)
	tok, _ := src.Token(context.Background(), "")
	note, err := svc.SignOut(context.Background(), a)
	if err != nil || !note.IsZero() {
		t.Fatalf("sign out: %v, note %q", err, note)
	}
	if _, _, revoked := fake.Counts(); revoked != 1 {
		t.Fatal("the grant was not revoked at the provider")
	}
	if fake.Valid(a.Username, tok) {
		t.Fatal("the access token still works after revocation")
	}
	if _, err := keyring.Get(accounts.KeychainService, a.OAuthSecretID()); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("the refresh token is still in the keychain: %v", err)
	}
	if svc.SignedIn(a) {
		t.Fatal("still signed in")
	}
	// Offline: the keychain entry goes all the same, with a note.
	signIn(t, fake, svc, p, a)
	fake.Close()
	note, err = svc.SignOut(context.Background(), a)
	if err != nil || note.IsZero() || svc.SignedIn(a) {
		t.Fatalf("offline sign-out: %v, note %q, signed in %v", err, note, svc.SignedIn(a))
	}
}

func TestCredentialChoosesEnvTokenThenSignIn(t *testing.T) {
	fake, svc, p := setup(t)
	a := gmailAccount()
	env := func(v string) func(string) (string, bool) {
		return func(k string) (string, bool) {
			if k == accounts.OAuthTokenEnv && v != "" {
				return v, true
			}
			return "", false
		}
	}
	// Not signed in, but a script gives a token.
	cred, ok, err := svc.Credential(a, env("script-token"))
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if tok, _ := cred(context.Background(), ""); tok != "script-token" {
		t.Fatalf("env token not used: %q", tok)
	}
	// Not signed in, no token: say so.
	if _, _, err := svc.Credential(a, env("")); !errors.Is(err, oauth.ErrNotSignedIn) {
		t.Fatalf("got %v", err)
	}
	signIn(t, fake, svc, p, a)
	cred, ok, err = svc.Credential(a, env(""))
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if tok, _ := cred(context.Background(), ""); !fake.Valid(a.Username, tok) {
		t.Fatal("signed-in credential gives no valid token")
	}
	// Password accounts and old pasted-token accounts are the caller's.
	old := a
	old.OAuth = accounts.OAuth{}
	if _, ok, _ := svc.Credential(old, env("")); ok {
		t.Fatal("an old pasted-token account was taken over")
	}
	pw := old
	pw.Auth = accounts.AuthAuto
	if _, ok, _ := svc.Credential(pw, env("script-token")); ok {
		t.Fatal("MAILROOM_OAUTH_TOKEN used for a password account")
	}
}

// TestRefreshTokenNeverOnDisk signs in, refreshes and saves the account,
// then scans the settings folder for any token.
func TestRefreshTokenNeverOnDisk(t *testing.T) {
	fake, svc, p := setup(t)
	dir := t.TempDir()
	store, err := accounts.OpenStore(dir, accounts.Keychain{})
	if err != nil {
		t.Fatal(err)
	}
	a := gmailAccount()
	a.ID = ""
	a, err = store.Add(a)
	if err != nil {
		t.Fatal(err)
	}
	g := signIn(t, fake, svc, p, a)
	a.OAuth.SignedInAs = g.Email
	if err := store.Update(a); err != nil {
		t.Fatal(err)
	}
	refresh, _ := keyring.Get(accounts.KeychainService, a.OAuthSecretID())
	src, _ := svc.Source(a)
	access, _ := src.Token(context.Background(), "")
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, secret := range []string{refresh, access} {
			if strings.Contains(string(data), secret) {
				t.Errorf("%s holds a token", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Deleting the account deletes its refresh token.
	if err := store.Delete(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(accounts.KeychainService, a.OAuthSecretID()); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("deleting the account left its refresh token: %v", err)
	}
}
