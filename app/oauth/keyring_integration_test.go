package oauth_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"

	"mailroom/app/accounts"
	"mailroom/app/oauth"
	"mailroom/app/oauth/oauthtest"
)

// childEnv marks a re-executed test binary: the other tests mock
// go-keyring for the whole process, and it has no way back.
const childEnv = "MAILROOM_OAUTH_TEST_CHILD"

// TestKeyringSecretServiceKeepsRefreshToken signs in against the fake
// provider and keeps the refresh token in a real Secret Service (make test
// runs one), then renews a token from it, signs out, and checks the entry
// is gone. Like the accounts package's test it fails, not skips, when
// MAILROOM_SECRET_SERVICE=1 promises a service that does not answer.
func TestKeyringSecretServiceKeepsRefreshToken(t *testing.T) {
	if os.Getenv("MAILROOM_SECRET_SERVICE") != "1" {
		t.Skip("set MAILROOM_SECRET_SERVICE=1 inside a D-Bus session with an unlocked Secret Service to run this (make test does)")
	}
	if os.Getenv(childEnv) != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), childEnv+"=1")
		out, err := cmd.CombinedOutput()
		t.Log(string(out))
		if err != nil {
			t.Fatalf("Secret Service test failed: %v", err)
		}
		return
	}
	secrets, err := accounts.OpenSecrets()
	if err != nil {
		t.Fatalf("MAILROOM_SECRET_SERVICE=1 but the keychain does not answer: %v", err)
	}
	fake := oauthtest.New()
	defer fake.Close()
	svc := oauth.New(secrets, oauth.WithProvider(provider(fake)))
	a := gmailAccount()
	a.ID = "acct-secret-service-oauth-test"
	p, _ := svc.Provider(accounts.OAuthGoogle)
	g, err := svc.SignIn(context.Background(), a, p, fake.Consent)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Keep(a, g); err != nil {
		t.Fatal(err)
	}
	defer secrets.Delete(a.OAuthSecretID())
	// A new service, as the next start of Mailroom, reads it back from the
	// daemon.
	src, err := oauth.New(accounts.Keychain{}, oauth.WithProvider(provider(fake))).Source(a)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(context.Background(), "")
	if err != nil || !fake.Valid(a.Username, tok) {
		t.Fatalf("token from the stored refresh token: %q, %v", tok, err)
	}
	if _, err := svc.SignOut(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if _, err := (accounts.Keychain{}).Get(a.OAuthSecretID()); !errors.Is(err, accounts.ErrNoSecret) {
		t.Fatalf("sign-out left the refresh token in the keychain: %v", err)
	}
}
