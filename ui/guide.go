package ui

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// step is one thing the campaign still needs before it can be sent, with
// the way to the place where the user provides it.
type step struct {
	text string
	show func()
}

// missing lists what the campaign still lacks, in the order the user
// provides it. It reads only the document, so it is cheap enough to run
// after every keystroke.
func (m *mainWindow) missing() []step {
	c := m.doc.c
	var out []step
	if m.recipients != nil && c.Recipients == "" && len(c.RecipientLines) == 0 {
		out = append(out, step{lang.L("No recipients yet: open a list or type the addresses"), func() { m.showPage(m.recipientsTab) }})
	}
	if c.Account == "" && c.SMTP == "" && c.DryRun == "" {
		if m.accountCount == 0 && m.accountsTab != nil {
			out = append(out, step{lang.L("No mail account yet: add yours (or choose a dry run on Send)"), func() { m.showPage(m.accountsTab) }})
		} else {
			out = append(out, step{lang.L("No account chosen for this campaign"), func() { m.focusCompose(m.compose.account) }})
		}
	}
	if strings.TrimSpace(c.Subject) == "" {
		out = append(out, step{lang.L("The message has no subject"), func() { m.focusCompose(m.compose.subject) }})
	}
	if strings.TrimSpace(m.doc.bodyText) == "" {
		out = append(out, step{lang.L("The message has no text"), func() { m.focusCompose(m.compose.body) }})
	}
	return out
}

// focusCompose shows the compose page with the cursor in o.
func (m *mainWindow) focusCompose(o fyne.Focusable) {
	m.showPage(m.composeTab)
	if o != nil {
		m.win.Canvas().Focus(o)
	}
}

// refreshSteps puts each step's state in the navigation (Accounts ✓ ·
// Recipients ✓ 1,234 · Compose ✓ · Send) and each page's list of what is
// missing.
func (m *mainWindow) refreshSteps() {
	if m.tabs == nil {
		return
	}
	c := m.doc.c
	mark := func(tab *container.TabItem, label string, done bool, extra string) {
		if tab == nil {
			return
		}
		text := label
		if done {
			text += " ✓" + extra
		}
		tab.Text = text
	}
	mark(m.accountsTab, lang.L("Accounts"), m.accountCount > 0, "")
	ready := 0
	if m.doc.list != nil {
		ready = m.doc.list.Count(RowReady)
	}
	mark(m.recipientsTab, lang.L("Recipients"), ready > 0, " "+thousands(ready))
	composed := strings.TrimSpace(c.Subject) != "" && strings.TrimSpace(m.doc.bodyText) != "" &&
		(c.Account != "" || c.SMTP != "" || c.DryRun != "")
	mark(m.composeTab, lang.L("Compose"), composed, "")
	m.tabs.Refresh()
	missing := m.missing()
	for _, g := range m.guides {
		g.show(missing)
	}
}

// guideBar says on top of a page what the campaign still lacks, each item
// a link to where it is provided.
type guideBar struct {
	box *fyne.Container
}

func (m *mainWindow) withGuide(content fyne.CanvasObject) fyne.CanvasObject {
	g := &guideBar{box: container.NewVBox()}
	m.guides = append(m.guides, g)
	return container.NewBorder(g.box, nil, nil, nil, content)
}

func (g *guideBar) show(missing []step) {
	if len(missing) == 0 {
		g.box.Objects = nil
		g.box.Refresh()
		return
	}
	items := container.NewHBox(widget.NewLabelWithStyle(lang.L("Still missing:"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, s := range missing {
		b := widget.NewButtonWithIcon(s.text, theme.NavigateNextIcon(), s.show)
		b.Importance = widget.LowImportance
		b.IconPlacement = widget.ButtonIconTrailingText
		items.Add(b)
	}
	g.box.Objects = []fyne.CanvasObject{container.NewHScroll(items), widget.NewSeparator()}
	g.box.Refresh()
}

// showProblem takes the user to where a problem is fixed: its row in the
// recipient table, or the field it is about.
func (m *mainWindow) showProblem(p Problem) {
	if p.Row > 0 && m.recipients != nil {
		m.showPage(m.recipientsTab)
		m.recipients.showRow(p.Row)
		return
	}
	switch p.Code {
	case "no-recipients", "two-recipient-lists", "no-email-column", "not-found", "no-data":
		m.showPage(m.recipientsTab)
	case "no-subject", "subject-empty":
		m.focusCompose(m.compose.subject)
	case "no-body", "template-syntax", "unknown-field", "body-missing":
		m.focusCompose(m.compose.body)
	case "no-server", "no-account", "no-from", "from-missing", "from-invalid":
		m.focusCompose(m.compose.account)
	case "no-password":
		m.showPage(m.accountsTab)
	case "bad-rate", "bad-number":
		m.showPage(m.sendTab)
		m.win.Canvas().Focus(m.send.rate)
	case "attach-dir-column", "attachment-folder-missing", "attachment-missing":
		m.compose.attachments.Open(0)
		m.focusCompose(m.compose.attachDir)
	}
}

// thousands writes n with thousands separators (1,234), as both English
// and Chinese readers expect.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// canvasRect is a translucent band of a theme colour behind a banner.
func canvasRect(name fyne.ThemeColorName) *canvas.Rectangle {
	r, g, b, _ := theme.Color(name).RGBA()
	return canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x40})
}
