package accounts

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"mailroom/app/msg"
)

func accountWithIMAP() Account {
	a := validAccount()
	a.IMAP = IMAP{Host: "imap.example.com", Port: 993, Security: SecurityTLS, CopyToSent: true}
	return a
}

func TestIMAPSectionValidates(t *testing.T) {
	if err := accountWithIMAP().Validate(); err != nil {
		t.Fatalf("valid IMAP section refused: %v", err)
	}
	a := validAccount()
	a.IMAP.SentFolder = "Sent" // a folder name alone, with copying off, uses nothing
	if err := a.Validate(); err != nil {
		t.Fatalf("unused IMAP section refused: %v", err)
	}
}

func TestIMAPValidationReportsEachProblemByField(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Account)
		field  string
		words  string
	}{
		{"copy without server", func(a *Account) { a.IMAP.Host = "" }, "IMAP server", "is empty"},
		{"url as server", func(a *Account) { a.IMAP.Host = "imaps://imap.example.com" }, "IMAP server", "without imap://"},
		{"port zero", func(a *Account) { a.IMAP.Port = 0 }, "IMAP port", "993"},
		{"plain text", func(a *Account) { a.IMAP.Security = SecurityNone }, "IMAP security", "carries your password"},
		{"unknown security", func(a *Account) { a.IMAP.Security = "ssl" }, "IMAP security", "not one of"},
		{"two-line username", func(a *Account) { a.IMAP.Username = "a\r\nb" }, "IMAP user name", "one line"},
		{"two-line folder", func(a *Account) { a.IMAP.SentFolder = "Sent\r\nX" }, "Sent folder", "one line"},
		{"padded folder", func(a *Account) { a.IMAP.SentFolder = " Sent" }, "Sent folder", "spaces"},
		{"relay without login needs a username", func(a *Account) {
			a.Auth, a.Username, a.IMAP.OwnPassword = AuthNone, "", true
		}, "IMAP user name", "is empty"},
		{"relay without login needs its own password", func(a *Account) {
			a.Auth, a.Username, a.IMAP.Username = AuthNone, "", "me@example.com"
		}, "IMAP password", "separate IMAP password"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := accountWithIMAP()
			c.change(&a)
			err := a.Validate()
			if !errors.Is(err, ErrInvalidAccount) {
				t.Fatalf("got %v, want ErrInvalidAccount", err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Fatalf("got %v, want a problem with field %q", err, c.field)
			}
			if !strings.Contains(err.Error(), c.words) {
				t.Fatalf("message %q lacks %q", err, c.words)
			}
		})
	}
}

func TestIMAPLoginSharesSMTPCredentialsByDefault(t *testing.T) {
	a := accountWithIMAP()
	if a.IMAPUsername() != "zhang@example.com" || a.IMAPSecretID() != "a1" {
		t.Fatalf("default IMAP login = %q / secret %q; want the SMTP username and secret", a.IMAPUsername(), a.IMAPSecretID())
	}
	a.IMAP.Username, a.IMAP.OwnPassword = "zhang", true
	if a.IMAPUsername() != "zhang" || a.IMAPSecretID() != "a1"+IMAPSecretSuffix {
		t.Fatalf("own IMAP login = %q / secret %q", a.IMAPUsername(), a.IMAPSecretID())
	}
	if a.IMAPAddress() != "imap.example.com:993" {
		t.Fatalf("IMAPAddress = %q", a.IMAPAddress())
	}
}

func TestIMAPTLSConfigVerifiesTheIMAPHost(t *testing.T) {
	cfg, err := accountWithIMAP().IMAPTLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ServerName != "imap.example.com" || cfg.InsecureSkipVerify {
		t.Fatalf("ServerName %q, InsecureSkipVerify %v", cfg.ServerName, cfg.InsecureSkipVerify)
	}
}

func TestCopiesToSentNeedsServerAndSwitch(t *testing.T) {
	a := accountWithIMAP()
	if !a.CopiesToSent() {
		t.Fatal("copy on with a server should copy")
	}
	a.IMAP.CopyToSent = false
	if a.CopiesToSent() {
		t.Fatal("copy off should not copy")
	}
	if validAccount().CopiesToSent() {
		t.Fatal("an account without IMAP should not copy")
	}
}

func TestIMAPSectionJSON(t *testing.T) {
	plain, err := json.Marshal(validAccount())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain), `"imap"`) {
		t.Fatalf("an account without IMAP should not write an imap section: %s", plain)
	}
	a := accountWithIMAP()
	a.IMAP.SentFolder = "已发送"
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Account
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.IMAP != a.IMAP {
		t.Fatalf("IMAP section changed in a round trip: %+v → %+v", a.IMAP, back.IMAP)
	}
}

func TestPresetIMAPDefaults(t *testing.T) {
	cases := []struct {
		id, host string
		copy     bool
	}{
		{"qq", "imap.qq.com", true},
		{"163", "imap.163.com", true},
		{"126", "imap.126.com", true},
		{"exmail", "imap.exmail.qq.com", true},
		{"gmail", "imap.gmail.com", false},
		{"google-workspace", "imap.gmail.com", false},
		{"outlook", "outlook.office365.com", false},
		{"microsoft365", "outlook.office365.com", false},
	}
	for _, c := range cases {
		p, _ := PresetByID(c.id)
		a := p.Apply(Account{ID: "x", DisplayName: p.Name, FromAddress: "someone@example.com"})
		if a.IMAP.Host != c.host || a.IMAP.Port != 993 || a.IMAP.Security != SecurityTLS || a.IMAP.CopyToSent != c.copy {
			t.Errorf("%s: IMAP %+v, want %s:993 tls, copy %v", c.id, a.IMAP, c.host, c.copy)
		}
		if !c.copy && SentCopyFor(a).Note.IsZero() {
			t.Errorf("%s turns copying off without saying why", c.id)
		}
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", c.id, err)
		}
	}
	for _, p := range Presets() {
		if p.IMAPHost != "" && !p.CopyToSentDefault() && p.sentCopy().Note.IsZero() {
			t.Errorf("preset %q turns copying off without a note", p.ID)
		}
	}
	ses, _ := PresetByID("ses")
	if a := ses.Apply(Account{FromAddress: "me@example.com"}); a.IMAP != (IMAP{}) {
		t.Errorf("Amazon SES has no mailbox, got IMAP %+v", a.IMAP)
	}
}

func TestLoginHintNamesThePreset(t *testing.T) {
	if h := LoginHint("qq").In(msg.SimplifiedChinese); !strings.Contains(h, "授权码") {
		t.Errorf("QQ hint %q lacks the authorisation code", h)
	}
	if h := LoginHint("").String(); !strings.Contains(h, "app password") {
		t.Errorf("general hint %q", h)
	}
}
