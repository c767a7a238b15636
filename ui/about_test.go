package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/identity"
)

// TestAboutShowsWhatVersionPrints: the About dialog names the version and
// commit `mailroom --version` prints, the licence and the data folder.
func TestAboutShowsWhatVersionPrints(t *testing.T) {
	test.NewTempApp(t)
	var texts []string
	walk(aboutContent("/home/ann/.config/"+identity.ID), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	all := strings.Join(texts, "\n")
	for _, want := range []string{identity.Name, identity.Version, "commit " + identity.Revision(), identity.Licence, "/home/ann/.config/" + identity.ID} {
		if !strings.Contains(all, want) {
			t.Errorf("About lacks %q:\n%s", want, all)
		}
	}
	if !strings.Contains(identity.String(), identity.Version+" (commit "+identity.Revision()) {
		t.Errorf("--version prints %q", identity.String())
	}
}
