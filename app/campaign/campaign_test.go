package campaign

import (
	"bytes"
	"context"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/accounts"
	"mailroom/sender/smtptest"
)

// TestCampaignFileMovesWithItsFolder saves a campaign, moves the folder,
// and loads it again: paths inside the folder follow, paths outside stay.
func TestCampaignFileMovesWithItsFolder(t *testing.T) {
	root := t.TempDir()
	old := filepath.Join(root, "march")
	outside := filepath.Join(root, "shared", "terms.pdf")
	retries := 2
	c := &Campaign{Name: "三月发票", Recipients: filepath.Join(old, "客户.xlsx"), Body: filepath.Join(old, "body.md"),
		Attach: []string{filepath.Join(old, "scan.pdf"), outside}, AttachDir: filepath.Join(old, "scans"),
		Journal: filepath.Join(old, "march.journal"), Retries: &retries, Subject: "{{姓名}}，您好"}
	if err := os.MkdirAll(old, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(filepath.Join(old, "march.json")); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(old, "march.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"recipients": "客户.xlsx"`, `"attach_dir": "scans"`, `"version": 1`, outside} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("saved file lacks %s:\n%s", want, raw)
		}
	}
	moved := filepath.Join(root, "archive", "march-2026")
	if err := os.MkdirAll(filepath.Dir(moved), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(old, moved); err != nil {
		t.Fatal(err)
	}
	got, err := Load(filepath.Join(moved, "march.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Recipients != filepath.Join(moved, "客户.xlsx") || got.AttachDir != filepath.Join(moved, "scans") ||
		got.Attach[0] != filepath.Join(moved, "scan.pdf") || got.Attach[1] != outside {
		t.Errorf("paths after the move: %q %q %q", got.Recipients, got.AttachDir, got.Attach)
	}
	if got.Retries == nil || *got.Retries != 2 || got.Subject != c.Subject || got.Name != c.Name {
		t.Errorf("fields changed in the round trip: %+v", got)
	}
}

func TestNewerCampaignFileIsRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.json")
	write(t, filepath.Dir(p), "c.json", `{"version": 99}`)
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "newer version") {
		t.Fatalf("Load = %v, want a newer-version error", err)
	}
}

func TestFlagsOverrideOnlyWhatWasGiven(t *testing.T) {
	c := &Campaign{Subject: "from file", Rate: "10/min", Concurrency: 2}
	c.Override(&Campaign{Subject: "from flag", Rate: "ignored", Concurrency: 0}, map[string]bool{"subject": true, "concurrency": true})
	if c.Subject != "from flag" || c.Rate != "10/min" || c.Concurrency != 0 {
		t.Errorf("after override: %+v", c)
	}
}

// TestSendTestGoesToTheGivenAddressOnly checks a test send: marked, to the
// chosen address, without the row's Bcc, and not recorded in the journal.
func TestSendTestGoesToTheGivenAddressOnly(t *testing.T) {
	srv := smtptest.Start(t)
	dir := t.TempDir()
	write(t, dir, "list.csv", "Name,Email,Boss\n张伟,zhang@example.com,boss@example.com\n")
	write(t, dir, "body.txt", "您好 {{Name}}\n")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "通知 {{Name}}", Body: filepath.Join(dir, "body.txt"),
		BCC: "{{Boss}}", From: "Shop <shop@example.com>", SMTP: "smtp+plain://" + srv.Addr(), Journal: filepath.Join(dir, "j.db")}
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	if _, err := plan.SendTest(context.Background(), 1, "me@example.com", SendOptions{}); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "me@example.com" {
		t.Fatalf("server got %+v, want one message to me@example.com only", msgs)
	}
	m, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != "[TEST] 通知 张伟" {
		t.Errorf("subject %q (%v), want it marked as a test", subject, err)
	}
	if _, err := os.Stat(c.Journal); !os.IsNotExist(err) {
		t.Errorf("a test send touched the journal (%v)", err)
	}
}

// TestAccountWithoutPasswordIsAPreflightProblem: blocking when nothing can
// supply the password, a warning when a terminal will ask for it, nothing
// when MAILROOM_PASSWORD or the keychain has it.
func TestAccountWithoutPasswordIsAPreflightProblem(t *testing.T) {
	t.Setenv("MAILROOM_PASSWORD", "")
	dir := t.TempDir()
	write(t, dir, "list.csv", "Name,Email\nAnn,ann@example.com\n")
	write(t, dir, "body.txt", "Hi {{Name}}\n")
	store, err := accounts.OpenStore(dir, accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	acct, err := store.Add(accounts.Account{ID: "work", DisplayName: "Work", FromAddress: "me@example.com", Host: "smtp.example.com",
		Port: 587, Security: accounts.SecuritySTARTTLS, Auth: accounts.AuthAuto, Username: "me@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	c := &Campaign{Account: acct.ID, Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Body: filepath.Join(dir, "body.txt")}
	severity := func(env Env) string {
		plan, err := Prepare(context.Background(), c, env)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range plan.Problems {
			if p.Code == "no-password" {
				return p.Severity.String()
			}
		}
		return "none"
	}
	if got := severity(Env{DataDir: dir, Accounts: store}); got != "blocking" {
		t.Errorf("no password anywhere: %s, want blocking", got)
	}
	if got := severity(Env{DataDir: dir, Accounts: store, CanPrompt: true}); got != "warning" {
		t.Errorf("a terminal can ask: %s, want warning", got)
	}
	t.Setenv("MAILROOM_PASSWORD", "secret")
	if got := severity(Env{DataDir: dir, Accounts: store}); got != "none" {
		t.Errorf("MAILROOM_PASSWORD set: %s, want none", got)
	}
	t.Setenv("MAILROOM_PASSWORD", "")
	if err := store.SetPassword(acct.ID, "secret"); err != nil {
		t.Fatal(err)
	}
	if got := severity(Env{DataDir: dir, Accounts: store}); got != "none" {
		t.Errorf("password in the keychain: %s, want none", got)
	}
}

// TestSampleCampaignIsClean keeps the sample shipped in assets/sample
// working: it loads, has no problem at all, and renders its first row.
func TestSampleCampaignIsClean(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", "assets", "sample", "campaign.json"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Prepare(context.Background(), c, Env{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) != 0 || len(plan.Rows) != 4 {
		t.Fatalf("sample: %d rows, problems %v", len(plan.Rows), plan.Problems)
	}
	eml, err := plan.Preview(1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(eml))
	if err != nil {
		t.Fatal(err)
	}
	if subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); subject != "张伟，您的月度账单" {
		t.Errorf("subject %q", subject)
	}
}
