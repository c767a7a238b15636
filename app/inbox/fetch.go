package inbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"mailroom/app/accounts"
	"mailroom/app/journal"
	"mailroom/app/reason"
	"mailroom/app/recipients"
	"mailroom/app/sentfolder"
)

// DefaultGrace is how long after sending a message may take to appear in
// the Sent folder (the provider files it after accepting it) before its
// absence counts as evidence.
const DefaultGrace = 10 * time.Minute

// maxSentSearches bounds the Sent-folder searches of one pass.
const maxSentSearches = 500

// Request is one pass over the mailbox for one campaign.
type Request struct {
	Campaign int64
	Account  accounts.Account
	// Password is the IMAP secret; with sentfolder.WithCredential in
	// Options (OAuth) it is not used.
	Password string
	Options  []sentfolder.Option
	// Suppressions is the do-not-send list's file: hard-bounced addresses
	// and unsubscribers are added to it. Empty: the list is left alone.
	Suppressions string
	// Grace is the Sent folder's filing delay (DefaultGrace when zero).
	Grace time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Report says what one pass found that was new.
type Report struct {
	// Read is how many new messages were looked at.
	Read int
	// HardBounces … Unsubscribes count new observations by kind.
	HardBounces, SoftBounces, Replies, AutoReplies, Unsubscribes int
	// Confirmed counts unknown rows found in the Sent folder; NotInSent
	// those whose message is not there after the grace period.
	Confirmed, NotInSent int
	// Unmatched counts bounces, replies and requests about mail this
	// campaign did not send (other mail, or notices too mangled to tell).
	Unmatched int
	// Suppressed lists the addresses added to the do-not-send list.
	Suppressed []string
	// NoSentFolder is true when unknown rows could not be looked up
	// because the account has no recognisable Sent folder.
	NoSentFolder bool
}

// Fetch reads the account's mailbox once for a campaign (new mail in
// INBOX and Junk since the campaign started; the Sent folder for unknown
// rows) and records what it finds in the journal, adding hard-bounced and
// unsubscribed addresses to the do-not-send list. Nothing in the mailbox
// is changed. What was read before an error is kept.
func Fetch(ctx context.Context, j *journal.Journal, req Request) (Report, error) {
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	grace := req.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	summary, err := j.Summary(req.Campaign)
	if err != nil {
		return Report{}, err
	}
	if summary.Started.IsZero() {
		return Report{}, nil // nothing sent yet: nothing can have come back
	}
	if err := j.Flush(); err != nil {
		return Report{}, err
	}
	rows, err := j.Rows(req.Campaign)
	if err != nil {
		return Report{}, err
	}
	stored, _, err := j.InboxCursors(req.Campaign)
	if err != nil {
		return Report{}, err
	}
	sess, err := sentfolder.Dial(ctx, req.Account, req.Password, req.Options...)
	if err != nil {
		return Report{}, err
	}
	defer sess.Close()

	ix := newIndex(rows)
	var rep Report
	res, scanErr := Scan(ctx, sess, summary.Started, fromJournal(stored))
	rep.Read = res.Read
	var matches []match
	for _, f := range res.Findings {
		m := ix.matchFinding(f)
		if len(m) == 0 {
			rep.Unmatched++
		}
		matches = append(matches, m...)
	}
	var sentErr error
	if scanErr == nil {
		var found []match
		found, rep.NoSentFolder, sentErr = searchSent(ctx, sess, rows, j, req.Campaign, now(), grace)
		matches = append(matches, found...)
	}
	obs := make([]journal.Observation, len(matches))
	for i, m := range matches {
		obs[i] = m.obs
	}
	added, err := j.Observe(req.Campaign, obs)
	if err != nil {
		return rep, err
	}
	if err := j.SaveInboxCursors(req.Campaign, toJournal(res.Cursors), now()); err != nil {
		return rep, err
	}
	count(&rep, added)
	if req.Suppressions != "" {
		// The observations are recorded: finish their part of the list
		// even if the check is being cancelled, since the next check will
		// not find them new.
		rep.Suppressed, err = suppress(context.WithoutCancel(ctx), req.Suppressions, matches, added, summary.Name, now())
		if err != nil {
			return rep, err
		}
	}
	return rep, errors.Join(scanErr, sentErr)
}

func count(rep *Report, added []journal.Observation) {
	for _, o := range added {
		switch o.Kind {
		case journal.ObservedBounceHard:
			rep.HardBounces++
		case journal.ObservedBounceSoft:
			rep.SoftBounces++
		case journal.ObservedReply:
			rep.Replies++
		case journal.ObservedAutoReply:
			rep.AutoReplies++
		case journal.ObservedUnsubscribe:
			rep.Unsubscribes++
		case journal.ObservedInSentFolder:
			rep.Confirmed++
		case journal.ObservedNotInSent:
			rep.NotInSent++
		}
	}
}

// searchSent looks for each unknown row's Message-ID in the Sent folder
// (SEARCH HEADER Message-ID, read-only): found, the row was sent; not
// found once the grace period after its sending has passed, the user is
// offered to send it again.
func searchSent(ctx context.Context, sess *sentfolder.Session, rows []journal.Row, j *journal.Journal,
	campaign int64, now time.Time, grace time.Duration) ([]match, bool, error) {
	var unknown []journal.Row
	for _, r := range rows {
		if r.State == journal.StateUnknown && r.MessageID != "" && len(unknown) < maxSentSearches {
			unknown = append(unknown, r)
		}
	}
	if len(unknown) == 0 {
		return nil, false, nil
	}
	attempts, err := j.LastAttempts(campaign)
	if err != nil {
		return nil, false, err
	}
	list, err := sess.Folders(ctx)
	if err != nil {
		return nil, false, err
	}
	folder, err := sess.SentFolder(list)
	if errors.Is(err, sentfolder.ErrNoSentFolder) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	var out []match
	err = sess.Do(ctx, func(c *imapclient.Client) error {
		if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			return err
		}
		for _, r := range unknown {
			data, err := c.UIDSearch(&imap.SearchCriteria{
				Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + r.MessageID + ">"}},
			}, nil).Wait()
			if err != nil {
				return err
			}
			o := journal.Observation{Key: r.Key, At: now, Source: r.MessageID}
			switch {
			case len(data.AllUIDs()) > 0:
				o.Kind, o.ProvesSent, o.Detail = journal.ObservedInSentFolder, true, folder
			case now.Sub(attempts[r.Key]) >= grace:
				o.Kind, o.Detail = journal.ObservedNotInSent, folder
			default:
				continue // the provider may not have filed it yet
			}
			out = append(out, match{obs: o})
		}
		return nil
	})
	return out, false, err
}

// suppress adds hard-bounced addresses and unsubscribers whose
// observation is new to the do-not-send list, with the reason, at once and
// through recipients.UpdateSuppressionList: the window's dialog, an import
// or another check may change the same file at the same moment, and each
// keeps its own change.
func suppress(ctx context.Context, path string, matches []match, added []journal.Observation, campaignName string, now time.Time) ([]string, error) {
	isNew := map[string]bool{}
	for _, o := range added {
		isNew[o.Key+"\x00"+string(o.Kind)+"\x00"+o.Source] = true
	}
	var todo []match
	for _, m := range matches {
		if m.suppress != "" && isNew[m.obs.Key+"\x00"+string(m.obs.Kind)+"\x00"+m.obs.Source] {
			todo = append(todo, m)
		}
	}
	if len(todo) == 0 {
		return nil, nil
	}
	var out []string
	err := recipients.UpdateSuppressionList(ctx, path, func(list *recipients.SuppressionList) error {
		for _, m := range todo {
			if _, ok := list.Match(m.suppress); ok {
				continue // already there, perhaps with the user's own note
			}
			if err := list.Add(m.suppress, suppressionNote(m.obs, campaignName, now)); err != nil {
				continue // not an address Mailroom could ever send to
			}
			out = append(out, m.suppress)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return out, nil
}

// suppressionNote is the reason kept next to the address in the
// do-not-send list file, which people read and edit by hand: English, in
// the file's own terms, like the notes an import writes.
func suppressionNote(o journal.Observation, campaignName string, now time.Time) string {
	day := now.Format("2006-01-02")
	if o.Kind == journal.ObservedUnsubscribe {
		return fmt.Sprintf("unsubscribed %s (%s)", day, campaignName)
	}
	words := reason.Explain(o.Status, o.Detail).String()
	return strings.TrimSpace(fmt.Sprintf("bounced %s %s: %s (%s)", day, o.Status, words, campaignName))
}

func fromJournal(in []journal.FolderCursor) []Cursor {
	out := make([]Cursor, len(in))
	for i, c := range in {
		out[i] = Cursor(c)
	}
	return out
}

func toJournal(in []Cursor) []journal.FolderCursor {
	out := make([]journal.FolderCursor, len(in))
	for i, c := range in {
		out[i] = journal.FolderCursor(c)
	}
	return out
}
