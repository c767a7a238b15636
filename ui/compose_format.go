package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The formatting toolbar writes Markdown (or HTML) for people who do not
// know it, and every change it makes — like Insert field — goes through
// the entry's own paste, so Ctrl+Z undoes it.

// textClipboard hands a text to the entry's paste without touching the
// user's clipboard.
type textClipboard struct{ text string }

func (c *textClipboard) Content() string   { return c.text }
func (c *textClipboard) SetContent(string) {}

// insertText replaces the selection of e (or inserts at its cursor) with
// text, as one step the user can undo.
func insertText(e *widget.Entry, text string) {
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: &textClipboard{text}})
}

// markup is how one toolbar action writes in each format.
type markup struct {
	before, after string // around the selection
	linePrefix    bool   // before goes at the start of each line
	placeholder   string // used when nothing is selected
}

func (v *composeView) markups() map[string][2]markup {
	text := lang.L("text")
	return map[string][2]markup{ // Markdown, HTML
		"bold":    {{before: "**", after: "**", placeholder: text}, {before: "<b>", after: "</b>", placeholder: text}},
		"italic":  {{before: "*", after: "*", placeholder: text}, {before: "<i>", after: "</i>", placeholder: text}},
		"heading": {{before: "## ", linePrefix: true, placeholder: lang.L("Heading")}, {before: "<h2>", after: "</h2>", placeholder: lang.L("Heading")}},
		"list":    {{before: "- ", linePrefix: true, placeholder: text}, {before: "<ul>\n<li>", after: "</li>\n</ul>", placeholder: text}},
		"link":    {{before: "[", after: "](https://)", placeholder: lang.L("link text")}, {before: `<a href="https://">`, after: "</a>", placeholder: lang.L("link text")}},
	}
}

// format applies a toolbar action to the body's selection, or to the
// cursor's line for headings and lists.
func (v *composeView) applyFormat(action string) {
	pair, ok := v.markups()[action]
	if !ok || v.doc.bodyFormat == formatText {
		return
	}
	m := pair[0]
	if v.doc.bodyFormat == formatHTML {
		m = pair[1]
	}
	e := v.body
	sel := e.SelectedText()
	if m.linePrefix {
		if sel == "" {
			e.CursorColumn = 0
			e.Refresh()
			insertText(e, m.before)
		} else {
			lines := strings.Split(sel, "\n")
			for i := range lines {
				lines[i] = m.before + lines[i]
			}
			insertText(e, strings.Join(lines, "\n"))
		}
	} else {
		if sel == "" {
			sel = m.placeholder
		}
		insertText(e, m.before+sel+m.after)
	}
	v.win.Canvas().Focus(e)
}

func (v *composeView) newToolbar() *fyne.Container {
	button := func(label, action string) *widget.Button {
		b := widget.NewButton(label, func() { v.applyFormat(action) })
		b.Importance = widget.LowImportance
		return b
	}
	undo := widget.NewButtonWithIcon("", theme.ContentUndoIcon(), func() { v.body.Undo() })
	redo := widget.NewButtonWithIcon("", theme.ContentRedoIcon(), func() { v.body.Redo() })
	undo.Importance, redo.Importance = widget.LowImportance, widget.LowImportance
	v.formatButtons = container.NewHBox(button(lang.L("Bold"), "bold"), button(lang.L("Italic"), "italic"),
		button(lang.L("Heading"), "heading"), button(lang.L("List"), "list"), button(lang.L("Link"), "link"), widget.NewSeparator())
	return container.NewHBox(v.formatButtons, undo, redo)
}

// showFormatButtons offers formatting only where the format has any.
func (v *composeView) showFormatButtons() {
	if v.doc.bodyFormat == formatText {
		v.formatButtons.Hide()
	} else {
		v.formatButtons.Show()
	}
}

// checkFields marks {{fields}} of the subject and body that name no
// column of the list: the body is flagged and each one is listed under it
// with a way to show and to fix it.
func (v *composeView) checkFields() {
	v.fieldIssues.Objects = nil
	var columns []string
	if v.doc.list != nil {
		columns = v.doc.list.Columns
	}
	var issues []fieldIssue
	if columns != nil {
		issues = unknownFields(v.body.Text, columns)
	}
	v.fieldErr = nil
	if len(issues) > 0 {
		v.fieldErr = errors.New(lang.L("unknown field"))
	}
	v.body.SetValidationError(v.fieldErr)
	for _, is := range issues {
		is := is
		text := lang.L("Line {{.Line}}: the list has no column {{.Field}}", map[string]any{"Line": is.Line, "Field": "{{" + is.Name + "}}"})
		row := container.NewHBox(widget.NewIcon(theme.WarningIcon()), widget.NewLabel(text))
		show := widget.NewButton(lang.L("Show"), func() { v.selectField(is) })
		show.Importance = widget.LowImportance
		row.Add(show)
		if is.Suggestion != "" {
			fix := widget.NewButton(lang.L("Change to {{.Field}}", map[string]any{"Field": "{{" + is.Suggestion + "}}"}), func() {
				if v.selectField(is) {
					insertText(v.body, "{{"+is.Suggestion+"}}")
				}
			})
			row.Add(fix)
		}
		v.fieldIssues.Add(row)
	}
	v.fieldIssues.Refresh()
}

// selectField selects an unknown field's {{…}} in the body, as if the
// user had marked it with Shift and the arrow keys.
func (v *composeView) selectField(is fieldIssue) bool {
	e := v.body
	lines := strings.Split(e.Text, "\n")
	if is.Line < 1 || is.Line > len(lines) {
		return false
	}
	line := []rune(lines[is.Line-1])
	start := min(max(is.Col-1, 0), len(line))
	for start > 0 && !(start+1 < len(line) && line[start] == '{' && line[start+1] == '{') {
		start--
	}
	end := start
	for end+1 < len(line) && !(line[end] == '}' && line[end+1] == '}') {
		end++
	}
	if end+1 >= len(line) {
		return false
	}
	end += 2
	v.win.Canvas().Focus(e)
	e.CursorRow, e.CursorColumn = is.Line-1, start
	e.Refresh()
	e.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	for range end - start {
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	}
	e.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	return e.SelectedText() == string(line[start:end])
}
