package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailroom/sender"
	"mailroom/sender/smtptest"
)

// pacingCampaign writes a three-row campaign file sending through srv,
// with extra JSON fields.
func pacingCampaign(t *testing.T, srv *smtptest.Server, extra string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"list.csv": "Name,Email\nAnn,a@example.com\nBo,b@example.com\nCy,c@example.com\nDi,d@example.com\n",
		"body.txt": "Hi {{Name}}\n",
		"c.json": `{"version": 1, "name": "Pacing", "recipients": "list.csv", "subject": "Hi {{Name}}", "body": "body.txt",
			"from": "me@example.com", "smtp": "smtp+plain://` + srv.Addr() + `", "journal": "c.journal"` + extra + `}`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func wantLines(t *testing.T, what, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("%s lacks %q:\n%s", what, l, out)
		}
	}
	if strings.Contains(out, "sender:") {
		t.Errorf("%s shows the engine's internal prefix:\n%s", what, out)
	}
}

// TestQuotaStopsWithResetTimeHeadless: Gmail's daily limit ends the
// command with exit 3, Gmail's meaning in words, the server's reply and
// when to run it again; a rerun before then sends nothing and says the
// same (issue 13, part 6).
func TestQuotaStopsWithResetTimeHeadless(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageMail,
		Match: func(e smtptest.Event) bool { return e.Message >= 3 }, Fault: smtptest.GmailDailyLimit()}))
	dir := pacingCampaign(t, srv, "")
	env := userEnv(t)
	for run := 1; run <= 2; run++ {
		r := runMailroom(t, dir, env, "send", "c.json")
		if r.Code != 3 {
			t.Fatalf("run %d: exit %d, want 3\n%s", run, r.Code, r.Stderr)
		}
		wantLines(t, "send", r.Stderr,
			"sent 2, failed 0, unknown 0, skipped 0, pending 2",
			"stopped: Gmail's daily sending limit is reached",
			"  server replied: 550 5.4.5 Daily user sending limit exceeded.",
			"paused: the provider's limit was reached; resumes at ")
	}
	if srv.Count() != 2 {
		t.Errorf("server accepted %d, want 2", srv.Count())
	}
	st := runMailroom(t, dir, env, "status", "c.json")
	wantLines(t, "status", st.Stdout, "paused by the provider's limit until ", "  Gmail's daily sending limit is reached")
}

// TestScheduleExitsWithNextStartHeadless: before the start time, or
// outside the sending hours, send exits 3 at once with the next start
// and nothing sent; flags override the campaign file's fields.
func TestScheduleExitsWithNextStartHeadless(t *testing.T) {
	srv := smtptest.Start(t)
	tomorrow := time.Now().Add(24 * time.Hour)
	start := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 9, 30, 0, 0, time.Local)
	dir := pacingCampaign(t, srv, `, "start_at": "`+start.Format("2006-01-02 15:04")+`"`)
	env := userEnv(t)
	r := runMailroom(t, dir, env, "send", "c.json")
	if r.Code != 3 || srv.Count() != 0 {
		t.Fatalf("exit %d, sent %d; want 3 and nothing\n%s", r.Code, srv.Count(), r.Stderr)
	}
	wantLines(t, "send", r.Stderr, "pending 4", "stopped: Not started: the campaign is scheduled to start at "+start.Format("2006-01-02 15:04"),
		"next start: "+start.Format("2006-01-02 15:04")+" (run the same command again then)")

	other := sender.Hours{}
	other.Days[(time.Now().Weekday()+2)%7] = true
	hours := strings.Fields(other.String())[0] + " 08:00-17:00"
	r = runMailroom(t, dir, env, "send", "c.json", "--start-at", "", "--hours", hours)
	if r.Code != 3 || srv.Count() != 0 {
		t.Fatalf("outside the hours: exit %d, sent %d\n%s", r.Code, srv.Count(), r.Stderr)
	}
	wantLines(t, "send", r.Stderr, "stopped: Outside the sending hours: the next start is ", " 08:00.", "next start: ")

	r = runMailroom(t, dir, env, "send", "c.json", "--start-at", "", "--hours", "Mon-Fri 18:00-09:00")
	if r.Code != 2 || !strings.Contains(r.Stderr, "Mon-Fri 18:00-09:00") {
		t.Errorf("bad hours: exit %d, want 2 naming them\n%s", r.Code, r.Stderr)
	}
	if r = runMailroom(t, dir, env, "send", "c.json", "--start-at", "", "--delay", "0"); r.Code != 0 || srv.Count() != 4 {
		t.Errorf("at once: exit %d, sent %d\n%s", r.Code, srv.Count(), r.Stderr)
	}
}
