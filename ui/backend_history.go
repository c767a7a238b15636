package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/app/journal"
)

// journalHistory reads every journal a run has written: the default one
// in the data folder, the window's and `mailroom send`'s, and those that
// campaigns name themselves (campaign.Journals). It opens a file per
// request: SQLite in WAL mode lets a running send write meanwhile.
type journalHistory struct {
	env campaign.Env
}

// historyID names a campaign across journals: its ID in the journal at
// path. The send view hands it to History after a run.
func historyID(path string, id int64) string {
	return strconv.FormatInt(id, 10) + "@" + path
}

// parseHistoryID splits what historyID joined; a bare number is a
// campaign of the default journal.
func (h *journalHistory) parseHistoryID(s string) (string, int64, error) {
	num, path, ok := strings.Cut(s, "@")
	if !ok {
		path = filepath.Join(h.env.DataDir, journal.DefaultFileName)
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("campaign %q: %w", s, err)
	}
	return path, id, nil
}

// journals lists the journal files that exist; the default one is
// missing until the first run.
func (h *journalHistory) journals() ([]string, error) {
	all, err := campaign.Journals(h.env)
	var out []string
	for _, p := range all {
		if _, statErr := os.Stat(p); statErr == nil {
			out = append(out, p)
		}
	}
	return out, err
}

// eachJournal opens every journal in turn. A journal other than the
// default one that cannot be opened (a removed drive) is left out.
func (h *journalHistory) eachJournal(f func(path string, j *journal.Journal) error) error {
	paths, err := h.journals()
	if err != nil {
		return err
	}
	for i, p := range paths {
		j, err := journal.Open(p)
		if err != nil {
			if i == 0 && p == filepath.Join(h.env.DataDir, journal.DefaultFileName) {
				return err
			}
			continue
		}
		err = f(p, j)
		j.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (h *journalHistory) Campaigns(context.Context) ([]CampaignRecord, error) {
	var out []CampaignRecord
	var created []time.Time
	err := h.eachJournal(func(path string, j *journal.Journal) error {
		all, err := j.Campaigns()
		if err != nil {
			return err
		}
		for _, s := range all {
			out = append(out, CampaignRecord{
				ID: historyID(path, s.ID), Name: s.Name, Started: s.Started, Finished: s.Finished,
				Total: s.Total(), Sent: s.Sent, Failed: s.Failed, Unknown: s.Unknown, Skipped: s.Skipped, Pending: s.Pending + s.Sending,
				MailboxCounts: mailboxCounts(s),
			})
			created = append(created, s.Created)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Newest first across journals, as each journal lists its own.
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return created[order[a]].After(created[order[b]]) })
	sorted := make([]CampaignRecord, len(out))
	for i, k := range order {
		sorted[i] = out[k]
	}
	return sorted, nil
}

func (h *journalHistory) Rows(_ context.Context, campaignID, query string) ([]RowRecord, error) {
	if campaignID == "" {
		var out []RowRecord
		err := h.eachJournal(func(path string, j *journal.Journal) error {
			hits, err := j.Search(query)
			if err != nil {
				return err
			}
			for _, hit := range hits {
				out = append(out, rowRecord(path, hit.Row, hit.CampaignName))
			}
			return nil
		})
		return out, err
	}
	path, id, err := h.parseHistoryID(campaignID)
	if err != nil {
		return nil, err
	}
	j, err := journal.Open(path)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	c, err := j.CampaignByID(id)
	if err != nil {
		return nil, err
	}
	rows, err := j.Rows(id)
	if err != nil {
		return nil, err
	}
	var out []RowRecord
	q := strings.ToLower(query)
	for _, r := range rows {
		if q == "" || strings.Contains(strings.ToLower(r.Address), q) || strings.Contains(strings.ToLower(r.Name), q) {
			out = append(out, rowRecord(path, r, c.Name))
		}
	}
	return out, nil
}

func rowRecord(path string, r journal.Row, campaignName string) RowRecord {
	at := r.SentAt
	if at.IsZero() {
		at = r.Updated
	}
	// Why the row failed, is unknown or was skipped, in the window's
	// language (skip reasons are stored texts), and whether it left the
	// spreadsheet.
	why := say(campaign.RowReason(r.State, r.Reply, r.SkipReason))
	switch {
	case r.State == journal.StateSkipped:
		why = say(r.Note())
	case !r.InSource:
		why = strings.TrimSpace(say(r.Note()) + " " + why)
	}
	return RowRecord{
		CampaignID: historyID(path, r.Campaign), CampaignName: campaignName,
		Key: r.Key, Address: r.Address, State: string(r.State), Attempts: r.Attempts,
		MessageID: r.MessageID, Reply: r.Reply, At: at, Reason: why,
		RowMailbox: RowMailbox{
			Bounce: r.Bounce, BounceStatus: r.BounceStatus, BounceText: r.BounceText, BouncedAt: r.BouncedAt,
			RepliedAt: r.RepliedAt, ReplySubject: r.ReplySubject, AutoReplyAt: r.AutoReplyAt, Unsubscribed: r.Unsubscribed,
			Settled: r.Settled, NotInSent: r.NotInSent,
		},
	}
}

func mailboxCounts(s journal.Summary) MailboxCounts {
	m := s.MailboxCounts
	return MailboxCounts{BouncedHard: m.BouncedHard, BouncedSoft: m.BouncedSoft, Replied: m.Replied, AutoReplied: m.AutoReplied,
		Unsubscribed: m.Unsubscribed, ConfirmedInSent: m.ConfirmedInSent, NotInSent: m.NotInSent, Checked: s.InboxChecked}
}

// mailboxBackend reads the mailbox back for the campaigns of every
// journal History lists (issue 14), with each campaign's own account and
// its sign-in.
type mailboxBackend struct {
	env   campaign.Env
	login func(accounts.Account) (campaign.SendOptions, error)
	now   func() time.Time
}

// recentMailbox is how long after its last message a campaign's mailbox
// is still read by the periodic check: bounces come within days, replies
// within weeks.
const recentMailbox = 30 * 24 * time.Hour

func (m *mailboxBackend) CheckMailbox(ctx context.Context, campaignID string) (MailboxNews, error) {
	type target struct {
		path string
		s    journal.Summary
	}
	var targets []target
	h := &journalHistory{env: m.env}
	err := h.eachJournal(func(path string, j *journal.Journal) error {
		all, err := j.Campaigns()
		for _, s := range all {
			targets = append(targets, target{path, s})
		}
		return err
	})
	if err != nil {
		return MailboxNews{}, err
	}
	now := time.Now
	if m.now != nil {
		now = m.now
	}
	var news MailboxNews
	var errs []error
	for _, t := range targets {
		s := t.s
		switch {
		case campaignID != "" && historyID(t.path, s.ID) != campaignID:
			continue
		case campaignID == "" && (s.Started.IsZero() || now().Sub(s.Finished) > recentMailbox):
			continue
		}
		if m.env.Accounts == nil || s.Account == "" {
			news.Skipped++
			continue
		}
		acct, err := m.env.Accounts.Get(s.Account)
		if err != nil || acct.IMAP.Host == "" {
			news.Skipped++
			continue
		}
		login, err := m.login(acct)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rep, err := campaign.CheckMailbox(ctx, m.env, campaign.MailboxCheck{Journal: t.path, Campaign: s.ID, Account: acct, Login: login})
		news.Campaigns++
		news.Read += rep.Read
		news.Bounces += rep.HardBounces + rep.SoftBounces
		news.Replies += rep.Replies
		news.AutoReplies += rep.AutoReplies
		news.Unsubscribes += rep.Unsubscribes
		news.Confirmed += rep.Confirmed
		news.NotInSent += rep.NotInSent
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Name, err))
		}
	}
	if len(errs) > 0 {
		return news, errs[0]
	}
	return news, nil
}

func (h *journalHistory) Resolve(_ context.Context, campaignID string, keys []string, asSent bool) error {
	return h.withCampaign(campaignID, func(j *journal.Journal, id int64) error {
		if asSent {
			return j.MarkAsSent(id, keys...)
		}
		return j.SendAgain(id, keys...)
	})
}

func (h *journalHistory) RetryFailed(_ context.Context, campaignID string) (int, error) {
	var n int
	err := h.withCampaign(campaignID, func(j *journal.Journal, id int64) (err error) {
		n, err = j.RetryFailed(id)
		return err
	})
	return n, err
}

func (h *journalHistory) Export(_ context.Context, campaignID, path string) error {
	return h.withCampaign(campaignID, func(j *journal.Journal, id int64) error { return j.ExportReportIn(id, path, windowLanguage()) })
}

func (h *journalHistory) ExportRows(_ context.Context, campaignID string, keys []string, path string) error {
	if keys == nil {
		keys = []string{} // none, not every row
	}
	return h.withCampaign(campaignID, func(j *journal.Journal, id int64) error {
		return j.ExportRowsIn(id, keys, path, windowLanguage())
	})
}

// withCampaign opens the journal holding the campaign.
func (h *journalHistory) withCampaign(campaignID string, f func(j *journal.Journal, id int64) error) error {
	path, id, err := h.parseHistoryID(campaignID)
	if err != nil {
		return err
	}
	j, err := journal.Open(path)
	if err != nil {
		return err
	}
	defer j.Close()
	return f(j, id)
}
