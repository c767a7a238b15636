package ui

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/app/journal"
	"mailroom/app/sentfolder/imaptest"
	"mailroom/sender"
)

// TestMailboxBackendReadsRecentCampaigns: the window's reader finds each
// recent campaign's account, logs in with its stored password, and what
// the mailbox says shows in History: a reply, and an unknown row that the
// Sent folder settles.
func TestMailboxBackendReadsRecentCampaigns(t *testing.T) {
	ctx := context.Background()
	srv, err := imaptest.New("li@example.com", "s3cret", imaptest.WithFolder("Sent Items", imap.MailboxAttrSent))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	store, acct := mailboxAccount(t, dir, srv)
	path := filepath.Join(dir, journal.DefaultFileName)
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := j.Campaign(journal.CampaignSpec{Key: "march", Name: "三月发票", Account: acct.ID})
	if _, err := j.Sync(c.ID, []journal.RowInput{{Key: "zhang@example.com", Number: 2, Address: "zhang@example.com"},
		{Key: "wang@example.com", Number: 3, Address: "wang@example.com"}}); err != nil {
		t.Fatal(err)
	}
	run, _, _ := j.StartRun(c.ID)
	_ = run.MarkSending("zhang@example.com", "z1@mailroom.test", "h")
	_ = run.MarkDone(sender.Result{Key: "zhang@example.com", Outcome: sender.OutcomeSent, MessageID: "z1@mailroom.test", Attempts: 1})
	_ = run.MarkSending("wang@example.com", "w1@mailroom.test", "h")
	_ = run.MarkDone(sender.Result{Key: "wang@example.com", Outcome: sender.OutcomeUnknown, MessageID: "w1@mailroom.test", Attempts: 1})
	run.Close()
	j.Close()
	deliver := func(folder, raw string) {
		if _, err := srv.Deliver(folder, []byte(raw), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	deliver("INBOX", "From: zhang@example.com\r\nSubject: Re: 发票\r\nMessage-ID: <r@example.com>\r\nIn-Reply-To: <z1@mailroom.test>\r\n\r\nok\r\n")
	deliver("Sent Items", "From: li@example.com\r\nTo: wang@example.com\r\nMessage-ID: <w1@mailroom.test>\r\n\r\nhi\r\n")

	backend := &campaignBackend{env: campaign.Env{DataDir: dir, Accounts: store}}
	m := &mailboxBackend{env: backend.env, login: backend.login}
	news, err := m.CheckMailbox(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if news.Campaigns != 1 || news.Replies != 1 || news.Confirmed != 1 {
		t.Fatalf("news %+v", news)
	}
	h := &journalHistory{env: backend.env}
	camps, err := h.Campaigns(ctx)
	if err != nil || len(camps) != 1 || camps[0].Replied != 1 || camps[0].ConfirmedInSent != 1 || camps[0].Unknown != 0 || camps[0].Checked.IsZero() {
		t.Fatalf("history campaigns %+v %v", camps, err)
	}
	rows, _ := h.Rows(ctx, camps[0].ID, "")
	for _, r := range rows {
		switch r.Address {
		case "zhang@example.com":
			if r.ReplySubject != "Re: 发票" || cameBack(r) != "replied" {
				t.Errorf("zhang: %+v", r)
			}
		case "wang@example.com":
			if r.State != "sent" || r.Settled != "sent-folder" || cameBack(r) != "found in Sent" {
				t.Errorf("wang: %+v", r)
			}
		}
	}
	// A campaign checked again reads nothing new.
	if news, err = m.CheckMailbox(ctx, camps[0].ID); err != nil || news.Read != 0 || news.Replies != 0 {
		t.Errorf("second check %+v %v", news, err)
	}
}

// mailboxAccount is li@example.com's account on srv (password "s3cret"),
// saved in a store in dir, with its password.
func mailboxAccount(t *testing.T, dir string, srv *imaptest.Server) (*accounts.Store, accounts.Account) {
	t.Helper()
	store, err := accounts.OpenStore(filepath.Join(dir, "settings"), accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	acct := srv.Configure(accounts.Account{DisplayName: "Finance", FromAddress: "li@example.com", Host: "smtp.example.com", Port: 465,
		Security: accounts.SecurityTLS, Auth: accounts.AuthAuto, Username: "li@example.com"})
	acct.IMAP.CopyToSent = false
	if acct, err = store.Add(acct); err != nil {
		t.Fatal(err)
	}
	if err := store.SetPassword(acct.ID, "s3cret"); err != nil {
		t.Fatal(err)
	}
	return store, acct
}
