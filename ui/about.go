package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/identity"
	"mailroom/assets"
)

// aboutContent is the About dialog's body: the icon, the name, the
// version and commit (as `mailroom --version` prints them), the licence
// and the folder that holds the user's accounts and history, selectable
// so that it can be copied for whoever helps them.
func aboutContent(settingsDir string) fyne.CanvasObject {
	icon := canvas.NewImageFromResource(assets.Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(96, 96))
	name := widget.NewLabelWithStyle(identity.Name, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	version := widget.NewLabel(lang.L("Version {{.Version}} (commit {{.Commit}})",
		map[string]any{"Version": identity.Version, "Commit": identity.Revision()}))
	version.Alignment = fyne.TextAlignCenter
	licence := widget.NewLabel(lang.L("Licence: {{.Licence}}", map[string]any{"Licence": identity.Licence}))
	licence.Alignment = fyne.TextAlignCenter
	folder := widget.NewLabel(settingsDir)
	folder.Selectable = true
	folder.Wrapping = fyne.TextWrapBreak
	return container.NewVBox(icon, name, version, licence, widget.NewSeparator(),
		widget.NewLabel(lang.L("Your accounts, history and do-not-send list are kept in:")), folder)
}

// showAbout opens the About dialog.
func showAbout(w fyne.Window, settingsDir string) {
	d := dialog.NewCustom(lang.L("About Mailroom"), lang.L("Close"), aboutContent(settingsDir), w)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}
