package inbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"mailroom/app/journal"
	"mailroom/app/recipients"
	"mailroom/sender"
)

// sentRow is a campaign row and the Message-ID its message had.
type sentRow struct {
	address, messageID string
	unknown            bool // the run was killed after handing it over
}

// fixtureCampaign matches the fixtures: rows 2–15 were sent and came
// back in some way; 16 and 17 were left unknown by a killed run.
var fixtureCampaign = []sentRow{
	{"alice@example.com", "m1.row2@mailroom.test", false},
	{"bob@example.org", "m2.row3@mailroom.test", false},
	{"carol@example.net", "m3.row4@mailroom.test", false},
	{"dave@example.org", "m4.row5@mailroom.test", false},
	{"erin@example.com", "m5.row6@mailroom.test", false},
	{"frank@example.cn", "m6.row7@mailroom.test", false},
	{"grace@example.cn", "m7.row8@mailroom.test", false},
	{"heidi@example.com", "m8.row9@mailroom.test", false},
	{"ivan@example.com", "m9.row10@mailroom.test", false},
	{"judy@example.cn", "m10.row11@mailroom.test", false},
	{"kim@example.com", "m11.row12@mailroom.test", false},
	{"liming@example.cn", "m12.row13@mailroom.test", false},
	{"mallory@example.com", "m13.row14@mailroom.test", false},
	{"niu@example.cn", "m14.row15@mailroom.test", false},
	{"zed@example.com", "m15.row16@mailroom.test", true},
	{"yan@example.com", "m16.row17@mailroom.test", true},
	{"quiet@example.com", "m17.row18@mailroom.test", false},
}

// sendFixtureCampaign writes the journal a run would have left: a
// campaign whose rows were handed to the server, the last two by a run
// killed before the server answered, so that the next start found them
// sending and made them unknown.
func sendFixtureCampaign(t *testing.T, dir string) (string, int64) {
	t.Helper()
	path := filepath.Join(dir, "journal.db")
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := j.Campaign(journal.CampaignSpec{Key: "march", Name: "March invoices", Account: "acct1"})
	if err != nil {
		t.Fatal(err)
	}
	in := make([]journal.RowInput, len(fixtureCampaign))
	for i, r := range fixtureCampaign {
		in[i] = journal.RowInput{Key: recipients.RowKey([]string{r.address}, 1), Number: i + 2, Address: r.address}
	}
	if _, err := j.Sync(c.ID, in); err != nil {
		t.Fatal(err)
	}
	run, _, err := j.StartRun(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range fixtureCampaign {
		if err := run.MarkSending(r.address, r.messageID, "h"); err != nil {
			t.Fatal(err)
		}
		if r.unknown {
			continue // killed here: handed over, no answer recorded
		}
		if err := run.MarkDone(sender.Result{Key: r.address, Outcome: sender.OutcomeSent, MessageID: r.messageID, Reply: "250 ok", Code: 250, Attempts: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// The next start recovers the interrupted rows as unknown.
	j, err = journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	run, _, err = j.StartRun(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	run.Close()
	j.Close()
	return path, c.ID
}

func TestFetchRecordsEverythingOnceAndSettlesUnknownRows(t *testing.T) {
	srv := startServer(t)
	deliverFixtures(t, srv, time.Now())
	// The provider filed row 16's message in Sent; row 17's never arrived.
	sent := "From: " + testUser + "\r\nTo: zed@example.com\r\nSubject: Your invoice\r\nMessage-ID: <m15.row16@mailroom.test>\r\n\r\nhi\r\n"
	if _, err := srv.Deliver("Sent", []byte(sent), time.Now()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, id := sendFixtureCampaign(t, dir)
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	supp := filepath.Join(dir, "do-not-send.txt")
	if err := os.WriteFile(supp, []byte("kim@example.com  # asked by phone\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	req := Request{Campaign: id, Account: testAccount(srv), Password: testPassword, Suppressions: supp,
		Now: func() time.Time { return time.Now().Add(time.Minute) }} // within the grace period
	before, _ := srv.Snapshot()

	rep, err := Fetch(context.Background(), j, req)
	if err != nil {
		t.Fatal(err)
	}
	want := Report{Read: len(fixtures), HardBounces: 7, SoftBounces: 1, Replies: 2, AutoReplies: 2, Unsubscribes: 2, Confirmed: 1, NotInSent: 0, Unmatched: 2}
	got := rep
	got.Suppressed = nil
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("report\n got %+v\nwant %+v", got, want)
	}
	sort.Strings(rep.Suppressed)
	wantSupp := []string{"alice@example.com", "carol@example.net", "dave@example.org", "erin@example.com", "frank@example.cn",
		"grace@example.cn", "heidi@example.com", "mallory@example.com", "niu@example.cn"}
	if fmt.Sprint(rep.Suppressed) != fmt.Sprint(wantSupp) {
		t.Errorf("suppressed %v, want %v", rep.Suppressed, wantSupp)
	}
	rows := rowsByAddress(t, j, id)
	if r := rows["alice@example.com"]; r.State != journal.StateSent || r.Bounce != journal.BounceHard || r.BounceStatus != "5.1.1" {
		t.Errorf("alice: %+v", r)
	}
	if r := rows["bob@example.org"]; r.Bounce != journal.BounceSoft || r.BounceStatus != "4.4.1" {
		t.Errorf("bob: %+v", r)
	}
	if r := rows["ivan@example.com"]; r.RepliedAt.IsZero() || r.ReplySubject != "Re: Your invoice for March" {
		t.Errorf("ivan: %+v", r)
	}
	if r := rows["kim@example.com"]; r.AutoReplyAt.IsZero() || !r.RepliedAt.IsZero() {
		t.Errorf("kim: an automatic reply is not a reply: %+v", r)
	}
	if r := rows["zed@example.com"]; r.State != journal.StateSent || r.Settled != journal.SettledSentFolder {
		t.Errorf("zed: a killed run's row found in Sent must end sent, confirmed: %+v", r)
	}
	if r := rows["yan@example.com"]; r.State != journal.StateUnknown || !r.NotInSent.IsZero() {
		t.Errorf("yan: within the grace period nothing is decided: %+v", r)
	}
	if r := rows["quiet@example.com"]; r.Mailbox != (journal.Mailbox{}) {
		t.Errorf("quiet: nothing came back, nothing recorded: %+v", r.Mailbox)
	}
	list, err := recipients.OpenSuppressionList(supp)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := list.Match("alice@example.com"); !ok || !strings.Contains(e.Note, "mailbox does not exist") || !strings.Contains(e.Note, "March invoices") {
		t.Errorf("alice's do-not-send entry %+v lacks the reason", e)
	}
	if e, _ := list.Match("kim@example.com"); e.Note != "asked by phone" {
		t.Errorf("the user's own entry was rewritten: %+v", e)
	}

	// After the grace period, the row still missing from Sent is offered
	// for sending again; nothing else is recorded twice.
	req.Now = func() time.Time { return time.Now().Add(DefaultGrace + time.Minute) }
	rep, err = Fetch(context.Background(), j, req)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rep) != fmt.Sprint(Report{NotInSent: 1}) {
		t.Errorf("second pass: %+v, want only the row not in Sent", rep)
	}
	if r := rowsByAddress(t, j, id)["yan@example.com"]; r.State != journal.StateUnknown || r.NotInSent.IsZero() {
		t.Errorf("yan: not in Sent after the grace period must be offered: %+v", r)
	}
	s, err := j.Summary(id)
	if err != nil {
		t.Fatal(err)
	}
	if s.BouncedHard != 7 || s.BouncedSoft != 1 || s.Replied != 2 || s.AutoReplied != 2 || s.Unsubscribed != 2 ||
		s.ConfirmedInSent != 1 || s.NotInSent != 1 || s.Unknown != 1 || s.InboxChecked.IsZero() {
		t.Errorf("summary %+v %+v", s.Counts, s.MailboxCounts)
	}
	after, _ := srv.Snapshot()
	if fmt.Sprint(before) != fmt.Sprint(after) || len(srv.Changes()) != 0 {
		t.Errorf("Fetch changed the mailbox: %q", srv.Changes())
	}
}

func rowsByAddress(t *testing.T, j *journal.Journal, id int64) map[string]journal.Row {
	t.Helper()
	rows, err := j.Rows(id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]journal.Row{}
	for _, r := range rows {
		out[r.Address] = r
	}
	return out
}

func TestFetchBeforeAnythingWasSentConnectsToNothing(t *testing.T) {
	srv := startServer(t)
	j, err := journal.Open(filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	c, _ := j.Campaign(journal.CampaignSpec{Key: "new"})
	accepted := srv.Accepted()
	rep, err := Fetch(context.Background(), j, Request{Campaign: c.ID, Account: testAccount(srv), Password: testPassword})
	if err != nil || rep.Read != 0 || srv.Accepted() != accepted {
		t.Fatalf("Fetch of an unsent campaign: %+v %v, %d connections", rep, err, srv.Accepted()-accepted)
	}
}
