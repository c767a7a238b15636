package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// suppressionEditor edits the do-not-send list that every campaign
// honours; after a change the recipient list is read again so that the
// rows' states are current.
type suppressionEditor struct {
	supp     Suppressions
	win      fyne.Window
	changed  func()
	entries  []string
	selected int
	list     *widget.List
	input    *widget.Entry
	remove   *widget.Button
	content  fyne.CanvasObject
}

func newSuppressionEditor(supp Suppressions, win fyne.Window, changed func()) *suppressionEditor {
	e := &suppressionEditor{supp: supp, win: win, changed: changed, selected: -1}
	e.list = widget.NewList(
		func() int { return len(e.entries) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(e.entries[i]) })
	e.list.OnSelected = func(i widget.ListItemID) { e.selected = i; e.remove.Enable() }
	e.input = widget.NewEntry()
	e.input.SetPlaceHolder(lang.L("address or @domain"))
	e.input.OnSubmitted = func(string) { e.add() }
	add := widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), e.add)
	e.remove = widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), e.removeSelected)
	e.remove.Disable()
	importFile := widget.NewButtonWithIcon(lang.L("Import from file…"), theme.FolderOpenIcon(), e.importFile)
	top := container.NewBorder(nil, nil, nil, add, e.input)
	e.content = container.NewBorder(top, container.NewHBox(e.remove, importFile), nil, nil, e.list)
	e.refresh()
	return e
}

func (e *suppressionEditor) refresh() {
	entries, err := e.supp.List()
	if err != nil {
		showError(err, e.win)
		return
	}
	e.entries = entries
	e.selected = -1
	e.list.UnselectAll()
	e.remove.Disable()
	e.list.Refresh()
}

func (e *suppressionEditor) add() {
	text := strings.TrimSpace(e.input.Text)
	if text == "" {
		return
	}
	if err := e.supp.Add(text); err != nil {
		showError(err, e.win)
		return
	}
	e.input.SetText("")
	e.refresh()
	e.changed()
}

func (e *suppressionEditor) removeSelected() {
	if e.selected < 0 || e.selected >= len(e.entries) {
		return
	}
	if err := e.supp.Remove(e.entries[e.selected]); err != nil {
		showError(err, e.win)
		return
	}
	e.refresh()
	e.changed()
}

func (e *suppressionEditor) importFile() {
	askOpenPath(e.win, []string{".txt", ".csv", ".xlsx"}, func(path string) {
		n, err := e.supp.ImportFile(path)
		if err != nil {
			showError(err, e.win)
			return
		}
		e.refresh()
		e.changed()
		dialog.ShowInformation(lang.L("Do-not-send list"), lang.L("{{.Count}} entries added.", map[string]any{"Count": n}), e.win)
	})
}

func (v *recipientsView) showSuppressions() {
	e := newSuppressionEditor(v.suppressions, v.win, v.importList)
	d := dialog.NewCustom(lang.L("Do-not-send list"), lang.L("Close"), e.content, v.win)
	d.Resize(fyne.NewSize(480, 420))
	d.Show()
}
