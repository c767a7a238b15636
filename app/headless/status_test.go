package headless

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailroom/app/campaign"
	"mailroom/app/journal"
	"mailroom/app/recipients"
	"mailroom/sender"
)

// TestStatusShowsWhatTheMailboxSaid: once the mailbox has been read, the
// status says what came back, and an unknown row whose message is not in
// the Sent folder is offered for sending again in words.
func TestStatusShowsWhatTheMailboxSaid(t *testing.T) {
	dir := t.TempDir()
	c := &campaign.Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Journal: filepath.Join(dir, "j.db")}
	j, err := journal.Open(c.Journal)
	if err != nil {
		t.Fatal(err)
	}
	camp, err := j.Campaign(journal.CampaignSpec{Key: c.Key(), Name: "March"})
	if err != nil {
		t.Fatal(err)
	}
	keys := recipients.NewRowKeys()
	var in []journal.RowInput
	for i, a := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		in = append(in, journal.RowInput{Key: keys.Next([]string{a}), Number: i + 2, Address: a})
	}
	if _, err := j.Sync(camp.ID, in); err != nil {
		t.Fatal(err)
	}
	run, _, err := j.StartRun(camp.ID)
	if err != nil {
		t.Fatal(err)
	}
	for key, o := range map[string]sender.Outcome{"a@example.com": sender.OutcomeSent, "b@example.com": sender.OutcomeSent, "c@example.com": sender.OutcomeUnknown} {
		if err := run.MarkSending(key, "m-"+key, ""); err != nil {
			t.Fatal(err)
		}
		if err := run.MarkDone(sender.Result{Key: key, Outcome: o, Attempts: 1}); err != nil {
			t.Fatal(err)
		}
	}
	run.Close()
	now := time.Now()
	if _, err := j.Observe(camp.ID, []journal.Observation{
		{Key: "b@example.com", Kind: journal.ObservedBounceHard, At: now, Status: "5.1.1", Detail: "no such user", Source: "dsn1"},
		{Key: "c@example.com", Kind: journal.ObservedNotInSent, At: now, Source: "m-c@example.com"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := j.SaveInboxCursors(camp.ID, nil, now); err != nil {
		t.Fatal(err)
	}
	j.Close()

	var stdout, stderr bytes.Buffer
	code := status(&options{campaign: c}, campaign.Env{DataDir: dir}, &stdout, &stderr)
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1 (c needs a decision)\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{
		"bounced 1 hard, 0 soft; replied 0; automatic replies 0; unsubscribed 0; confirmed in Sent 0; not in Sent 1\n",
		"  row 4, c@example.com: not found in your Sent folder: probably not delivered; send it again?\n",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, stdout.String())
		}
	}
}
