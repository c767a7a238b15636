package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
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
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Show()
}
