package accounts

import (
	"strings"
	"testing"

	"mailroom/app/msg"
)

// The providers that file their own Sent copy are never offered one, and
// every other mailbox copies by default once IMAP is set up.
func TestSentCopyRulePerProvider(t *testing.T) {
	cases := []struct {
		preset           string
		offered, initial bool
	}{
		{"gmail", false, false},
		{"google-workspace", false, false},
		{"outlook", false, false},
		{"microsoft365", false, false},
		{"qq", true, true},
		{"exmail", true, true},
		{"163", true, true},
		{"126", true, true},
		{"yeah", true, true},
		{"aliyun", true, true},
		{"yahoo", true, false},
		{"icloud", true, false},
		{"zoho", true, false},
	}
	for _, c := range cases {
		p, ok := PresetByID(c.preset)
		if !ok {
			t.Fatalf("no preset %q", c.preset)
		}
		a := p.Apply(Account{ID: "x", FromAddress: "someone@example.com"})
		rule := SentCopyFor(a)
		if rule.Offered != c.offered || rule.Default != c.initial || a.IMAP.CopyToSent != c.initial {
			t.Errorf("%s: offered %v default %v applied %v, want offered %v default %v", c.preset, rule.Offered, rule.Default, a.IMAP.CopyToSent, c.offered, c.initial)
		}
		if rule.Note.IsZero() {
			t.Errorf("%s: the rule is not explained", c.preset)
		}
		if a.CopiesToSent() != (c.offered && c.initial) {
			t.Errorf("%s: CopiesToSent %v", c.preset, a.CopiesToSent())
		}
	}
}

// An account saved with the switch on for Gmail (allowed before the rule
// existed), or typed in by hand with Gmail's or Microsoft's server, makes
// no second copy; a custom server with IMAP copies by default.
func TestSentCopyRuleFollowsTheServer(t *testing.T) {
	old := Account{ID: "x", Preset: "gmail", Host: "smtp.gmail.com", IMAP: IMAP{Host: "imap.gmail.com", Port: 993, Security: SecurityTLS, CopyToSent: true}}
	if old.CopiesToSent() {
		t.Error("a Gmail account saved with copying on still appends a duplicate")
	}
	for _, host := range []string{"smtp.gmail.com", "SMTP.Office365.com", "smtp-mail.outlook.com"} {
		byHand := Account{ID: "y", Host: host, IMAP: IMAP{Host: "imap.example.com", Port: 993, Security: SecurityTLS, CopyToSent: true}}
		if rule := SentCopyFor(byHand); rule.Offered || byHand.CopiesToSent() {
			t.Errorf("custom account on %s: copy offered %v", host, rule.Offered)
		}
	}
	custom := Account{ID: "z", Host: "mail.example.com", IMAP: IMAP{Host: "imap.example.com", Port: 993, Security: SecurityTLS, CopyToSent: true}}
	if rule := SentCopyFor(custom); !rule.Offered || !rule.Default || !custom.CopiesToSent() {
		t.Errorf("custom server: %+v, copies %v", rule, custom.CopiesToSent())
	}
	custom.IMAP.Host = ""
	if custom.CopiesToSent() {
		t.Error("copying without an IMAP server")
	}
}

func TestSentCopyNotesAreTranslated(t *testing.T) {
	p, _ := PresetByID("gmail")
	zh := SentCopyFor(p.Apply(Account{})).Note.In(msg.SimplifiedChinese)
	if !strings.Contains(zh, "Gmail") || !strings.Contains(zh, "已发送") {
		t.Errorf("Chinese note for Gmail: %q", zh)
	}
}
