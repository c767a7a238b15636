package campaign

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/accounts"
	"mailroom/app/journal"
	"mailroom/app/recipients"
	"mailroom/app/sentfolder/imaptest"
	"mailroom/sender/smtptest"
)

// TestBounceAndReplyComeBackIntoTheCampaign sends a real campaign, lets
// one recipient's server bounce it and another person answer, and reads
// the mailbox back: the bounce and the reply land on their rows, the
// bounced address on the do-not-send list, and the next preflight leaves
// that address out.
func TestBounceAndReplyComeBackIntoTheCampaign(t *testing.T) {
	smtp := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithAuth("me@example.com", "授权码"))
	mailbox, err := imaptest.New("me@example.com", "授权码", imaptest.WithFolder("已发送", imap.MailboxAttrSent),
		imaptest.WithFolder("垃圾邮件", imap.MailboxAttrJunk))
	if err != nil {
		t.Fatal(err)
	}
	defer mailbox.Close()
	dir := t.TempDir()
	store, err := accounts.OpenStore(dir, accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	acct := accounts.Account{ID: "me", DisplayName: "Me", FromAddress: "me@example.com", Host: smtp.Host(), Port: smtp.Port(),
		Security: accounts.SecuritySTARTTLS, Auth: accounts.AuthAuto, Username: "me@example.com"}
	acct = mailbox.Configure(acct)
	acct.IMAP.CopyToSent = false
	acct.Trust.CAPEM = string(smtp.CAPEM()) + mailbox.CAPEM()
	if acct, err = store.Add(acct); err != nil {
		t.Fatal(err)
	}
	if err := store.SetPassword(acct.ID, "授权码"); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "list.csv", "Name,Email\n张伟,zhang@example.com\nBob,bob@example.com\nAnn,ann@example.com\n")
	write(t, dir, "body.md", "您好 {{Name}}\n")
	c := &Campaign{Account: acct.ID, Recipients: filepath.Join(dir, "list.csv"), Subject: "通知 {{Name}}",
		Body: filepath.Join(dir, "body.md"), Journal: filepath.Join(dir, "j.db")}
	env := Env{DataDir: dir, Accounts: store}
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	out, err := plan.Send(context.Background(), env, SendOptions{Password: "授权码"})
	if err != nil || out.Sent != 3 {
		t.Fatalf("send: %v, %d sent", err, out.Sent)
	}
	j, err := journal.Open(c.Journal)
	if err != nil {
		t.Fatal(err)
	}
	camps, _ := j.Campaigns()
	rows, _ := j.Rows(camps[0].ID)
	j.Close()
	ids := map[string]string{}
	for _, r := range rows {
		ids[r.Address] = r.MessageID
	}
	bounce := fmt.Sprintf("From: MAILER-DAEMON@mx.example.com\r\nTo: me@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n"+
		"Message-ID: <b1@mx.example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"+
		"--B\r\nContent-Type: text/plain\r\n\r\n<zhang@example.com>: 550 5.1.1 User unknown\r\n"+
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; zhang@example.com\r\n"+
		"Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"+
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nTo: zhang@example.com\r\nMessage-ID: <%s>\r\n\r\n--B--\r\n", ids["zhang@example.com"])
	reply := fmt.Sprintf("From: Bob <bob@example.com>\r\nTo: me@example.com\r\nSubject: Re: 通知 Bob\r\nMessage-ID: <r1@example.com>\r\n"+
		"In-Reply-To: <%s>\r\n\r\nthanks\r\n", ids["bob@example.com"])
	if _, err := mailbox.Deliver("垃圾邮件", []byte(bounce), time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := mailbox.Deliver("INBOX", []byte(reply), time.Now()); err != nil {
		t.Fatal(err)
	}

	rep, err := CheckMailbox(context.Background(), env, MailboxCheck{Journal: c.Journal, Campaign: camps[0].ID, Account: acct,
		Login: SendOptions{Password: "授权码"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.HardBounces != 1 || rep.Replies != 1 || len(rep.Suppressed) != 1 || rep.Suppressed[0] != "zhang@example.com" {
		t.Fatalf("report %+v", rep)
	}
	list, _ := recipients.OpenSuppressionList(filepath.Join(dir, SuppressionFileName))
	if e, ok := list.Match("zhang@example.com"); !ok || !strings.Contains(e.Note, "mailbox does not exist") {
		t.Errorf("do-not-send entry %+v", e)
	}
	again, err := Prepare(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fmt.Sprint(again.Problems), "zhang@example.com") {
		t.Errorf("the next preflight does not mention the bounced address: %v", again.Problems)
	}

	noIMAP := acct
	noIMAP.IMAP = accounts.IMAP{}
	if _, err := CheckMailbox(context.Background(), env, MailboxCheck{Journal: c.Journal, Campaign: camps[0].ID, Account: noIMAP}); !errors.Is(err, ErrNoMailbox) {
		t.Errorf("an account without IMAP: %v", err)
	}
}
