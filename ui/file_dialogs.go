package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// The backends read and write files by path (excelize, SQLite, the
// journal's reports, os.WriteFile), so these dialogs only ask for a path:
// the reader or writer Fyne opens on the chosen file is closed unused.
// A dialog error is shown; cancelling does nothing.

// askOpenPath asks for an existing file, limited to exts when any are
// given, and passes its path to use.
func askOpenPath(win fyne.Window, exts []string, use func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(err, win)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		use(r.URI().Path())
	}, win)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Show()
	localizePlaces(win)
}

// askSavePath asks where to save, suggesting fileName and limited to
// exts, and passes the chosen path to use.
func askSavePath(win fyne.Window, fileName string, exts []string, use func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(err, win)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		use(path)
	}, win)
	d.SetFileName(fileName)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Show()
	localizePlaces(win)
}

// askFolder asks for a folder and passes its path to use.
func askFolder(win fyne.Window, use func(path string)) {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			showError(err, win)
			return
		}
		if u != nil {
			use(u.Path())
		}
	}, win)
	d.Show()
	localizePlaces(win)
}

// localizePlaces names the places in the file dialog just shown (Home,
// Computer, Documents…) in the window's language: Fyne shows them by
// their English names, not through its lang package. The dialog is a
// pop-up whose split view holds the list of places; each row's label is
// renamed as the list draws it.
func localizePlaces(win fyne.Window) {
	var places *widget.List
	var find func(o fyne.CanvasObject)
	find = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.PopUp:
			find(o.Content)
		case *fyne.Container:
			for _, c := range o.Objects {
				find(c)
			}
		case *container.Split:
			if l, ok := o.Leading.(*widget.List); ok && places == nil {
				places = l
			}
		}
	}
	find(win.Canvas().Overlays().Top())
	if places == nil {
		return
	}
	draw := places.UpdateItem
	places.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
		draw(id, item)
		if row, ok := item.(*fyne.Container); ok && len(row.Objects) == 2 {
			if label, ok := row.Objects[1].(*widget.Label); ok {
				label.SetText(placeName(label.Text))
			}
		}
	}
	places.Refresh()
}

// placeName is a file dialog place in the window's language.
func placeName(name string) string {
	switch name {
	case "Home":
		return lang.L("Home")
	case "Computer":
		return lang.L("Computer")
	case "Desktop":
		return lang.L("Desktop")
	case "Documents":
		return lang.L("Documents")
	case "Downloads":
		return lang.L("Downloads")
	case "Music":
		return lang.L("Music")
	case "Pictures":
		return lang.L("Pictures")
	case "Videos":
		return lang.L("Videos")
	}
	return name
}
