package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mailroom/sender/smtptest"
)

// TestUnknownAndFailedRowsWaitForTheUser covers what happens after the
// connection drops after the final dot (unknown) and a 550 (failed): a
// plain rerun sends neither again; --mark-sent, --send-again and
// --retry-failed record the user's decision; the workbook copy and the
// audit archive show every outcome.
func TestUnknownAndFailedRowsWaitForTheUser(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(
		smtptest.Rule{Stage: smtptest.StageDataEnd, Recipient: "b@example.com", Times: 1, Fault: smtptest.Drop()},
		smtptest.Rule{Stage: smtptest.StageRcpt, Recipient: "c@example.com", Times: 1, Fault: smtptest.Reply(550, "5.1.1", "no such user")},
	))
	dir := t.TempDir()
	f := excelize.NewFile()
	for i, r := range [][]any{{"Name", "Email"}, {"Ann", "a@example.com"}, {"Bo", "b@example.com"}, {"Cy", "c@example.com"}, {"Di", "d@example.com"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "list.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("Hi {{Name}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := userEnv(t)
	send := func(extra ...string) result {
		args := append([]string{"send", "--recipients", "list.xlsx", "--from", "me@example.com", "--subject", "Hi {{Name}}",
			"--body", "body.txt", "--smtp", "smtp+plain://" + srv.Addr(), "--retries", "0", "--journal", "j.db",
			"--report", "report.csv", "--results", "list-results.xlsx", "--archive", "audit"}, extra...)
		return runMailroom(t, dir, env, args...)
	}
	states := func() map[string]string { return readReportStates(t, filepath.Join(dir, "report.csv")) }

	if r := send(); r.Code != 1 {
		t.Fatalf("first run: exit %d, want 1 (a row failed, one unknown)\n%s", r.Code, r.Stderr)
	}
	if got := states(); got["b@example.com"] != "unknown" || got["c@example.com"] != "failed" || got["a@example.com"] != "sent" {
		t.Fatalf("after the first run: %v", got)
	}
	// b's message reached the server, which never answered: it is in the
	// server's unanswered log, and must never be transmitted again.
	if len(srv.Unanswered()) != 1 {
		t.Fatalf("server logged %d unanswered messages, want 1", len(srv.Unanswered()))
	}
	if r := send(); r.Code != 1 || srv.CountTo("b@example.com") != 0 || srv.CountTo("c@example.com") != 0 || len(srv.Unanswered()) != 1 {
		t.Fatalf("plain rerun: exit %d, b received %d, c received %d: neither may be sent again without a decision\n%s",
			r.Code, srv.CountTo("b@example.com"), srv.CountTo("c@example.com"), r.Stderr)
	}
	if r := send("--mark-sent", "unknown", "--retry-failed"); r.Code != 0 {
		t.Fatalf("with decisions: exit %d\n%s", r.Code, r.Stderr)
	}
	if got := states(); got["b@example.com"] != "sent" || got["c@example.com"] != "sent" {
		t.Fatalf("after the decisions: %v", got)
	}
	if srv.CountTo("b@example.com") != 0 || len(srv.Unanswered()) != 1 || srv.CountTo("c@example.com") != 1 {
		t.Errorf("b transmitted again (%d accepted, %d unanswered) or c not retried once (%d)",
			srv.CountTo("b@example.com"), len(srv.Unanswered()), srv.CountTo("c@example.com"))
	}
	if r := send("--send-again", "2"); r.Code != 0 || srv.CountTo("a@example.com") != 2 {
		t.Errorf("--send-again 2: exit %d, a received %d, want 2\n%s", r.Code, srv.CountTo("a@example.com"), r.Stderr)
	}

	copyFile, err := excelize.OpenFile(filepath.Join(dir, "list-results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer copyFile.Close()
	rows, err := copyFile.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || len(rows[0]) < 3 || !strings.Contains(strings.Join(rows[0], "|"), "status") {
		t.Fatalf("results copy header/rows: %v", rows)
	}
	for _, r := range rows[1:] {
		if !strings.Contains(strings.Join(r, "|"), "sent") {
			t.Errorf("results copy row %v lacks its outcome", r)
		}
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "audit", "manifest.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(manifest), "\n"); n != srv.Count() {
		t.Errorf("audit manifest has %d entries, the server accepted %d messages", n, srv.Count())
	}
}
