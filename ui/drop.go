package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
)

// dropped handles files dropped on the window: on Compose they are
// attached to every message (a folder dropped on the per-recipient folder
// field becomes that folder); elsewhere a spreadsheet becomes the
// recipient list and a campaign file is opened.
func (m *mainWindow) dropped(at fyne.Position, uris []fyne.URI) {
	var files, dirs []string
	for _, u := range uris {
		if u == nil || u.Scheme() != "file" {
			continue
		}
		if fi, err := os.Stat(u.Path()); err == nil && fi.IsDir() {
			dirs = append(dirs, u.Path())
		} else if err == nil {
			files = append(files, u.Path())
		}
	}
	if m.tabs.Selected() == m.composeTab && m.win.Content() == m.shell {
		if len(dirs) > 0 && (m.over(m.compose.attachDir, at) || len(files) == 0) {
			m.compose.attachments.Open(0)
			m.compose.attachDir.SetText(dirs[0])
		}
		m.compose.addAttachments(files)
		return
	}
	for _, f := range files {
		switch ext := strings.ToLower(filepath.Ext(f)); {
		case slices.Contains(listExtensions, ext) && m.recipients != nil:
			m.leaveWelcome()
			m.showPage(m.recipientsTab)
			m.recipients.openFile(f)
			return
		case ext == ".json":
			m.leaveWelcome()
			m.openAsked(f)
			return
		}
	}
}

// over reports whether the absolute position at lies on o.
func (m *mainWindow) over(o fyne.CanvasObject, at fyne.Position) bool {
	if o == nil || !o.Visible() {
		return false
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	size := o.Size()
	return at.X >= pos.X && at.Y >= pos.Y && at.X < pos.X+size.Width && at.Y < pos.Y+size.Height
}
