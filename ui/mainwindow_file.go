package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/campaign"
)

// shortcut is Ctrl (⌘ on macOS) plus a key, shown in the menus.
func shortcut(key fyne.KeyName, shift bool) *desktop.CustomShortcut {
	mod := fyne.KeyModifierShortcutDefault
	if shift {
		mod |= fyne.KeyModifierShift
	}
	return &desktop.CustomShortcut{KeyName: key, Modifier: mod}
}

// menuItem is a menu entry whose shortcut is shown next to it and works
// anywhere in the window.
type menuItem struct {
	label  string
	key    fyne.KeyName
	shift  bool
	action func()
}

func (m *mainWindow) fileItems() []menuItem {
	return []menuItem{
		{lang.L("New campaign"), fyne.KeyN, false, m.newCampaign},
		{lang.L("Open campaign…"), fyne.KeyO, false, m.chooseOpen},
		{lang.L("Save campaign"), fyne.KeyS, false, func() { m.saveCampaign(nil) }},
		{lang.L("Save campaign as…"), fyne.KeyS, true, func() { m.chooseSaveAs(nil) }},
	}
}

// pageItems are the View menu: one shortcut per page.
func (m *mainWindow) pageItems() []menuItem {
	var items []menuItem
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5}
	for _, tab := range []*container.TabItem{m.accountsTab, m.recipientsTab, m.composeTab, m.sendTab, m.historyTab} {
		if tab == nil {
			continue
		}
		tab := tab
		items = append(items, menuItem{tab.Text, keys[len(items)], false, func() { m.showPage(tab) }})
	}
	return items
}

func (m *mainWindow) toMenu(items []menuItem) []*fyne.MenuItem {
	out := make([]*fyne.MenuItem, len(items))
	for i, it := range items {
		out[i] = fyne.NewMenuItem(it.label, it.action)
		out[i].Shortcut = shortcut(it.key, it.shift)
	}
	return out
}

func (m *mainWindow) menu() *fyne.MainMenu {
	file := m.toMenu(m.fileItems())
	recent := fyne.NewMenuItem(lang.L("Open recent"), nil)
	recent.ChildMenu = fyne.NewMenu("", m.recentItems()...)
	quit := fyne.NewMenuItem(lang.L("Quit"), m.confirmClose)
	quit.IsQuit = true
	quit.Shortcut = shortcut(fyne.KeyQ, false)
	file = append(file[:2], append([]*fyne.MenuItem{recent}, file[2:]...)...)
	file = append(file, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Settings…"), func() { showSettings(m.win, m.settings, m.applyTheme) }),
		fyne.NewMenuItemSeparator(), quit)
	view := fyne.NewMenu(lang.L("View"), m.toMenu(m.pageItems())...)
	guide := fyne.NewMenuItem(lang.L("User guide"), m.showGuide)
	guide.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF1}
	help := fyne.NewMenu(lang.L("Help"),
		guide,
		fyne.NewMenuItem(lang.L("Welcome page"), m.showWelcome),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("About Mailroom"), m.showAbout),
	)
	return fyne.NewMainMenu(fyne.NewMenu(lang.L("File"), file...), view, help)
}

func (m *mainWindow) recentItems() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for _, p := range m.settings.recent() {
		p := p
		label := filepath.Base(p) + " — " + filepath.Dir(p)
		items = append(items, fyne.NewMenuItem(label, func() { m.openAsked(p) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem(lang.L("No campaigns yet"), nil)
		none.Disabled = true
		items = append(items, none)
	}
	return items
}

func (m *mainWindow) refreshMenu() { m.win.SetMainMenu(m.menu()) }

func (m *mainWindow) addShortcuts() {
	items := append(m.fileItems(), m.pageItems()...)
	items = append(items, menuItem{"", fyne.KeyQ, false, m.confirmClose})
	for _, it := range items {
		action := it.action
		m.win.Canvas().AddShortcut(shortcut(it.key, it.shift), func(fyne.Shortcut) { action() })
	}
	m.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF1}, func(fyne.Shortcut) { m.showGuide() })
}

// saveNow keeps unsaved changes in the draft in the app's storage; the
// user's own file is written only when they save.
func (m *mainWindow) saveNow() {
	if m.autosave != nil {
		m.autosave.Stop()
	}
	var err error
	if m.doc.dirty || m.doc.path == "" {
		err = m.doc.saveDraft()
		m.settings.setDraft(m.doc.draftPath, m.doc.dirty)
	}
	// Autosave failures are shown once, not after every keystroke.
	if err != nil && err.Error() != m.lastError {
		showError(err, m.win)
	}
	if err == nil {
		m.lastError = ""
	} else {
		m.lastError = err.Error()
	}
}

// persist saves the draft at once, for backends that read the campaign
// file, and says which file they read and which campaign it is.
func (m *mainWindow) persist() (snapshot, file string) {
	m.saveNow()
	return m.snapshotPaths()
}

// snapshotPaths says which file the backends read for the campaign and
// which campaign it is, as persist left them.
func (m *mainWindow) snapshotPaths() (snapshot, file string) {
	if m.doc.path == "" {
		return m.doc.draftPath, ""
	}
	if m.doc.dirty {
		return m.doc.draftPath, m.doc.path
	}
	return m.doc.path, ""
}

func (m *mainWindow) draftDir() string {
	return filepath.Join(storageRoot(m.app), "drafts")
}

// storageRoot is the app's own folder; tests give each app a folder of
// its own (Fyne's test app shares the system's temporary folder).
var storageRoot = func(a fyne.App) string { return a.Storage().RootURI().Path() }

// newDraftPath names the draft of a new, untitled campaign. Each one gets
// its own file, which is also its identity in the journal until it is
// saved: a new campaign never inherits what an earlier one sent.
func (m *mainWindow) newDraftPath() string {
	return filepath.Join(m.draftDir(), "untitled-"+strconv.FormatInt(time.Now().UnixNano(), 36)+".json")
}

// editDraftPath is the draft of a campaign that has its own file.
func (m *mainWindow) editDraftPath() string { return filepath.Join(m.draftDir(), "edit.json") }

// restore opens what the last session left: its unsaved changes, else
// its campaign, else the untitled draft.
func (m *mainWindow) restore() {
	draft, unsaved := m.settings.draft()
	if draft == "" {
		// Before drafts had their own folder the untitled draft was here.
		if old := filepath.Join(storageRoot(m.app), "draft.json"); fileExists(old) {
			draft, unsaved = old, true
		}
	}
	last := m.settings.lastCampaign()
	if draft != "" && unsaved && fileExists(draft) {
		if c, body, format, err := loadCampaign(draft); err == nil {
			c.Body = ""
			if last != "" {
				if orig, err := campaign.Load(last); err == nil {
					c.Body = orig.Body
				}
			}
			m.doc.draftPath = draft
			m.doc.replace(c, last, body, format)
			m.doc.dirty = !m.doc.empty() || last != ""
			m.afterReplace()
			return
		}
	}
	if last != "" {
		if err := m.open(last); err == nil {
			return
		}
	}
	if draft != "" && fileExists(draft) && last == "" {
		if c, body, format, err := loadCampaign(draft); err == nil {
			m.doc.draftPath = draft
			m.doc.replace(c, "", body, format)
			m.doc.dirty = !m.doc.empty()
			m.afterReplace()
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// afterReplace updates everything that shows which campaign is open.
func (m *mainWindow) afterReplace() {
	m.hideBanner()
	m.updateTitle()
	m.refreshSteps()
	m.settings.setDraft(m.doc.draftPath, m.doc.dirty)
}

// askToSave runs then once the user's changes are safe: saved, or
// deliberately discarded. Cancel runs nothing.
func (m *mainWindow) askToSave(then func()) {
	if !m.doc.dirty {
		then()
		return
	}
	name := m.doc.displayName()
	if name == "" {
		name = lang.L("Untitled campaign")
	}
	var d dialog.Dialog
	save := widget.NewButton(lang.L("Save"), func() {
		d.Hide()
		m.saveCampaign(then)
	})
	save.Importance = widget.HighImportance
	discard := widget.NewButton(lang.L("Don't save"), func() {
		d.Hide()
		removeDraft(m.doc.draftPath)
		m.doc.dirty = false
		m.settings.setDraft("", false)
		then()
	})
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	text := widget.NewLabel(lang.L("Save the changes to “{{.Name}}” first? Otherwise they are lost.", map[string]any{"Name": name}))
	text.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons(lang.L("Unsaved changes"), container.NewVBox(text, container.NewHBox(save, discard, cancel)), m.win)
	d.Resize(fyne.NewSize(440, 0))
	d.Show()
}

func (m *mainWindow) newCampaign() {
	m.askToSave(func() {
		m.doc.draftPath = m.newDraftPath()
		m.doc.replace(campaign.Campaign{Version: campaign.FormatVersion}, "", "", formatMarkdown)
		m.settings.setLastCampaign("")
		m.afterReplace()
	})
}

// open replaces the campaign with the one in path (no questions asked).
func (m *mainWindow) open(path string) error {
	c, body, format, err := loadCampaign(path)
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	removeDraft(m.editDraftPath())
	m.doc.draftPath = m.editDraftPath()
	m.doc.replace(c, path, body, format)
	m.settings.setLastCampaign(path)
	m.settings.addRecent(path)
	m.refreshMenu()
	m.afterReplace()
	m.offerToContinue()
	return nil
}

// openAsked opens path after the unsaved changes are dealt with.
func (m *mainWindow) openAsked(path string) {
	m.askToSave(func() {
		if err := m.open(path); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				m.settings.removeRecent(path)
				m.refreshMenu()
			}
			showError(err, m.win)
		}
	})
}

func (m *mainWindow) chooseOpen() {
	m.askToSave(func() {
		askOpenPath(m.win, []string{".json"}, func(path string) {
			if err := m.open(path); err != nil {
				showError(err, m.win)
			}
		})
	})
}

// saveCampaign writes the user's file (asking for one the first time) and
// then runs then, if given.
func (m *mainWindow) saveCampaign(then func()) {
	if m.doc.path == "" {
		m.chooseSaveAs(then)
		return
	}
	if err := m.doc.save(m.doc.path); err != nil {
		showError(err, m.win)
		return
	}
	m.saved()
	if then != nil {
		then()
	}
}

func (m *mainWindow) chooseSaveAs(then func()) {
	name := m.doc.displayName()
	if name == "" {
		name = "campaign"
	}
	askSavePath(m.win, fileSafeName(name)+".json", []string{".json"}, func(path string) {
		if err := m.saveAs(path); err != nil {
			showError(err, m.win)
			return
		}
		if then != nil {
			then()
		}
	})
}

func (m *mainWindow) saveAs(path string) error {
	if filepath.Ext(path) == "" {
		path += ".json"
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if err := m.doc.save(path); err != nil {
		return err
	}
	m.settings.setLastCampaign(path)
	m.settings.addRecent(path)
	m.refreshMenu()
	m.saved()
	return nil
}

// saved forgets the draft: the user's file now holds everything.
func (m *mainWindow) saved() {
	if m.autosave != nil {
		m.autosave.Stop()
	}
	removeDraft(m.doc.draftPath)
	m.doc.draftPath = m.editDraftPath()
	m.settings.setDraft(m.doc.draftPath, false)
	m.updateTitle()
}

// confirmClose asks before abandoning a running send, then before
// discarding unsaved changes.
func (m *mainWindow) confirmClose() {
	m.saveNow()
	closeWindow := func() { m.askToSave(m.win.Close) }
	if m.send == nil || !m.send.busy() {
		closeWindow()
		return
	}
	// Nothing more goes out while the question is open.
	goOn := m.send.holdForQuestion()
	dialog.ShowConfirm(lang.L("A send is running"),
		lang.L("Quit anyway? The run stops; rows not yet sent stay waiting for the next run."),
		func(ok bool) {
			if !ok || m.send.run == nil {
				goOn()
				return
			}
			r := m.send.run
			r.Cancel()
			// Close only after the engine stopped, so that the journal
			// records every row that was in flight.
			m.bridge.run(func() func() {
				_, _ = r.Wait()
				return closeWindow
			})
		}, m.win)
}

// fileSafeName keeps a campaign name usable as a file name on every OS.
func fileSafeName(s string) string {
	out := []rune{}
	for _, r := range s {
		switch {
		case r < 32, r == '/', r == '\\', r == ':', r == '*', r == '?', r == '"', r == '<', r == '>', r == '|':
			out = append(out, '_')
		default:
			out = append(out, r)
		}
	}
	return string(out)
}
