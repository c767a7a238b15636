package journal

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"mailroom/sender"
)

func keysOf(rows []Row) []string {
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.Key)
	}
	return keys
}

// TestTypoFixRerun: fixing one address and running again sends only to
// the fixed row and the new one, never again to rows already sent.
func TestTypoFixRerun(t *testing.T) {
	j := openTest(t)
	c, err := j.Campaign(CampaignSpec{Key: "invoice", Account: "acct"})
	if err != nil {
		t.Fatal(err)
	}
	first := keyed([]RowInput{
		{Number: 2, Address: "li.na@example.com", Name: "李娜"},
		{Number: 3, Address: "zhang.wei@exmaple.com", Name: "Mr Zhang"}, // typo
		{Number: 4, Address: " Chen@Example.com "},
		{Number: 5, Address: "not an address", Skip: "row 5, column Email: not an email address"},
	})
	res, err := j.Sync(c.ID, first)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(res.ToSend()); !slices.Equal(got, []string{"li.na@example.com", "zhang.wei@exmaple.com", "chen@example.com"}) {
		t.Fatalf("first run sends %v", got)
	}
	run := startRun(t, j, c.ID)
	send(t, run, "li.na@example.com", sender.OutcomeSent)
	send(t, run, "zhang.wei@exmaple.com", sender.OutcomeFailed)
	send(t, run, "chen@example.com", sender.OutcomeSent)
	run.Close()

	second := keyed([]RowInput{
		{Number: 2, Address: "li.na@example.com", Name: "李娜"},
		{Number: 3, Address: "zhang.wei@example.com", Name: "Mr Zhang"}, // fixed
		{Number: 4, Address: "chen@example.com"},
		{Number: 5, Address: "wang@example.com"}, // fixed: new address
		{Number: 6, Address: "new@example.com"},  // new row
	})
	res, err = j.Sync(c.ID, second)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(res.ToSend()); !slices.Equal(got, []string{"zhang.wei@example.com", "wang@example.com", "new@example.com"}) {
		t.Fatalf("rerun sends %v, want only the fixed and new rows", got)
	}
	if got := keysOf(res.Done()); !slices.Equal(got, []string{"li.na@example.com", "chen@example.com"}) {
		t.Fatalf("done = %v", got)
	}
	all, err := j.Rows(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var gone []string
	for _, r := range all {
		if !r.InSource {
			gone = append(gone, r.Key+"="+string(r.State))
		}
	}
	if !slices.Equal(gone, []string{"zhang.wei@exmaple.com=failed", "not an address=skipped"}) {
		t.Fatalf("rows no longer in the sheet = %v", gone)
	}
}

func TestDuplicatesAndSkipDecisions(t *testing.T) {
	j := openTest(t)
	c, _ := j.Campaign(CampaignSpec{Key: "dups"})
	rows := keyed([]RowInput{
		{Number: 2, Address: "a@example.com"},
		{Number: 3, Address: "A@example.com"},
		{Number: 4, Address: "b@example.com", Skip: "attachment missing"},
	})
	res, err := j.Sync(c.ID, rows)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(res.Rows); !slices.Equal(got, []string{"a@example.com", "a@example.com#2", "b@example.com"}) {
		t.Fatalf("keys = %v", got)
	}
	if res.Rows[2].State != StateSkipped {
		t.Fatalf("skipped row is %s", res.Rows[2].State)
	}
	// The attachment is back: the next run looks at the row again.
	rows[2].Skip = ""
	res, err = j.Sync(c.ID, rows)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows[2].State != StatePending || len(res.ToSend()) != 3 {
		t.Fatalf("after the fix: %+v", res.Rows)
	}
}

// TestDailyCapAcrossReopen: the 24-hour window survives closing the
// journal and counts every campaign of the same account.
func TestDailyCapAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	clock := &fixedClock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.Local)}
	sendN := func(key, account string, n int) {
		j, err := Open(path, WithClock(clock.now))
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		c, err := j.Campaign(CampaignSpec{Key: key, Account: account})
		if err != nil {
			t.Fatal(err)
		}
		res, err := j.Sync(c.ID, numberedRows(n))
		if err != nil {
			t.Fatal(err)
		}
		run := startRun(t, j, c.ID)
		for _, r := range res.Rows {
			send(t, run, r.Key, sender.OutcomeSent)
		}
	}
	sendN("monday-a", "qq", 3)
	clock.t = clock.t.Add(2 * time.Hour)
	sendN("monday-b", "qq", 2)
	sendN("other-account", "163", 4)

	clock.t = clock.t.Add(23 * time.Hour) // 25 h after the first three
	j, err := Open(path, WithClock(clock.now))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	c, _ := j.Campaign(CampaignSpec{Key: "tuesday", Account: "qq"})
	run := startRun(t, j, c.ID)
	dayAgo := clock.t.Add(-24 * time.Hour)
	if n, err := run.SentSince(dayAgo); err != nil || n != 2 {
		t.Fatalf("SentSince(last 24 h) = %d, %v; want the 2 sent 23 h ago", n, err)
	}
	if n, _ := run.SentSince(dayAgo.Add(-2 * time.Hour)); n != 5 {
		t.Fatalf("SentSince(last 26 h) = %d, want 5", n)
	}
	if n, _ := j.SentSince("163", dayAgo); n != 4 {
		t.Fatalf("163 account = %d, want 4", n)
	}
}

func TestPauseSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := j.Campaign(CampaignSpec{Key: "quota"})
	at := time.Date(2025, 3, 4, 14, 30, 0, 0, time.Local)
	if err := j.Pause(c.ID, at, "550 5.4.5 Daily sending quota exceeded"); err != nil {
		t.Fatal(err)
	}
	j.Close()
	j, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	got, err := j.CampaignByID(c.ID)
	if err != nil || !got.ResumesAt.Equal(at) || got.PauseReason == "" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	if err := j.Resume(c.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := j.CampaignByID(c.ID); !got.ResumesAt.IsZero() {
		t.Fatalf("still paused: %v", got.ResumesAt)
	}
	if err := j.Pause(999, at, ""); err == nil {
		t.Fatal("pausing an unknown campaign succeeded")
	}
}
