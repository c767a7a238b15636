package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/app/journal"
)

// journalHistory reads the journal in the data folder, the default of both
// the window and `mailroom send`. It opens the file per request: SQLite in
// WAL mode lets a running send write meanwhile.
type journalHistory struct {
	path string
}

func (h *journalHistory) open() (*journal.Journal, error) {
	return journal.Open(h.path)
}

func (h *journalHistory) Campaigns(context.Context) ([]CampaignRecord, error) {
	j, err := h.open()
	if err != nil {
		return nil, err
	}
	defer j.Close()
	all, err := j.Campaigns()
	if err != nil {
		return nil, err
	}
	out := make([]CampaignRecord, 0, len(all))
	for _, s := range all {
		out = append(out, CampaignRecord{
			ID: strconv.FormatInt(s.ID, 10), Name: s.Name, Started: s.Started, Finished: s.Finished,
			Total: s.Total(), Sent: s.Sent, Failed: s.Failed, Unknown: s.Unknown, Skipped: s.Skipped, Pending: s.Pending + s.Sending,
			MailboxCounts: mailboxCounts(s),
		})
	}
	return out, nil
}

func (h *journalHistory) Rows(_ context.Context, campaignID, query string) ([]RowRecord, error) {
	j, err := h.open()
	if err != nil {
		return nil, err
	}
	defer j.Close()
	if campaignID == "" {
		hits, err := j.Search(query)
		if err != nil {
			return nil, err
		}
		out := make([]RowRecord, 0, len(hits))
		for _, hit := range hits {
			out = append(out, rowRecord(hit.Row, hit.CampaignName))
		}
		return out, nil
	}
	id, err := parseCampaignID(campaignID)
	if err != nil {
		return nil, err
	}
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
			out = append(out, rowRecord(r, c.Name))
		}
	}
	return out, nil
}

func rowRecord(r journal.Row, campaignName string) RowRecord {
	at := r.SentAt
	if at.IsZero() {
		at = r.Updated
	}
	reply := r.Reply
	if r.State == journal.StateSkipped {
		// Why it was skipped, in the window's language (skip reasons are
		// stored texts).
		reply = say(r.Note())
	}
	return RowRecord{
		CampaignID: strconv.FormatInt(r.Campaign, 10), CampaignName: campaignName,
		Key: r.Key, Address: r.Address, State: string(r.State), Attempts: r.Attempts,
		MessageID: r.MessageID, Reply: reply, At: at,
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

// mailboxBackend reads the mailbox back for campaigns in the journal
// (issue 14), with each campaign's own account and its sign-in.
type mailboxBackend struct {
	path  string // the journal
	env   campaign.Env
	login func(accounts.Account) (campaign.SendOptions, error)
	now   func() time.Time
}

// recentMailbox is how long after its last message a campaign's mailbox
// is still read by the periodic check: bounces come within days, replies
// within weeks.
const recentMailbox = 30 * 24 * time.Hour

func (m *mailboxBackend) CheckMailbox(ctx context.Context, campaignID string) (MailboxNews, error) {
	j, err := journal.Open(m.path)
	if err != nil {
		return MailboxNews{}, err
	}
	all, err := j.Campaigns()
	j.Close()
	if err != nil {
		return MailboxNews{}, err
	}
	now := time.Now
	if m.now != nil {
		now = m.now
	}
	var news MailboxNews
	var errs []error
	for _, s := range all {
		id := strconv.FormatInt(s.ID, 10)
		switch {
		case campaignID != "" && id != campaignID:
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
		rep, err := campaign.CheckMailbox(ctx, m.env, campaign.MailboxCheck{Journal: m.path, Campaign: s.ID, Account: acct, Login: login})
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

func parseCampaignID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("campaign %q: %w", s, err)
	}
	return id, nil
}

func (h *journalHistory) Resolve(_ context.Context, campaignID string, keys []string, asSent bool) error {
	id, err := parseCampaignID(campaignID)
	if err != nil {
		return err
	}
	j, err := h.open()
	if err != nil {
		return err
	}
	defer j.Close()
	if asSent {
		return j.MarkAsSent(id, keys...)
	}
	return j.SendAgain(id, keys...)
}

func (h *journalHistory) RetryFailed(_ context.Context, campaignID string) (int, error) {
	id, err := parseCampaignID(campaignID)
	if err != nil {
		return 0, err
	}
	j, err := h.open()
	if err != nil {
		return 0, err
	}
	defer j.Close()
	return j.RetryFailed(id)
}

func (h *journalHistory) Export(_ context.Context, campaignID, path string) error {
	id, err := parseCampaignID(campaignID)
	if err != nil {
		return err
	}
	j, err := h.open()
	if err != nil {
		return err
	}
	defer j.Close()
	return j.ExportReportIn(id, path, windowLanguage())
}
