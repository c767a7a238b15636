package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"mailroom/app/campaign"
	"mailroom/app/journal"
	"mailroom/sender"
)

// TestHistoryReadsEveryJournalARunWrote: a campaign that names its own
// journal (the sample campaign does) is listed next to those of the
// default journal, its rows are read from its own file, and deciding
// about them writes there; before, History said "no such campaign".
func TestHistoryReadsEveryJournalARunWrote(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := campaign.Env{DataDir: filepath.Join(dir, "data")}
	if err := os.MkdirAll(env.DataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(dir, "sample", "sample.db")
	if err := os.MkdirAll(filepath.Dir(own), 0o700); err != nil {
		t.Fatal(err)
	}
	unknownRow := func(path, key, name string) {
		t.Helper()
		j, err := journal.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		c, err := j.Campaign(journal.CampaignSpec{Key: key, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := j.Sync(c.ID, []journal.RowInput{{Key: "a@example.com", Number: 2, Address: "a@example.com"}}); err != nil {
			t.Fatal(err)
		}
		run, _, err := j.StartRun(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		_ = run.MarkSending("a@example.com", "m1@example.com", "h")
		_ = run.MarkDone(sender.Result{Key: "a@example.com", Outcome: sender.OutcomeUnknown, Attempts: 1})
		if err := run.Close(); err != nil {
			t.Fatal(err)
		}
	}
	unknownRow(filepath.Join(env.DataDir, journal.DefaultFileName), "march", "March")
	unknownRow(own, "sample", "Sample")
	if err := campaign.RememberJournal(env, own); err != nil {
		t.Fatal(err)
	}

	h := &journalHistory{env: env}
	camps, err := h.Campaigns(ctx)
	if err != nil || len(camps) != 2 {
		t.Fatalf("campaigns %+v, %v", camps, err)
	}
	var sample CampaignRecord
	for _, c := range camps {
		if c.Name == "Sample" {
			sample = c
		}
	}
	if sample.ID == "" || sample.Unknown != 1 {
		t.Fatalf("the sample campaign is missing: %+v", camps)
	}
	rows, err := h.Rows(ctx, sample.ID, "")
	if err != nil || len(rows) != 1 || rows[0].CampaignID != sample.ID || rows[0].Reason == "" {
		t.Fatalf("sample rows %+v, %v", rows, err)
	}
	if err := h.Resolve(ctx, sample.ID, []string{rows[0].Key}, true); err != nil {
		t.Fatal(err)
	}
	if rows, _ = h.Rows(ctx, sample.ID, ""); rows[0].State != "sent" {
		t.Errorf("the decision did not reach the campaign's own journal: %+v", rows[0])
	}
	found, err := h.Rows(ctx, "", "a@example")
	if err != nil || len(found) != 2 {
		t.Errorf("a search across journals finds %d rows (%v), want 2", len(found), err)
	}
}
