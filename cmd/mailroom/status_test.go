package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/sender/smtptest"
)

// TestStatusListsRowsNeedingADecisionReadOnly: `mailroom status` reads a
// campaign file's journal without changing it, prints the counts and
// every unknown and failed row, and exits 1 while any needs a decision,
// 0 once none does, 2 when there is no journal or no record of the
// campaign. The send summary lists the same rows.
func TestStatusListsRowsNeedingADecisionReadOnly(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(
		smtptest.Rule{Stage: smtptest.StageDataEnd, Recipient: "b@example.com", Times: 1, Fault: smtptest.Drop()},
		smtptest.Rule{Stage: smtptest.StageRcpt, Recipient: "c@example.com", Fault: smtptest.Reply(550, "5.1.1", "no such user")},
	))
	dir := t.TempDir()
	files := map[string]string{
		"list.csv": "Name,Email\nAnn,a@example.com\nBo,b@example.com\nCy,c@example.com\n",
		"body.txt": "Hi {{Name}}\n",
		"march.json": `{"version": 1, "name": "March", "recipients": "list.csv", "subject": "Hi {{Name}}", "body": "body.txt",
			"from": "me@example.com", "smtp": "smtp+plain://` + srv.Addr() + `", "retries": 0, "journal": "march.journal"}`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := userEnv(t)

	if r := runMailroom(t, dir, env, "status", "march.json"); r.Code != 2 || !strings.Contains(r.Stderr, "no journal at") {
		t.Fatalf("status before any send: exit %d, want 2 naming the missing journal\n%s", r.Code, r.Stderr)
	}
	sent := runMailroom(t, dir, env, "send", "march.json")
	if sent.Code != 1 {
		t.Fatalf("send: exit %d, want 1\n%s", sent.Code, sent.Stderr)
	}
	for _, want := range []string{
		"needs a decision: 2 rows (1 unknown, 1 failed)",
		"  row 3, b@example.com: may have been delivered: ",
		"  row 4, c@example.com: failed: 550 5.1.1 no such user",
		"  decide with mailroom send --mark-sent ROWS",
	} {
		if !strings.Contains(sent.Stderr, want) {
			t.Errorf("send summary lacks %q:\n%s", want, sent.Stderr)
		}
	}

	journalPath := filepath.Join(dir, "march.journal")
	// A clean exit leaves no run lock file next to the journal.
	if locks, _ := filepath.Glob(journalPath + ".run-*.lock"); len(locks) != 0 {
		t.Errorf("send left lock files behind: %v", locks)
	}
	before, err := os.ReadFile(journalPath)
	if err != nil {
		t.Fatal(err)
	}
	entries := func() int { e, _ := os.ReadDir(dir); return len(e) }
	n := entries()
	st := runMailroom(t, dir, env, "status", "march.json")
	if st.Code != 1 {
		t.Fatalf("status: exit %d, want 1\n%s%s", st.Code, st.Stdout, st.Stderr)
	}
	for _, want := range []string{
		"campaign: March\n",
		"pending 0, sending 0, sent 1, failed 1, unknown 1, skipped 0\n",
		"needs a decision: 2 rows (1 unknown, 1 failed)\n",
		"  row 3, b@example.com: may have been delivered: ",
		"  row 4, c@example.com: failed: 550 5.1.1 no such user\n",
	} {
		if !strings.Contains(st.Stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, st.Stdout)
		}
	}
	if after, _ := os.ReadFile(journalPath); !bytes.Equal(before, after) || entries() != n {
		t.Errorf("status changed the journal or left files behind (%d entries, was %d)", entries(), n)
	}

	// Another journal has no record of this campaign.
	if r := runMailroom(t, dir, env, "status", "march.json", "--journal", "other.journal"); r.Code != 2 {
		t.Errorf("status with a missing --journal: exit %d, want 2\n%s", r.Code, r.Stderr)
	}

	// b was delivered; c is retried and refused again, so it still needs
	// a decision.
	if r := runMailroom(t, dir, env, "send", "march.json", "--mark-sent", "unknown", "--retry-failed"); r.Code != 1 ||
		!strings.Contains(r.Stderr, "needs a decision: 1 rows (0 unknown, 1 failed)") || srv.CountTo("b@example.com") != 0 {
		t.Fatalf("send with decisions: exit %d, want 1 with c listed; b received %d\n%s", r.Code, srv.CountTo("b@example.com"), r.Stderr)
	}
	// The user takes c out of the list: nothing needs a decision now,
	// although the journal keeps c's history.
	if err := os.WriteFile(filepath.Join(dir, "list.csv"), []byte("Name,Email\nAnn,a@example.com\nBo,b@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runMailroom(t, dir, env, "send", "march.json"); r.Code != 0 {
		t.Fatalf("send without the refused row: exit %d\n%s", r.Code, r.Stderr)
	}
	if r := runMailroom(t, dir, env, "status", "march.json"); r.Code != 0 || strings.Contains(r.Stdout, "needs a decision") ||
		!strings.Contains(r.Stdout, "sent 2, failed 1, unknown 0") {
		t.Errorf("status after the decisions: exit %d, want 0\n%s", r.Code, r.Stdout)
	}
}
