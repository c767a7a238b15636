package journal

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailroom/sender"
)

func rowOf(t *testing.T, j *Journal, campaign int64, key string) Row {
	t.Helper()
	rows, err := j.rowsByKey(campaign, []string{key})
	if err != nil || len(rows) != 1 {
		t.Fatalf("row %s: %v", key, err)
	}
	return rows[0]
}

func TestObservationsNeverMoveDeliveryBack(t *testing.T) {
	j := openTest(t)
	c, _ := campaignWith(t, j, "c", 3)
	r := startRun(t, j, c.ID)
	send(t, r, "user1@example.com", sender.OutcomeSent)
	send(t, r, "user2@example.com", sender.OutcomeFailed)
	r.Close()
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	obs := []Observation{
		{Key: "user1@example.com", Kind: ObservedBounceSoft, At: at, Status: "4.4.1", Detail: "connection timed out", Source: "n1"},
		{Key: "user1@example.com", Kind: ObservedBounceHard, At: at.Add(time.Hour), Status: "5.1.1", Detail: "user unknown", Source: "n2", ProvesSent: true},
		{Key: "user1@example.com", Kind: ObservedBounceSoft, At: at.Add(2 * time.Hour), Status: "4.2.2", Detail: "full", Source: "n3"},
		{Key: "user1@example.com", Kind: ObservedReply, At: at.Add(3 * time.Hour), Detail: "Re: later", Source: "n4"},
		{Key: "user1@example.com", Kind: ObservedReply, At: at.Add(time.Minute), Detail: "Re: first", Source: "n5"},
		{Key: "user2@example.com", Kind: ObservedBounceHard, At: at, Status: "5.1.1", Source: "n6", ProvesSent: true},
	}
	added, err := j.Observe(c.ID, obs)
	if err != nil || len(added) != len(obs) {
		t.Fatalf("Observe: %d new, %v", len(added), err)
	}
	r1 := rowOf(t, j, c.ID, "user1@example.com")
	if r1.State != StateSent || r1.Bounce != BounceHard || r1.BounceStatus != "5.1.1" || r1.BounceText != "user unknown" {
		t.Errorf("row 1: %+v: a later delay must not hide the hard bounce", r1)
	}
	if r1.ReplySubject != "Re: first" || !r1.RepliedAt.Equal(at.Add(time.Minute)) {
		t.Errorf("row 1 reply %q at %v, want the first reply", r1.ReplySubject, r1.RepliedAt)
	}
	if got := stateOf(t, j, c.ID, "user2@example.com"); got != StateFailed {
		t.Errorf("a bounce moved a failed row to %s", got)
	}
	again, err := j.Observe(c.ID, obs)
	if err != nil || len(again) != 0 {
		t.Fatalf("reading the same notices again added %d (%v)", len(again), err)
	}
	events, err := j.Events(c.ID, "user1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	if len(kinds) != 2+5 || kinds[3] != string(ObservedBounceHard) || events[3].Detail != "5.1.1 user unknown" {
		t.Errorf("history %q (%+v): want sending, done and one event per observation", kinds, events[3])
	}
	s, err := j.Summary(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s.BouncedHard != 2 || s.BouncedSoft != 0 || s.Replied != 1 {
		t.Errorf("summary %+v", s.MailboxCounts)
	}
}

func TestEvidenceSettlesAnUnknownRow(t *testing.T) {
	j := openTest(t)
	c, _ := campaignWith(t, j, "c", 3)
	r := startRun(t, j, c.ID)
	for _, k := range []string{"user1@example.com", "user2@example.com", "user3@example.com"} {
		if err := r.MarkSending(k, "id-"+k, "h"); err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
	r2 := startRun(t, j, c.ID) // recovery: the three become unknown
	r2.Close()
	_, err := j.Observe(c.ID, []Observation{
		{Key: "user1@example.com", Kind: ObservedInSentFolder, Source: "id-user1@example.com", ProvesSent: true},
		{Key: "user2@example.com", Kind: ObservedNotInSent, Source: "id-user2@example.com"},
		{Key: "user3@example.com", Kind: ObservedAutoReply, Source: "ooo", ProvesSent: false},
	})
	if err != nil {
		t.Fatal(err)
	}
	r1 := rowOf(t, j, c.ID, "user1@example.com")
	if r1.State != StateSent || r1.Settled != SettledSentFolder || r1.SentAt.IsZero() {
		t.Errorf("row found in Sent: %+v", r1)
	}
	r2row := rowOf(t, j, c.ID, "user2@example.com")
	if r2row.State != StateUnknown || r2row.NotInSent.IsZero() {
		t.Errorf("row not in Sent: %+v: stays unknown, marked for the user", r2row)
	}
	if got := stateOf(t, j, c.ID, "user3@example.com"); got != StateUnknown {
		t.Errorf("an observation without proof settled a row: %s", got)
	}
	s, _ := j.Summary(c.ID)
	if s.ConfirmedInSent != 1 || s.NotInSent != 1 || s.Unknown != 2 || s.Sent != 1 {
		t.Errorf("summary %+v %+v", s.Counts, s.MailboxCounts)
	}
	// Sending it again clears "not in Sent": the new message is another.
	if err := j.SendAgain(c.ID, "user2@example.com"); err != nil {
		t.Fatal(err)
	}
	r3 := startRun(t, j, c.ID)
	if err := r3.MarkSending("user2@example.com", "id2", "h"); err != nil {
		t.Fatal(err)
	}
	r3.Close()
	if got := rowOf(t, j, c.ID, "user2@example.com"); !got.NotInSent.IsZero() {
		t.Errorf("a new attempt kept the old search's answer: %+v", got)
	}
}

// TestStaleSentFolderAnswerIsDropped: a mailbox pass reads an unknown
// row, and while it searches the Sent folder for that message the row is
// sent again (another process, or the window) and ends unknown once more.
// "Not in your Sent folder" was said of the first message, not of the
// second, which may well have been delivered: it must not be recorded.
func TestStaleSentFolderAnswerIsDropped(t *testing.T) {
	j := openTest(t)
	c, _ := campaignWith(t, j, "c", 1)
	const key = "user1@example.com"
	r := startRun(t, j, c.ID)
	if err := r.MarkSending(key, "first-id", "h"); err != nil {
		t.Fatal(err)
	}
	r.Close()
	startRun(t, j, c.ID).Close() // recovered: unknown, Message-ID first-id
	// (the pass reads the row here and starts searching)
	if err := j.SendAgain(c.ID, key); err != nil {
		t.Fatal(err)
	}
	r2 := startRun(t, j, c.ID)
	if err := r2.MarkSending(key, "second-id", "h"); err != nil {
		t.Fatal(err)
	}
	if err := r2.MarkDone(sender.Result{Key: key, Outcome: sender.OutcomeUnknown, MessageID: "second-id", Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	r2.Close()
	added, err := j.Observe(c.ID, []Observation{{Key: key, Kind: ObservedNotInSent, Source: "first-id"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rowOf(t, j, c.ID, key); len(added) != 0 || !got.NotInSent.IsZero() {
		t.Errorf("an answer about the first message was recorded on the second (%d added): %+v", len(added), got)
	}
	// The answer about the current message still counts.
	added, err = j.Observe(c.ID, []Observation{{Key: key, Kind: ObservedNotInSent, Source: "second-id"}})
	if err != nil || len(added) != 1 || rowOf(t, j, c.ID, key).NotInSent.IsZero() {
		t.Errorf("the answer about the current message: %d added, %v", len(added), err)
	}
}

func TestInboxCursorsRoundTrip(t *testing.T) {
	j := openTest(t)
	c, _ := campaignWith(t, j, "c", 1)
	cur, checked, err := j.InboxCursors(c.ID)
	if err != nil || len(cur) != 0 || !checked.IsZero() {
		t.Fatalf("fresh campaign: %v %v %v", cur, checked, err)
	}
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.Local)
	want := []FolderCursor{{"INBOX", 7, 120}, {"Junk", 9, 4}}
	if err := j.SaveInboxCursors(c.ID, want, now); err != nil {
		t.Fatal(err)
	}
	want[0].LastUID = 130
	if err := j.SaveInboxCursors(c.ID, want[:1], now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	cur, checked, err = j.InboxCursors(c.ID)
	if err != nil || len(cur) != 2 || cur[0] != want[0] || cur[1] != want[1] || !checked.Equal(now.Add(time.Minute)) {
		t.Fatalf("got %v %v %v", cur, checked, err)
	}
	if _, _, err := j.InboxCursors(999); !errors.Is(err, ErrUnknownCampaign) {
		t.Errorf("unknown campaign: %v", err)
	}
}

// TestSchemaOneJournalIsMigrated: a journal written before mailbox
// observations opens, keeps its rows, and takes observations.
func TestSchemaOneJournalIsMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, stmt := range []string{
		migrations[0].sql,
		`CREATE TABLE schema_version (version INTEGER NOT NULL, opened INTEGER NOT NULL DEFAULT 0)`,
		`INSERT INTO schema_version (version) VALUES (1)`,
		`INSERT INTO campaigns (key, name, created) VALUES ('old', 'Old campaign', 1)`,
		`INSERT INTO rows (campaign, key, row_number, address, state, message_id, created, updated, sent_at)
			VALUES (1, 'a@example.com', 2, 'a@example.com', 'sent', 'm1@x', 1, 1, 1)`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	rows, err := j.Rows(1)
	if err != nil || len(rows) != 1 || rows[0].State != StateSent || rows[0].Bounce != "" {
		t.Fatalf("rows after migration: %+v %v", rows, err)
	}
	if _, err := j.Observe(1, []Observation{{Key: "a@example.com", Kind: ObservedBounceHard, Status: "5.1.1", Source: "n"}}); err != nil {
		t.Fatal(err)
	}
	if r := rowOf(t, j, 1, "a@example.com"); r.Bounce != BounceHard {
		t.Errorf("migrated row did not take the bounce: %+v", r)
	}
	var version int
	if err := j.db.QueryRow(`SELECT version FROM schema_version`).Scan(&version); err != nil || version != len(migrations) {
		t.Errorf("schema version %d (%v), want %d", version, err, len(migrations))
	}
}

func TestReportShowsWhatTheMailboxSaid(t *testing.T) {
	j := openTest(t)
	c, _ := campaignWith(t, j, "c", 2)
	r := startRun(t, j, c.ID)
	send(t, r, "user1@example.com", sender.OutcomeSent)
	send(t, r, "user2@example.com", sender.OutcomeSent)
	r.Close()
	at := time.Date(2025, 3, 4, 10, 12, 0, 0, time.Local)
	if _, err := j.Observe(c.ID, []Observation{
		{Key: "user1@example.com", Kind: ObservedBounceHard, Status: "5.1.1", Detail: "550 5.1.1 User unknown", Source: "b", At: at},
		{Key: "user2@example.com", Kind: ObservedReply, Detail: "Re: invoice", Source: "r", At: at},
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := j.Rows(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Bounce reason", "Reply subject", "hard,5.1.1,mailbox does not exist,550 5.1.1 User unknown,2025-03-04 10:12:00",
		"2025-03-04 10:12:00,Re: invoice"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	if got := BounceNote(rows[0].Mailbox); got != "hard 5.1.1: mailbox does not exist" {
		t.Errorf("BounceNote = %q", got)
	}
	if got := ResponseNote(rows[1].Mailbox); got != "replied 2025-03-04 10:12" {
		t.Errorf("ResponseNote = %q", got)
	}
}
