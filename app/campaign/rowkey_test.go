package campaign

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"mailroom/sender/smtptest"
)

// rowIdentityCampaign writes list.csv with the given rows and returns a
// campaign that sends each cell's addresses together, on journal j.db.
func rowIdentityCampaign(t *testing.T, dir string, srv *smtptest.Server, rows ...string) *Campaign {
	t.Helper()
	write(t, dir, "list.csv", "Name,Email\n"+strings.Join(rows, "\n")+"\n")
	write(t, dir, "body.txt", "Hi {{Name}}\n")
	return &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Body: filepath.Join(dir, "body.txt"),
		From: "shop@example.com", SMTP: "smtp+plain://" + srv.Addr(), MultiAddress: "together", Journal: filepath.Join(dir, "j.db")}
}

func sendCampaign(t *testing.T, c *Campaign, dir string) Outcome {
	t.Helper()
	env := Env{DataDir: dir}
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	out, err := plan.Send(context.Background(), env, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var firstSheet = []string{
	"王芳,wang@bücher.example",
	`Li and Zhao,"zhao@y.example, li@x.example"`,
	"Chen,Chen@Example.com",
}

// rewrittenSheet is firstSheet as another program or person might save
// it: the domain in punycode, the "together" addresses in another order
// and case, plus one new row.
var rewrittenSheet = []string{
	"王芳,wang@xn--bcher-kva.example",
	`Li and Zhao,"li@x.example; ZHAO@y.example"`,
	"Chen,chen@example.com",
	"New,new@example.com",
}

// TestRewrittenSheetSendsNothingTwice: a row whose domain is spelt in
// punycode in the next run, or whose "together" addresses are reordered,
// is the same row: only the new row is sent (issue 9, part 6).
func TestRewrittenSheetSendsNothingTwice(t *testing.T) {
	srv := smtptest.Start(t)
	dir := t.TempDir()
	out := sendCampaign(t, rowIdentityCampaign(t, dir, srv, firstSheet...), dir)
	if out.Sent != 3 || srv.Count() != 3 {
		t.Fatalf("first run: %+v, server got %d", out.Counts, srv.Count())
	}
	out = sendCampaign(t, rowIdentityCampaign(t, dir, srv, rewrittenSheet...), dir)
	if srv.Count() != 4 {
		t.Fatalf("the rewritten sheet sent %d messages, want only the new row's (server has %d, want 4)", srv.Count()-3, srv.Count())
	}
	if last := srv.Messages()[3]; len(last.To) != 1 || last.To[0] != "new@example.com" {
		t.Errorf("second run sent to %v, want only new@example.com", last.To)
	}
	if out.Sent != 4 || out.Pending != 0 {
		t.Errorf("after the rerun the journal counts %+v, want 4 sent", out.Counts)
	}
}

// oldRowKeys is the row key of journals written before issue 9 (schemas
// 1 and 2): the address text trimmed and lower-cased, "#n" for the n-th
// occurrence of the same text. Kept here only to make such a journal.
func oldRowKeys(addresses []string) []string {
	seen := map[string]int{}
	keys := make([]string, len(addresses))
	for i, a := range addresses {
		k := strings.ToLower(strings.TrimSpace(a))
		seen[k]++
		if seen[k] > 1 {
			k += fmt.Sprintf("#%d", seen[k])
		}
		keys[i] = k
	}
	return keys
}

// TestJournalWithOldKeysResumesWithoutResending: a journal whose rows
// carry the keys of the version before issue 9 is re-keyed when opened,
// so rerunning on it (with the sheet as it was, then rewritten) sends
// only the rows never sent.
func TestJournalWithOldKeysResumesWithoutResending(t *testing.T) {
	srv := smtptest.Start(t)
	dir := t.TempDir()
	c := rowIdentityCampaign(t, dir, srv, append(firstSheet, "Dup,chen@example.com")...)
	c.Duplicates = "keep"
	if out := sendCampaign(t, c, dir); out.Sent != 4 {
		t.Fatalf("first run: %+v", out.Counts)
	}
	makeOldKeyJournal(t, c.Journal)

	// The same sheet with one more row: only that row goes.
	c = rowIdentityCampaign(t, dir, srv, append(firstSheet, "Dup,chen@example.com", "New,new@example.com")...)
	c.Duplicates = "keep"
	out := sendCampaign(t, c, dir)
	if srv.Count() != 5 || out.Sent != 5 {
		t.Fatalf("rerun on the old journal: server got %d messages (want 5), journal %+v", srv.Count(), out.Counts)
	}
	// And rewritten: nothing more.
	c = rowIdentityCampaign(t, dir, srv, append(rewrittenSheet, "Dup,CHEN@example.com")...)
	c.Duplicates = "keep"
	out = sendCampaign(t, c, dir)
	if srv.Count() != 5 || out.Sent != 5 {
		t.Fatalf("rewritten sheet on the re-keyed journal: server got %d (want 5), journal %+v", srv.Count(), out.Counts)
	}
}

// makeOldKeyJournal turns the journal at path into one the previous
// version wrote: every row and its events keyed by oldRowKeys over the
// stored address text in sheet order, and the schema version before the
// re-keying (2: schema 3 re-keys).
func makeOldKeyJournal(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT key, address FROM rows WHERE campaign = 1 ORDER BY row_number, key`)
	if err != nil {
		t.Fatal(err)
	}
	var keys, addrs []string
	for rows.Next() {
		var k, a string
		if err := rows.Scan(&k, &a); err != nil {
			t.Fatal(err)
		}
		keys, addrs = append(keys, k), append(addrs, a)
	}
	rows.Close()
	old := oldRowKeys(addrs)
	changed := 0
	for i := range keys {
		if old[i] == keys[i] {
			continue
		}
		changed++
		for _, table := range []string{"rows", "events"} {
			if _, err := db.Exec(`UPDATE `+table+` SET key = ? WHERE campaign = 1 AND key = ?`, old[i], keys[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if changed < 2 {
		t.Fatalf("only %d keys differ between the old and new definitions (%q vs %q): the test proves nothing", changed, old, keys)
	}
	if _, err := db.Exec(`UPDATE schema_version SET version = 2`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM rows WHERE key LIKE '%xn--%'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows keep a punycode key (%v)", n, err)
	}
}
