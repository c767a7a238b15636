package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// TestEveryPageFitsASmallScreen: at 800×600 every page's minimum size fits
// the window (a page that needs more makes the window grow by itself),
// and the Compose page's body editor keeps room to type in when the
// attachments are opened.
func TestEveryPageFitsASmallScreen(t *testing.T) {
	small := fyne.NewSize(800, 600)
	m := newTestMainWindow(t, Deps{Accounts: &fakeAccounts{}, Recipients: &fakeRecipients{list: sampleList()}, Suppressions: &fakeSuppressions{},
		Composer: &fakeComposer{}, TestSender: &fakeComposer{}, Runner: &fakeRunner{}, History: &fakeHistory{}})
	m.win.Resize(small)
	fits := func(when string) {
		t.Helper()
		if min := m.win.Content().MinSize(); min.Width > small.Width || min.Height > small.Height {
			t.Errorf("%s: the window needs %v, more than %v", when, min, small)
		}
	}
	for _, tab := range m.tabs.Items {
		m.tabs.Select(tab)
		fits(tab.Text)
	}
	// A run's summary and log are shown.
	m.send.summary.show(Progress{CampaignID: "c1", Total: 10, Sent: 7, Failed: 3, Run: RunCounts{Sent: 7, Failed: 3}}, nil)
	m.send.progress.Show()
	m.send.counts.SetText(campaignLine(Progress{Total: 10, Sent: 7, Failed: 3}))
	m.tabs.Select(m.tabs.Items[3])
	fits("Send after a run")

	m.tabs.Select(m.tabs.Items[2])
	m.compose.attachments.Open(0)
	m.compose.attachments.Open(1)
	m.win.Resize(small)
	fits("Compose with attachments open")
	// Five lines of text (before this it was squeezed to nothing).
	if h := m.compose.body.Size().Height; h < 5*20 {
		t.Errorf("with the attachments open the body editor is %.0f high at 800×600", h)
	}
}
