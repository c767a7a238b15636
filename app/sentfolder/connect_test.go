package sentfolder_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/accounts"
	"mailroom/app/sentfolder"
	"mailroom/app/sentfolder/imaptest"
)

// The tests here are about getting connected and logged in.

func TestWrongPasswordIsAPlainLoginError(t *testing.T) {
	srv := startServer(t, imaptest.WithFolder("Sent", imap.MailboxAttrSent))
	acct := srv.Configure(baseAccount())
	acct.Preset = "qq"
	_, err := sentfolder.Open(context.Background(), acct, "my-qq-password")
	var le *sentfolder.LoginError
	if !errors.Is(err, sentfolder.ErrLogin) || !errors.As(err, &le) {
		t.Fatalf("got %v, want a LoginError", err)
	}
	msg := err.Error()
	for _, want := range []string{"refused the login as " + user, "授权码", "authorisation code"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "my-qq-password") {
		t.Errorf("the password leaked into the message: %q", msg)
	}
}

func TestUnknownCertificateAuthorityIsRefused(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []imaptest.Option
	}{
		{"implicit TLS", nil},
		{"STARTTLS", []imaptest.Option{imaptest.WithSTARTTLS()}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			srv := startServer(t, append(mode.opts, imaptest.WithFolder("Sent", imap.MailboxAttrSent))...)
			acct := srv.Configure(baseAccount())
			acct.Trust.CAPEM = "" // the test CA is not trusted
			_, err := sentfolder.Open(context.Background(), acct, password)
			var te *sentfolder.TLSError
			if !errors.Is(err, sentfolder.ErrTLS) || !errors.As(err, &te) {
				t.Fatalf("got %v, want a TLSError", err)
			}
			if !strings.Contains(err.Error(), "does not trust") || !strings.Contains(err.Error(), "imaptest CA") {
				t.Errorf("message %q does not say which issuer is untrusted", err)
			}
		})
	}
}

func TestWrongSecuritySettingIsExplained(t *testing.T) {
	t.Run("SSL/TLS to a STARTTLS port", func(t *testing.T) {
		srv := startServer(t, imaptest.WithSTARTTLS(), imaptest.WithFolder("Sent", imap.MailboxAttrSent))
		acct := srv.Configure(baseAccount())
		acct.IMAP.Security = accounts.SecurityTLS
		_, err := sentfolder.Open(context.Background(), acct, password)
		if !errors.Is(err, sentfolder.ErrTLS) || !strings.Contains(err.Error(), "choose STARTTLS") {
			t.Fatalf("got %v, want a TLS error suggesting STARTTLS", err)
		}
	})
	t.Run("STARTTLS to an SSL/TLS port", func(t *testing.T) {
		srv := startServer(t, imaptest.WithFolder("Sent", imap.MailboxAttrSent))
		acct := srv.Configure(baseAccount())
		acct.IMAP.Security = accounts.SecuritySTARTTLS
		// Both sides wait for the other to speak first; the timeout ends it.
		_, err := sentfolder.Open(context.Background(), acct, password, sentfolder.WithTimeout(time.Second))
		if err == nil || !(errors.Is(err, sentfolder.ErrConnect) || errors.Is(err, sentfolder.ErrTLS)) {
			t.Fatalf("got %v, want a connection or TLS error", err)
		}
	})
}

func TestLoginMechanisms(t *testing.T) {
	cases := []struct {
		name  string
		mechs []string
		auth  accounts.AuthMethod
	}{
		{"AUTHENTICATE PLAIN", []string{"PLAIN"}, accounts.AuthAuto},
		{"LOGIN when no mechanism is offered", nil, accounts.AuthAuto},
		{"XOAUTH2 for an OAuth account", []string{"XOAUTH2"}, accounts.AuthXOAUTH2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, imaptest.WithAuthMechanisms(tc.mechs...), imaptest.WithFolder("Sent", imap.MailboxAttrSent))
			acct := srv.Configure(baseAccount())
			acct.Auth = tc.auth
			c := open(t, acct)
			if err := c.Append(context.Background(), message(1), time.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := sentfolder.Open(context.Background(), acct, "expired-token"); !errors.Is(err, sentfolder.ErrLogin) {
				t.Fatalf("wrong secret: got %v, want ErrLogin", err)
			}
		})
	}
}

// TestCredentialRenewsAnExpiredToken copies with an OAuth account whose
// access token expires between two copies: the reconnection is refused,
// the credential renews, and the copy lands; a revoked sign-in stops the
// copies at once.
func TestCredentialRenewsAnExpiredToken(t *testing.T) {
	var mu sync.Mutex
	valid := map[string]bool{"token-1": true}
	issued, revoked := 1, false
	var rejected []string
	cred := func(_ context.Context, old string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		current := fmt.Sprintf("token-%d", issued)
		if old == "" || old != current {
			return current, nil
		}
		rejected = append(rejected, old)
		if revoked {
			return "", fmt.Errorf("%w: revoked", accounts.ErrSignInAgain)
		}
		issued++
		next := fmt.Sprintf("token-%d", issued)
		valid[next] = true
		return next, nil
	}
	srv := startServer(t, imaptest.WithXOAUTH2(func(token string) bool {
		mu.Lock()
		defer mu.Unlock()
		return valid[token]
	}), imaptest.WithFolder("Sent", imap.MailboxAttrSent))
	acct := srv.Configure(baseAccount())
	acct.Auth = accounts.AuthXOAUTH2
	c, err := sentfolder.Open(context.Background(), acct, "", sentfolder.WithCredential(cred), sentfolder.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Append(ctx, message(1), time.Now()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	valid["token-1"] = false // an hour later
	mu.Unlock()
	srv.DropConnections() // Gmail: "BYE Session expired"
	if err := c.Append(ctx, message(2), time.Now()); err != nil {
		t.Fatalf("copy after the token expired: %v", err)
	}
	if len(rejected) != 1 || rejected[0] != "token-1" {
		t.Fatalf("rejected %v, want token-1 renewed once", rejected)
	}
	mu.Lock()
	revoked, valid["token-2"] = true, false
	mu.Unlock()
	srv.DropConnections()
	err = c.Append(ctx, message(3), time.Now())
	if !errors.Is(err, sentfolder.ErrGaveUp) || !errors.Is(err, accounts.ErrSignInAgain) {
		t.Fatalf("revoked sign-in: %v", err)
	}
	if n := len(messagesIn(t, srv, "Sent")); n != 2 {
		t.Errorf("Sent holds %d messages, want 2", n)
	}
}
