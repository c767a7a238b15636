package ui

import (
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"mailroom/app/campaign"
)

// autosaveDelay batches keystrokes into one write.
const autosaveDelay = 2 * time.Second

// mainWindow is the shell: navigation between the views, the File menu
// and the campaign document they all edit.
type mainWindow struct {
	app      fyne.App
	win      fyne.Window
	settings settings
	deps     Deps
	doc      *document
	bridge   *bridge
	tabs     *container.AppTabs

	accounts   *accountsView
	recipients *recipientsView
	compose    *composeView
	send       *sendView
	history    *historyView

	autosave      *time.Timer
	autosaveDelay time.Duration
	lastError     string
}

// newMainWindow builds the window; views whose backend is missing are left
// out rather than shown half-working.
func newMainWindow(a fyne.App, deps Deps, b *bridge) *mainWindow {
	m := &mainWindow{app: a, win: a.NewWindow("Mailroom"), settings: settings{a.Preferences()}, deps: deps, doc: newDocument(), bridge: b, autosaveDelay: autosaveDelay}
	m.doc.edited = m.edited
	m.doc.persist = m.persist
	var tabs []*container.TabItem
	if deps.Accounts != nil {
		m.accounts = newAccountsView(deps.Accounts, m.win, m.bridge)
		tabs = append(tabs, container.NewTabItemWithIcon(lang.L("Accounts"), theme.AccountIcon(), m.accounts.content))
	}
	if deps.Recipients != nil {
		m.recipients = newRecipientsView(deps.Recipients, deps.Suppressions, m.doc, m.win, m.bridge)
		tabs = append(tabs, container.NewTabItemWithIcon(lang.L("Recipients"), theme.ListIcon(), m.recipients.content))
	}
	m.compose = newComposeView(m.doc, m.win, m.accountList, deps.Composer, deps.TestSender, m.settings, m.bridge)
	tabs = append(tabs, container.NewTabItemWithIcon(lang.L("Compose"), theme.DocumentCreateIcon(), m.compose.content))
	if deps.Runner != nil {
		m.send = newSendView(deps.Runner, m.doc, m.win, m.bridge)
		tabs = append(tabs, container.NewTabItemWithIcon(lang.L("Send"), theme.MailSendIcon(), m.send.content))
	}
	if deps.History != nil {
		m.history = newHistoryView(deps.History, m.win, m.bridge)
		tabs = append(tabs, container.NewTabItemWithIcon(lang.L("History"), theme.HistoryIcon(), m.history.content))
	}
	if m.accounts != nil {
		m.accounts.onSaved = m.compose.refreshAccounts
	}
	if m.history != nil && deps.Mailbox != nil {
		m.history.useMailbox(deps.Mailbox, DefaultMailboxInterval)
		m.win.SetOnClosed(m.history.mailbox.unwatch)
	}
	if m.send != nil && m.history != nil {
		m.send.onFinished = func(id string) {
			m.history.showCampaign(id)
			if deps.Mailbox != nil && id != "" {
				m.history.checkMailbox(id)
			}
		}
	}
	m.tabs = container.NewAppTabs(tabs...)
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.win.SetContent(m.tabs)
	m.win.SetMainMenu(m.menu())
	m.addShortcuts()
	m.win.SetCloseIntercept(m.confirmClose)
	m.win.Resize(fyne.NewSize(1180, 760))
	m.updateTitle()
	return m
}

// accountList feeds the compose view's account choice.
func (m *mainWindow) accountList() []Account {
	if m.deps.Accounts == nil {
		return nil
	}
	accounts, err := m.deps.Accounts.List()
	if err != nil {
		return nil
	}
	return accounts
}

func (m *mainWindow) menu() *fyne.MainMenu {
	file := fyne.NewMenu(lang.L("File"),
		fyne.NewMenuItem(lang.L("New campaign"), m.newCampaign),
		fyne.NewMenuItem(lang.L("Open campaign…"), m.chooseOpen),
		fyne.NewMenuItem(lang.L("Save campaign"), m.saveCampaign),
		fyne.NewMenuItem(lang.L("Save campaign as…"), m.chooseSaveAs),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Settings…"), func() { showSettings(m.win, m.settings, m.applyTheme) }),
	)
	return fyne.NewMainMenu(file)
}

func (m *mainWindow) addShortcuts() {
	for key, f := range map[fyne.KeyName]func(){fyne.KeyN: m.newCampaign, fyne.KeyO: m.chooseOpen, fyne.KeyS: m.saveCampaign} {
		m.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { f() })
	}
}

func (m *mainWindow) applyTheme() {
	if t, ok := m.app.Settings().Theme().(*mailroomTheme); ok {
		m.app.Settings().SetTheme(newMailroomTheme(m.settings.theme(), t.regular, t.bold))
	}
}

func (m *mainWindow) updateTitle() {
	name := lang.L("Untitled campaign")
	if m.doc.path != "" {
		name = filepath.Base(m.doc.path)
	}
	m.win.SetTitle(name + " — Mailroom")
}

// edited runs after every change: the last check is stale, and the
// campaign is saved shortly after the typing stops.
func (m *mainWindow) edited() {
	if m.send != nil && m.tabs.Selected() != nil && m.tabs.Selected().Content != m.send.content {
		m.send.invalidate()
	}
	if m.autosave != nil {
		m.autosave.Stop()
	}
	m.autosave = time.AfterFunc(m.autosaveDelay, func() { m.bridge.update(m.saveNow) })
}

// saveNow writes the campaign: to its file when it has one, otherwise to
// the draft in the app's storage, restored at the next start.
func (m *mainWindow) saveNow() {
	var err error
	if m.doc.path != "" {
		err = m.doc.save(m.doc.path)
	} else {
		err = m.doc.saveDraft(m.draftPath())
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

// persist saves at once, for backends that read the campaign file.
func (m *mainWindow) persist() string {
	if m.autosave != nil {
		m.autosave.Stop()
	}
	m.saveNow()
	if m.doc.path != "" {
		return m.doc.path
	}
	return m.draftPath()
}

func (m *mainWindow) draftPath() string {
	return filepath.Join(m.app.Storage().RootURI().Path(), "draft.json")
}

// restore opens the campaign of the last session, or the unsaved draft.
func (m *mainWindow) restore() {
	if p := m.settings.lastCampaign(); p != "" {
		if err := m.open(p); err == nil {
			return
		}
	}
	if c, body, format, err := loadCampaign(m.draftPath()); err == nil {
		c.Body = "" // the draft's body file is rewritten on save
		m.doc.replace(c, "", body, format)
	}
}

func (m *mainWindow) newCampaign() {
	if m.autosave != nil {
		m.autosave.Stop()
	}
	m.saveNow()
	m.doc.replace(campaign.Campaign{Version: campaign.FormatVersion}, "", "", formatMarkdown)
	m.settings.setLastCampaign("")
	m.saveNow()
	m.updateTitle()
}

func (m *mainWindow) open(path string) error {
	c, body, format, err := loadCampaign(path)
	if err != nil {
		return err
	}
	m.doc.replace(c, path, body, format)
	m.settings.setLastCampaign(path)
	m.updateTitle()
	return nil
}

func (m *mainWindow) chooseOpen() {
	askOpenPath(m.win, []string{".json"}, func(path string) {
		m.saveNow()
		if err := m.open(path); err != nil {
			showError(err, m.win)
		}
	})
}

func (m *mainWindow) saveCampaign() {
	if m.doc.path == "" {
		m.chooseSaveAs()
		return
	}
	if err := m.doc.save(m.doc.path); err != nil {
		showError(err, m.win)
	}
}

func (m *mainWindow) chooseSaveAs() {
	askSavePath(m.win, "campaign.json", []string{".json"}, func(path string) {
		if err := m.saveAs(path); err != nil {
			showError(err, m.win)
		}
	})
}

func (m *mainWindow) saveAs(path string) error {
	if filepath.Ext(path) == "" {
		path += ".json"
	}
	if err := m.doc.save(path); err != nil {
		return err
	}
	m.settings.setLastCampaign(path)
	m.updateTitle()
	return nil
}

// confirmClose saves, and asks before abandoning a running send.
func (m *mainWindow) confirmClose() {
	if m.autosave != nil {
		m.autosave.Stop()
	}
	m.saveNow()
	if m.send == nil || !m.send.running() {
		m.win.Close()
		return
	}
	dialog.ShowConfirm(lang.L("A send is running"),
		lang.L("Quit anyway? The run stops; rows not yet sent stay waiting for the next run."),
		func(ok bool) {
			if !ok || m.send.run == nil {
				return
			}
			r := m.send.run
			r.Cancel()
			// Close only after the engine stopped, so that the journal
			// records every row that was in flight.
			m.bridge.run(func() func() {
				_, _ = r.Wait()
				return m.win.Close
			})
		}, m.win)
}
