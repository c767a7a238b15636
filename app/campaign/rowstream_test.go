package campaign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/sender/smtptest"
)

// streamCampaign writes a list of n rows and a campaign sending to srv.
func streamCampaign(t *testing.T, dir string, n int, srv *smtptest.Server) *Campaign {
	t.Helper()
	var list strings.Builder
	list.WriteString("Name,Email\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&list, "客户%d,r%03d@example.com\n", i, i)
	}
	write(t, dir, "list.csv", list.String())
	write(t, dir, "body.txt", "您好 {{Name}}\n")
	return &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "通知 {{Name}}", Body: filepath.Join(dir, "body.txt"),
		From: "Shop <shop@example.com>", SMTP: "smtp+plain://" + srv.Addr(), Journal: filepath.Join(dir, "j.db")}
}

// TestSendRefusesAListSavedAfterItWasChecked: the plan keeps no cells and
// reads the list again to send it; a list saved again since the check is
// refused before the journal or the server is touched.
func TestSendRefusesAListSavedAfterItWasChecked(t *testing.T) {
	srv := smtptest.Start(t)
	dir := t.TempDir()
	c := streamCampaign(t, dir, 3, srv)
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	write(t, dir, "list.csv", "Name,Email\n客户1,other@example.com\n")
	if _, err := plan.Send(context.Background(), Env{DataDir: dir}, SendOptions{}); !errors.Is(err, ErrListChanged) {
		t.Fatalf("Send = %v, want ErrListChanged", err)
	}
	if _, err := plan.WriteDryRun(filepath.Join(dir, "out")); !errors.Is(err, ErrListChanged) {
		t.Errorf("WriteDryRun = %v, want ErrListChanged", err)
	}
	if srv.Count() != 0 {
		t.Errorf("the server received %d messages", srv.Count())
	}
	if _, err := os.Stat(c.Journal); !os.IsNotExist(err) {
		t.Errorf("the journal was touched (%v)", err)
	}
}

// TestSendStopsAtARowThatIsNotTheCheckedOne: a change the file's size and
// time do not show (same size, time set back) is caught row by row: rows
// that are still the checked ones are sent, the changed one is not, and
// the run stops with it and the rest left.
func TestSendStopsAtARowThatIsNotTheCheckedOne(t *testing.T) {
	srv := smtptest.Start(t)
	dir := t.TempDir()
	c := streamCampaign(t, dir, 3, srv)
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	info, err := os.Stat(c.Recipients)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(c.Recipients)
	changed := bytes.Replace(data, []byte("r002@"), []byte("x002@"), 1)
	if err := os.WriteFile(c.Recipients, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(c.Recipients, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	out, err := plan.Send(context.Background(), Env{DataDir: dir}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Stopped == nil || !errors.Is(out.Stopped, ErrListChanged) {
		t.Errorf("stopped: %v, want ErrListChanged", out.Stopped)
	}
	var to []string
	for _, m := range srv.Messages() {
		to = append(to, m.To...)
	}
	if len(to) != 1 || to[0] != "r001@example.com" {
		t.Errorf("the server received messages to %q, want only the unchanged first row", to)
	}
	if out.Sent != 1 || out.Pending != 2 {
		t.Errorf("counts %+v, want 1 sent and 2 pending", out.Counts)
	}
}

// TestPreviewOfARowFarDownReadsItAgain: rows past the first hundred are
// read from the file again for a preview, with the right values.
func TestPreviewOfARowFarDownReadsItAgain(t *testing.T) {
	srv := smtptest.Start(t)
	dir := t.TempDir()
	c := streamCampaign(t, dir, 400, srv)
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	for _, n := range []int{1, 100, 101, 350, 300, 349, 400, 120} {
		eml, err := plan.Preview(n)
		if err != nil {
			t.Fatalf("preview %d: %v", n, err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(eml))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		to, err := mail.ParseAddress(m.Header.Get("To"))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("通知 客户%d", n); subject != want || to.Address != fmt.Sprintf("r%03d@example.com", n) || to.Name != fmt.Sprintf("客户%d", n) {
			t.Errorf("preview %d: subject %q to %v, want %q", n, subject, to, want)
		}
	}
	if _, err := plan.Preview(401); !errors.Is(err, ErrNoSuchRow) {
		t.Errorf("preview past the end: %v", err)
	}
}
