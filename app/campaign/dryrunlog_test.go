package campaign

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/journal"
)

// TestDryRunLogsEveryRow: a dry run tells about each message it writes
// and each row it leaves out, with the reason, like a real run's log; the
// files it names exist.
func TestDryRunLogsEveryRow(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "list.csv", "Name,Email\n张伟,zhang@example.com\n李娜,not-an-address\n王芳,wang@example.com\n王芳,wang@example.com\n")
	write(t, dir, "body.txt", "您好 {{Name}}\n")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "通知", Body: filepath.Join(dir, "body.txt"),
		From: "Shop <shop@example.com>", DryRun: filepath.Join(dir, "out"), SkipInvalid: true}
	plan, err := Prepare(context.Background(), c, Env{DataDir: filepath.Join(dir, "data")})
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	var events []RowEvent
	n, err := plan.WriteDryRunLog(c.DryRun, func(e RowEvent) { events = append(events, e) })
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || n != plan.DryRunMessages() {
		t.Fatalf("wrote %d messages, DryRunMessages says %d; want 2", n, plan.DryRunMessages())
	}
	byRow := map[int]RowEvent{}
	for _, e := range events {
		byRow[e.Row] = e
	}
	if len(events) != 4 {
		t.Fatalf("events %+v, want one per row", events)
	}
	for _, row := range []int{2, 4} {
		e := byRow[row]
		if e.State != StateWritten || e.File == "" {
			t.Errorf("row %d: %+v, want written with its file", row, e)
			continue
		}
		if _, err := os.Stat(filepath.Join(c.DryRun, e.File)); err != nil {
			t.Errorf("row %d names %s: %v", row, e.File, err)
		}
		if !strings.Contains(e.Reason().String(), e.File) {
			t.Errorf("row %d reason %q does not name the file", row, e.Reason())
		}
	}
	for row, want := range map[int]string{3: "invalid address", 5: "duplicate address"} {
		e := byRow[row]
		if e.State != journal.StateSkipped || e.Reason().String() != want || e.Address == "" {
			t.Errorf("row %d: %+v (reason %q), want skipped: %s", row, e, e.Reason(), want)
		}
	}
}
