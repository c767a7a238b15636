package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/reason"
)

// This file is History's part of issue 14: what came back through the
// mailbox (bounces, replies, automatic replies, unsubscribes, the Sent
// folder's answer about unknown rows). It is self-contained so the
// History view can be reworked around it: counts per campaign, a filter,
// a row detail in plain words, a "Check mailbox" button and a check every
// few minutes while the window is open.

// MailboxCounts is what came back for one campaign.
type MailboxCounts struct {
	BouncedHard, BouncedSoft, Replied, AutoReplied, Unsubscribed int
	ConfirmedInSent, NotInSent                                   int
	Checked                                                      time.Time // zero: never read
}

// RowMailbox is what came back for one row.
type RowMailbox struct {
	Bounce, BounceStatus, BounceText string // Bounce: "hard", "soft" or ""
	BouncedAt, RepliedAt             time.Time
	ReplySubject                     string
	AutoReplyAt, Unsubscribed        time.Time
	Settled                          string    // "sent-folder", "bounce", "reply" or ""
	NotInSent                        time.Time // an unknown row's message is not in Sent
}

// MailboxReader reads the account's mailbox back into the journal.
type MailboxReader interface {
	// CheckMailbox reads the mailbox for one campaign, or for every
	// recently sent campaign when campaignID is "", and says what was new.
	CheckMailbox(ctx context.Context, campaignID string) (MailboxNews, error)
}

// MailboxNews is what one check found that was new.
type MailboxNews struct {
	Campaigns, Read                   int
	Bounces, Replies, Unsubscribes    int
	Confirmed, NotInSent, AutoReplies int
	// Skipped counts campaigns whose account has no IMAP server.
	Skipped int
}

// DefaultMailboxInterval is how often the open window reads the mailbox.
const DefaultMailboxInterval = 5 * time.Minute

// rowFilter is one choice of the History filter.
type rowFilter struct {
	label func() string
	keep  func(RowRecord) bool
}

var rowFilters = []rowFilter{
	{func() string { return lang.L("All rows") }, func(RowRecord) bool { return true }},
	{func() string { return lang.L("Sent") }, func(r RowRecord) bool { return r.State == "sent" }},
	{func() string { return lang.L("Failed") }, func(r RowRecord) bool { return r.State == "failed" }},
	{func() string { return lang.L("Skipped") }, func(r RowRecord) bool { return r.State == "skipped" }},
	{func() string { return lang.L("Waiting") }, func(r RowRecord) bool { return r.State == "pending" || r.State == "sending" }},
	{func() string { return lang.L("Bounced") }, func(r RowRecord) bool { return r.Bounce != "" }},
	{func() string { return lang.L("Bounced (hard)") }, func(r RowRecord) bool { return r.Bounce == "hard" }},
	{func() string { return lang.L("Bounced (soft)") }, func(r RowRecord) bool { return r.Bounce == "soft" }},
	{func() string { return lang.L("Replied") }, func(r RowRecord) bool { return !r.RepliedAt.IsZero() }},
	{func() string { return lang.L("Automatic replies") }, func(r RowRecord) bool { return !r.AutoReplyAt.IsZero() }},
	{func() string { return lang.L("Unsubscribed") }, func(r RowRecord) bool { return !r.Unsubscribed.IsZero() }},
	{func() string { return lang.L("Unknown") }, func(r RowRecord) bool { return r.State == "unknown" }},
	{func() string { return lang.L("Not in the Sent folder") }, func(r RowRecord) bool { return r.State == "unknown" && !r.NotInSent.IsZero() }},
}

// mailboxPanel is the filter, the check button and the row detail.
type mailboxPanel struct {
	reader   MailboxReader
	bridge   *bridge
	filter   *widget.Select
	check    *widget.Button
	status   *widget.Label
	detail   *widget.Label
	content  fyne.CanvasObject
	busy     bool
	onFilter func() // the filter changed
	onNews   func() // a check finished: the journal may have changed
	stop     chan struct{}
	// newTicker starts the periodic check's clock; tests replace it with
	// ticks they send themselves, so no test races a real clock.
	newTicker func(time.Duration) (ticks <-chan time.Time, stop func())
}

// realTicker is time.NewTicker as newTicker wants it.
func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

func newMailboxPanel(reader MailboxReader, b *bridge) *mailboxPanel {
	p := &mailboxPanel{reader: reader, bridge: b, newTicker: realTicker}
	labels := make([]string, len(rowFilters))
	for i, f := range rowFilters {
		labels[i] = f.label()
	}
	p.filter = widget.NewSelect(labels, nil)
	// A Select is as wide as its placeholder, which never shows here (a
	// choice is always made): the longest choice makes it wide enough for
	// every choice in the user's language ("Not in the Sent folder" was
	// cut to "Not in the …").
	p.filter.PlaceHolder = longest(labels)
	p.filter.SetSelectedIndex(0)
	p.filter.OnChanged = func(string) {
		if p.onFilter != nil {
			p.onFilter()
		}
	}
	p.status = widget.NewLabel("")
	p.status.Truncation = fyne.TextTruncateEllipsis
	p.detail = widget.NewLabel("")
	p.detail.Wrapping = fyne.TextWrapWord
	p.check = widget.NewButtonWithIcon(lang.L("Check mailbox"), theme.MailComposeIcon(), func() { p.run("") })
	p.content = container.NewBorder(nil, nil, container.NewHBox(p.filter, p.check), nil, p.status)
	p.setReader(reader)
	return p
}

// longest is the text that takes the most room on screen.
func longest(texts []string) string {
	out, width := "", float32(0)
	for _, t := range texts {
		if w := fyne.MeasureText(t, theme.TextSize(), fyne.TextStyle{}).Width; w > width {
			out, width = t, w
		}
	}
	return out
}

// setReader connects the panel to the mailbox; without one only the
// filter shows.
func (p *mailboxPanel) setReader(reader MailboxReader) {
	p.reader = reader
	if reader == nil {
		p.check.Hide()
		p.status.Hide()
		return
	}
	p.check.Show()
	p.status.Show()
}

// keep applies the chosen filter.
func (p *mailboxPanel) keep(rows []RowRecord) []RowRecord {
	i := p.filter.SelectedIndex()
	if i <= 0 || i >= len(rowFilters) {
		return rows
	}
	out := make([]RowRecord, 0, len(rows))
	for _, r := range rows {
		if rowFilters[i].keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// run checks the mailbox off the UI goroutine (campaignID "" for every
// recent campaign); one check at a time.
func (p *mailboxPanel) run(campaignID string) {
	if p.reader == nil || p.busy {
		return
	}
	p.busy = true
	p.check.Disable()
	p.status.SetText(lang.L("Reading the mailbox…"))
	p.bridge.run(func() func() {
		news, err := p.reader.CheckMailbox(context.Background(), campaignID)
		return func() {
			p.busy = false
			p.check.Enable()
			if err != nil {
				p.status.SetText(lang.L("Mailbox not read: {{.Error}}", map[string]any{"Error": sayErr(err)}))
				return
			}
			p.status.SetText(newsText(news, time.Now()))
			if p.onNews != nil {
				p.onNews()
			}
		}
	})
}

// watch checks every interval until stopped, for as long as the window is
// open; each check runs off the UI goroutine.
func (p *mailboxPanel) watch(interval time.Duration) {
	if p.reader == nil || p.stop != nil {
		return
	}
	p.stop = make(chan struct{})
	stop := p.stop
	ticks, stopTicker := p.newTicker(interval)
	go func() {
		defer stopTicker()
		for {
			select {
			case <-stop:
				return
			case <-ticks:
				// run skips the tick while a check is still going.
				p.bridge.update(func() { p.run("") })
			}
		}
	}()
}

func (p *mailboxPanel) unwatch() {
	if p.stop != nil {
		close(p.stop)
		p.stop = nil
	}
}

func newsText(n MailboxNews, at time.Time) string {
	if n.Campaigns == 0 && n.Skipped > 0 {
		return lang.L("No account of these campaigns has an IMAP server: set one up under Accounts to read bounces and replies.")
	}
	return lang.L("Mailbox read at {{.Time}}: {{.Read}} new messages; {{.Bounces}} bounces, {{.Replies}} replies, {{.Unsubscribes}} unsubscribed, {{.Confirmed}} unknown rows found in Sent",
		map[string]any{"Time": at.Format("15:04"), "Read": n.Read, "Bounces": n.Bounces, "Replies": n.Replies,
			"Unsubscribes": n.Unsubscribes, "Confirmed": n.Confirmed})
}

// show fills the row detail, or clears it.
func (p *mailboxPanel) show(r *RowRecord) {
	if r == nil {
		p.detail.SetText("")
		return
	}
	p.detail.SetText(rowDetail(*r))
}

// rowDetail says what came back for a row, the bounce reason in plain
// words with the server's own words after it.
func rowDetail(r RowRecord) string {
	var lines []string
	stamp := func(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }
	switch r.Bounce {
	case "hard":
		lines = append(lines, lang.L("Bounced {{.Time}}, permanently ({{.Code}}): {{.Reason}}", map[string]any{
			"Time": stamp(r.BouncedAt), "Code": r.BounceStatus, "Reason": say(reason.Explain(r.BounceStatus, r.BounceText))}))
	case "soft":
		lines = append(lines, lang.L("Bounced {{.Time}}, for now ({{.Code}}): {{.Reason}}", map[string]any{
			"Time": stamp(r.BouncedAt), "Code": r.BounceStatus, "Reason": say(reason.Explain(r.BounceStatus, r.BounceText))}))
	}
	if r.BounceText != "" {
		lines = append(lines, lang.L("The server said: {{.Text}}", map[string]any{"Text": r.BounceText}))
	}
	if !r.RepliedAt.IsZero() {
		lines = append(lines, lang.L("Replied {{.Time}}: {{.Subject}}", map[string]any{"Time": stamp(r.RepliedAt), "Subject": r.ReplySubject}))
	}
	if !r.AutoReplyAt.IsZero() {
		lines = append(lines, lang.L("Automatic reply {{.Time}} (not counted as a reply)", map[string]any{"Time": stamp(r.AutoReplyAt)}))
	}
	if !r.Unsubscribed.IsZero() {
		lines = append(lines, lang.L("Asked to unsubscribe {{.Time}}: on the do-not-send list", map[string]any{"Time": stamp(r.Unsubscribed)}))
	}
	switch {
	case r.Settled == "sent-folder":
		lines = append(lines, lang.L("Was unknown; found in your Sent folder: sent"))
	case r.Settled != "":
		lines = append(lines, lang.L("Was unknown; a bounce or reply to this very message proves it was sent"))
	case r.State == "unknown" && !r.NotInSent.IsZero():
		lines = append(lines, lang.L("Not in your Sent folder: send again?"))
	}
	out := ""
	for i, l := range lines {
		if i > 0 {
			out += "\n"
		}
		out += l
	}
	return out
}

// cameBack is the table's short column for a row.
func cameBack(r RowRecord) string {
	switch {
	case !r.Unsubscribed.IsZero():
		return lang.L("unsubscribed")
	case r.Bounce == "hard":
		return lang.L("bounced: {{.Reason}}", map[string]any{"Reason": say(reason.Explain(r.BounceStatus, r.BounceText))})
	case r.Bounce == "soft":
		return lang.L("delayed: {{.Reason}}", map[string]any{"Reason": say(reason.Explain(r.BounceStatus, r.BounceText))})
	case !r.RepliedAt.IsZero():
		return lang.L("replied")
	case !r.AutoReplyAt.IsZero():
		return lang.L("automatic reply")
	case r.Settled == "sent-folder":
		return lang.L("found in Sent")
	case r.State == "unknown" && !r.NotInSent.IsZero():
		return lang.L("not in Sent")
	}
	return ""
}

// campaignCounts is the campaign list's second half.
func campaignCounts(c CampaignRecord) string {
	if c.Checked.IsZero() && c.BouncedHard+c.BouncedSoft+c.Replied+c.Unsubscribed == 0 {
		return ""
	}
	return " · " + lang.L("{{.Hard}} bounced, {{.Soft}} delayed, {{.Replied}} replied, {{.Auto}} automatic replies, {{.Unsubscribed}} unsubscribed",
		map[string]any{"Hard": c.BouncedHard, "Soft": c.BouncedSoft, "Replied": c.Replied, "Auto": c.AutoReplied, "Unsubscribed": c.Unsubscribed})
}
