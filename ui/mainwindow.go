package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// autosaveDelay batches keystrokes into one write.
const autosaveDelay = 2 * time.Second

// mainWindow is the shell: navigation between the views, the menus, the
// banner above them and the campaign document they all edit.
type mainWindow struct {
	app      fyne.App
	win      fyne.Window
	settings settings
	deps     Deps
	doc      *document
	bridge   *bridge
	tabs     *container.AppTabs
	shell    fyne.CanvasObject
	banner   *fyne.Container

	accounts   *accountsView
	recipients *recipientsView
	compose    *composeView
	send       *sendView
	history    *historyView

	accountsTab, recipientsTab, composeTab, sendTab, historyTab *container.TabItem
	guides                                                      []*guideBar
	accountCount                                                int

	autosave      *time.Timer
	autosaveDelay time.Duration
	lastError     string
	lastDelivery  time.Time // the Recipients table's journal column was read
}

// newMainWindow builds the window; views whose backend is missing are left
// out rather than shown half-working.
func newMainWindow(a fyne.App, deps Deps, b *bridge) *mainWindow {
	m := &mainWindow{app: a, win: a.NewWindow("Mailroom"), settings: settings{a.Preferences()}, deps: deps, doc: newDocument(), bridge: b, autosaveDelay: autosaveDelay}
	m.doc.edited = m.edited
	m.doc.persist = m.persist
	m.doc.draftPath = m.newDraftPath()
	var tabs []*container.TabItem
	if deps.Accounts != nil {
		m.accounts = newAccountsView(deps.Accounts, m.win, m.bridge)
		m.accountsTab = container.NewTabItemWithIcon(lang.L("Accounts"), theme.AccountIcon(), m.accounts.content)
		tabs = append(tabs, m.accountsTab)
	}
	if deps.Recipients != nil {
		m.recipients = newRecipientsView(deps.Recipients, deps.Suppressions, m.doc, m.win, m.bridge)
		m.recipientsTab = container.NewTabItemWithIcon(lang.L("Recipients"), theme.ListIcon(), m.recipients.content)
		tabs = append(tabs, m.recipientsTab)
	}
	m.compose = newComposeView(m.doc, m.win, m.accountList, deps.Composer, deps.TestSender, m.settings, m.bridge)
	m.composeTab = container.NewTabItemWithIcon(lang.L("Compose"), theme.DocumentCreateIcon(), m.withGuide(m.compose.content))
	tabs = append(tabs, m.composeTab)
	if deps.Runner != nil {
		m.send = newSendView(deps.Runner, m.doc, m.win, m.bridge)
		m.send.onProblem = m.showProblem
		m.sendTab = container.NewTabItemWithIcon(lang.L("Send"), theme.MailSendIcon(), m.withGuide(m.send.content))
		tabs = append(tabs, m.sendTab)
	}
	if deps.History != nil {
		m.history = newHistoryView(deps.History, m.win, m.bridge)
		m.historyTab = container.NewTabItemWithIcon(lang.L("History"), theme.HistoryIcon(), m.history.content)
		tabs = append(tabs, m.historyTab)
	}
	if m.accounts != nil {
		m.accounts.onSaved = func() {
			m.compose.refreshAccounts()
			m.refreshSteps()
		}
	}
	if m.history != nil && deps.Mailbox != nil {
		m.history.useMailbox(deps.Mailbox, DefaultMailboxInterval)
		m.win.SetOnClosed(m.history.mailbox.unwatch)
	}
	if m.send != nil && m.history != nil {
		m.connectSendAndHistory()
	}
	m.connectDelivery()
	if k, ok := deps.Accounts.(keychainNotifier); ok && m.accounts != nil {
		k.OnKeychainRead(func() { m.bridge.update(m.accounts.keychainRead) })
	}
	m.tabs = container.NewAppTabs(tabs...)
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.banner = container.NewVBox()
	m.shell = container.NewBorder(m.banner, nil, nil, nil, m.tabs)
	m.win.SetContent(m.shell)
	m.win.SetMainMenu(m.menu())
	m.addShortcuts()
	m.win.SetCloseIntercept(m.confirmClose)
	m.win.SetOnDropped(m.dropped)
	m.win.Resize(fyne.NewSize(1180, 760))
	m.doc.onReplaced(m.refreshSteps)
	m.doc.onList(m.refreshSteps)
	m.refreshSteps()
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
	m.accountCount = len(accounts)
	return accounts
}

func (m *mainWindow) applyTheme() {
	if t, ok := m.app.Settings().Theme().(*mailroomTheme); ok {
		m.app.Settings().SetTheme(newMailroomTheme(m.settings.theme(), t.regular, t.bold))
	}
}

// updateTitle names the campaign and marks unsaved changes with "*".
func (m *mainWindow) updateTitle() {
	name := m.doc.displayName()
	if name == "" {
		name = lang.L("Untitled campaign")
	}
	if m.doc.dirty {
		name = "*" + name
	}
	if title := name + " — Mailroom"; m.win.Title() != title {
		m.win.SetTitle(title)
	}
}

// edited runs after every change: the last check is stale, the title and
// the steps show the change, and the draft is saved shortly after the
// typing stops.
func (m *mainWindow) edited() {
	if m.send != nil && m.tabs.Selected() != m.sendTab {
		m.send.invalidate()
	}
	m.updateTitle()
	m.refreshSteps()
	if m.autosave != nil {
		m.autosave.Stop()
	}
	m.autosave = time.AfterFunc(m.autosaveDelay, func() { m.bridge.update(m.saveNow) })
}

// showPage selects a view's tab.
func (m *mainWindow) showPage(tab *container.TabItem) {
	if tab != nil {
		m.tabs.Select(tab)
	}
}

// showBanner puts a message with actions above the views; close removes
// it.
func (m *mainWindow) showBanner(text string, actions ...*widget.Button) {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	closeButton := widget.NewButtonWithIcon("", theme.CancelIcon(), m.hideBanner)
	closeButton.Importance = widget.LowImportance
	buttons := container.NewHBox()
	for _, b := range actions {
		buttons.Add(b)
	}
	buttons.Add(closeButton)
	bg := canvasRect(theme.ColorNamePrimary)
	m.banner.Objects = []fyne.CanvasObject{container.NewStack(bg, container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), buttons, label))}
	m.banner.Refresh()
}

func (m *mainWindow) hideBanner() {
	m.banner.Objects = nil
	m.banner.Refresh()
}

// offerToContinue shows the reopen banner when an earlier run of the
// campaign left rows waiting.
func (m *mainWindow) offerToContinue() {
	if m.deps.Unsent == nil || m.send == nil || m.doc.path == "" {
		return
	}
	d, doc := m.doc.draft(), m.doc
	m.bridge.run(func() func() {
		n, err := m.deps.Unsent.Unsent(context.Background(), d)
		return func() {
			if err != nil || n == 0 || m.doc != doc || m.doc.path != d.pathOrFile() {
				return
			}
			cont := widget.NewButtonWithIcon(lang.L("Continue"), theme.MailSendIcon(), func() {
				m.hideBanner()
				m.showPage(m.sendTab)
				m.send.preflight()
			})
			cont.Importance = widget.HighImportance
			banner := lang.L("{{.Count}} rows not sent yet — continue?", map[string]any{"Count": thousands(n)})
			if n == 1 {
				banner = lang.L("1 row not sent yet — continue?")
			}
			m.showBanner(banner, cont)
		}
	})
}

// pathOrFile is the user's file a draft stands for.
func (d Draft) pathOrFile() string {
	if d.File != "" {
		return d.File
	}
	return d.Path
}
