package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// composeOptions are the sending-etiquette choices of Compose, folded
// under the body: marketing mail and its unsubscribe link (Gmail's and
// Yahoo's sender rules), and the recipient's name in To. It edits doc.c
// only; the rules (what "marketing" turns on) live in app/campaign.
type composeOptions struct {
	doc       *document
	marketing *widget.Check
	// unsubscribe shows Campaign.UnsubscribeOn; mailto and url are its
	// parts.
	unsubscribe, mailto *widget.Check
	url                 *widget.Entry
	toName              *widget.Check
	loading             bool
	content             fyne.CanvasObject
}

func newComposeOptions(doc *document) *composeOptions {
	o := &composeOptions{doc: doc}
	o.marketing = widget.NewCheck(lang.L("This is marketing mail (newsletter, offers)"), func(on bool) {
		o.edit(func() { o.doc.c.Marketing = on })
	})
	o.unsubscribe = widget.NewCheck(lang.L("Add an unsubscribe link"), func(on bool) {
		o.edit(func() {
			// Following the marketing mark is stored as no choice at all.
			if on == o.doc.c.Marketing {
				o.doc.c.Unsubscribe = nil
			} else {
				o.doc.c.Unsubscribe = &on
			}
		})
	})
	o.mailto = widget.NewCheck(lang.L("Also by mail to my own address"), func(on bool) {
		o.edit(func() {
			if on {
				o.doc.c.UnsubscribeMailto = nil
			} else {
				o.doc.c.UnsubscribeMailto = &on
			}
		})
	})
	o.url = widget.NewEntry()
	o.url.SetPlaceHolder(lang.L("optional web address, e.g. {{.Example}}", map[string]any{"Example": "https://example.com/unsubscribe?id={{ID}}"}))
	o.url.OnChanged = func(s string) { o.edit(func() { o.doc.c.UnsubscribeURL = s }) }
	o.toName = widget.NewCheck(lang.L("Show the recipient's name in To (from the list's name column)"), func(on bool) {
		o.edit(func() { o.doc.c.NoToName = !on })
	})
	why := widget.NewLabel(lang.L("Gmail and Yahoo ask senders of bulk mail for a one-click unsubscribe link; mail programs then show an Unsubscribe button. {{.Field}} puts the link into the message.", map[string]any{"Field": "{{unsubscribe}}"}))
	why.Wrapping = fyne.TextWrapWord
	why.Importance = widget.LowImportance
	// In a short scroll of its own: opened under the body, it must not
	// push the window taller than the screen.
	scroll := container.NewVScroll(container.NewVBox(o.marketing, o.unsubscribe,
		container.NewPadded(container.NewVBox(o.mailto, o.url)), why, o.toName))
	scroll.SetMinSize(fyne.NewSize(0, 90))
	o.content = scroll
	o.show()
	return o
}

// edit applies a change the user made and refreshes what depends on it.
func (o *composeOptions) edit(change func()) {
	if o.loading {
		return
	}
	change()
	o.doc.changed()
	o.show()
}

// show reflects the campaign in the widgets.
func (o *composeOptions) show() {
	was := o.loading
	o.loading = true
	defer func() { o.loading = was }()
	c := &o.doc.c
	o.marketing.SetChecked(c.Marketing)
	on := c.UnsubscribeOn()
	o.unsubscribe.SetChecked(on)
	o.mailto.SetChecked(c.UnsubscribeMailto == nil || *c.UnsubscribeMailto)
	if o.url.Text != c.UnsubscribeURL {
		o.url.SetText(c.UnsubscribeURL)
	}
	o.toName.SetChecked(!c.NoToName)
	if on {
		o.mailto.Enable()
		o.url.Enable()
	} else {
		o.mailto.Disable()
		o.url.Disable()
	}
}
