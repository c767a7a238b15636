package merge

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// injections are cell values that try to end a header line and start a
// new header or recipient.
var injections = []string{
	"Li\r\nBcc: evil@attacker.example",
	"Li\nBcc: evil@attacker.example",
	"Li\rBcc: evil@attacker.example",
	"Li\r\n\r\n<html>body takeover",
	"Li\x00\x0bBcc: evil@attacker.example",
	"Li\u2028Bcc: evil@attacker.example",
	"Li\r\n Bcc: evil@attacker.example", // folded continuation
}

// assertNoInjection parses the message back and checks that no header or
// recipient came from the cell.
func assertNoInjection(t *testing.T, raw []byte, legitTo string) {
	t.Helper()
	m := parseMessage(t, raw)
	for key := range m.Header {
		switch key {
		case "Date", "Mime-Version", "Message-Id", "Subject", "From", "To", "Cc", "Reply-To", "Content-Type", "Content-Transfer-Encoding":
		default:
			t.Errorf("unexpected header %s: %q", key, m.Header.Get(key))
		}
	}
	if strings.Contains(strings.ToLower(string(raw)), "\nbcc:") {
		t.Errorf("a Bcc line reached the message:\n%s", raw)
	}
	for _, h := range []string{"To", "Cc", "Reply-To"} {
		list, _ := m.Header.AddressList(h)
		for _, a := range list {
			if strings.Contains(a.Address, "attacker") {
				t.Errorf("%s gained %s", h, a.Address)
			}
		}
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != legitTo {
		t.Errorf("To = %v (%v), want only %s", to, err, legitTo)
	}
	for _, p := range m.Parts {
		if strings.Contains(p.FileName, "\n") || strings.Contains(p.FileName, "\r") {
			t.Errorf("file name kept a line break: %q", p.FileName)
		}
	}
}

func TestHeaderInjectionThroughDisplayedFields(t *testing.T) {
	cols := []string{"Email", "Name"}
	for _, cell := range injections {
		c := newComposer(t, cols, WithFrom("a@example.com"), WithSubject("Hello {{Name}}"),
			WithBody(FormatText, "b", ""), WithRecipientName("{{Name}}"))
		raw, err := c.EML(Row{Number: 2, Values: []string{"to@example.com", cell}}, []string{"to@example.com"})
		if err != nil {
			t.Fatalf("cell %q: %v", cell, err)
		}
		assertNoInjection(t, raw, "to@example.com")
		m := parseMessage(t, raw)
		if subj := m.decoded(t, "Subject"); strings.ContainsAny(subj, "\r\n\x00") || !strings.Contains(subj, "Bcc") && !strings.Contains(subj, "body") {
			t.Errorf("cell %q: subject %q should keep the text on one line", cell, subj)
		}
	}
}

func TestHeaderInjectionThroughAddressFields(t *testing.T) {
	cols := []string{"Email", "Manager"}
	for _, field := range []string{"cc", "bcc", "reply-to"} {
		for _, cell := range injections {
			cell = strings.Replace(cell, "Li", "boss@example.com", 1)
			opt := map[string]Option{"cc": WithCC("{{Manager}}"), "bcc": WithBCC("{{Manager}}"), "reply-to": WithReplyTo("{{Manager}}")}[field]
			c := newComposer(t, cols, WithFrom("a@example.com"), WithSubject("s"), WithBody(FormatText, "b", ""), opt)
			msg, err := c.Message("k", Row{Number: 5, Values: []string{"to@example.com", cell}}, []string{"to@example.com"})
			var re *RowError
			if !errors.As(err, &re) {
				t.Errorf("%s cell %q: built a message (copies %v), want an invalid-address problem", field, cell, msg.ExplicitCopies)
				continue
			}
			p := re.Problems[0]
			if p.Code != "invalid-address" || p.Row != 5 || p.Column != "Manager" {
				t.Errorf("%s cell %q: problem %+v", field, cell, p)
			}
		}
	}
}

func TestHeaderInjectionThroughRecipientAddress(t *testing.T) {
	c := newComposer(t, []string{"Email"}, WithFrom("a@example.com"), WithSubject("s"), WithBody(FormatText, "b", ""))
	for _, cell := range injections {
		to := strings.Replace(cell, "Li", "to@example.com", 1)
		if _, err := c.EML(Row{Number: 2, Values: []string{to}}, []string{to}); err == nil {
			t.Errorf("recipient %q was accepted", to)
		}
	}
}

func TestHeaderInjectionThroughFileNames(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows file names cannot hold line breaks")
	}
	dir := t.TempDir()
	name := "report\r\nBcc: evil@attacker.example.pdf"
	writeFile(t, filepath.Join(dir, name), []byte("data"))
	shared := writeFile(t, filepath.Join(dir, "x\nContent-Type: text/html.txt"), []byte("x"))
	c := newComposer(t, []string{"Email", "File"}, WithFrom("a@example.com"), WithSubject("s"),
		WithBody(FormatText, "b", ""), WithAttachColumn(dir, "File"), WithAttachments(shared))
	raw, err := c.EML(Row{Number: 2, Values: []string{"to@example.com", "report*"}}, []string{"to@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	assertNoInjection(t, raw, "to@example.com")
	if n := len(parseMessage(t, raw).attachments()); n != 2 {
		t.Errorf("%d attachments, want 2", n)
	}
}

func TestInjectionThroughFromOption(t *testing.T) {
	c := newComposer(t, nil, WithFrom("Me\r\nBcc: evil@attacker.example <me@example.com>"),
		WithSubject("s"), WithBody(FormatText, "b", ""))
	// Either refused as invalid, or the name kept on one line.
	if c.ready() != nil {
		return
	}
	raw, err := c.EML(Row{Number: 2}, []string{"to@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	assertNoInjection(t, raw, "to@example.com")
}
