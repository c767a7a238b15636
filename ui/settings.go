package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Preference keys; one place so that views never spell them twice.
const (
	settingTheme        = "ui.theme"
	settingLastCampaign = "ui.last-campaign"
	settingTestAddress  = "compose.test-address"
	settingRecent       = "ui.recent-campaigns"
	settingDraft        = "ui.draft"
	settingDraftDirty   = "ui.draft-unsaved"
)

// recentLimit is how many campaigns File → Open recent lists.
const recentLimit = 8

// Theme choices stored under settingTheme.
const (
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
)

// settings is a typed view of the app's preferences with their defaults.
type settings struct {
	p fyne.Preferences
}

func (s settings) theme() string {
	return s.p.StringWithFallback(settingTheme, themeSystem)
}

func (s settings) setTheme(v string) { s.p.SetString(settingTheme, v) }

func (s settings) lastCampaign() string { return s.p.String(settingLastCampaign) }

func (s settings) setLastCampaign(path string) { s.p.SetString(settingLastCampaign, path) }

// recent lists the campaigns opened or saved lately, newest first.
func (s settings) recent() []string { return s.p.StringList(settingRecent) }

// addRecent puts path first in the recent list.
func (s settings) addRecent(path string) {
	list := []string{path}
	for _, p := range s.recent() {
		if p != path && len(list) < recentLimit {
			list = append(list, p)
		}
	}
	s.p.SetStringList(settingRecent, list)
}

// removeRecent drops a campaign that can no longer be opened.
func (s settings) removeRecent(path string) {
	var list []string
	for _, p := range s.recent() {
		if p != path {
			list = append(list, p)
		}
	}
	s.p.SetStringList(settingRecent, list)
}

// draft is the autosaved copy of the campaign being edited, and whether it
// holds changes the user has not saved.
func (s settings) draft() (path string, unsaved bool) {
	return s.p.String(settingDraft), s.p.Bool(settingDraftDirty)
}

func (s settings) setDraft(path string, unsaved bool) {
	s.p.SetString(settingDraft, path)
	s.p.SetBool(settingDraftDirty, unsaved)
}

func (s settings) testAddress() string { return s.p.String(settingTestAddress) }

func (s settings) setTestAddress(v string) { s.p.SetString(settingTestAddress, v) }

// showSettings opens the settings dialog. Changes apply at once.
func showSettings(w fyne.Window, s settings, applyTheme func()) {
	labels := []string{lang.L("Follow the system"), lang.L("Light"), lang.L("Dark")}
	values := []string{themeSystem, themeLight, themeDark}
	choice := widget.NewRadioGroup(labels, nil)
	for i, v := range values {
		if v == s.theme() {
			choice.SetSelected(labels[i])
		}
	}
	choice.OnChanged = func(label string) {
		for i, l := range labels {
			if l == label {
				s.setTheme(values[i])
				applyTheme()
			}
		}
	}
	note := widget.NewLabel(lang.L("The language follows your system setting (LANGUAGE or LANG on Linux)."))
	note.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(widget.NewLabelWithStyle(lang.L("Theme"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), choice, note)
	d := dialog.NewCustom(lang.L("Settings"), lang.L("Close"), form, w)
	d.Resize(fyne.NewSize(420, 260))
	d.Show()
}
