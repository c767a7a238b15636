package campaign

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/sender/smtptest"
)

// sendList sends a campaign over the list to an in-process SMTP server and
// returns what arrived, keyed by envelope recipient.
func sendList(t *testing.T, list string, edit func(*Campaign)) map[string]*mail.Message {
	t.Helper()
	srv := smtptest.Start(t)
	dir := t.TempDir()
	write(t, dir, "list.csv", list)
	write(t, dir, "body.txt", "您好\n")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "通知", Body: filepath.Join(dir, "body.txt"),
		From: "财务部 <billing@example.com>", SMTP: "smtp+plain://" + srv.Addr(), Journal: filepath.Join(dir, "j.db")}
	if edit != nil {
		edit(c)
	}
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	for _, pr := range plan.Problems {
		t.Logf("problem: %v", pr)
	}
	if _, err := plan.Send(context.Background(), Env{DataDir: dir}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	out := map[string]*mail.Message{}
	for _, m := range srv.Messages() {
		if len(m.To) != 1 {
			t.Fatalf("message to %v: one envelope recipient expected", m.To)
		}
		parsed, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		out[m.To[0]] = parsed
	}
	return out
}

// onlyTo parses the To header back and insists on exactly one address.
func onlyTo(t *testing.T, m *mail.Message) *mail.Address {
	t.Helper()
	list, err := m.Header.AddressList("To")
	if err != nil || len(list) != 1 {
		t.Fatalf("To %q parses as %v (%v), want exactly one address", m.Header.Get("To"), list, err)
	}
	return list[0]
}

// The list's name column goes into To, RFC 2047-encoded; names with line
// breaks, quotes, commas and angle brackets stay one display name and never
// add a header or a recipient.
func TestRecipientsSeeTheirOwnName(t *testing.T) {
	list := "姓名,Email\n" +
		"王芳,wang.fang@example.com\n" +
		"\"Evil\r\nBcc: thief@evil.example\",evil@example.com\n" +
		"\"Smith, John\",smith@example.com\n" +
		"\"\"\"Boss\"\" <boss@evil.example>\",quote@example.com\n" +
		",nameless@example.com\n"
	got := sendList(t, list, nil)
	if len(got) != 5 {
		t.Fatalf("%d messages arrived, want 5", len(got))
	}
	want := map[string]string{
		"wang.fang@example.com": "王芳",
		"evil@example.com":      "Evil Bcc: thief@evil.example",
		"smith@example.com":     "Smith, John",
		"quote@example.com":     `"Boss" <boss@evil.example>`,
		"nameless@example.com":  "",
	}
	for rcpt, name := range want {
		m := got[rcpt]
		if m == nil {
			t.Fatalf("nothing arrived for %s", rcpt)
		}
		to := onlyTo(t, m)
		if to.Address != rcpt || to.Name != name {
			t.Errorf("To of %s is %q <%s>, want %q", rcpt, to.Name, to.Address, name)
		}
		if m.Header.Get("Bcc") != "" || m.Header.Get("Cc") != "" {
			t.Errorf("%s: a name cell added copies: Cc %q Bcc %q", rcpt, m.Header.Get("Cc"), m.Header.Get("Bcc"))
		}
	}
	raw := got["wang.fang@example.com"].Header.Get("To")
	if !strings.Contains(raw, "=?") || strings.ContainsFunc(raw, func(r rune) bool { return r > 127 }) {
		t.Errorf("To %q is not RFC 2047-encoded", raw)
	}
}

// The campaign option turns names off; a name written in the address cell
// is used when the list has no name column; first and last name combine.
func TestToNameOptionAndOtherSources(t *testing.T) {
	got := sendList(t, "姓名,Email\n王芳,\"王芳 <wang.fang@example.com>\"\n", func(c *Campaign) { c.NoToName = true })
	if to := onlyTo(t, got["wang.fang@example.com"]); to.Name != "" {
		t.Errorf("names off, but To is %q <%s>", to.Name, to.Address)
	}
	got = sendList(t, "Email\n\"Li Lei <li@example.com>\"\n", nil)
	if to := onlyTo(t, got["li@example.com"]); to.Name != "Li Lei" {
		t.Errorf("the cell's own name is lost: To %q", to.Name)
	}
	got = sendList(t, "First name,Last name,File name,Email\nAnn,Lee,a.pdf,ann@example.com\n", nil)
	if to := onlyTo(t, got["ann@example.com"]); to.Name != "Ann Lee" {
		t.Errorf("first and last name: To %q", to.Name)
	}
	got = sendList(t, "Company,Email\nACME,x@example.com\n", func(c *Campaign) { c.ToName = "{{Company}} 财务" })
	if to := onlyTo(t, got["x@example.com"]); to.Name != "ACME 财务" {
		t.Errorf("to_name template: To %q", to.Name)
	}
}

// A marketing campaign carries List-Unsubscribe by default (the account's
// own address with the row's key, and the web address with one-click);
// other campaigns do not unless asked. Read back from the messages the
// SMTP server received.
func TestMarketingCampaignsCarryUnsubscribeLinks(t *testing.T) {
	list := "姓名,Email,ID\n王芳,Wang.Fang@example.com,C-1\n李雷,li@example.com,C-2\n"
	got := sendList(t, list, func(c *Campaign) {
		c.Marketing = true
		c.UnsubscribeURL = "https://shop.example.com/unsubscribe?id={{ID}}"
		write(t, filepath.Dir(c.Body), "body.txt", "您好 {{姓名}}\n退订：{{unsubscribe}}\n")
	})
	for rcpt, id := range map[string]string{"Wang.Fang@example.com": "C-1", "li@example.com": "C-2"} {
		m := got[rcpt]
		if m == nil {
			t.Fatalf("nothing arrived for %s", rcpt)
		}
		web := "https://shop.example.com/unsubscribe?id=" + id
		key := strings.ToLower(rcpt)
		want := "<" + web + ">, <mailto:billing@example.com?subject=unsubscribe%20" + key + ">"
		if h := m.Header.Get("List-Unsubscribe"); h != want {
			t.Errorf("%s: List-Unsubscribe %q\nwant %q", rcpt, h, want)
		}
		if h := m.Header.Get("List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
			t.Errorf("%s: List-Unsubscribe-Post %q", rcpt, h)
		}
		body := new(strings.Builder)
		if _, err := io.Copy(body, base64.NewDecoder(base64.StdEncoding, m.Body)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body.String(), "退订："+web) {
			t.Errorf("%s: body %q lacks the link", rcpt, body)
		}
	}

	got = sendList(t, list, nil)
	for rcpt, m := range got {
		if h := m.Header.Get("List-Unsubscribe"); h != "" {
			t.Errorf("a campaign not marked as marketing sent List-Unsubscribe %q to %s", h, rcpt)
		}
	}
	off := false
	got = sendList(t, list, func(c *Campaign) { c.Marketing, c.Unsubscribe = true, &off })
	if h := got["li@example.com"].Header.Get("List-Unsubscribe"); h != "" {
		t.Errorf("unsubscribe turned off, but List-Unsubscribe %q", h)
	}
	on := true
	got = sendList(t, list, func(c *Campaign) { c.Unsubscribe = &on })
	if h := got["li@example.com"].Header.Get("List-Unsubscribe"); h != "<mailto:billing@example.com?subject=unsubscribe%20li@example.com>" || got["li@example.com"].Header.Get("List-Unsubscribe-Post") != "" {
		t.Errorf("mailto only: %q", h)
	}
}
