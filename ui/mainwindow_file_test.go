package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/campaign"
)

func fullDeps() Deps {
	return Deps{Accounts: &fakeAccounts{}, Recipients: &fakeRecipients{list: RecipientList{Columns: []string{"Name", "Email"},
		Rows:     []RecipientRow{{Row: 2, Address: "a@example.com", Values: []string{"Ann", "a@example.com"}}, {Row: 3, Address: "b@example.com", Values: []string{"Bob", "b@example.com"}, State: RowInvalid}},
		Problems: []Problem{{Row: 3, Column: "Email", Blocking: true, Text: "row 3: bad"}}}},
		Composer: &fakeComposer{}, Runner: &fakeRunner{}, History: &fakeHistory{}}
}

func writeCampaign(t *testing.T, dir, subject string) string {
	t.Helper()
	path := filepath.Join(dir, "march.json")
	body := filepath.Join(dir, "march.body.md")
	if err := os.WriteFile(body, []byte("Hello {{Name}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := campaign.Campaign{Subject: subject, Body: body, From: "财务部 <billing@example.com>"}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAutosaveKeepsChangesInADraftUntilTheUserSaves: typing never
// rewrites the user's file; the draft brings the changes back after a
// restart, the title marks them, and Save writes readable JSON.
func TestAutosaveKeepsChangesInADraftUntilTheUserSaves(t *testing.T) {
	dir := t.TempDir()
	path := writeCampaign(t, dir, "March")
	before, _ := os.ReadFile(path)
	m := newTestMainWindow(t, Deps{})
	if err := m.open(path); err != nil {
		t.Fatal(err)
	}
	if m.win.Title() != "march — Mailroom" {
		t.Errorf("title %q", m.win.Title())
	}
	m.compose.subject.SetText("April")
	m.saveNow() // what the autosave timer does
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatalf("autosave rewrote the user's file:\n%s", after)
	}
	if m.win.Title() != "*march — Mailroom" {
		t.Errorf("title with unsaved changes %q", m.win.Title())
	}

	again := newMainWindow(m.app, Deps{}, newTestBridge())
	again.restore()
	if again.doc.c.Subject != "April" || again.doc.path != path || !again.doc.dirty || again.compose.body.Text != "Hello {{Name}}" {
		t.Fatalf("restart lost the changes: subject %q path %q dirty %v body %q", again.doc.c.Subject, again.doc.path, again.doc.dirty, again.compose.body.Text)
	}
	again.saveCampaign(nil)
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), `"subject": "April"`) || !strings.Contains(string(raw), `"财务部 <billing@example.com>"`) {
		t.Errorf("saved file:\n%s", raw)
	}
	if body, _ := os.ReadFile(filepath.Join(dir, "march.body.md")); string(body) != "Hello {{Name}}" {
		t.Errorf("the body file moved or changed: %q", body)
	}
	if again.doc.dirty || strings.HasPrefix(again.win.Title(), "*") {
		t.Errorf("still marked unsaved after Save: %q", again.win.Title())
	}
	if d, unsaved := again.settings.draft(); unsaved || fileExists(d) {
		t.Errorf("the draft %q outlived the save (unsaved %v)", d, unsaved)
	}
}

// TestBackendsReadTheDraftAsTheUsersCampaign: with unsaved changes the
// backends get the draft, named as the user's file for the journal.
func TestBackendsReadTheDraftAsTheUsersCampaign(t *testing.T) {
	path := writeCampaign(t, t.TempDir(), "March")
	m := newTestMainWindow(t, Deps{})
	if err := m.open(path); err != nil {
		t.Fatal(err)
	}
	if d := m.doc.draft(); d.Path != path || d.File != "" {
		t.Errorf("clean campaign: draft %q file %q", d.Path, d.File)
	}
	m.compose.subject.SetText("April")
	d := m.doc.draft()
	if d.Path == path || d.File != path {
		t.Fatalf("edited campaign: draft %q file %q", d.Path, d.File)
	}
	c, err := campaign.LoadAs(d.Path, d.File)
	if err != nil || c.Subject != "April" {
		t.Fatalf("draft: %+v %v", c, err)
	}
	orig, _ := campaign.Load(path)
	if c.Key() != orig.Key() {
		t.Errorf("the draft is another campaign for the journal: %q vs %q", c.Key(), orig.Key())
	}
}

// TestNewAsksAndClearsEveryPage: New with unsaved changes asks; Cancel
// keeps them; Don't save starts afresh with nothing of the old campaign
// on any page.
func TestNewAsksAndClearsEveryPage(t *testing.T) {
	m := newTestMainWindow(t, fullDeps())
	m.compose.subject.SetText("Invoices")
	m.recipients.openFile(filepath.Join(t.TempDir(), "list.csv"))
	m.bridge.wait()
	m.send.progress.Show()
	m.send.bar.SetValue(1)
	m.send.counts.SetText("Sent 4")

	m.newCampaign()
	if !strings.Contains(dialogText(m.win), "Save the changes") {
		t.Fatalf("New did not ask: %q", dialogText(m.win))
	}
	tapDialogButton(t, m.win, "Cancel")
	if m.doc.c.Subject != "Invoices" {
		t.Fatal("Cancel discarded the campaign")
	}
	m.newCampaign()
	tapDialogButton(t, m.win, "Don't save")
	m.bridge.wait()
	if m.doc.c.Subject != "" || m.compose.subject.Text != "" || m.doc.list != nil || m.doc.dirty {
		t.Errorf("New kept the campaign: %q %v", m.doc.c.Subject, m.doc.list)
	}
	if m.recipients.summary.Text != "" || m.recipients.shown != nil {
		t.Errorf("Recipients still shows %q", m.recipients.summary.Text)
	}
	if m.send.progress.Visible() || m.send.bar.Value != 0 || m.send.counts.Text != "" {
		t.Errorf("Send still shows the previous run: %v %v %q", m.send.progress.Visible(), m.send.bar.Value, m.send.counts.Text)
	}
	if m.win.Title() != "Untitled campaign — Mailroom" {
		t.Errorf("title %q", m.win.Title())
	}
}

// TestNewCampaignsHaveTheirOwnJournalIdentity: two untitled campaigns are
// never the same campaign for the journal.
func TestNewCampaignsHaveTheirOwnJournalIdentity(t *testing.T) {
	m := newTestMainWindow(t, Deps{})
	m.compose.subject.SetText("first")
	first := m.doc.draft().Path
	m.newCampaign()
	tapDialogButton(t, m.win, "Don't save")
	m.compose.subject.SetText("second")
	if second := m.doc.draft().Path; second == first {
		t.Errorf("both untitled campaigns are %q", first)
	}
}

// TestQuitAsksBeforeDiscardingAndSaveAsThenQuits: Quit with unsaved
// changes asks; Save on an untitled campaign asks for a file.
func TestQuitAsksBeforeDiscarding(t *testing.T) {
	m := newTestMainWindow(t, Deps{})
	m.compose.subject.SetText("Invoices")
	m.confirmClose()
	if !strings.Contains(dialogText(m.win), "Save the changes to “Untitled campaign”") {
		t.Fatalf("Quit did not ask: %q", dialogText(m.win))
	}
	tapDialogButton(t, m.win, "Cancel")
	if m.doc.c.Subject != "Invoices" {
		t.Fatal("Cancel lost the campaign")
	}
}

// TestFileMenuListsRecentCampaignsAndShortcuts.
func TestFileMenuListsRecentCampaignsAndShortcuts(t *testing.T) {
	dir := t.TempDir()
	m := newTestMainWindow(t, fullDeps())
	a := writeCampaign(t, dir, "A")
	if err := m.open(a); err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(dir, "b.json")
	if err := m.saveAs(b); err != nil {
		t.Fatal(err)
	}
	file := m.win.MainMenu().Items[0]
	var recent *fyne.MenuItem
	shortcuts := map[string]bool{}
	for _, it := range file.Items {
		if it.Label == "Open recent" {
			recent = it
		}
		if it.Shortcut != nil {
			shortcuts[it.Label] = true
		}
	}
	if recent == nil || len(recent.ChildMenu.Items) != 2 || !strings.HasPrefix(recent.ChildMenu.Items[0].Label, "b.json") {
		t.Fatalf("recent menu %+v", recent)
	}
	for _, want := range []string{"New campaign", "Open campaign…", "Save campaign", "Save campaign as…", "Quit"} {
		if !shortcuts[want] {
			t.Errorf("%q shows no shortcut", want)
		}
	}
	recent.ChildMenu.Items[1].Action()
	if m.doc.path != a {
		t.Errorf("opening a recent campaign opened %q", m.doc.path)
	}
	var help []string
	for _, it := range m.win.MainMenu().Items[2].Items {
		help = append(help, it.Label)
	}
	if !strings.Contains(strings.Join(help, ","), "User guide") || !strings.Contains(strings.Join(help, ","), "About Mailroom") {
		t.Errorf("Help menu %v", help)
	}
}

type fakeUnsent struct{ n int }

func (f fakeUnsent) Unsent(context.Context, Draft) (int, error) { return f.n, nil }

// TestReopeningACampaignWithUnsentRowsOffersToContinue.
func TestReopeningACampaignWithUnsentRowsOffersToContinue(t *testing.T) {
	deps := fullDeps()
	deps.Unsent = fakeUnsent{n: 1312}
	m := newTestMainWindow(t, deps)
	if err := m.open(writeCampaign(t, t.TempDir(), "March")); err != nil {
		t.Fatal(err)
	}
	m.bridge.wait()
	var text string
	walk(m.banner, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			text += l.Text
		}
	})
	if text != "1,312 rows not sent yet — continue?" {
		t.Fatalf("banner %q", text)
	}
	test.Tap(findButton(m.banner, "Continue"))
	m.bridge.wait()
	if m.tabs.Selected() != m.sendTab || !m.send.checked || len(m.banner.Objects) != 0 {
		t.Errorf("Continue: page %q checked %v", m.tabs.Selected().Text, m.send.checked)
	}
}

// TestReopeningACampaignWithOneUnsentRowSaysRow: one row is "1 row",
// not "1 rows".
func TestReopeningACampaignWithOneUnsentRowSaysRow(t *testing.T) {
	deps := fullDeps()
	deps.Unsent = fakeUnsent{n: 1}
	m := newTestMainWindow(t, deps)
	if err := m.open(writeCampaign(t, t.TempDir(), "March")); err != nil {
		t.Fatal(err)
	}
	m.bridge.wait()
	var text string
	walk(m.banner, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			text += l.Text
		}
	})
	if text != "1 row not sent yet — continue?" {
		t.Errorf("banner %q", text)
	}
}

// TestStepsShowTheirStateAndWhatIsMissing: the navigation marks finished
// steps, each page lists what is missing and each item leads there.
func TestStepsShowTheirStateAndWhatIsMissing(t *testing.T) {
	deps := fullDeps()
	deps.Accounts = &fakeAccounts{accounts: []Account{{ID: "work", Name: "Work", FromAddress: "me@example.com"}}}
	m := newTestMainWindow(t, deps)
	m.compose.refreshAccounts()
	m.refreshSteps()
	if m.accountsTab.Text != "Accounts ✓" || m.recipientsTab.Text != "Recipients" || m.composeTab.Text != "Compose" {
		t.Errorf("tabs %q %q %q", m.accountsTab.Text, m.recipientsTab.Text, m.composeTab.Text)
	}
	guide := m.guides[1].box // the Send page's
	for _, want := range []string{"No recipients yet: open a list or type the addresses", "No account chosen for this campaign", "The message has no subject"} {
		if findButton(guide, want) == nil {
			t.Errorf("Send does not say %q", want)
		}
	}
	m.showPage(m.sendTab)
	test.Tap(findButton(guide, "The message has no subject"))
	if m.tabs.Selected() != m.composeTab || m.win.Canvas().Focused() != m.compose.subject {
		t.Errorf("the link did not lead to the subject")
	}

	m.recipients.openFile(filepath.Join(t.TempDir(), "list.csv"))
	m.bridge.wait()
	m.compose.account.SetSelectedIndex(0)
	m.compose.subject.SetText("Hi")
	m.compose.body.SetText("Hello")
	if m.recipientsTab.Text != "Recipients ✓ 1" || m.composeTab.Text != "Compose ✓" {
		t.Errorf("tabs %q %q", m.recipientsTab.Text, m.composeTab.Text)
	}
	if len(guide.Objects) != 0 {
		t.Error("the guide still lists missing steps")
	}
}

// TestClickingAProblemJumpsToItsRowOrField.
func TestClickingAProblemJumpsToItsRowOrField(t *testing.T) {
	m := newTestMainWindow(t, fullDeps())
	m.recipients.openFile(filepath.Join(t.TempDir(), "list.csv"))
	m.bridge.wait()
	m.send.problems = []Problem{{Code: "no-subject", Blocking: true, Text: "no subject"}, {Row: 3, Code: "invalid-address", Blocking: true, Text: "row 3"}}
	m.send.problemList.Refresh()
	m.send.problemList.Select(1)
	if m.tabs.Selected() != m.recipientsTab || m.recipients.tabs.Selected() != m.recipients.rowsTab {
		t.Fatalf("row problem: page %q", m.tabs.Selected().Text)
	}
	m.send.problemList.Select(0)
	if m.tabs.Selected() != m.composeTab || m.win.Canvas().Focused() != m.compose.subject {
		t.Errorf("field problem: page %q", m.tabs.Selected().Text)
	}
}

// TestFirstStartWelcomesAndTheSampleRunsWithoutAnAccount.
func TestFirstStartWelcomesAndTheSampleRunsWithoutAnAccount(t *testing.T) {
	deps := fullDeps()
	deps.DataDir = t.TempDir()
	m := newTestMainWindow(t, deps)
	m.restore()
	if !m.shouldWelcome() {
		t.Fatalf("no welcome on a first start: accounts %d, doc %+v %q %q", m.accountCount, m.doc.c, m.doc.path, m.doc.bodyText)
	}
	m.showWelcome()
	test.Tap(findButton(m.win.Content(), "Open the sample campaign"))
	m.bridge.wait()
	want := filepath.Join(deps.DataDir, sampleFolder, "campaign.json")
	if m.doc.path != want || m.win.Content() != m.shell || m.tabs.Selected() != m.composeTab {
		t.Fatalf("sample: path %q", m.doc.path)
	}
	c, err := campaign.Load(want)
	if err != nil || c.SMTP != "" || c.DryRun != filepath.Join(deps.DataDir, sampleFolder, dryRunFolder) || c.Account != "" {
		t.Fatalf("sample campaign %+v %v", c, err)
	}
	if !m.send.dryRun.Checked {
		t.Error("the Send page does not show the dry run")
	}
	// The real preflight finds nothing to fix: the sample runs as is.
	plan, err := campaign.Prepare(context.Background(), c, campaign.Env{DataDir: deps.DataDir})
	if err != nil || !plan.Ready() || len(plan.Problems) != 0 {
		t.Fatalf("sample preflight: %v %v", err, plan.Problems)
	}
	// The window's dry run (the backend's) logs every message it writes.
	final, err := startDryRun(plan, c.DryRun).Wait()
	if err != nil || final.Sent != 4 {
		t.Errorf("dry run wrote %d: %v", final.Sent, err)
	}
}

// TestADryRunLogsEveryRow: the dry run's log lists what it wrote and what
// it left out, and the backend counts the rows left out.
func TestADryRunLogsEveryRow(t *testing.T) {
	dir := t.TempDir()
	c := &campaign.Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "通知", Body: filepath.Join(dir, "body.txt"),
		From: "Shop <shop@example.com>", DryRun: filepath.Join(dir, "out"), SkipInvalid: true}
	for name, text := range map[string]string{"list.csv": "Name,Email\n张伟,zhang@example.com\n李娜,not-an-address\n", "body.txt": "您好 {{Name}}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := campaign.Prepare(context.Background(), c, campaign.Env{DataDir: filepath.Join(dir, "data")})
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	run := startDryRun(plan, c.DryRun)
	final, err := run.Wait()
	if err != nil || final.Sent != 1 || final.Skipped != 1 || final.DryRunDir != c.DryRun {
		t.Fatalf("final %+v, %v", final, err)
	}
	log := run.Log(0)
	if len(log) != 2 || log[0].State != "written" || log[0].Row != 2 || !strings.Contains(log[0].Reason, ".eml") ||
		log[1].State != "skipped" || log[1].Row != 3 || log[1].Address != "not-an-address" || log[1].Reason == "" {
		t.Errorf("log %+v", log)
	}
}

// TestDryRunIsAChoiceOnTheSendPage.
func TestDryRunIsAChoiceOnTheSendPage(t *testing.T) {
	m := newTestMainWindow(t, fullDeps())
	if err := m.open(writeCampaign(t, t.TempDir(), "March")); err != nil {
		t.Fatal(err)
	}
	m.send.dryRun.SetChecked(true)
	if dir := m.doc.c.DryRun; !strings.HasSuffix(dir, "march dry run") {
		t.Fatalf("dry-run folder %q", dir)
	}
	m.send.checked = true
	r := startAndWait(t, m.send, m.bridge, m.deps.Runner.(*fakeRunner))
	r.logged(LogRow{Row: 2, Address: "a@example.com", State: "written", Reason: "written to row-00002-1-a@example.com.eml, not sent"},
		LogRow{Row: 3, Address: "b@example", State: "skipped", Reason: "invalid address"})
	r.finish(Progress{Total: 4, Sent: 4, Skipped: 1, Run: RunCounts{Sent: 4}, DryRunDir: m.doc.c.DryRun})
	m.bridge.wait()
	if !strings.Contains(m.send.verdict.Text, "4 messages written to") || !strings.Contains(m.send.verdict.Text, "Nothing was sent") {
		t.Errorf("verdict %q", m.send.verdict.Text)
	}
	// The summary says what the dry run did and what to do next; the log
	// shows its rows, which are in no journal: nothing to retry or export.
	s := m.send.summary
	if !s.content.Visible() || !strings.Contains(s.text.Text, "1 row was left out") || !strings.Contains(s.text.Text, "Next:") {
		t.Errorf("summary shown %v: %q", s.content.Visible(), s.text.Text)
	}
	if !s.folder.Visible() || !s.skipped.Visible() || s.retry.Visible() || s.failed.Visible() {
		t.Error("the dry run's summary offers the wrong next steps")
	}
	if len(m.send.log.rows) != 2 || !m.send.log.export.Disabled() || !m.send.log.retry.Disabled() {
		t.Errorf("log %d rows, export disabled %v", len(m.send.log.rows), m.send.log.export.Disabled())
	}
	if !strings.Contains(m.send.log.counts.Text, "1 written to files, 1 skipped") {
		t.Errorf("log counts %q", m.send.log.counts.Text)
	}
	test.Tap(s.skipped)
	if m.send.tabs.Selected() != m.send.logTab || len(m.send.log.shown) != 1 {
		t.Error("Show skipped rows does not show them")
	}
	m.send.dryRun.SetChecked(false)
	if m.doc.c.DryRun != "" {
		t.Error("unchecking kept the dry run")
	}
}

// TestDroppedFilesAttachOnComposeAndOpenAListElsewhere.
func TestDroppedFilesAttachOnComposeAndOpenAListElsewhere(t *testing.T) {
	dir := t.TempDir()
	scan, list, folder := filepath.Join(dir, "scan.pdf"), filepath.Join(dir, "客户.xlsx"), filepath.Join(dir, "scans")
	os.WriteFile(scan, []byte("%PDF"), 0o644)
	os.WriteFile(list, []byte("PK"), 0o644)
	os.Mkdir(folder, 0o755)
	m := newTestMainWindow(t, fullDeps())
	m.showPage(m.composeTab)
	m.dropped(fyne.NewPos(1, 1), []fyne.URI{storage.NewFileURI(scan), storage.NewFileURI(folder)})
	if len(m.doc.c.Attach) != 1 || m.doc.c.Attach[0] != scan {
		t.Errorf("attachments %v", m.doc.c.Attach)
	}
	m.compose.attachments.Open(0)
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(m.compose.attachDir).AddXY(2, 2)
	m.dropped(at, []fyne.URI{storage.NewFileURI(folder)})
	if m.doc.c.AttachDir != folder {
		t.Errorf("folder dropped on the field: %q", m.doc.c.AttachDir)
	}
	m.showPage(m.recipientsTab)
	m.dropped(fyne.NewPos(1, 1), []fyne.URI{storage.NewFileURI(list)})
	m.bridge.wait()
	if m.doc.c.Recipients != list || m.doc.list == nil {
		t.Errorf("dropped list: %q", m.doc.c.Recipients)
	}
}

// TestClosingWhileSendingPausesUntilAnswered: closing the window during a
// run pauses it while "Quit anyway?" is open (nothing more goes out
// meanwhile); No lets it go on, Yes cancels it.
func TestClosingWhileSendingPausesUntilAnswered(t *testing.T) {
	m := newTestMainWindow(t, fullDeps())
	if err := m.open(writeCampaign(t, t.TempDir(), "March")); err != nil {
		t.Fatal(err)
	}
	m.send.checked = true
	d := startAndWait(t, m.send, m.bridge, m.deps.Runner.(*fakeRunner))
	m.confirmClose()
	if p, r, c := d.counts(); p != 1 || r != 0 || c != 0 || !strings.Contains(dialogText(m.win), "Quit anyway?") {
		t.Fatalf("while asking: paused %d resumed %d cancelled %d, dialog %q", p, r, c, dialogText(m.win))
	}
	tapDialogButton(t, m.win, "No")
	if p, r, c := d.counts(); p != 1 || r != 1 || c != 0 {
		t.Errorf("after No: paused %d resumed %d cancelled %d", p, r, c)
	}
	m.confirmClose()
	tapDialogButton(t, m.win, "Yes")
	if _, _, c := d.counts(); c != 1 {
		t.Errorf("Yes did not cancel the run (%d)", c)
	}
	d.finish(Progress{Total: 4, Sent: 2, Pending: 2})
	m.bridge.wait()
}
