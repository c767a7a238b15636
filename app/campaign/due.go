package campaign

import (
	"errors"
	"time"

	"mailroom/app/journal"
)

// Due is what a run of the plan would do if it started now, predicted
// from the journal without changing it: the number the window's
// confirmation asks about, and the rows of the list by the state the run
// would find them in. Plan.Send counts its own start with the same rule
// (tally), so the question and the run agree.
type Due struct {
	// Now is how many messages the run sends: rows of the list the
	// journal has pending (new rows, rows never tried, rows the user asked
	// to send again), never rows already sent, failed or unknown.
	Now int
	// Rows counts the list's messages by the state the run finds them in
	// (after this run's skip decisions; a row a crashed run left
	// "sending" counts as unknown).
	Rows journal.Counts
	// SentLastDay is how many messages the account sent in the last 24
	// hours, which the daily limit counts.
	SentLastDay int
	// Ran says the journal knows the campaign: it was sent before.
	Ran bool
}

// Due reads the campaign's journal (read-only, creating nothing) and
// counts what a run would send now. now is the clock for the daily limit.
func (p *Plan) Due(env Env, now time.Time) (Due, error) {
	inputs, plans := p.journalRows()
	var states map[string]journal.State
	var d Due
	j, err := journal.OpenReadOnly(p.Campaign.JournalPath(env))
	switch {
	case errors.Is(err, journal.ErrNoJournal):
		// Never sent with this journal: every planned message is due.
	case err != nil:
		return Due{}, err
	default:
		defer j.Close()
		camp, err := j.CampaignByKey(p.Campaign.Key())
		switch {
		case errors.Is(err, journal.ErrUnknownCampaign):
		case err != nil:
			return Due{}, err
		default:
			d.Ran = true
			if states, err = j.States(camp.ID); err != nil {
				return Due{}, err
			}
		}
		if p.Account.ID != "" {
			if d.SentLastDay, err = j.SentSince(p.Account.ID, now.Add(-24*time.Hour)); err != nil {
				return Due{}, err
			}
		}
	}
	rows := make([]journal.State, len(inputs))
	for i, in := range inputs {
		prev, known := states[in.Key]
		rows[i] = journal.SyncedState(prev, known, in.Skip)
	}
	d.Now, d.Rows = tally(rows, plans)
	return d, nil
}

// tally is the one rule for what a run sends: a message of the list whose
// row is pending once the run has synced the list with the journal. A row
// left "sending" by a crashed run is recovered as unknown and not sent.
// It returns how many messages go now and the list's rows by state.
func tally(states []journal.State, plans []planned) (now int, rows journal.Counts) {
	for i, st := range states {
		if st == journal.StateSending {
			st = journal.StateUnknown
		}
		rows.Add(st, 1)
		if sendsNow(st, plans[i]) {
			now++
		}
	}
	return now, rows
}

// sendsNow says whether a run sends the message: its row is pending and
// the plan renders it.
func sendsNow(st journal.State, pl planned) bool {
	return st == journal.StatePending && pl.row != nil
}
