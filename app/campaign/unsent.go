package campaign

import (
	"errors"

	"mailroom/app/journal"
)

// Unsent returns how many of c's rows an earlier run left waiting
// (pending in the journal): reopening the campaign offers to continue
// with them. A campaign that never ran, or whose journal does not exist,
// has none; Unsent only reads (ReadStatus) and never creates a journal.
func Unsent(c *Campaign, env Env) (int, error) {
	st, err := c.ReadStatus(env)
	if errors.Is(err, ErrNotRun) || errors.Is(err, journal.ErrNoJournal) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return st.Pending, nil
}
