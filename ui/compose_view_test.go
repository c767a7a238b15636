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

// The options under the body write the campaign's unsubscribe and To-name
// fields; marking a campaign as marketing turns the link on by default.
func TestComposeOptionsWriteUnsubscribeAndToName(t *testing.T) {
	v, doc, _ := newTestCompose(t, nil)
	o := v.options
	if o.unsubscribe.Checked || o.marketing.Checked || !o.toName.Checked || !o.url.Disabled() {
		t.Fatalf("a new campaign: marketing %v unsubscribe %v to-name %v url enabled %v", o.marketing.Checked, o.unsubscribe.Checked, o.toName.Checked, !o.url.Disabled())
	}
	test.Tap(o.marketing)
	if !doc.c.Marketing || !o.unsubscribe.Checked || doc.c.Unsubscribe != nil || !doc.c.UnsubscribeOn() || o.url.Disabled() || !o.mailto.Checked {
		t.Errorf("marketing on: unsubscribe shown %v, stored %v, url enabled %v", o.unsubscribe.Checked, doc.c.Unsubscribe, !o.url.Disabled())
	}
	test.Type(o.url, "https://example.com/u?id={{ID}}")
	test.Tap(o.mailto)
	if doc.c.UnsubscribeURL != "https://example.com/u?id={{ID}}" || doc.c.UnsubscribeMailto == nil || *doc.c.UnsubscribeMailto {
		t.Errorf("url %q mailto %v", doc.c.UnsubscribeURL, doc.c.UnsubscribeMailto)
	}
	test.Tap(o.unsubscribe) // a marketing campaign without the link
	if doc.c.Unsubscribe == nil || *doc.c.Unsubscribe || doc.c.UnsubscribeOn() || !o.url.Disabled() {
		t.Errorf("unsubscribe off: stored %v, url disabled %v", doc.c.Unsubscribe, o.url.Disabled())
	}
	test.Tap(o.toName)
	if !doc.c.NoToName {
		t.Error("turning the name in To off is not stored")
	}

	// Opening another campaign shows its choices.
	c := doc.c
	c.Marketing, c.Unsubscribe, c.UnsubscribeURL, c.NoToName = false, nil, "", false
	doc.replace(c, "", "", formatMarkdown)
	if o.marketing.Checked || o.unsubscribe.Checked || o.url.Text != "" || !o.toName.Checked {
		t.Errorf("after replace: marketing %v unsubscribe %v url %q to-name %v", o.marketing.Checked, o.unsubscribe.Checked, o.url.Text, o.toName.Checked)
	}
}
