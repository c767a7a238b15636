package headless

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/app/oauth"
	"mailroom/app/oauth/oauthtest"
	"mailroom/sender/smtptest"
)

const signedInUser = "billing@example.com"

// headlessOAuth is a saved, signed-in Gmail-like account whose server
// takes only the fake provider's tokens, and a two-row campaign for it.
func headlessOAuth(t *testing.T) (*oauthtest.Server, *smtptest.Server, *campaign.Campaign, campaign.Env) {
	t.Helper()
	fake := oauthtest.New()
	t.Cleanup(fake.Close)
	fake.Email = signedInUser
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS),
		smtptest.WithXOAUTH2(signedInUser, func(tok string) bool { return fake.Valid(signedInUser, tok) }))
	p := oauth.Provider{ID: accounts.OAuthGoogle, Name: "Google", AuthURL: fake.AuthURL(), TokenURL: fake.TokenURL(), ClientID: fake.ClientID}
	old := newOAuth
	newOAuth = func(s accounts.Secrets) *oauth.Service { return oauth.New(s, oauth.WithProvider(p)) }
	t.Cleanup(func() { newOAuth = old })

	dir := t.TempDir()
	secrets := accounts.NewSessionSecrets()
	store, err := accounts.OpenStore(dir, secrets)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := store.Add(accounts.Account{DisplayName: "Billing", FromAddress: signedInUser, Host: srv.Host(), Port: srv.Port(),
		Security: accounts.SecuritySTARTTLS, Auth: accounts.AuthXOAUTH2, Username: signedInUser, Preset: "gmail",
		OAuth: accounts.OAuth{Provider: accounts.OAuthGoogle, SignedInAs: signedInUser}, Trust: accounts.Trust{CAPEM: string(srv.CAPEM())}})
	if err != nil {
		t.Fatal(err)
	}
	svc := newOAuth(secrets)
	g, err := svc.SignIn(context.Background(), acct, p, fake.Consent)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Keep(acct, g); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "list.csv", "Name,Email\nAnn,ann@example.org\nBo,bo@example.org\n")
	writeFile(t, dir, "body.txt", "Hello {{Name}}\n")
	c := &campaign.Campaign{Account: acct.ID, Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi {{Name}}",
		Body: filepath.Join(dir, "body.txt"), Journal: filepath.Join(dir, "j.db")}
	return fake, srv, c, campaign.Env{DataDir: dir, Accounts: store}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runSend(t *testing.T, c *campaign.Campaign, env campaign.Env) (int, string) {
	t.Helper()
	plan, err := campaign.Prepare(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := send(context.Background(), plan, env, &options{campaign: c}, os.Stdin, &stderr, speaker{})
	return code, stderr.String()
}

func TestSendWithTheStoredSignIn(t *testing.T) {
	fake, srv, c, env := headlessOAuth(t)
	code, out := runSend(t, c, env)
	if code != ExitOK || srv.Count() != 2 {
		t.Fatalf("exit %d, %d messages:\n%s", code, srv.Count(), out)
	}
	if _, refreshes, _ := fake.Counts(); refreshes != 1 {
		t.Errorf("%d refreshes before the run, want 1 shared by the check and the run", refreshes)
	}
}

func TestRevokedSignInIsAPreflightErrorThatSaysSignInAgain(t *testing.T) {
	fake, srv, c, env := headlessOAuth(t)
	fake.RevokeAll()
	code, out := runSend(t, c, env)
	if code != ExitUsage || srv.Count() != 0 || len(srv.Conns()) != 0 {
		t.Fatalf("exit %d, %d messages, %d connections", code, srv.Count(), len(srv.Conns()))
	}
	if !strings.Contains(out, "sign in again") || !strings.Contains(out, "nothing was sent") {
		t.Fatalf("output does not say to sign in again:\n%s", out)
	}
}

func TestOAuthTokenEnvForScripts(t *testing.T) {
	// A script with its own token and no saved account: --smtp with a
	// user logs in with XOAUTH2 when MAILROOM_OAUTH_TOKEN is set.
	srv := smtptest.Start(t, smtptest.WithXOAUTH2("me@example.com", func(tok string) bool { return tok == "script-token" }))
	dir := t.TempDir()
	writeFile(t, dir, "list.csv", "Email\nann@example.org\n")
	writeFile(t, dir, "body.txt", "Hello\n")
	c := &campaign.Campaign{SMTP: "smtp+plain://me%40example.com@" + srv.Addr(), From: "me@example.com",
		Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Body: filepath.Join(dir, "body.txt"), Journal: filepath.Join(dir, "j.db")}
	env := campaign.Env{DataDir: dir}
	t.Setenv(accounts.OAuthTokenEnv, "script-token")
	code, out := runSend(t, c, env)
	if code != ExitOK || srv.Count() != 1 {
		t.Fatalf("exit %d, %d messages:\n%s", code, srv.Count(), out)
	}
	if strings.Contains(out, "script-token") {
		t.Fatal("the token was printed")
	}
}
