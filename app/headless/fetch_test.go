package headless

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/app/journal"
)

// sentCampaign records c in its journal as a run would, so status finds it.
func sentCampaign(t *testing.T, c *campaign.Campaign) {
	t.Helper()
	j, err := journal.Open(c.Journal)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Campaign(journal.CampaignSpec{Key: c.Key(), Name: "March"}); err != nil {
		t.Fatal(err)
	}
}

// TestFetchWithoutAMailboxIsAUsageError: --fetch for a campaign whose
// account has no mailbox can never work as given: exit 2, said in words,
// nothing on stdout, and nothing connected. Without --fetch the same
// campaign's status is read as always.
func TestFetchWithoutAMailboxIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	store, err := accounts.OpenStore(dir, accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	noIMAP, err := store.Add(accounts.Account{DisplayName: "Billing", FromAddress: "billing@example.com", Host: "127.0.0.1", Port: 2525,
		Security: accounts.SecurityNone, Auth: accounts.AuthNone})
	if err != nil {
		t.Fatal(err)
	}
	env := campaign.Env{DataDir: dir, Accounts: store}
	for _, tc := range []struct {
		name string
		c    *campaign.Campaign
		want string
	}{
		{"--smtp alone", &campaign.Campaign{SMTP: "smtp+plain://127.0.0.1:2525", From: "me@example.com", Subject: "Hi",
			Journal: filepath.Join(dir, "smtp.db")}, "names no saved account"},
		{"account without IMAP", &campaign.Campaign{Account: noIMAP.ID, Subject: "Hi", Journal: filepath.Join(dir, "acct.db")},
			"the account Billing has no IMAP server"},
		{"account not on this computer", &campaign.Campaign{Account: "gone", Subject: "Hi", Journal: filepath.Join(dir, "gone.db")},
			`"gone"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sentCampaign(t, tc.c)
			var stdout, stderr bytes.Buffer
			code := fetchStatus(context.Background(), &options{campaign: tc.c, fetch: true}, env, nil, &stdout, &stderr)
			if code != ExitUsage || stdout.Len() != 0 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, want 2 saying %q\nstdout %q\nstderr %s", code, tc.want, stdout.String(), stderr.String())
			}
			if code := status(&options{campaign: tc.c}, env, io.Discard, io.Discard); code != ExitOK {
				t.Errorf("plain status: exit %d, want 0", code)
			}
		})
	}
	// Nothing to read: the same answer as status, before any account.
	var stderr bytes.Buffer
	missing := &campaign.Campaign{Account: noIMAP.ID, Subject: "Hi", Journal: filepath.Join(dir, "none.db")}
	if code := fetchStatus(context.Background(), &options{campaign: missing, fetch: true}, env, nil, io.Discard, &stderr); code != ExitUsage ||
		!strings.Contains(stderr.String(), "no journal at") {
		t.Errorf("no journal: exit %d\n%s", code, stderr.String())
	}
}

func TestFetchIsAStatusFlagOnly(t *testing.T) {
	if _, err := parse("send", []string{"--fetch"}, io.Discard); err == nil {
		t.Error("send accepted --fetch")
	}
	opts, err := parse("status", []string{"--fetch"}, io.Discard)
	if err != nil || !opts.fetch {
		t.Errorf("status --fetch: %v %+v", err, opts)
	}
}
