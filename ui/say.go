package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/msg"
)

// say is the one place where a text from app/ becomes words in the
// window's language: app/ returns msg.Text (a catalogue key and arguments)
// and the window renders it through Fyne's lang, which picked the user's
// language at start-up.
func say(t msg.Text) string {
	if t.IsZero() {
		return ""
	}
	if t.Untranslated() { // a server's reply, a file name: nothing to look up
		return msg.Execute(t.Key, t.Args, say)
	}
	// Not lang.L: the catalogue test wants literal keys there, and app/'s
	// keys are checked where they are written (msg.T).
	return lang.LocalizeKey(t.Key, t.Key, t.Resolved(say))
}

// sayErr renders an error for the user: one that carries a msg.Text is
// shown in the window's language, any other error as it reads.
func sayErr(err error) string {
	if err == nil {
		return ""
	}
	if t, ok := msg.TextOf(err); ok {
		return say(t)
	}
	return err.Error()
}

// showError is dialog.ShowError with the error in the window's language.
func showError(err error, w fyne.Window) {
	if err == nil {
		return
	}
	dialog.ShowError(errors.New(sayErr(err)), w)
}

// windowLanguage is the language the window speaks: the catalogue
// language whose words Fyne's lang chose at start-up. Files the window
// writes for the user (the per-row report, the results workbook) are in
// it too. Fyne does not say which language it picked, so the window asks
// it for a known text and compares.
func windowLanguage() msg.Language {
	probe := msg.T("Recipients")
	shown := say(probe)
	for _, l := range msg.Languages() {
		if probe.In(l) == shown {
			return l
		}
	}
	return msg.English
}

// newSelect is widget.NewSelect with its placeholder in the window's
// language: Fyne's own "(Select one)" is a constant it never translates.
func newSelect(options []string, changed func(string)) *widget.Select {
	s := widget.NewSelect(options, changed)
	s.PlaceHolder = lang.L("(Select one)")
	return s
}
