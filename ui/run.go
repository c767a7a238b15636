// Package ui is Mailroom's window (Fyne). Each view depends on a small
// interface defined here; the adapters in backend_*.go connect them to the
// app/ packages, and tests drive the views with fakes.
package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"mailroom/app/identity"
	"mailroom/assets"
)

// AppID identifies Mailroom to the OS (preferences, storage, keychain):
// FyneApp.toml's ID, through app/identity.
const AppID = identity.ID

// Deps are the backends the views use. Run fills every nil field with the
// real implementation; a view whose backend is still nil is not shown.
type Deps struct {
	Accounts     AccountBook
	Recipients   RecipientSource
	Suppressions Suppressions
	Composer     Composer
	TestSender   TestSender
	Runner       Runner
	History      History
	// Mailbox reads bounces and replies back (nil: History has no Check
	// button and the window does not read the mailbox).
	Mailbox MailboxReader
	Unsent  UnsentCounter
	// DataDir is where the sample campaign is unpacked (the journal's
	// folder).
	DataDir string
}

// Run opens the main window and returns when the user closes it.
func Run(deps Deps) error {
	// Preferences and the autosaved draft of a build before 0.1.0 live
	// under its ID: move them before Fyne loads them.
	_, _ = identity.MoveLegacyDir(filepath.Join(fyneStorageRoot(), identity.LegacyID), filepath.Join(fyneStorageRoot(), AppID))
	a := app.NewWithID(AppID)
	if t := os.Getenv("MAILROOM_TOUR_THEME"); t == themeDark || t == themeLight {
		settings{a.Preferences()}.setTheme(t) // before the theme is built
	}
	if err := setup(a); err != nil {
		return err
	}
	if err := deps.fillDefaults(); err != nil {
		return err
	}
	m := newMainWindow(a, deps, &bridge{})
	m.restore()
	if m.shouldWelcome() {
		m.showWelcome()
	}
	m.startTour()
	// Start-up parses fonts and builds the views: give back what that
	// used and no longer needs once the window is up.
	time.AfterFunc(3*time.Second, releaseMemory)
	m.win.ShowAndRun()
	return nil
}

// setup registers translations, the icon and the theme.
func setup(a fyne.App) error {
	if err := assets.RegisterTranslations(); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	a.SetIcon(assets.Icon)
	regular, bold := loadTextFonts()
	a.Settings().SetTheme(newMailroomTheme(settings{a.Preferences()}.theme(), regular, bold))
	return nil
}
