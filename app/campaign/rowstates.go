package campaign

import (
	"errors"

	"mailroom/app/journal"
)

// RowStates reads, without changing anything, how far each spreadsheet
// row of the campaign got: its journal state by row number. A row with
// several messages (one per address) shows the state that needs the
// user first: failed, unknown, waiting, then sent and skipped. Nil when
// the campaign never ran with its journal.
func (c *Campaign) RowStates(env Env) (map[int]journal.State, error) {
	j, err := journal.OpenReadOnly(c.JournalPath(env))
	if errors.Is(err, journal.ErrNoJournal) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer j.Close()
	camp, err := j.CampaignByKey(c.Key())
	if errors.Is(err, journal.ErrUnknownCampaign) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	all, err := j.RowStates(camp.ID)
	if err != nil {
		return nil, err
	}
	out := make(map[int]journal.State, len(all))
	for n, states := range all {
		best := states[0]
		for _, s := range states[1:] {
			if attention(s) < attention(best) {
				best = s
			}
		}
		out[n] = best
	}
	return out, nil
}

// attention orders states by how much they need the user, most first.
func attention(s journal.State) int {
	switch s {
	case journal.StateFailed:
		return 0
	case journal.StateUnknown:
		return 1
	case journal.StateSending:
		return 2
	case journal.StatePending:
		return 3
	case journal.StateSent:
		return 4
	}
	return 5
}
