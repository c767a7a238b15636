package journal

import (
	"context"
)

// MarkAsSent records the user's decision that unknown rows were delivered
// (they found the message in the recipient's inbox or Sent folder). All
// keys change or none: the first refused row is returned as a
// *TransitionError.
func (j *Journal) MarkAsSent(campaign int64, keys ...string) error {
	return j.userMove(campaign, keys, StateSent, "mark-sent")
}

// SendAgain makes rows pending again so the next run sends them: unknown
// and failed rows, and, because the user asked explicitly, sent rows.
// All keys change or none.
func (j *Journal) SendAgain(campaign int64, keys ...string) error {
	return j.userMove(campaign, keys, StatePending, "send-again")
}

// RetryFailed makes every failed row of the campaign pending again (after
// the user fixed the account or the addresses) and returns how many.
func (j *Journal) RetryFailed(campaign int64) (int, error) {
	var n int
	err := j.w.write(true, func(tx *wtx) error {
		keys, err := keysInState(tx, campaign, StateFailed)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := tx.move(campaign, k, StatePending, byUser, "retry-failed", ""); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	return n, err
}

func (j *Journal) userMove(campaign int64, keys []string, to State, kind string) error {
	return j.w.write(true, func(tx *wtx) error {
		for _, k := range keys {
			if _, err := tx.move(campaign, k, to, byUser, kind, ""); err != nil {
				return err
			}
			if to == StateSent {
				if _, err := tx.conn.ExecContext(context.Background(),
					`UPDATE rows SET sent_at = updated WHERE campaign = ? AND key = ?`, campaign, k); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func keysInState(tx *wtx, campaign int64, state State) ([]string, error) {
	rows, err := tx.conn.QueryContext(context.Background(),
		`SELECT key FROM rows WHERE campaign = ? AND state = ? ORDER BY row_number`, campaign, string(state))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}
