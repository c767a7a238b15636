package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/accounts"
	"mailroom/app/inbox"
	"mailroom/app/journal"
	"mailroom/app/sentfolder/imaptest"
	"mailroom/sender/smtptest"
)

// TestKilledRunsUnknownRowsSettleFromTheSentFolder kills `mailroom send`
// twice: once after the server took row 2's message and before it
// answered (the provider then files it in Sent, as Gmail and Microsoft
// do), once after row 4 was marked sending and before its message went
// out. Reading the mailbox afterwards ends row 2 sent, confirmed in the
// Sent folder, and offers row 4 for sending again once the filing delay
// has passed.
func TestKilledRunsUnknownRowsSettleFromTheSentFolder(t *testing.T) {
	ks := &killSwitch{}
	var rules []smtptest.Rule
	for _, st := range []smtptest.Stage{smtptest.StageData, smtptest.StageDataEnd} {
		rules = append(rules, smtptest.Rule{Stage: st, Match: ks.match, Fault: smtptest.Reply(451, "4.3.0", "never injected: match only kills")})
	}
	srv := smtptest.Start(t, smtptest.WithRules(rules...))
	dir := t.TempDir()
	var list strings.Builder
	list.WriteString("Name,Email\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&list, "客户%d,c%03d@example.com\n", i, i)
	}
	for name, content := range map[string]string{"list.csv": list.String(), "body.txt": "您好 {{Name}}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"send", "--recipients", "list.csv", "--from", "Shop <shop@example.com>", "--subject", "通知 {{Name}}",
		"--body", "body.txt", "--smtp", "smtp+plain://" + srv.Addr(), "--concurrency", "1", "--journal", "run.journal"}
	env := userEnv(t)
	killAt := func(stage smtptest.Stage, message int) {
		t.Helper()
		cmd := exec.Command(mailroomBin, args...)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ks.arm(cmd.Process, stage, message)
		_ = cmd.Wait()
		ks.arm(nil, 0, 0)
		if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !status.Signaled() {
			t.Fatalf("the run was not killed at %v of message %d", stage, message)
		}
	}
	killAt(smtptest.StageDataEnd, 2) // row 2's message arrived, no answer
	killAt(smtptest.StageData, 4)    // row 4 marked sending, nothing sent
	final := runMailroom(t, dir, env, args...)
	if final.Code != 1 {
		t.Fatalf("final run exit %d, want 1 (unknown rows to decide):\n%s", final.Code, final.Stderr)
	}
	if srv.CountTo("c002@example.com") != 1 || srv.CountTo("c004@example.com") != 0 {
		t.Fatalf("server got row 2 %d times, row 4 %d times", srv.CountTo("c002@example.com"), srv.CountTo("c004@example.com"))
	}

	// The provider filed what it accepted in Sent.
	mailbox, err := imaptest.New("shop@example.com", "pw", imaptest.WithFolder("Sent Mail", imap.MailboxAttrSent))
	if err != nil {
		t.Fatal(err)
	}
	defer mailbox.Close()
	for _, m := range srv.Messages() {
		if _, err := mailbox.Deliver("Sent Mail", m.Data, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	acct := mailbox.Configure(accounts.Account{ID: "shop", FromAddress: "shop@example.com", Host: "127.0.0.1", Port: 25,
		Security: accounts.SecurityNone, Auth: accounts.AuthAuto, Username: "shop@example.com"})
	j, err := journal.Open(filepath.Join(dir, "run.journal"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	camps, err := j.Campaigns()
	if err != nil || len(camps) != 1 || camps[0].Unknown != 2 {
		t.Fatalf("campaigns %+v %v, want one with two unknown rows", camps, err)
	}
	for _, pass := range []struct {
		after              time.Duration
		confirmed, offered int
	}{{time.Minute, 1, 0}, {inbox.DefaultGrace + time.Minute, 0, 1}} {
		now := time.Now().Add(pass.after)
		rep, err := inbox.Fetch(context.Background(), j, inbox.Request{Campaign: camps[0].ID, Account: acct, Password: "pw",
			Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Confirmed != pass.confirmed || rep.NotInSent != pass.offered {
			t.Errorf("%v after: confirmed %d, offered %d; want %d, %d", pass.after, rep.Confirmed, rep.NotInSent, pass.confirmed, pass.offered)
		}
	}
	rows, _ := j.Rows(camps[0].ID)
	for _, r := range rows {
		switch r.Address {
		case "c002@example.com":
			if r.State != journal.StateSent || r.Settled != journal.SettledSentFolder {
				t.Errorf("row 2: %s settled %q, want sent, confirmed in the Sent folder", r.State, r.Settled)
			}
		case "c004@example.com":
			if r.State != journal.StateUnknown || r.NotInSent.IsZero() {
				t.Errorf("row 4: %s, not in Sent %v: want unknown, offered for sending again", r.State, r.NotInSent)
			}
		}
	}
	events, _ := j.Events(camps[0].ID, "c002@example.com")
	if !slices.ContainsFunc(events, func(e journal.Event) bool {
		return e.Kind == string(journal.ObservedInSentFolder) && e.To == journal.StateSent
	}) {
		t.Errorf("row 2's history does not say how it was settled: %+v", events)
	}
}
