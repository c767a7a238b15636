package inbox

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"mailroom/app/accounts"
	"mailroom/app/sentfolder"
	"mailroom/app/sentfolder/imaptest"
)

const (
	testUser     = "sender@mailroom.test"
	testPassword = "app-password-1"
)

// campaignStart is before every fixture's date.
var campaignStart = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)

func startServer(t testing.TB) *imaptest.Server {
	t.Helper()
	srv, err := imaptest.New(testUser, testPassword,
		imaptest.WithFolder("Sent", imap.MailboxAttrSent), imaptest.WithFolder("Junk", imap.MailboxAttrJunk),
		imaptest.WithFolder("Archive"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func testAccount(srv *imaptest.Server) accounts.Account {
	a := accounts.Account{
		ID: "acct1", DisplayName: "Billing", FromAddress: testUser,
		Host: "smtp.example.com", Port: 465, Security: accounts.SecurityTLS, Auth: accounts.AuthAuto, Username: testUser,
	}
	a = srv.Configure(a)
	a.IMAP.CopyToSent = false
	return a
}

func dial(t testing.TB, srv *imaptest.Server) *sentfolder.Session {
	t.Helper()
	s, err := sentfolder.Dial(context.Background(), testAccount(srv), testPassword, sentfolder.WithTimeout(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// deliverFixtures puts every fixture in INBOX, except the ones a spam
// filter would take, which go to Junk. It returns the fixture per folder
// and UID.
func deliverFixtures(t testing.TB, srv *imaptest.Server, at time.Time) map[string]string {
	t.Helper()
	names := make([]string, 0, len(fixtures))
	for name := range fixtures {
		names = append(names, name)
	}
	sort.Strings(names)
	where := map[string]string{}
	for _, name := range names {
		folder := "INBOX"
		if strings.HasPrefix(name, "bounce-exim") || strings.HasPrefix(name, "unrelated-newsletter") {
			folder = "Junk"
		}
		uid, err := srv.Deliver(folder, readFixture(t, name), at)
		if err != nil {
			t.Fatal(err)
		}
		where[fmt.Sprintf("%s/%d", folder, uid)] = name
	}
	return where
}

// TestScanFindsWhatClassifySees: every fixture read over IMAP (header,
// body structure and capped parts only) gives what the whole message
// gives, from INBOX and Junk alike.
func TestScanFindsWhatClassifySees(t *testing.T) {
	srv := startServer(t)
	where := deliverFixtures(t, srv, campaignStart.Add(time.Hour))
	// Old mail from before the campaign, and mail in another folder, is
	// not read.
	if _, err := srv.Deliver("INBOX", readFixture(t, "reply.eml"), campaignStart.AddDate(0, -2, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Deliver("Archive", readFixture(t, "reply.eml"), campaignStart.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	res, err := Scan(context.Background(), dial(t, srv), campaignStart, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Folders, []string{"INBOX", "Junk"}) {
		t.Errorf("read folders %q, want INBOX and Junk", res.Folders)
	}
	if res.Read != len(fixtures) {
		t.Errorf("read %d messages, want the %d delivered since the campaign", res.Read, len(fixtures))
	}
	bySource := map[string][]Finding{}
	for _, f := range res.Findings {
		bySource[f.Source] = append(bySource[f.Source], f)
	}
	for _, name := range where {
		n, err := ParseNotice(readFixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		whole := Classify(n)
		var source string
		if len(whole) > 0 {
			source = whole[0].Source
		}
		t.Run(name, func(t *testing.T) {
			checkFindings(t, bySource[source], fixtures[name])
		})
	}
}

// TestScanNeverChangesTheMailbox: flags, folders and message counts are
// the same after a pass, and no command that could change them was sent.
func TestScanNeverChangesTheMailbox(t *testing.T) {
	srv := startServer(t)
	deliverFixtures(t, srv, campaignStart.Add(time.Hour))
	before, err := srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Scan(context.Background(), dial(t, srv), campaignStart, nil); err != nil {
		t.Fatal(err)
	}
	after, err := srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the mailbox changed:\nbefore %v\nafter  %v", before, after)
	}
	if len(after["INBOX"]) == 0 || len(after["Junk"]) == 0 {
		t.Fatalf("snapshot misses the fixtures: %v", after)
	}
	for _, m := range after["INBOX"] {
		if len(m.Flags) != 0 {
			t.Errorf("message %d has flags %v: the scan marked it", m.UID, m.Flags)
		}
	}
	if changes := srv.Changes(); len(changes) != 0 {
		t.Errorf("the scan sent commands that can change the mailbox: %q", changes)
	}
}

// TestScanChangesAreDetected keeps the test above honest: a client that
// SELECTs and fetches without PEEK is caught.
func TestScanChangesAreDetected(t *testing.T) {
	srv := startServer(t)
	deliverFixtures(t, srv, campaignStart.Add(time.Hour))
	before, _ := srv.Snapshot()
	_, err := srv.Messages("INBOX") // EXAMINE + PEEK: no change
	if err != nil || len(srv.Changes()) != 0 {
		t.Fatalf("a read-only fetch counted as a change: %v %q", err, srv.Changes())
	}
	s := dial(t, srv)
	err = s.Do(context.Background(), func(c *imapclient.Client) error {
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			return err
		}
		var set imap.SeqSet
		set.AddNum(1)
		_, err := c.Fetch(set, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}}).Collect()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := srv.Snapshot()
	if reflect.DeepEqual(before, after) || len(srv.Changes()) != 2 {
		t.Fatalf("a read-write SELECT and a FETCH without PEEK went unnoticed: %q", srv.Changes())
	}
}

// TestScanReadsOnlyNewMail: the cursor makes the next pass read only what
// arrived since, and a changed UIDVALIDITY starts the folder again.
func TestScanReadsOnlyNewMail(t *testing.T) {
	srv := startServer(t)
	deliverFixtures(t, srv, campaignStart.Add(time.Hour))
	s := dial(t, srv)
	first, err := Scan(context.Background(), s, campaignStart, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Scan(context.Background(), s, campaignStart, first.Cursors)
	if err != nil || second.Read != 0 || len(second.Findings) != 0 {
		t.Fatalf("second pass read %d, found %d (%v): want nothing new", second.Read, len(second.Findings), err)
	}
	if _, err := srv.Deliver("INBOX", readFixture(t, "reply.eml"), campaignStart.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	third, err := Scan(context.Background(), s, campaignStart, second.Cursors)
	if err != nil || third.Read != 1 || len(third.Findings) != 1 || third.Findings[0].Kind != Reply {
		t.Fatalf("third pass read %d, found %+v (%v): want the one new reply", third.Read, third.Findings, err)
	}
	renumbered := append([]Cursor(nil), third.Cursors...)
	for i := range renumbered {
		renumbered[i].UIDValidity++
	}
	again, err := Scan(context.Background(), s, campaignStart, renumbered)
	if err != nil || again.Read != first.Read+1 {
		t.Fatalf("after a UIDVALIDITY change read %d (%v), want every message again (%d)", again.Read, err, first.Read+1)
	}
}

// TestScanFetchesLittleOfAHugeMessage: a 20 MB bounce and a 20 MB
// ordinary message cost well under a megabyte on the wire, and the
// bounce is still read right.
func TestScanFetchesLittleOfAHugeMessage(t *testing.T) {
	srv := startServer(t)
	big := hugeBounce(20 << 20)
	if _, err := srv.Deliver("INBOX", big, campaignStart.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Deliver("INBOX", hugePlain(20<<20), campaignStart.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	s := dial(t, srv)
	before := srv.BytesSent()
	res, err := Scan(context.Background(), s, campaignStart, nil)
	if err != nil {
		t.Fatal(err)
	}
	sent := srv.BytesSent() - before
	if sent > 1<<20 {
		t.Errorf("a pass over two 20 MB messages fetched %d bytes", sent)
	}
	t.Logf("a pass over two 20 MB messages fetched %d bytes", sent)
	if len(res.Findings) != 1 || res.Findings[0].Status != "5.1.1" || !contains(res.Findings[0].MessageIDs, "big.row1@mailroom.test") {
		t.Fatalf("got %+v, want the bounce of big.row1", res.Findings)
	}
}

// hugeBounce is a DSN that returns a whole message with a size-byte
// attachment.
func hugeBounce(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: MAILER-DAEMON@mx.example.net\r\nTo: " + testUser + "\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Message-ID: <huge-bounce@mx.example.net>\r\nDate: Mon, 3 Mar 2025 09:00:00 +0800\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n" +
		"--R\r\nContent-Type: text/plain\r\n\r\n<zoe@example.com>: 550 5.1.1 User unknown\r\n" +
		"--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n" +
		"Final-Recipient: rfc822; zoe@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" +
		"--R\r\nContent-Type: message/rfc822\r\n\r\nFrom: " + testUser + "\r\nTo: zoe@example.com\r\nMessage-ID: <big.row1@mailroom.test>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"A\"\r\n\r\n--A\r\nContent-Type: text/plain\r\n\r\nscan attached\r\n" +
		"--A\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	writeBase64Lines(&b, size)
	b.WriteString("--A--\r\n--R--\r\n")
	return b.Bytes()
}

func hugePlain(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: colleague@example.com\r\nTo: " + testUser + "\r\nSubject: the scans\r\nMessage-ID: <scans@example.com>\r\n" +
		"Date: Mon, 3 Mar 2025 09:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"A\"\r\n\r\n" +
		"--A\r\nContent-Type: text/plain\r\n\r\nhere\r\n--A\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	writeBase64Lines(&b, size)
	b.WriteString("--A--\r\n")
	return b.Bytes()
}

func writeBase64Lines(b *bytes.Buffer, size int) {
	line := strings.Repeat("QUJD", 19) + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
}
