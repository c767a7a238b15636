package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CampaignSpec identifies a campaign and describes it for the history.
type CampaignSpec struct {
	// Key is the caller's stable identity for the campaign: the campaign
	// file's path, or for a headless run without one a digest of its
	// flags. Running the same key again resumes the same campaign.
	Key string
	// Name is what the history view shows.
	Name string
	// Account names the sending account; the daily cap counts sends of
	// all campaigns with the same account.
	Account string
	// Source is the recipients file, for the history view.
	Source string
	// Fingerprint is a digest of the recipients and message, so the
	// caller can tell the user that they changed since the last run.
	Fingerprint string
}

// Campaign is a campaign as stored.
type Campaign struct {
	ID int64
	CampaignSpec
	// PreviousFingerprint is the fingerprint stored before this call
	// updated it ("" for a new campaign).
	PreviousFingerprint string
	Created             time.Time
	// ResumesAt is when a quota pause ends; zero when not paused.
	ResumesAt   time.Time
	PauseReason string
}

// Campaign returns the campaign with spec.Key, creating it on first use,
// and records the spec's name, account, source and fingerprint.
func (j *Journal) Campaign(spec CampaignSpec) (Campaign, error) {
	if strings.TrimSpace(spec.Key) == "" {
		return Campaign{}, errors.New("journal: a campaign needs a key (its file path or a digest of its settings)")
	}
	if spec.Name == "" {
		spec.Name = spec.Key
	}
	var id int64
	var previous string
	err := j.w.write(true, func(tx *wtx) error {
		ctx := context.Background()
		err := tx.conn.QueryRowContext(ctx, `SELECT id, fingerprint FROM campaigns WHERE key = ?`, spec.Key).Scan(&id, &previous)
		if err == sql.ErrNoRows {
			res, err := tx.conn.ExecContext(ctx, `INSERT INTO campaigns (key, name, account, source, fingerprint, created)
				VALUES (?, ?, ?, ?, ?, ?)`, spec.Key, spec.Name, spec.Account, spec.Source, spec.Fingerprint, tx.nowMillis())
			if err != nil {
				return err
			}
			id, err = res.LastInsertId()
			return err
		}
		if err != nil {
			return err
		}
		_, err = tx.conn.ExecContext(ctx, `UPDATE campaigns SET name = ?, account = ?, source = ?, fingerprint = ? WHERE id = ?`,
			spec.Name, spec.Account, spec.Source, spec.Fingerprint, id)
		return err
	})
	if err != nil {
		return Campaign{}, err
	}
	c, err := j.CampaignByID(id)
	c.PreviousFingerprint = previous
	return c, err
}

// CampaignByID returns a stored campaign.
func (j *Journal) CampaignByID(id int64) (Campaign, error) {
	var c Campaign
	var created, resumes int64
	err := j.db.QueryRow(`SELECT id, key, name, account, source, fingerprint, created, resumes_at, pause_reason
		FROM campaigns WHERE id = ?`, id).Scan(&c.ID, &c.Key, &c.Name, &c.Account, &c.Source, &c.Fingerprint,
		&created, &resumes, &c.PauseReason)
	if err == sql.ErrNoRows {
		return Campaign{}, fmt.Errorf("%w: %d", ErrUnknownCampaign, id)
	}
	c.Created, c.ResumesAt = fromMillis(created), fromMillis(resumes)
	return c, err
}

// Pause records that the campaign waits until resumesAt (a provider's
// quota), so that a restart knows when to continue.
func (j *Journal) Pause(id int64, resumesAt time.Time, reason string) error {
	return j.setPause(id, resumesAt.UnixMilli(), reason)
}

// Resume clears a pause.
func (j *Journal) Resume(id int64) error { return j.setPause(id, 0, "") }

func (j *Journal) setPause(id, resumesAt int64, reason string) error {
	return j.w.write(true, func(tx *wtx) error {
		res, err := tx.conn.ExecContext(context.Background(),
			`UPDATE campaigns SET resumes_at = ?, pause_reason = ? WHERE id = ?`, resumesAt, reason, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %d", ErrUnknownCampaign, id)
		}
		return nil
	})
}
