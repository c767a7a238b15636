package journal

import (
	"errors"
	"fmt"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrIllegalTransition is returned when a row would move to a state its
	// current state does not allow (for example sent back to sending).
	ErrIllegalTransition = errors.New("journal: illegal state change")
	// ErrNotDurable is returned when the journal cannot make its records
	// durable (read-only folder, disk full, I/O error). The caller must not
	// send: a message sent without its journal record could be sent twice.
	ErrNotDurable = errors.New("journal: cannot write durably")
	// ErrUnknownRow is returned for a row key the campaign does not hold.
	ErrUnknownRow = errors.New("journal: no such row")
	// ErrUnknownCampaign is returned for a campaign ID the journal does not hold.
	ErrUnknownCampaign = errors.New("journal: no such campaign")
	// ErrCampaignBusy is returned by StartRun when another run (in this or
	// another process) is already sending the campaign.
	ErrCampaignBusy = errors.New("journal: campaign is already being sent")
	// ErrClosed is returned by every call made after Close.
	ErrClosed = errors.New("journal: closed")
	// ErrNewerSchema is returned when the file was written by a newer
	// Mailroom that this version does not understand.
	ErrNewerSchema = errors.New("journal: written by a newer version of Mailroom")
	// ErrReportFormat is returned for a report path that is neither .csv
	// nor .xlsx.
	ErrReportFormat = errors.New("journal: unsupported report format")
	// ErrReadOnly is returned by every change to a journal opened with
	// OpenReadOnly.
	ErrReadOnly = errors.New("journal: opened read-only")
	// ErrNoJournal is returned by OpenReadOnly when there is no journal
	// file at the path.
	ErrNoJournal = errors.New("journal: no journal file")
)

// TransitionError names the row and the refused state change.
type TransitionError struct {
	Key      string
	From, To State
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("journal: row %q cannot go from %s to %s", e.Key, e.From, e.To)
}

// Unwrap makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// RowError names a row key the campaign does not hold.
type RowError struct {
	Campaign int64
	Key      string
}

func (e *RowError) Error() string {
	return fmt.Sprintf("journal: campaign %d has no row %q", e.Campaign, e.Key)
}

// Unwrap makes errors.Is(err, ErrUnknownRow) true.
func (e *RowError) Unwrap() error { return ErrUnknownRow }

// DurabilityError explains why the journal file cannot be written and what
// the user can do about it.
type DurabilityError struct {
	Path string
	Op   string // what was being done, e.g. "open" or "commit"
	Err  error
}

func (e *DurabilityError) Error() string {
	return fmt.Sprintf("journal %s: %s failed: %v; Mailroom will not send without a durable journal: "+
		"choose a writable folder or free disk space, then start again", e.Path, e.Op, e.Err)
}

// Unwrap returns both ErrNotDurable and the underlying cause.
func (e *DurabilityError) Unwrap() []error { return []error{ErrNotDurable, e.Err} }
