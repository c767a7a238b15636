package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// selectRunes selects n characters from the cursor, as Shift+→ does.
func selectRunes(e *widget.Entry, row, col, n int) {
	e.CursorRow, e.CursorColumn = row, col
	e.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	for range n {
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	}
	e.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
}

// TestInsertFieldGoesAtTheCursorAndCanBeUndone.
func TestInsertFieldGoesAtTheCursorAndCanBeUndone(t *testing.T) {
	v, doc, _ := newTestCompose(t, nil)
	l := sampleList()
	doc.setList(&l)
	v.body.SetText("Dear ,\nthanks")
	v.body.CursorRow, v.body.CursorColumn = 0, 5
	v.lastFocused = v.body
	v.insertField("姓名")
	if doc.bodyText != "Dear {{姓名}},\nthanks" {
		t.Fatalf("body %q", doc.bodyText)
	}
	v.body.Undo()
	if doc.bodyText != "Dear ,\nthanks" {
		t.Errorf("after undo %q", doc.bodyText)
	}
}

// TestToolbarWritesMarkdownAndHTML: the buttons write the markup around
// the selection, or at the line for headings and lists.
func TestToolbarWritesMarkdownAndHTML(t *testing.T) {
	v, doc, _ := newTestCompose(t, nil)
	v.body.SetText("Pay now\nsecond line")
	selectRunes(v.body, 0, 4, 3)
	v.applyFormat("bold")
	if doc.bodyText != "Pay **now**\nsecond line" {
		t.Fatalf("bold: %q", doc.bodyText)
	}
	v.body.CursorRow, v.body.CursorColumn = 1, 3
	v.applyFormat("heading")
	if doc.bodyText != "Pay **now**\n## second line" {
		t.Fatalf("heading: %q", doc.bodyText)
	}
	v.body.Undo()
	if doc.bodyText != "Pay **now**\nsecond line" {
		t.Errorf("undo: %q", doc.bodyText)
	}
	v.format.SetSelectedIndex(1) // HTML
	v.body.SetText("see here")
	selectRunes(v.body, 0, 4, 4)
	v.applyFormat("link")
	if doc.bodyText != `see <a href="https://">here</a>` {
		t.Errorf("HTML link: %q", doc.bodyText)
	}
	v.format.SetSelectedIndex(2) // plain text has no formatting
	if v.formatButtons.Visible() {
		t.Error("formatting offered for plain text")
	}
}

// TestUnknownFieldsAreMarkedAndFixed: a field the list has no column for
// flags the body, is listed with its line, and Fix replaces it with the
// column meant.
func TestUnknownFieldsAreMarkedAndFixed(t *testing.T) {
	v, doc, _ := newTestCompose(t, nil)
	l := sampleList()
	doc.setList(&l)
	test.Type(v.body, "您好 {{姓命}}，\n金额")
	if v.fieldErr == nil || len(v.fieldIssues.Objects) != 1 {
		t.Fatalf("unknown field not flagged: %v, %d issues", v.fieldErr, len(v.fieldIssues.Objects))
	}
	var labels []string
	walk(v.fieldIssues, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			labels = append(labels, l.Text)
		}
	})
	if !strings.Contains(strings.Join(labels, " "), "Line 1: the list has no column {{姓命}}") {
		t.Errorf("issue text %q", labels)
	}
	test.Tap(findButton(v.fieldIssues, "Change to {{姓名}}"))
	if doc.bodyText != "您好 {{姓名}}，\n金额" || v.fieldErr != nil || len(v.fieldIssues.Objects) != 0 {
		t.Errorf("after fix: %q %v", doc.bodyText, v.fieldErr)
	}
}

// TestPreviewFollowsTheTypingAndRendersTheBody: no Refresh button; a
// pause in typing renders the HTML as formatted text, with Bcc shown.
func TestPreviewFollowsTheTypingAndRendersTheBody(t *testing.T) {
	v, doc, b := newTestCompose(t, &fakeComposer{})
	v.preview.delay = time.Millisecond
	l := sampleList()
	doc.setList(&l)
	b.wait()
	if findButton(v.preview.content, "Refresh") != nil {
		t.Error("the preview still needs a Refresh button")
	}
	v.bcc.SetText("boss@example.com")
	v.format.SetSelectedIndex(1)
	v.body.SetText("<h1>Hello</h1><p>Dear <b>Zhang</b>,</p>")
	test.Type(v.body, " ")
	time.Sleep(50 * time.Millisecond)
	b.flush()
	b.wait()
	if !strings.Contains(v.preview.headers.Text, "BCC: boss@example.com") {
		t.Errorf("headers %q", v.preview.headers.Text)
	}
	var bold, heading bool
	for _, s := range v.preview.body.Segments {
		if ts, ok := s.(*widget.TextSegment); ok {
			bold = bold || ts.Text == " Zhang" && ts.Style.TextStyle.Bold
			heading = heading || ts.Text == "Hello" && ts.Style.SizeName != ""
		}
	}
	if !bold || !heading {
		t.Errorf("rendered body %q", v.preview.body.String())
	}
}

func TestHTMLIsShownAsAMailClientWould(t *testing.T) {
	segs := htmlSegments(`<!DOCTYPE html><html><head><style>p{color:red}</style><title>x</title></head><body>
<h2>March bill</h2><p>Dear <em>Ann</em>, you owe <strong>12.00</strong>.</p>
<ul><li>one</li><li>two <a href="https://example.com/pay">pay</a></li></ul><ol><li>first</li></ol>
<p>line<br>break</p><img src="cid:logo.png" alt="Logo"><table><tr><td>a</td><td>b</td></tr></table></body></html>`)
	var b strings.Builder
	for _, s := range segs {
		switch s := s.(type) {
		case *widget.TextSegment:
			b.WriteString(s.Text)
		case *widget.HyperlinkSegment:
			b.WriteString(s.Text)
		}
		if !s.Inline() {
			b.WriteString("\n")
		}
	}
	got := b.String()
	for _, want := range []string{"March bill", "Dear Ann, you owe 12.00.", "• one", "• two pay", "1. first", "line\nbreak", "[Logo]", "a | b"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered text lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "color:red") || strings.Contains(got, "x\n") {
		t.Errorf("head or style shown:\n%s", got)
	}
}
