package campaign

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"mailroom/app/journal"
)

// TestSaveWritesReadableJSONAndKeepsPermissions: the campaign file is for
// people too — Chinese names and "<address>" stay as typed — and saving
// over a file keeps the mode the user gave it.
func TestSaveWritesReadableJSONAndKeepsPermissions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "notice.json")
	if err := os.WriteFile(path, []byte("{}"), 0o640); err != nil {
		t.Fatal(err)
	}
	c := &Campaign{Name: "账单 & 通知", From: "财务部 <billing@example.com>"}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"from": "财务部 <billing@example.com>"`, `"name": "账单 & 通知"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("saved file lacks %s:\n%s", want, raw)
		}
	}
	if strings.Contains(string(raw), `\u00`) {
		t.Errorf("saved file escapes characters:\n%s", raw)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
			t.Errorf("mode after saving: %v (%v), want 0640", fi.Mode().Perm(), err)
		}
	}
	if got, err := Load(path); err != nil || got.From != c.From || got.Name != c.Name {
		t.Errorf("round trip: %+v %v", got, err)
	}
}

// TestLoadAsKeepsTheUsersFileAsIdentity: the window's autosaved copy of a
// campaign is the same campaign for the journal as the user's file.
func TestLoadAsKeepsTheUsersFileAsIdentity(t *testing.T) {
	dir := t.TempDir()
	user, draft := filepath.Join(dir, "march.json"), filepath.Join(dir, "drafts", "edit.json")
	os.MkdirAll(filepath.Dir(draft), 0o755)
	c := &Campaign{Subject: "Hi"}
	for _, p := range []string{user, draft} {
		if err := c.Save(p); err != nil {
			t.Fatal(err)
		}
	}
	fromUser, _ := Load(user)
	fromDraft, err := LoadAs(draft, user)
	if err != nil {
		t.Fatal(err)
	}
	if fromDraft.Key() != fromUser.Key() || fromDraft.File() != user {
		t.Errorf("draft key %q file %q, user's %q", fromDraft.Key(), fromDraft.File(), fromUser.Key())
	}
	alone, _ := LoadAs(draft, "")
	if alone.Key() == fromUser.Key() {
		t.Error("a draft without identity is the user's campaign")
	}
}

// TestUnsentCountsThePendingRowsOfThisCampaign: what the reopen banner
// offers to continue, read from the journal without creating one.
func TestUnsentCountsThePendingRowsOfThisCampaign(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "march.json")
	c := &Campaign{Subject: "Hi", Journal: filepath.Join(dir, "march.journal")}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	c, _ = Load(path)
	if n, err := Unsent(c, Env{DataDir: dir}); n != 0 || err != nil {
		t.Fatalf("never run: %d %v", n, err)
	}
	if _, err := os.Stat(c.Journal); !os.IsNotExist(err) {
		t.Fatalf("Unsent created the journal (%v)", err)
	}
	j, err := journal.Open(c.Journal)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := j.Campaign(journal.CampaignSpec{Key: "file:/elsewhere.json"})
	mine, _ := j.Campaign(journal.CampaignSpec{Key: c.Key()})
	rows := []journal.RowInput{{Key: "a@example.com", Number: 2, Address: "a@example.com"}, {Key: "b@example.com", Number: 3, Address: "b@example.com"}, {Key: "c@example.com", Number: 4, Address: "c@example.com"}}
	if _, err := j.Sync(other.ID, rows[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Sync(mine.ID, rows); err != nil {
		t.Fatal(err)
	}
	j.Close()
	n, err := Unsent(c, Env{DataDir: dir})
	if err != nil || n != 3 {
		t.Errorf("Unsent = %d, %v; want the pending rows of this campaign", n, err)
	}
}
