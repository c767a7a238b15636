package ui

import (
	"context"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// previewPane renders the message of one row at a time, steps through the
// rows, saves the exact .eml and sends a test message.
type previewPane struct {
	composer Composer
	tester   TestSender // nil: no test send offered
	doc      *document
	win      fyne.Window
	settings settings
	bridge   *bridge

	index             int
	last              Preview
	position          *widget.Label
	prev, next        *widget.Button
	headers           *widget.Label
	body              *widget.RichText
	timer             *time.Timer
	delay             time.Duration
	problems          *widget.Label
	saveEML, testSend *widget.Button
	testTo            *widget.Entry
	status            *widget.Label
	busy              *widget.ProgressBarInfinite
	content           fyne.CanvasObject
}

func newPreviewPane(composer Composer, tester TestSender, doc *document, win fyne.Window, s settings, b *bridge) *previewPane {
	p := &previewPane{composer: composer, tester: tester, doc: doc, win: win, settings: s, bridge: b}
	p.position = widget.NewLabel("")
	p.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { p.step(-1) })
	p.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { p.step(1) })
	p.headers = widget.NewLabel("")
	p.headers.Wrapping = fyne.TextWrapWord
	p.body = widget.NewRichText()
	p.body.Wrapping = fyne.TextWrapWord
	p.delay = previewPause
	p.problems = widget.NewLabel("")
	p.problems.Wrapping = fyne.TextWrapWord
	p.busy = widget.NewProgressBarInfinite()
	p.busy.Stop()
	p.busy.Hide()
	p.saveEML = widget.NewButtonWithIcon(lang.L("Save as .eml…"), theme.DocumentSaveIcon(), p.chooseEMLPath)
	p.testTo = widget.NewEntry()
	p.testTo.SetPlaceHolder(lang.L("test address"))
	p.testTo.SetText(s.testAddress())
	p.testSend = widget.NewButtonWithIcon(lang.L("Send test"), theme.MailSendIcon(), p.sendTest)
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord

	nav := container.NewHBox(p.prev, p.position, p.next)
	test := container.NewBorder(nil, nil, nil, p.testSend, p.testTo)
	bottom := container.NewVBox(p.busy, p.problems, p.saveEML)
	if tester != nil {
		bottom.Add(test)
		bottom.Add(p.status)
	}
	scroll := container.NewVScroll(container.NewVBox(p.headers, widget.NewSeparator(), p.body))
	p.content = container.NewBorder(container.NewVBox(widget.NewLabelWithStyle(lang.L("Preview"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nav), bottom, nil, nil, scroll)

	doc.onList(func() { p.index = 0; p.render() })
	doc.onEdited(p.schedule)
	p.render()
	return p
}

// previewPause is how long the typing must stop before the preview
// follows it.
const previewPause = 300 * time.Millisecond

// schedule renders the preview once the typing pauses: live, without a
// Refresh button, and without rendering on every keystroke.
func (p *previewPane) schedule() {
	if p.timer != nil {
		p.timer.Stop()
	}
	p.timer = time.AfterFunc(p.delay, func() { p.bridge.update(p.render) })
}

// step moves to the previous or next row and renders it.
func (p *previewPane) step(delta int) {
	p.index += delta
	p.render()
}

// render shows the current row's message, rendered in the background.
func (p *previewPane) render() {
	l := p.doc.list
	if l == nil || len(l.Rows) == 0 {
		p.position.SetText(lang.L("No recipients yet"))
		p.headers.SetText(lang.L("Open a recipient list to preview each message."))
		p.setBody(nil)
		for _, b := range []*widget.Button{p.prev, p.next, p.saveEML, p.testSend} {
			b.Disable()
		}
		return
	}
	p.index = max(0, min(p.index, len(l.Rows)-1))
	p.position.SetText(lang.L("Row {{.Row}} ({{.Index}} of {{.Count}})", map[string]any{"Row": l.Rows[p.index].Row, "Index": p.index + 1, "Count": len(l.Rows)}))
	setEnabled(p.prev, p.index > 0)
	setEnabled(p.next, p.index < len(l.Rows)-1)
	p.busy.Show()
	p.busy.Start()
	d, index := p.doc.draft(), p.index
	p.bridge.run(func() func() {
		pv, err := p.composer.Preview(context.Background(), d, l, index)
		return func() {
			p.busy.Stop()
			p.busy.Hide()
			if l != p.doc.list || index != p.index {
				return // the user moved on; a newer render is under way
			}
			p.show(pv, err)
		}
	})
}

func (p *previewPane) show(pv Preview, err error) {
	p.last = pv
	setEnabled(p.saveEML, err == nil && len(pv.EML) > 0)
	setEnabled(p.testSend, err == nil)
	if err != nil {
		p.headers.SetText("")
		p.setBody(nil)
		p.problems.SetText("✗ " + sayErr(err))
		return
	}
	var h strings.Builder
	for _, f := range []struct{ label, value string }{
		{lang.L("From"), pv.From}, {lang.L("To"), pv.To}, {"CC", pv.CC}, {"BCC", pv.BCC},
		{lang.L("Reply-To"), pv.ReplyTo}, {lang.L("Subject"), pv.Subject},
		{lang.L("Attachments"), strings.Join(pv.Attachments, lang.L(", "))},
		{lang.L("Size"), sizeText(pv.Size)},
	} {
		if f.value != "" {
			// Chinese puts a full-width colon after a label.
			h.WriteString(f.label + lang.L(": ") + f.value + "\n")
		}
	}
	p.headers.SetText(strings.TrimSpace(h.String()))
	if pv.HTML != "" {
		p.setBody(htmlSegments(pv.HTML))
	} else {
		p.setBody([]widget.RichTextSegment{&widget.TextSegment{Text: pv.Text, Style: widget.RichTextStyleParagraph}})
	}
	var probs []string
	for _, pr := range pv.Problems {
		probs = append(probs, problemLine(pr))
	}
	p.problems.SetText(strings.Join(probs, "\n"))
}

func (p *previewPane) setBody(segs []widget.RichTextSegment) {
	p.body.Segments = segs
	p.body.Refresh()
}

func sizeText(n int64) string {
	switch {
	case n <= 0:
		return ""
	case n < 1024*1024:
		return strconv.FormatInt((n+1023)/1024, 10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64) + " MB"
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (p *previewPane) chooseEMLPath() {
	eml := p.last.EML
	name := "row-" + strconv.Itoa(p.doc.list.Rows[p.index].Row) + ".eml"
	askSavePath(p.win, name, []string{".eml"}, func(path string) {
		if err := os.WriteFile(path, eml, 0o600); err != nil {
			showError(err, p.win)
		}
	})
}

// sendTest sends the current row's message to the test address; the
// composer marks it as a test and it never counts as the row's delivery.
func (p *previewPane) sendTest() {
	to := strings.TrimSpace(p.testTo.Text)
	if to == "" {
		showError(fieldError(lang.L("test address"), lang.L("enter the address that should receive the test")), p.win)
		return
	}
	p.settings.setTestAddress(to)
	p.testSend.Disable()
	p.status.SetText(lang.L("Sending a test to {{.To}}…", map[string]any{"To": to}))
	d, l, index := p.doc.draft(), p.doc.list, p.index
	p.bridge.run(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), connectionTestTimeout)
		defer cancel()
		err := p.tester.TestSend(ctx, d, l, index, to)
		return func() {
			p.testSend.Enable()
			if err != nil {
				p.status.SetText("✗ " + sayErr(err))
				return
			}
			p.status.SetText("✓ " + lang.L("Test message sent to {{.To}}.", map[string]any{"To": to}))
		}
	})
}
