package inbox

import (
	"github.com/emersion/go-message/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// want is what a fixture must classify as (one finding, or none).
type want struct {
	kind       Kind // "" for unrelated mail
	hard       bool
	status     string
	code       int
	recipient  string
	messageID  string // one of the finding's MessageIDs
	diagnostic string // a part of the diagnostic
	subject    string
	key        string
}

// fixtures are written from the providers' documented formats, with
// invented people and example domains.
var fixtures = map[string]want{
	"dsn-postfix-hard.eml":     {kind: Bounce, hard: true, status: "5.1.1", code: 550, recipient: "alice@example.com", messageID: "m1.row2@mailroom.test", diagnostic: "User unknown"},
	"dsn-postfix-delayed.eml":  {kind: Bounce, hard: false, status: "4.4.1", recipient: "bob@example.org", messageID: "m2.row3@mailroom.test", diagnostic: "Connection timed out"},
	"dsn-exchange.eml":         {kind: Bounce, hard: true, status: "5.1.10", code: 550, recipient: "carol@example.net", messageID: "m3.row4@mailroom.test", diagnostic: "RecipientNotFound"},
	"dsn-gmail-full.eml":       {kind: Bounce, hard: true, status: "5.2.2", code: 552, recipient: "dave@example.org", messageID: "m4.row5@mailroom.test", diagnostic: "over quota"},
	"bounce-exim-spam.eml":     {kind: Bounce, hard: true, status: "5.7.1", code: 550, recipient: "erin@example.com", messageID: "m5.row6@mailroom.test", diagnostic: "rejected as spam"},
	"bounce-qq.eml":            {kind: Bounce, hard: true, code: 550, recipient: "frank@example.cn", messageID: "m6.row7@mailroom.test", diagnostic: "Mailbox not found"},
	"bounce-163-full.eml":      {kind: Bounce, hard: true, code: 552, recipient: "grace@example.cn", messageID: "m7.row8@mailroom.test", diagnostic: "exceeded mailbox storage"},
	"bounce-exmail-spam.eml":   {kind: Bounce, hard: true, status: "5.7.1", code: 554, recipient: "heidi@example.com", diagnostic: "rejected as spam"},
	"reply.eml":                {kind: Reply, recipient: "ivan@example.com", messageID: "m9.row10@mailroom.test", subject: "Re: Your invoice for March"},
	"reply-chinese.eml":        {kind: Reply, recipient: "judy@example.cn", messageID: "m10.row11@mailroom.test", subject: "回复：发票通知"},
	"autoreply-rfc3834.eml":    {kind: AutoReply, recipient: "kim@example.com", messageID: "m11.row12@mailroom.test"},
	"autoreply-chinese.eml":    {kind: AutoReply, recipient: "liming@example.cn", subject: "自动回复：发票通知"},
	"unsubscribe.eml":          {kind: Unsubscribe, recipient: "mallory@example.com", key: "mallory@example.com"},
	"unsubscribe-chinese.eml":  {kind: Unsubscribe, recipient: "niu@example.cn", messageID: "m14.row15@mailroom.test"},
	"unrelated-newsletter.eml": {},
	"unrelated-reply.eml":      {kind: Reply, messageID: "personal-0001@mailroom.test", recipient: "olga@example.com"}, // matched to no row later
	"dsn-malformed.eml":        {kind: Bounce, hard: true},
	"dsn-positive.eml":         {},
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestClassifyFixtures(t *testing.T) {
	names, _ := filepath.Glob("testdata/*.eml")
	if len(names) != len(fixtures) {
		t.Fatalf("%d fixture files, %d expectations: keep them in step", len(names), len(fixtures))
	}
	for name, w := range fixtures {
		t.Run(name, func(t *testing.T) {
			n, err := ParseNotice(readFixture(t, name))
			if err != nil {
				t.Fatal(err)
			}
			checkFindings(t, Classify(n), w)
		})
	}
}

func checkFindings(t *testing.T, got []Finding, w want) {
	t.Helper()
	if w.kind == "" {
		if len(got) != 0 {
			t.Fatalf("unrelated mail gave findings %+v", got)
		}
		return
	}
	if len(got) != 1 {
		t.Fatalf("got %d findings %+v, want one", len(got), got)
	}
	f := got[0]
	if f.Kind != w.kind || f.Hard != w.hard || f.Status != w.status || f.Code != w.code || f.Recipient != w.recipient {
		t.Errorf("got kind %q hard %v status %q code %d recipient %q, want %q %v %q %d %q",
			f.Kind, f.Hard, f.Status, f.Code, f.Recipient, w.kind, w.hard, w.status, w.code, w.recipient)
	}
	if w.messageID != "" && !contains(f.MessageIDs, w.messageID) {
		t.Errorf("message IDs %q lack %q", f.MessageIDs, w.messageID)
	}
	if !strings.Contains(f.Diagnostic, w.diagnostic) {
		t.Errorf("diagnostic %q lacks %q", f.Diagnostic, w.diagnostic)
	}
	if w.subject != "" && f.Subject != w.subject {
		t.Errorf("subject %q, want %q", f.Subject, w.subject)
	}
	if f.Key != w.key {
		t.Errorf("key %q, want %q", f.Key, w.key)
	}
	if f.Source == "" || f.At.IsZero() {
		t.Errorf("finding lacks its source or time: %+v", f)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestAutoSubmittedNoIsAPersonalReply(t *testing.T) {
	raw := "From: a@example.com\r\nSubject: Re: hello\r\nAuto-Submitted: no\r\nIn-Reply-To: <x@y>\r\nMessage-ID: <r@example.com>\r\n\r\nhi\r\n"
	n, err := ParseNotice([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if f := Classify(n); len(f) != 1 || f[0].Kind != Reply {
		t.Fatalf("got %+v, want a reply", f)
	}
}

func TestDiagnosticIsCutToOneShortLine(t *testing.T) {
	long := strings.Repeat("错误 ", 400)
	report := "Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 " + long + "\n"
	fs := Classify(Notice{Header: mustHeader(t, "From: MAILER-DAEMON@x.example\r\n\r\n"), Report: []byte(report)})
	if len(fs) != 1 || len(fs[0].Diagnostic) > maxDiagnostic+len("…") || strings.Contains(fs[0].Diagnostic, "\n") {
		t.Fatalf("diagnostic not cut: %d bytes", len(fs[0].Diagnostic))
	}
}

func mustHeader(t *testing.T, s string) (h mail.Header) {
	t.Helper()
	h, err := ReadHeader(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return h
}
