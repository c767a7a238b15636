package sentfolder

import (
	"testing"

	"github.com/emersion/go-imap/v2"
)

func listed(name string, delim rune, attrs ...imap.MailboxAttr) *imap.ListData {
	return &imap.ListData{Mailbox: name, Delim: delim, Attrs: attrs}
}

func TestChooseSentFolder(t *testing.T) {
	cases := []struct {
		name   string
		list   []*imap.ListData
		wanted string
		want   string
	}{
		{"marked folder first", []*imap.ListData{listed("Sent", '/'), listed("[Gmail]/Sent Mail", '/', "\\Sent")}, "", "[Gmail]/Sent Mail"},
		{"attribute in any case", []*imap.ListData{listed("Sent", '/'), listed("Envoyés", '/', "\\sent")}, "", "Envoyés"},
		{"marked but not selectable", []*imap.ListData{listed("Sent", '/', imap.MailboxAttrSent, imap.MailboxAttrNoSelect), listed("Sent Items", '/')}, "", "Sent Items"},
		{"usual names in order", []*imap.ListData{listed("已发送", '/'), listed("Sent Messages", '/')}, "", "Sent Messages"},
		{"name ignoring case", []*imap.ListData{listed("SENT", '/')}, "", "SENT"},
		{"under INBOX with dots", []*imap.ListData{listed("INBOX.Drafts", '.'), listed("INBOX.Sent", '.')}, "", "INBOX.Sent"},
		{"under INBOX with slashes", []*imap.ListData{listed("INBOX/Sent", '/')}, "", "INBOX/Sent"},
		{"configured exact", []*imap.ListData{listed("Sent", '/', imap.MailboxAttrSent), listed("Outbox copies", '/')}, "Outbox copies", "Outbox copies"},
		{"configured ignoring case", []*imap.ListData{listed("Sent", '/', imap.MailboxAttrSent), listed("Outbox Copies", '/')}, "outbox copies", "Outbox Copies"},
		{"configured exact beats case-folded", []*imap.ListData{listed("sent", '/'), listed("Sent", '/')}, "Sent", "Sent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := chooseSentFolder(tc.list, tc.wanted)
			if !ok || got != tc.want {
				t.Fatalf("chooseSentFolder = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		list   []*imap.ListData
		wanted string
	}{
		{"nothing like Sent", []*imap.ListData{listed("INBOX", '/'), listed("Drafts", '/')}, ""},
		{"configured missing", []*imap.ListData{listed("Sent", '/', imap.MailboxAttrSent)}, "Gesendet"},
		{"Sent under another parent", []*imap.ListData{listed("Archive/Sent", '/')}, ""},
	} {
		if got, ok := chooseSentFolder(tc.list, tc.wanted); ok {
			t.Errorf("%s: chose %q, want none", tc.name, got)
		}
	}
}

func TestWithCRLF(t *testing.T) {
	crlf := []byte("a\r\nb\r\n")
	if got := withCRLF(crlf); &got[0] != &crlf[0] {
		t.Error("a CRLF message was copied instead of used as is")
	}
	for in, want := range map[string]string{
		"a\nb\n":     "a\r\nb\r\n",
		"\nx":        "\r\nx",
		"a\r\nb\nc":  "a\r\nb\r\nc",
		"no newline": "no newline",
	} {
		if got := string(withCRLF([]byte(in))); got != want {
			t.Errorf("withCRLF(%q) = %q, want %q", in, got, want)
		}
	}
}
