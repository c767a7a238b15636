package journal

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestReadOnlyJournalChangesNothing: OpenReadOnly reads a journal another
// Journal has open, refuses every change, finds campaigns by key, leaves
// no file behind, and says plainly when there is no journal.
func TestReadOnlyJournalChangesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.db")
	if _, err := OpenReadOnly(path); !errors.Is(err, ErrNoJournal) {
		t.Fatalf("OpenReadOnly on no file: %v, want ErrNoJournal", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("OpenReadOnly created %d files", len(entries))
	}
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := campaignWith(t, j, "ro", 3)
	run := startRun(t, j, c.ID)
	send(t, run, "user1@example.com", 1)
	run.Close()

	r, err := OpenReadOnly(path) // while j is open
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.CampaignByKey("ro")
	if err != nil || got.ID != c.ID {
		t.Fatalf("CampaignByKey = %+v, %v", got, err)
	}
	if _, err := r.CampaignByKey("nope"); !errors.Is(err, ErrUnknownCampaign) {
		t.Errorf("CampaignByKey of an unknown key: %v", err)
	}
	if s, err := r.Summary(c.ID); err != nil || s.Sent != 1 || s.Pending != 2 {
		t.Errorf("Summary = %+v, %v", s.Counts, err)
	}
	if _, err := r.Campaign(CampaignSpec{Key: "new"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Campaign on a read-only journal: %v, want ErrReadOnly", err)
	}
	if _, _, err := r.StartRun(c.ID); !errors.Is(err, ErrReadOnly) {
		t.Errorf("StartRun on a read-only journal: %v, want ErrReadOnly", err)
	}
	if _, err := r.db.Exec(`UPDATE rows SET state = 'sent'`); err == nil {
		t.Error("SQL writes go through the read-only connection")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"journal.db"}) {
		t.Errorf("files left next to the journal: %v", names)
	}
}
