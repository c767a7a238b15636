package accounts

import (
	"errors"
	"strings"
	"testing"
)

func validAccount() Account {
	return Account{
		ID: "a1", DisplayName: "Work", FromName: "张三", FromAddress: "zhang@example.com",
		Host: "smtp.example.com", Port: 465, Security: SecurityTLS, Auth: AuthAuto,
		Username: "zhang@example.com",
	}
}

func TestValidateAcceptsCompleteAccount(t *testing.T) {
	if err := validAccount().Validate(); err != nil {
		t.Fatalf("valid account refused: %v", err)
	}
}

func TestValidateReportsEachProblemByField(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Account)
		field  string
		words  string
	}{
		{"no from", func(a *Account) { a.FromAddress = "" }, "From address", "is empty"},
		{"bad from", func(a *Account) { a.FromAddress = "zhang at example" }, "From address", "not an e-mail address"},
		{"named from", func(a *Account) { a.FromAddress = "Zhang <zhang@example.com>" }, "From address", "bare address"},
		{"bad reply-to", func(a *Account) { a.ReplyTo = "nobody" }, "Reply-To", "not an e-mail address"},
		{"two-line name", func(a *Account) { a.FromName = "a\r\nBcc: x@y" }, "From name", "one line"},
		{"no host", func(a *Account) { a.Host = "" }, "Server", "is empty"},
		{"url as host", func(a *Account) { a.Host = "smtp://smtp.example.com" }, "Server", "without smtp://"},
		{"port zero", func(a *Account) { a.Port = 0 }, "Port", "between 1 and 65535"},
		{"port too big", func(a *Account) { a.Port = 70000 }, "Port", "between 1 and 65535"},
		{"unknown security", func(a *Account) { a.Security = "ssl" }, "Security", "not one of"},
		{"unknown auth", func(a *Account) { a.Auth = "ntlm" }, "Authentication", "not one of"},
		{"no username", func(a *Account) { a.Username = " " }, "User name", "is empty"},
		{"plain auth to remote", func(a *Account) { a.Security = SecurityNone }, "Security", "only allowed to this computer"},
		{"negative limit", func(a *Account) { a.Limits.PerHour = -1 }, "Messages per hour", "cannot be negative"},
		{"bad pin", func(a *Account) { a.Trust.PinnedSHA256 = "abc" }, "Trusted certificate", "not a SHA-256 fingerprint"},
		{"bad CA", func(a *Account) { a.Trust.CAPEM = "hello" }, "Trusted certificate", "no PEM"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validAccount()
			c.change(&a)
			err := a.Validate()
			if !errors.Is(err, ErrInvalidAccount) {
				t.Fatalf("got %v, want ErrInvalidAccount", err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Fatalf("got %v, want a problem with field %q", err, c.field)
			}
			if !strings.Contains(err.Error(), c.words) || !strings.Contains(err.Error(), `account "Work"`) {
				t.Fatalf("message %q lacks %q or the account's name", err, c.words)
			}
		})
	}
}

func TestValidateAllowsUnencryptedOnlyWithoutLoginOrToLoopback(t *testing.T) {
	for _, host := range []string{"localhost", "127.0.0.1", "127.0.0.5", "::1"} {
		a := validAccount()
		a.Host, a.Security = host, SecurityNone
		if err := a.Validate(); err != nil {
			t.Errorf("login over plain text to %s refused: %v", host, err)
		}
	}
	a := validAccount()
	a.Security, a.Auth, a.Username = SecurityNone, AuthNone, ""
	if err := a.Validate(); err != nil {
		t.Errorf("unencrypted relay without login refused: %v", err)
	}
}

func TestValidateJoinsSeveralProblems(t *testing.T) {
	a := validAccount()
	a.Host, a.Port = "", 0
	msg := a.Validate().Error()
	if !strings.Contains(msg, "Server") || !strings.Contains(msg, "Port") {
		t.Fatalf("want both problems, got %q", msg)
	}
}

func TestOAuthAccountsValidate(t *testing.T) {
	a := validAccount()
	a.Auth, a.OAuth = AuthXOAUTH2, OAuth{Provider: OAuthGoogle, SignedInAs: a.FromAddress}
	if err := a.Validate(); err != nil {
		t.Fatalf("a signed-in Google account: %v", err)
	}
	bad := a
	bad.Auth = AuthAuto
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "XOAUTH2") {
		t.Errorf("a sign-in with password authentication: %v", err)
	}
	bad = a
	bad.OAuth.Provider = "yahoo"
	if err := bad.Validate(); err == nil {
		t.Error("an unknown sign-in provider was accepted")
	}
	bad = a
	bad.OAuth.ClientID = "two words"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "Client ID") {
		t.Errorf("a client ID with a space: %v", err)
	}
}

func TestPresetApplyKeepsOrDropsTheSignIn(t *testing.T) {
	gmail, _ := PresetByID("gmail")
	qq, _ := PresetByID("qq")
	outlook, _ := PresetByID("outlook")
	if gmail.OAuth != OAuthGoogle || outlook.OAuth != OAuthMicrosoft || qq.OAuth != "" {
		t.Fatalf("preset providers: gmail %q outlook %q qq %q", gmail.OAuth, outlook.OAuth, qq.OAuth)
	}
	a := gmail.Apply(Account{FromAddress: "me@gmail.com", OAuth: OAuth{Provider: OAuthGoogle, SignedInAs: "me@gmail.com"}})
	if a.Auth != AuthXOAUTH2 || a.OAuth.Provider != OAuthGoogle {
		t.Errorf("re-applying Gmail lost the sign-in: %+v", a)
	}
	if b := qq.Apply(a); b.OAuth != (OAuth{}) || b.Auth != AuthAuto {
		t.Errorf("QQ kept Google's sign-in: %+v", b.OAuth)
	}
	if b := outlook.Apply(a); b.OAuth.Provider != "" || b.Auth != AuthXOAUTH2 {
		t.Errorf("Outlook kept Google's sign-in: %+v", b.OAuth)
	}
}
