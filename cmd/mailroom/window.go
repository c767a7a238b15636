package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

// openWindow starts the GUI.
func openWindow() {
	a := app.NewWithID("app.mailroom")
	w := a.NewWindow("Mailroom")
	w.SetContent(widget.NewLabel("Mailroom"))
	w.ShowAndRun()
}
