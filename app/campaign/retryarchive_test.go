package campaign

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailroom/sender"
	"mailroom/sender/smtptest"
)

// TestRetriedRowIsArchived: a row refused once with a temporary 451 and
// accepted on its retry is an accepted message like any other: the audit
// archive must hold it. (Its first outcome, "not attempted, back to
// pending", used to make the after-send work forget the message.)
func TestRetriedRowIsArchived(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageRcpt, Recipient: "bob@example.com", Times: 1,
		Fault: smtptest.Reply(451, "4.2.0", "mailbox busy, try later")}))
	dir := t.TempDir()
	write(t, dir, "list.csv", "Name,Email\nAnn,ann@example.com\nBob,bob@example.com\nCai,cai@example.com\n")
	write(t, dir, "body.txt", "Hi {{Name}}\n")
	archive := filepath.Join(dir, "archive")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Body: filepath.Join(dir, "body.txt"),
		From: "me@example.com", SMTP: "smtp+plain://" + srv.Addr(), Journal: filepath.Join(dir, "j.db"), Archive: archive}
	env := Env{DataDir: dir}
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	out, err := plan.Send(context.Background(), env, SendOptions{Engine: []sender.Option{
		sender.WithRetries(2, sender.Backoff{Initial: time.Millisecond, Max: time.Millisecond}),
	}})
	if err != nil || out.Sent != 3 || len(out.Warnings) != 0 {
		t.Fatalf("sent %d, err %v, warnings %v", out.Sent, err, out.Warnings)
	}
	entries, err := os.ReadDir(archive)
	if err != nil {
		t.Fatal(err)
	}
	var emls []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") {
			emls = append(emls, e.Name())
		}
	}
	if len(emls) != 3 {
		t.Fatalf("archive holds %v, want the 3 accepted messages, bob's retried one included", emls)
	}
}
