package journal

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailroom/app/recipients"
	"mailroom/sender"
)

// openTest opens a journal file in a fresh temporary folder.
func openTest(t testing.TB, opts ...Option) *Journal {
	t.Helper()
	j, err := Open(filepath.Join(t.TempDir(), "journal.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// campaignWith creates a campaign holding n rows user1@… userN@….
func campaignWith(t testing.TB, j *Journal, key string, n int) (Campaign, SyncResult) {
	t.Helper()
	c, err := j.Campaign(CampaignSpec{Key: key, Name: "March invoice " + key, Account: "acct"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := j.Sync(c.ID, numberedRows(n))
	if err != nil {
		t.Fatal(err)
	}
	return c, res
}

func numberedRows(n int) []RowInput {
	rows := make([]RowInput, n)
	for i := range rows {
		rows[i] = RowInput{Number: i + 2, Address: fmt.Sprintf("User%d@Example.com", i+1), Name: fmt.Sprintf("User %d", i+1)}
	}
	return keyed(rows)
}

// keyed gives rows their keys as the campaign does: recipients.RowKeys
// over the addresses, in order.
func keyed(rows []RowInput) []RowInput {
	keys := recipients.NewRowKeys()
	for i := range rows {
		rows[i].Key = keys.Next(strings.Split(rows[i].Address, ","))
	}
	return rows
}

func startRun(t testing.TB, j *Journal, id int64) *Run {
	t.Helper()
	r, _, err := j.StartRun(id)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// send runs the engine's two calls for one row.
func send(t testing.TB, r *Run, key string, outcome sender.Outcome) {
	t.Helper()
	if err := r.MarkSending(key, "id-"+key, "hash-"+key); err != nil {
		t.Fatalf("MarkSending(%s): %v", key, err)
	}
	res := sender.Result{Key: key, Outcome: outcome, MessageID: "id-" + key, Reply: "250 2.0.0 Ok: queued", Code: 250, Attempts: 1}
	if err := r.MarkDone(res); err != nil {
		t.Fatalf("MarkDone(%s): %v", key, err)
	}
}

func stateOf(t testing.TB, j *Journal, campaign int64, key string) State {
	t.Helper()
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := j.rowsByKey(campaign, []string{key})
	if err != nil || len(rows) != 1 {
		t.Fatalf("row %s: %v (%d rows)", key, err, len(rows))
	}
	return rows[0].State
}

// fixedClock is a settable clock for tests that move time.
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }
