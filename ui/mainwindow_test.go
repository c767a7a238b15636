package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func newTestMainWindow(t *testing.T, deps Deps) *mainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	dir := t.TempDir()
	storageRoot = func(fyne.App) string { return dir }
	m := newMainWindow(a, deps, newTestBridge())
	m.autosaveDelay = time.Hour // tests save explicitly
	t.Cleanup(func() {
		if m.autosave != nil {
			m.autosave.Stop()
		}
	})
	return m
}

func TestMainWindowShowsOnlyViewsWithABackend(t *testing.T) {
	m := newTestMainWindow(t, Deps{})
	if len(m.tabs.Items) != 1 || m.tabs.Items[0].Text != "Compose" {
		t.Errorf("without backends the window shows %d views", len(m.tabs.Items))
	}
	full := newTestMainWindow(t, Deps{Accounts: &fakeAccounts{}, Recipients: &fakeRecipients{}, Composer: &fakeComposer{},
		TestSender: &fakeComposer{}, Runner: &fakeRunner{}, History: &fakeHistory{}})
	var names []string
	for _, it := range full.tabs.Items {
		names = append(names, it.Text)
	}
	if strings.Join(names, ",") != "Accounts,Recipients,Compose,Send,History" {
		t.Errorf("views %v", names)
	}
}

func TestMainWindowSavesOpensAndRestoresCampaigns(t *testing.T) {
	dir := t.TempDir()
	m := newTestMainWindow(t, Deps{})
	m.doc.c.Subject = "{{姓名}}，您好"
	m.compose.body.SetText("正文 {{金额}}")
	m.compose.format.SetSelectedIndex(2) // plain text
	path := filepath.Join(dir, "notice")
	if err := m.saveAs(path); err != nil {
		t.Fatal(err)
	}
	if m.doc.path != path+".json" || m.win.Title() != "notice — Mailroom" {
		t.Errorf("path %q title %q", m.doc.path, m.win.Title())
	}
	body, err := os.ReadFile(filepath.Join(dir, "notice.body.txt"))
	if err != nil || string(body) != "正文 {{金额}}" {
		t.Fatalf("body file: %v %q", err, body)
	}

	m.newCampaign()
	if m.doc.c.Subject != "" || m.compose.subject.Text != "" || m.doc.path != "" {
		t.Fatal("New kept the old campaign")
	}
	m.compose.subject.SetText("draft subject")
	m.saveNow()

	// A new window restores the unsaved draft …
	again := newMainWindow(m.app, Deps{}, newTestBridge())
	again.restore()
	if again.doc.c.Subject != "draft subject" || again.doc.path != "" {
		t.Errorf("draft not restored: subject %q path %q", again.doc.c.Subject, again.doc.path)
	}
	// … and opening the saved file brings back its body and format.
	if err := again.open(path + ".json"); err != nil {
		t.Fatal(err)
	}
	if again.compose.subject.Text != "{{姓名}}，您好" || again.compose.body.Text != "正文 {{金额}}" || again.doc.bodyFormat != formatText {
		t.Errorf("opened subject %q body %q format %q", again.compose.subject.Text, again.compose.body.Text, again.doc.bodyFormat)
	}
	if again.settings.lastCampaign() != path+".json" {
		t.Error("the opened campaign is not remembered for the next start")
	}
}

func TestMainWindowReportsABrokenCampaignFile(t *testing.T) {
	m := newTestMainWindow(t, Deps{})
	path := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := m.open(path)
	if err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Errorf("open error %v should name the file", err)
	}
}
