package journal

import (
	"context"
	"fmt"
	"strings"
)

// RowInput is one spreadsheet row as the current run sees it.
type RowInput struct {
	// Key is the row's identity inside its campaign, recipients.RowKey
	// (numbered by recipients.RowKeys): the journal never derives it.
	Key string
	// Number is the spreadsheet row number, for reports.
	Number int
	// Address is the recipient address as written in the sheet.
	Address string
	// Name is a display name or any text the history search should find
	// ("Mr Zhang", "张伟").
	Name string
	// Skip is why this run will not send the row (bad address, missing
	// attachment, suppressed…); empty to send it.
	Skip string
}

// SyncResult is the journal's view of the rows passed to Sync, in the
// same order, each with its Key and current State.
type SyncResult struct {
	Rows []Row
}

// ToSend returns the rows this run should send (state pending).
func (s SyncResult) ToSend() []Row { return s.filter(StatePending) }

// Done returns the rows that need nothing more (sent or skipped).
func (s SyncResult) Done() []Row { return s.filter(StateSent, StateSkipped) }

// NeedsDecision returns the rows the user must decide about: unknown
// (maybe delivered), failed, or still marked sending by a run in progress.
func (s SyncResult) NeedsDecision() []Row { return s.filter(StateUnknown, StateFailed, StateSending) }

func (s SyncResult) filter(states ...State) []Row {
	var out []Row
	for _, r := range s.Rows {
		for _, st := range states {
			if r.State == st {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Sync registers the current spreadsheet rows with the campaign in one
// transaction. A new key starts pending; a known key keeps its state, so
// after fixing a typo only the fixed and new rows are pending. Rows no
// longer in the sheet stay in the history, marked as not in the source.
// A row with Skip set moves pending→skipped; a skipped row that is no
// longer skipped becomes pending again.
func (j *Journal) Sync(campaign int64, rows []RowInput) (SyncResult, error) {
	if _, err := j.CampaignByID(campaign); err != nil {
		return SyncResult{}, err
	}
	out := make([]Row, len(rows))
	seen := make(map[string]int, len(rows))
	for i, in := range rows {
		if in.Key == "" {
			return SyncResult{}, fmt.Errorf("journal: row %d (%q) has no key", in.Number, in.Address)
		}
		if first, dup := seen[in.Key]; dup {
			return SyncResult{}, fmt.Errorf("journal: rows %d and %d have the same key %q", first, in.Number, in.Key)
		}
		seen[in.Key] = in.Number
		out[i] = Row{
			Campaign: campaign, Key: in.Key, Number: in.Number,
			Address: strings.TrimSpace(in.Address), Name: in.Name, SkipReason: in.Skip, InSource: true,
		}
	}
	err := j.w.write(true, func(tx *wtx) error {
		ctx := context.Background()
		if _, err := tx.conn.ExecContext(ctx, `UPDATE rows SET in_source = 0 WHERE campaign = ?`, campaign); err != nil {
			return err
		}
		upsert, err := tx.conn.PrepareContext(ctx, `INSERT INTO rows
			(campaign, key, row_number, address, name, state, created, updated)
			VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6)
			ON CONFLICT (campaign, key) DO UPDATE SET
				row_number = excluded.row_number, address = excluded.address,
				name = excluded.name, in_source = 1
			RETURNING state, attempts, message_id, reply, reply_code, content_hash, created, updated, sent_at`)
		if err != nil {
			return err
		}
		defer upsert.Close()
		for i := range out {
			r := &out[i]
			var state string
			var created, updated, sent int64
			if err := upsert.QueryRowContext(ctx, campaign, r.Key, r.Number, r.Address, r.Name, tx.nowMillis()).
				Scan(&state, &r.Attempts, &r.MessageID, &r.Reply, &r.Code, &r.Hash, &created, &updated, &sent); err != nil {
				return err
			}
			r.State, r.Created, r.Updated, r.SentAt = State(state), fromMillis(created), fromMillis(updated), fromMillis(sent)
			if err := syncSkip(tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return SyncResult{}, err
	}
	return SyncResult{Rows: out}, nil
}

// SyncedState is the state Sync leaves a row in: prev is its state in the
// journal (known false for a row the journal has never seen), skip this
// run's reason not to send it. Sync applies it; callers that must predict
// a run without writing (campaign.Plan.Due) call it too, so both agree.
func SyncedState(prev State, known bool, skip string) State {
	if !known {
		prev = StatePending
	}
	switch {
	case skip != "" && prev == StatePending:
		return StateSkipped
	case skip == "" && prev == StateSkipped:
		return StatePending
	}
	return prev
}

// syncSkip applies this run's skip decision to a pending or skipped row.
func syncSkip(tx *wtx, r *Row) error {
	to := SyncedState(r.State, true, r.SkipReason)
	if to == r.State && r.State != StateSkipped {
		return nil
	}
	if to != r.State {
		if _, err := tx.move(r.Campaign, r.Key, to, bySync, "sync", r.SkipReason); err != nil {
			return err
		}
		r.State, r.Updated = to, tx.now
	}
	// A row still skipped may be skipped for another reason this time.
	_, err := tx.conn.ExecContext(context.Background(),
		`UPDATE rows SET skip_reason = ? WHERE campaign = ? AND key = ?`, r.SkipReason, r.Campaign, r.Key)
	return err
}
