package journal

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
)

// TestRekeyGivesEveryRowTheCurrentKey builds a schema-2 journal (the
// first two migrations, keys as those versions wrote them) and opens it:
// every row gets recipients.RowKey's key, keeps its state, and its events
// and mailbox observations follow it. Two old keys for one mailbox (the old version saw two
// recipients) are numbered in row order instead of colliding.
func TestRekeyGivesEveryRowTheCurrentKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	db, err := sql.Open("sqlite", dsn(path, 0))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(migrations[0].sql)
	exec(migrations[1].sql)
	exec(`CREATE TABLE schema_version (version INTEGER NOT NULL, opened INTEGER NOT NULL DEFAULT 0)`)
	exec(`INSERT INTO schema_version (version) VALUES (2)`)
	exec(`INSERT INTO campaigns (id, key, name, created) VALUES (1, 'c', 'c', 0), (2, 'd', 'd', 0)`)
	old := []struct {
		campaign int
		key      string
		number   int
		state    State
	}{
		{1, "wang@bücher.example", 2, StateSent},
		{1, "zhao@y.example,li@x.example", 3, StateUnknown},
		{1, "chen@example.com", 4, StateSent},
		{1, "chen@example.com#2", 5, StatePending},
		{1, "wang@xn--bcher-kva.example", 6, StateSent}, // the same mailbox, seen as another by the old keys
		{1, "not an address", 7, StateSkipped},
		{2, "wang@bücher.example", 2, StateFailed}, // other campaigns are re-keyed on their own
	}
	for _, r := range old {
		exec(`INSERT INTO rows (campaign, key, row_number, address, state, created, updated) VALUES (?, ?, ?, ?, ?, 0, 0)`,
			r.campaign, r.key, r.number, r.key, string(r.state))
		exec(`INSERT INTO events (campaign, key, at, kind, from_state, to_state) VALUES (?, ?, 0, 'done', 'sending', ?)`,
			r.campaign, r.key, string(r.state))
	}
	exec(`INSERT INTO observations (campaign, key, kind, source) VALUES (1, 'zhao@y.example,li@x.example', 'reply', 'r1@x')`)
	db.Close()

	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	want := map[int64][]string{
		1: {"wang@xn--bcher-kva.example=sent", "li@x.example,zhao@y.example=unknown", "chen@example.com=sent",
			"chen@example.com#2=pending", "wang@xn--bcher-kva.example#2=sent", "not an address=skipped"},
		2: {"wang@xn--bcher-kva.example=failed"},
	}
	for campaign, w := range want {
		rows, err := j.Rows(campaign)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.Key+"="+string(r.State))
			events, err := j.Events(campaign, r.Key)
			if err != nil || len(events) != 1 || events[0].To != r.State {
				t.Errorf("campaign %d, row %s: events %+v (%v), want its one event", campaign, r.Key, events, err)
			}
		}
		if !slices.Equal(got, w) {
			t.Errorf("campaign %d: rows %q, want %q", campaign, got, w)
		}
	}
	var key string
	if err := j.db.QueryRow(`SELECT key FROM observations`).Scan(&key); err != nil || key != "li@x.example,zhao@y.example" {
		t.Errorf("the observation is keyed %q (%v), want the row's new key", key, err)
	}
}
