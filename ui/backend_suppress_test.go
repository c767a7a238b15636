package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/emersion/go-imap/v2"

	"mailroom/app/campaign"
	"mailroom/app/journal"
	"mailroom/app/sentfolder/imaptest"
	"mailroom/sender"
)

// suppressChildEnv makes the test binary a writer of the do-not-send
// list (see TestMain): "DIR PREFIX COUNT" adds COUNT entries.
const suppressChildEnv = "MAILROOM_TEST_SUPPRESS_CHILD"

// suppressChild adds count distinct entries, one change at a time, to
// the list in dir through its own store, as another Mailroom process
// (a headless `status --fetch`, a second window) does.
func suppressChild(spec string) error {
	f := strings.Fields(spec)
	if len(f) != 3 {
		return fmt.Errorf("bad %s %q", suppressChildEnv, spec)
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return err
	}
	s := newSuppressionStore(f[0])
	for i := range n {
		if err := s.Add(fmt.Sprintf("%s-%d@example.com", f[1], i)); err != nil {
			return err
		}
	}
	return nil
}

// TestSuppressionStoreKeepsEveryConcurrentChange: several writers of the
// one do-not-send list (goroutines with their own store, like the window's
// dialog and its mailbox check, and other processes) each add distinct
// entries while one removes entries present at the start; afterwards
// every addition is there and every removal holds. Before the list was
// changed under a file lock, two saves close together dropped one of them.
func TestSuppressionStoreKeepsEveryConcurrentChange(t *testing.T) {
	dir := t.TempDir()
	const goroutines, children, each, removals = 4, 3, 25, 25
	seed := newSuppressionStore(dir)
	var old []string
	for i := range removals {
		old = append(old, fmt.Sprintf("old-%d@example.com", i))
	}
	if err := seed.Add(old...); err != nil {
		t.Fatal(err)
	}

	var cmds []*exec.Cmd
	for c := range children {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s proc%d %d", suppressChildEnv, dir, c, each))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	var wg sync.WaitGroup
	errs := make(chan error, goroutines+1)
	for g := range goroutines {
		wg.Go(func() {
			s := newSuppressionStore(dir)
			for i := range each {
				if err := s.Add(fmt.Sprintf("g%d-%d@example.com", g, i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		s := newSuppressionStore(dir)
		for _, e := range old {
			if err := s.Remove(e); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer process: %v", err)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	got, err := newSuppressionStore(dir).List()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range got {
		have[e] = true
	}
	var lost []string
	for g := range goroutines {
		for i := range each {
			if e := fmt.Sprintf("g%d-%d@example.com", g, i); !have[e] {
				lost = append(lost, e)
			}
		}
	}
	for c := range children {
		for i := range each {
			if e := fmt.Sprintf("proc%d-%d@example.com", c, i); !have[e] {
				lost = append(lost, e)
			}
		}
	}
	var back []string
	for _, e := range old {
		if have[e] {
			back = append(back, e)
		}
	}
	if len(lost) > 0 || len(back) > 0 {
		t.Errorf("%d additions lost, %d removals undone (first: %v %v)", len(lost), len(back), lost[:min(3, len(lost))], back[:min(3, len(back))])
	}
	if want := (goroutines + children) * each; len(got) != want {
		t.Errorf("list holds %d entries, want %d", len(got), want)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*")); len(leftovers) != 1 {
		t.Errorf("data folder holds %v, want only the list", leftovers)
	}
}

// TestSuppressionDialogRemovalAndMailboxCheckBothHold: the do-not-send
// dialog is open, showing the list as it was; the window's mailbox check
// finds a hard bounce and adds the address while the user removes another
// entry in the dialog. Both changes hold, whichever lands first, and the
// dialog then shows the bounced address it never added itself.
func TestSuppressionDialogRemovalAndMailboxCheckBothHold(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	m := bouncingMailbox(t, dir, "zhang@example.com", "z1@mailroom.test")
	supp := newSuppressionStore(dir)
	if err := supp.Add("old@example.com", "stays@example.com"); err != nil {
		t.Fatal(err)
	}
	b := newTestBridge()
	changed := 0
	e := newSuppressionEditor(supp, test.NewWindow(nil), b, func() { changed++ })
	b.wait()
	if strings.Join(e.entries, " ") != "old@example.com stays@example.com" {
		t.Fatalf("dialog shows %v", e.entries)
	}

	checked := make(chan error, 1)
	go func() {
		news, err := m.CheckMailbox(context.Background(), "")
		if err == nil && news.Bounces != 1 {
			err = fmt.Errorf("check found %+v, want one bounce", news)
		}
		checked <- err
	}()
	e.list.Select(0)
	test.Tap(e.remove)
	b.wait()
	if err := <-checked; err != nil {
		t.Fatal(err)
	}
	got, err := supp.List()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "stays@example.com zhang@example.com" {
		t.Errorf("list %v: want the dialog's removal and the check's bounce both kept", got)
	}
	if changed != 1 {
		t.Errorf("the recipient list was read again %d times after one change, want 1", changed)
	}
	// The dialog shows the list as it is now once it reads it again (after
	// its next change, or when opened again).
	e.input.SetText("@spam.example")
	test.Tap(e.add)
	b.wait()
	if strings.Join(e.entries, " ") != "@spam.example stays@example.com zhang@example.com" || e.input.Text != "" {
		t.Errorf("dialog shows %v (input %q)", e.entries, e.input.Text)
	}
}

// bouncingMailbox is a campaign in a journal in dir, sent by a saved
// account to addr as message id, whose mailbox holds a hard bounce for it;
// it returns the window's mailbox reader for it.
func bouncingMailbox(t *testing.T, dir, addr, id string) *mailboxBackend {
	t.Helper()
	srv, err := imaptest.New("li@example.com", "s3cret", imaptest.WithFolder("Sent Items", imap.MailboxAttrSent))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	store, acct := mailboxAccount(t, dir, srv)
	path := filepath.Join(dir, journal.DefaultFileName)
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := j.Campaign(journal.CampaignSpec{Key: "march", Name: "三月发票", Account: acct.ID})
	if _, err := j.Sync(c.ID, []journal.RowInput{{Key: addr, Number: 2, Address: addr}}); err != nil {
		t.Fatal(err)
	}
	run, _, _ := j.StartRun(c.ID)
	_ = run.MarkSending(addr, id, "h")
	_ = run.MarkDone(sender.Result{Key: addr, Outcome: sender.OutcomeSent, MessageID: id, Attempts: 1})
	run.Close()
	j.Close()
	dsn := "From: MAILER-DAEMON@mx.example.net\r\nTo: li@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Message-ID: <bounce@mx.example.net>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n" +
		"--R\r\nContent-Type: text/plain\r\n\r\n<" + addr + ">: 550 5.1.1 User unknown\r\n" +
		"--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n" +
		"Final-Recipient: rfc822; " + addr + "\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" +
		"--R\r\nContent-Type: text/rfc822-headers\r\n\r\nTo: " + addr + "\r\nMessage-ID: <" + id + ">\r\n\r\n--R--\r\n"
	if _, err := srv.Deliver("INBOX", []byte(dsn), time.Now()); err != nil {
		t.Fatal(err)
	}
	backend := &campaignBackend{env: campaign.Env{DataDir: dir, Accounts: store}}
	return &mailboxBackend{env: backend.env, login: backend.login}
}
