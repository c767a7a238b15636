package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// composeView edits the message: account, headers, subject and body with
// merge fields, shared and per-recipient attachments. The preview pane
// beside it (compose_preview.go) renders any row.
type composeView struct {
	doc      *document
	win      fyne.Window
	accounts func() []Account

	accountIDs              []string
	account                 *widget.Select
	name                    *widget.Entry
	from, replyTo, cc, bcc  *widget.Entry
	subject, body           *widget.Entry
	format                  *widget.Select
	formatButtons           *fyne.Container
	fieldIssues             *fyne.Container
	fieldErr                error // the body names an unknown field
	field                   *widget.Select
	lastFocused             *widget.Entry
	attachList              *widget.List
	attachSelected          int
	removeAttach            *widget.Button
	attachDir, attachColumn *widget.Entry
	attachments             *widget.Accordion
	options                 *composeOptions
	preview                 *previewPane
	content                 fyne.CanvasObject
	loading                 bool
}

var bodyFormats = []string{formatMarkdown, formatHTML, formatText}

func formatLabel(f string) string {
	switch f {
	case formatHTML:
		return "HTML"
	case formatText:
		return lang.L("Plain text")
	}
	return "Markdown"
}

func newComposeView(doc *document, win fyne.Window, accounts func() []Account, composer Composer, tester TestSender, s settings, b *bridge) *composeView {
	v := &composeView{doc: doc, win: win, accounts: accounts, attachSelected: -1}
	v.name = v.boundEntry(&doc.c.Name)
	v.name.SetPlaceHolder(lang.L("shown in History, e.g. March invoices"))
	v.account = newSelect(nil, func(string) { v.pickAccount() })
	v.account.PlaceHolder = lang.L("Choose an account")
	v.from = v.boundEntry(&doc.c.From)
	v.from.SetPlaceHolder(lang.L("Name <address>; empty uses the account's"))
	v.replyTo = v.boundEntry(&doc.c.ReplyTo)
	v.cc = v.boundEntry(&doc.c.CC)
	v.bcc = v.boundEntry(&doc.c.BCC)
	v.subject = v.boundEntry(&doc.c.Subject)
	v.body = widget.NewMultiLineEntry()
	v.body.Wrapping = fyne.TextWrapWord
	v.body.SetMinRowsVisible(12)
	v.body.OnChanged = func(s string) {
		if !v.loading {
			v.doc.bodyText = s
			v.doc.changed()
			v.checkFields()
		}
	}
	v.fieldIssues = container.NewVBox()
	// The body is outlined in the error colour while it names a field the
	// list does not have (checkFields sets it; no validator, so no tick).
	v.body.AlwaysShowValidationError = true
	v.lastFocused = v.body
	v.subject.OnCursorChanged = func() { v.lastFocused = v.subject }
	v.body.OnCursorChanged = func() { v.lastFocused = v.body }
	v.format = newChoice(bodyFormats, formatLabel)
	v.format.OnChanged = func(string) {
		if !v.loading {
			v.doc.bodyFormat = choiceValue(v.format, bodyFormats)
			v.doc.changed()
			v.showFormatButtons()
		}
	}
	v.field = newSelect(nil, v.insertField)
	v.field.PlaceHolder = lang.L("Insert a merge field…")

	v.attachList = widget.NewList(
		func() int { return len(v.doc.c.Attach) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(v.doc.c.Attach[i]) })
	v.attachList.OnSelected = func(i widget.ListItemID) { v.attachSelected = i; v.removeAttach.Enable() }
	addAttach := widget.NewButtonWithIcon(lang.L("Add file…"), theme.ContentAddIcon(), v.chooseAttachment)
	v.removeAttach = widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), v.removeAttachment)
	v.removeAttach.Disable()
	v.attachDir = v.boundEntry(&doc.c.AttachDir)
	v.attachDir.SetPlaceHolder(lang.L("folder with one file per recipient"))
	chooseDir := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), v.chooseAttachDir)
	v.attachColumn = v.boundEntry(&doc.c.AttachColumn)
	// The example is passed as data: inside the message it would be read as
	// a translation template.
	v.attachColumn.SetPlaceHolder(lang.L("column or pattern, e.g. {{.Example}}", map[string]any{"Example": "{{CustomerID}}*.pdf"}))

	headers := widget.NewForm(
		widget.NewFormItem(lang.L("Campaign name"), v.name),
		widget.NewFormItem(lang.L("Account"), v.account),
		widget.NewFormItem(lang.L("From"), v.from),
		widget.NewFormItem(lang.L("Reply-To"), v.replyTo),
		widget.NewFormItem("CC", v.cc),
		widget.NewFormItem("BCC", v.bcc),
		widget.NewFormItem(lang.L("Subject"), v.subject),
		widget.NewFormItem(lang.L("Body format"), container.NewBorder(nil, nil, v.format, nil, v.field)),
	)
	attachments := widget.NewForm(
		widget.NewFormItem(lang.L("Every message"), container.NewBorder(nil, container.NewHBox(addAttach, v.removeAttach), nil, nil,
			withMinHeight(v.attachList, 64))),
		widget.NewFormItem(lang.L("Per-recipient folder"), container.NewBorder(nil, nil, nil, chooseDir, v.attachDir)),
		widget.NewFormItem(lang.L("File name column"), v.attachColumn),
	)
	// Attachments fold away: most messages have none, and the body needs
	// the room on a laptop screen.
	v.attachments = widget.NewAccordion(widget.NewAccordionItem(lang.L("Attachments"), attachments))
	v.options = newComposeOptions(doc)
	v.attachments.Append(widget.NewAccordionItem(lang.L("Unsubscribe and recipient's name"), v.options.content))
	toolbar := v.newToolbar()
	// The opened sections (and the unknown-field notes) take at most 40 %
	// of the height: the body keeps the rest at 800×600. Narrower or lower
	// than its fields need, the editor scrolls instead of making the
	// window grow.
	editor := scrollWhenSmall(newShareBorder(container.NewVBox(headers, toolbar), v.body, container.NewVBox(v.fieldIssues, v.attachments), 0.4))
	if composer == nil {
		v.content = editor
	} else {
		v.preview = newPreviewPane(composer, tester, doc, win, s, b)
		split := container.NewHSplit(editor, v.preview.content)
		split.Offset = 0.55
		v.content = split
	}
	doc.onReplaced(v.showCampaign)
	doc.onReplaced(v.options.show)
	doc.onList(func() {
		v.showColumns()
		v.checkFields()
	})
	v.showCampaign()
	return v
}

// boundEntry is an entry that writes its text into a campaign field.
func (v *composeView) boundEntry(dst *string) *widget.Entry {
	e := widget.NewEntry()
	e.OnChanged = func(s string) {
		if !v.loading {
			*dst = s
			v.doc.changed()
		}
	}
	return e
}

func (v *composeView) showCampaign() {
	v.loading = true
	defer func() { v.loading = false }()
	c := &v.doc.c
	// The entries are bound to fields of doc.c, which replace overwrote in
	// place, so only their texts need refreshing.
	v.name.SetText(c.Name)
	v.from.SetText(c.From)
	v.replyTo.SetText(c.ReplyTo)
	v.cc.SetText(c.CC)
	v.bcc.SetText(c.BCC)
	v.subject.SetText(c.Subject)
	v.body.SetText(v.doc.bodyText)
	setChoice(v.format, bodyFormats, v.doc.bodyFormat)
	v.showFormatButtons()
	v.checkFields()
	v.attachDir.SetText(c.AttachDir)
	v.attachColumn.SetText(c.AttachColumn)
	v.attachList.UnselectAll()
	v.attachList.Refresh()
	if len(c.Attach) > 0 || c.AttachDir != "" {
		v.attachments.Open(0)
	} else {
		v.attachments.Close(0)
	}
	v.refreshAccounts()
}

// refreshAccounts reloads the account choice, e.g. after one was saved.
func (v *composeView) refreshAccounts() {
	was := v.loading
	v.loading = true
	defer func() { v.loading = was }()
	accounts := v.accounts()
	labels := make([]string, len(accounts))
	v.accountIDs = make([]string, len(accounts))
	for i, a := range accounts {
		labels[i] = a.Name + " <" + a.FromAddress + ">"
		v.accountIDs[i] = a.ID
	}
	v.account.SetOptions(labels)
	v.account.ClearSelected()
	for i, id := range v.accountIDs {
		if id == v.doc.c.Account {
			v.account.SetSelectedIndex(i)
		}
	}
}

func (v *composeView) pickAccount() {
	if v.loading {
		return
	}
	if i := v.account.SelectedIndex(); i >= 0 {
		v.doc.c.Account = v.accountIDs[i]
		v.doc.changed()
	}
}

func (v *composeView) showColumns() {
	var cols []string
	if v.doc.list != nil {
		cols = v.doc.list.Columns
	}
	v.field.SetOptions(cols)
}

// insertField puts {{Column}} at the cursor of the subject or body,
// whichever the user was last typing in, as a step Ctrl+Z undoes.
func (v *composeView) insertField(col string) {
	if col == "" {
		return
	}
	v.field.ClearSelected()
	e := v.lastFocused
	insertText(e, "{{"+col+"}}")
	v.win.Canvas().Focus(e)
}

func (v *composeView) chooseAttachment() {
	askOpenPath(v.win, nil, func(path string) {
		v.doc.c.Attach = append(v.doc.c.Attach, path)
		v.doc.changed()
		v.attachList.Refresh()
	})
}

// addAttachments attaches files to every message (dropped on the window).
func (v *composeView) addAttachments(paths []string) {
	if len(paths) == 0 {
		return
	}
	v.doc.c.Attach = append(v.doc.c.Attach, paths...)
	v.doc.changed()
	v.attachments.Open(0)
	v.attachList.Refresh()
}

func (v *composeView) removeAttachment() {
	i := v.attachSelected
	if i < 0 || i >= len(v.doc.c.Attach) {
		return
	}
	v.doc.c.Attach = append(v.doc.c.Attach[:i], v.doc.c.Attach[i+1:]...)
	v.doc.changed()
	v.attachSelected = -1
	v.attachList.UnselectAll()
	v.removeAttach.Disable()
	v.attachList.Refresh()
}

func (v *composeView) chooseAttachDir() {
	askFolder(v.win, func(path string) { v.attachDir.SetText(path) })
}
