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
//
// Reading and changing the list touch a file that a mailbox check or
// another Mailroom process may be changing (the change then waits for
// it), so they run off the UI goroutine through the bridge. Each change
// is applied to the file as it is now, not to the entries shown: an
// entry the mailbox check added while the dialog was open is kept, and
// shows up after the change.
type suppressionEditor struct {
	supp     Suppressions
	win      fyne.Window
	bridge   *bridge
	changed  func()
	entries  []string
	selected int
	busy     bool // a read or change is running
	list     *widget.List
	input    *widget.Entry
	add      *widget.Button
	remove   *widget.Button
	imp      *widget.Button
	content  fyne.CanvasObject
}

func newSuppressionEditor(supp Suppressions, win fyne.Window, b *bridge, changed func()) *suppressionEditor {
	e := &suppressionEditor{supp: supp, win: win, bridge: b, changed: changed, selected: -1}
	e.list = widget.NewList(
		func() int { return len(e.entries) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(e.entries[i]) })
	e.list.OnSelected = func(i widget.ListItemID) { e.selected = i; e.enable() }
	e.input = widget.NewEntry()
	e.input.SetPlaceHolder(lang.L("address or @domain"))
	e.input.OnSubmitted = func(string) { e.addTyped() }
	e.add = widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), e.addTyped)
	e.remove = widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), e.removeSelected)
	e.imp = widget.NewButtonWithIcon(lang.L("Import from file…"), theme.FolderOpenIcon(), e.importFile)
	top := container.NewBorder(nil, nil, nil, e.add, e.input)
	e.content = container.NewBorder(top, container.NewHBox(e.remove, e.imp), nil, nil, e.list)
	e.apply(nil, func() error { return nil }, nil)
	return e
}

// enable sets the buttons for the current state: nothing while busy,
// Remove only with a selection.
func (e *suppressionEditor) enable() {
	for _, b := range []*widget.Button{e.add, e.imp} {
		if e.busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if e.busy || e.selected < 0 {
		e.remove.Disable()
	} else {
		e.remove.Enable()
	}
}

// apply runs change off the UI goroutine, then reads the list again and
// shows it; done, when set, runs on the UI goroutine after a successful
// change (the entries shown are then current). changed is set when the
// list file was changed, so the recipient list is read again.
func (e *suppressionEditor) apply(changedList func(), change func() error, done func()) {
	e.busy = true
	e.enable()
	e.bridge.run(func() func() {
		err := change()
		entries, lerr := e.supp.List()
		return func() {
			e.busy = false
			if lerr == nil {
				e.entries = entries
				e.selected = -1
				e.list.UnselectAll()
				e.list.Refresh()
			}
			e.enable()
			switch {
			case err != nil:
				showError(err, e.win)
				return
			case lerr != nil:
				showError(lerr, e.win)
			}
			if changedList != nil {
				changedList()
			}
			if done != nil {
				done()
			}
		}
	})
}

func (e *suppressionEditor) addTyped() {
	text := strings.TrimSpace(e.input.Text)
	if text == "" || e.busy {
		return
	}
	e.apply(e.changed, func() error { return e.supp.Add(text) }, func() { e.input.SetText("") })
}

func (e *suppressionEditor) removeSelected() {
	if e.busy || e.selected < 0 || e.selected >= len(e.entries) {
		return
	}
	entry := e.entries[e.selected]
	e.apply(e.changed, func() error { return e.supp.Remove(entry) }, nil)
}

func (e *suppressionEditor) importFile() {
	askOpenPath(e.win, []string{".txt", ".csv", ".xlsx"}, e.importPath)
}

// importPath reads the file at path (a spreadsheet may take a while) and
// adds what it holds.
func (e *suppressionEditor) importPath(path string) {
	if e.busy {
		return
	}
	var n int
	e.apply(e.changed, func() (err error) {
		n, err = e.supp.ImportFile(path)
		return err
	}, func() {
		dialog.ShowInformation(lang.L("Do-not-send list"), lang.L("{{.Count}} entries added.", map[string]any{"Count": n}), e.win)
	})
}

func (v *recipientsView) showSuppressions() {
	e := newSuppressionEditor(v.suppressions, v.win, v.bridge, v.importList)
	d := dialog.NewCustom(lang.L("Do-not-send list"), lang.L("Close"), e.content, v.win)
	d.Resize(fyne.NewSize(480, 420))
	d.Show()
}
