package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func newTestCompose(t *testing.T, composer *fakeComposer) (*composeView, *document, *bridge) {
	t.Helper()
	a := test.NewTempApp(t)
	doc := newDocument()
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	accounts := func() []Account { return []Account{{ID: "a1", Name: "Work", FromAddress: "me@example.com"}} }
	var c Composer
	var ts TestSender
	if composer != nil {
		c, ts = composer, composer
	}
	v := newComposeView(doc, w, accounts, c, ts, settings{a.Preferences()}, b)
	w.SetContent(v.content)
	return v, doc, b
}

func TestComposeViewWritesTheCampaignAndInsertsMergeFields(t *testing.T) {
	v, doc, _ := newTestCompose(t, nil)
	l := sampleList()
	doc.setList(&l)

	v.account.SetSelectedIndex(0)
	test.Type(v.subject, "Invoice for ")
	v.insertField("姓名")
	test.Type(v.body, "Dear ")
	v.lastFocused = v.body
	v.insertField("姓名")
	v.format.SetSelectedIndex(1)

	if doc.c.Account != "a1" {
		t.Errorf("account %q", doc.c.Account)
	}
	if doc.c.Subject != "Invoice for {{姓名}}" {
		t.Errorf("subject %q", doc.c.Subject)
	}
	if doc.bodyText != "Dear {{姓名}}" || doc.bodyFormat != formatHTML {
		t.Errorf("body %q format %q", doc.bodyText, doc.bodyFormat)
	}
	if strings.Join(v.field.Options, ",") != "姓名,邮箱,备用邮箱" {
		t.Errorf("merge fields offered: %v", v.field.Options)
	}
}

func TestPreviewStepsThroughRowsAndSendsATest(t *testing.T) {
	composer := &fakeComposer{}
	v, doc, b := newTestCompose(t, composer)
	doc.c.Subject = "Hello"
	l := sampleList()
	doc.setList(&l)
	b.wait()
	p := v.preview
	if !strings.Contains(p.headers.Text, "Subject: Hello #2") || !p.prev.Disabled() {
		t.Fatalf("first preview: %q (prev disabled %v)", p.headers.Text, p.prev.Disabled())
	}
	test.Tap(p.next)
	b.wait()
	test.Tap(p.next)
	b.wait()
	if !strings.Contains(p.headers.Text, "Subject: Hello #4") || !p.next.Disabled() {
		t.Errorf("third preview: %q (next disabled %v)", p.headers.Text, p.next.Disabled())
	}
	if p.position.Text != "Row 4 (3 of 3)" {
		t.Errorf("position %q", p.position.Text)
	}

	test.Type(p.testTo, "me@example.com")
	test.Tap(p.testSend)
	b.wait()
	if len(composer.sentTo) != 1 || composer.sentTo[0] != "me@example.com" {
		t.Errorf("test sent to %v", composer.sentTo)
	}
	if p.status.Text != "✓ Test message sent to me@example.com." {
		t.Errorf("status %q", p.status.Text)
	}
	if p.settings.testAddress() != "me@example.com" {
		t.Error("test address not remembered")
	}
}
