package campaign

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/accounts"
	"mailroom/app/sentfolder/imaptest"
	"mailroom/sender/smtptest"
)

// TestSentMessagesAreCopiedToTheSentFolder sends through a real SMTP
// server with an account whose IMAP side copies to Sent, and finds each
// accepted message, byte for byte as the SMTP server received it, in the
// IMAP server's Sent folder; a dropped IMAP server only produces warnings.
func TestSentMessagesAreCopiedToTheSentFolder(t *testing.T) {
	smtp := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithAuth("me@example.com", "授权码"))
	mailbox, err := imaptest.New("me@example.com", "授权码", imaptest.WithFolder("已发送", imap.MailboxAttrSent))
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
		Security: accounts.SecuritySTARTTLS, Auth: accounts.AuthAuto, Username: "me@example.com",
		Trust: accounts.Trust{CAPEM: string(smtp.CAPEM())}}
	acct = mailbox.Configure(acct)
	acct.Trust.CAPEM = string(smtp.CAPEM()) + mailbox.CAPEM()
	if acct, err = store.Add(acct); err != nil {
		t.Fatal(err)
	}
	if err := store.SetPassword(acct.ID, "授权码"); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "list.csv", "Name,Email\n张伟,zhang@example.com\nBob,bob@example.com\n")
	write(t, dir, "body.md", "# 您好 {{Name}}\n\n**重要**通知\n")
	c := &Campaign{Account: acct.ID, Recipients: filepath.Join(dir, "list.csv"), Subject: "通知 {{Name}}",
		Body: filepath.Join(dir, "body.md"), Journal: filepath.Join(dir, "j.db")}
	env := Env{DataDir: dir, Accounts: store}
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	out, err := plan.Send(context.Background(), env, SendOptions{Password: "授权码"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Sent != 2 || len(out.Warnings) != 0 {
		t.Fatalf("sent %d, warnings %v", out.Sent, out.Warnings)
	}
	copies, err := mailbox.Messages("已发送")
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) != 2 {
		t.Fatalf("Sent folder holds %d messages, want 2", len(copies))
	}
	received := smtp.Messages()
	for _, cp := range copies {
		found := false
		for _, r := range received {
			if bytes.Equal(bytes.TrimRight(cp.Raw, "\r\n"), bytes.TrimRight(r.Data, "\r\n")) {
				found = true
			}
		}
		if !found {
			t.Errorf("a copy in Sent differs from every message the SMTP server received:\n%s", cp.Raw)
		}
	}

	// The IMAP server goes away: sending goes on, the copies are warnings.
	mailbox.Close()
	write(t, dir, "list.csv", "Name,Email\n张伟,zhang@example.com\nBob,bob@example.com\nAnn,ann@example.com\n")
	plan, err = Prepare(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	out, err = plan.Send(context.Background(), env, SendOptions{Password: "授权码"})
	if err != nil || out.Sent != 3 || len(out.Warnings) == 0 {
		t.Fatalf("with the IMAP server gone: err %v, sent %d, warnings %v", err, out.Sent, out.Warnings)
	}
}
