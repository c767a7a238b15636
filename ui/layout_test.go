package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
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

// TestTheSummarysNextStepIsInSightAtTheSmallestSize: when a run ends in an
// 800×600 window, the summary's next-step button is on screen without
// scrolling (the progress bar gives way to it), and the log keeps rows.
func TestTheSummarysNextStepIsInSightAtTheSmallestSize(t *testing.T) {
	m := newTestMainWindow(t, fullDeps())
	if err := m.open(writeCampaign(t, t.TempDir(), "March")); err != nil {
		t.Fatal(err)
	}
	m.win.Resize(fyne.NewSize(800, 600))
	m.showPage(m.sendTab)
	m.send.checked = true
	d := startAndWait(t, m.send, m.bridge, m.deps.Runner.(*fakeRunner))
	d.progress(Progress{CampaignID: "c1", Total: 10, Sent: 5, Due: 10})
	m.bridge.flush()
	d.finish(Progress{CampaignID: "c1", Total: 10, Sent: 7, Failed: 3, Run: RunCounts{Sent: 7, Failed: 3}})
	m.bridge.wait()
	// Lay the window out again, as painting does: twice, since wrapped
	// labels know their height only once they have their width.
	m.win.Content().Refresh()
	m.win.Content().Refresh()
	if m.send.progress.Visible() {
		t.Error("the progress bar stays after the run")
	}
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject
	button, log := m.send.summary.failed, m.send.tabs
	if !button.Visible() {
		t.Fatal("no next step offered")
	}
	if bottom := abs(button).Y + button.Size().Height; bottom > abs(log).Y {
		t.Errorf("the next step's button ends at %.0f, under the log's top at %.0f: out of sight", bottom, abs(log).Y)
	}
	if h := m.send.log.table.Size().Height; h < 100 {
		t.Errorf("the log's table is %.0f high", h)
	}
}

// TestHistoryActionsStayInSightAtTheSmallestSize: at 800×600 every action
// under History's table is whole inside the window (they were cut off at
// the right edge, reachable only by scrolling sideways).
func TestHistoryActionsStayInSightAtTheSmallestSize(t *testing.T) {
	m := newTestMainWindow(t, fullDeps())
	m.win.Resize(fyne.NewSize(800, 600))
	m.showPage(m.historyTab)
	m.win.Content().Refresh()
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject
	width := m.win.Canvas().Size().Width
	for _, b := range []*widget.Button{m.history.markSent, m.history.sendAgain, m.history.retry, m.history.export} {
		if right := abs(b).X + b.Size().Width; right > width || b.Size().Width < b.MinSize().Width {
			t.Errorf("%q ends at %.0f (width %.0f of %.0f needed) in a window %.0f wide", b.Text, right, b.Size().Width, b.MinSize().Width, width)
		}
	}
}

// TestComposeNeedsNoSidewaysScrollingAtTheSmallestSize: at 800×600, in
// both languages and with every section open, the Compose editor's fields
// fit its pane (before, the pane scrolled sideways and the "Insert a merge
// field" choice was cut off), and the preview keeps its own room.
func TestComposeNeedsNoSidewaysScrollingAtTheSmallestSize(t *testing.T) {
	for _, zh := range []bool{false, true} {
		t.Run(map[bool]string{false: "en", true: "zh"}[zh], func(t *testing.T) {
			if zh {
				inChinese(t)
			}
			small := fyne.NewSize(800, 600)
			m := newTestMainWindow(t, fullDeps())
			m.win.Resize(small)
			m.showPage(m.composeTab)
			m.compose.attachments.Open(0)
			m.compose.attachments.Open(1)
			m.win.Resize(small)
			m.win.Content().Refresh()
			if min := m.win.Content().MinSize(); min.Width > small.Width || min.Height > small.Height {
				t.Errorf("the window needs %v, more than %v", min, small)
			}
			split, ok := m.compose.content.(*container.Split)
			if !ok {
				t.Fatalf("Compose is a %T, not an editor beside a preview", m.compose.content)
			}
			editor := split.Leading
			inner := editor
			if s, ok := editor.(*container.Scroll); ok {
				if s.Direction != container.ScrollVerticalOnly {
					t.Errorf("the editor can scroll sideways (direction %v)", s.Direction)
				}
				inner = s.Content
			}
			if need, have := inner.MinSize().Width, editor.Size().Width; need > have+0.5 {
				t.Errorf("the editor's fields need %.0f wide, the pane is %.0f", need, have)
			}
			field := m.compose.field
			abs := fyne.CurrentApp().Driver().AbsolutePositionForObject
			if right, edge := abs(field).X+field.Size().Width, abs(editor).X+editor.Size().Width; right > edge+0.5 {
				t.Errorf("the merge-field choice ends at %.0f, past the editor's edge at %.0f", right, edge)
			}
		})
	}
}
