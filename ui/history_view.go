package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// historyView lists past campaigns and their rows, finds an address across
// all of them, settles unknown rows and exports reports.
type historyView struct {
	history History
	win     fyne.Window
	bridge  *bridge

	// onChanged tells the Send page that a decision changed the journal
	// (its last check is stale).
	onChanged func()

	campaigns    []CampaignRecord
	campaignID   string    // "" = every campaign
	lastRefresh  time.Time // of a refresh during a run
	notice       string    // what the last action did, shown with the counts
	detail       *widget.Label
	allRows      []RowRecord // as loaded
	rows         []RowRecord // after the mailbox filter
	mailbox      *mailboxPanel
	selectedRow  int
	campaignList *widget.List
	all          *widget.Button
	search       *widget.Entry
	table        *widget.Table
	selectedCol  int // the column of the chosen cell, to choose it again
	summary      *widget.Label
	// unknownHint explains unknown rows; shown only while some are listed.
	unknownHint *widget.Label
	markSent    *widget.Button
	sendAgain   *widget.Button
	export      *widget.Button
	retry       *widget.Button
	content     fyne.CanvasObject
}

// rowColumn is one column of the rows table: its title, width and text.
type rowColumn struct {
	title func() string
	width float32
	cell  func(RowRecord) string
}

// rowColumns are the table's columns, in order: who, how it went and
// what came back first, so that they show in an 800-pixel-wide window
// without scrolling; the campaign (the same on every row once one is
// chosen) and the technical details after them.
var rowColumns = []rowColumn{
	{func() string { return lang.L("Address") }, 220, func(r RowRecord) string { return r.Address }},
	{func() string { return lang.L("State") }, 90, func(r RowRecord) string { return stateLabel(r.State) }},
	{func() string { return lang.L("Came back") }, 250, cameBack},
	{func() string { return lang.L("Reason") }, 220, func(r RowRecord) string { return r.Reason }},
	{func() string { return lang.L("Campaign") }, 160, func(r RowRecord) string { return r.CampaignName }},
	{func() string { return lang.L("Attempts") }, 70, func(r RowRecord) string { return strconv.Itoa(r.Attempts) }},
	{func() string { return lang.L("Time") }, 170, func(r RowRecord) string {
		if r.At.IsZero() {
			return ""
		}
		return r.At.Local().Format("2006-01-02 15:04:05")
	}},
	{func() string { return lang.L("Server reply") }, 260, func(r RowRecord) string { return r.Reply }},
	{func() string { return "Message-ID" }, 260, func(r RowRecord) string { return r.MessageID }},
}

func newHistoryView(h History, win fyne.Window, b *bridge) *historyView {
	v := &historyView{history: h, win: win, bridge: b, selectedRow: -1}
	v.campaignList = widget.NewList(
		func() int { return len(v.campaigns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := v.campaigns[i]
			o.(*widget.Label).SetText(c.Name + " · " + c.Started.Local().Format("2006-01-02 15:04") + " · " +
				lang.L("{{.Sent}} sent, {{.Failed}} failed, {{.Unknown}} unknown", map[string]any{"Sent": c.Sent, "Failed": c.Failed, "Unknown": c.Unknown}) +
				campaignCounts(c))
		})
	v.campaignList.OnSelected = func(i widget.ListItemID) {
		v.export.Enable()
		setEnabled(v.retry, v.campaigns[i].Failed > 0)
		if id := v.campaigns[i].ID; id != v.campaignID {
			v.campaignID, v.notice = id, ""
			v.loadRows()
		}
	}
	v.all = widget.NewButton(lang.L("All campaigns"), func() {
		v.campaignList.UnselectAll()
		v.campaignID = ""
		v.export.Disable()
		v.retry.Disable()
		v.loadRows()
	})
	v.search = widget.NewEntry()
	v.search.SetPlaceHolder(lang.L("Search by address, e.g. zhang@"))
	v.search.OnChanged = func(string) { v.loadRows() }
	v.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(v.rows), len(rowColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(rowColumns[id.Col].cell(v.rows[id.Row]))
		})
	v.table.ShowHeaderColumn = false
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(rowColumns) {
			o.(*widget.Label).SetText(rowColumns[id.Col].title())
		}
	}
	for i, c := range rowColumns {
		v.table.SetColumnWidth(i, c.width)
	}
	v.table.OnSelected = func(id widget.TableCellID) { v.selectedRow, v.selectedCol = id.Row, id.Col; v.showActions() }
	v.mailbox = newMailboxPanel(nil, b)
	v.mailbox.onFilter, v.mailbox.onNews = v.applyFilter, v.reload
	v.summary = widget.NewLabel("")
	v.summary.Truncation = fyne.TextTruncateEllipsis
	v.detail = widget.NewLabel("")
	v.detail.Wrapping = fyne.TextWrapWord
	v.detail.Selectable = true
	v.markSent = widget.NewButton(lang.L("Mark as sent"), func() { v.resolve(true) })
	v.sendAgain = widget.NewButton(lang.L("Send again"), func() { v.resolve(false) })
	v.export = widget.NewButtonWithIcon(lang.L("Export report…"), theme.DocumentSaveIcon(), v.chooseExport)
	v.retry = widget.NewButtonWithIcon(lang.L("Retry failed rows"), theme.MediaReplayIcon(), v.confirmRetry)
	v.retry.Disable()
	refresh := widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), v.reload)
	v.markSent.Disable()
	v.sendAgain.Disable()
	v.export.Disable()

	v.unknownHint = widget.NewLabel(lang.L("Rows marked unknown may have been delivered: the connection broke before the server answered. Choose one and decide."))
	v.unknownHint.Wrapping = fyne.TextWrapWord
	v.unknownHint.Hide()
	left := container.NewBorder(container.NewHBox(v.all, refresh), nil, nil, nil, v.campaignList)
	actions := flowButtons(v.markSent, v.sendAgain, v.retry, v.export)
	// The row detail scrolls under the table (the user can drag the
	// split), so a long server reply is shown whole at any window size.
	details := container.NewVScroll(container.NewVBox(v.detail, v.mailbox.detail, v.unknownHint))
	rows := container.NewVSplit(v.table, details)
	rows.Offset = 0.7
	right := container.NewBorder(container.NewVBox(v.search, container.NewHScroll(v.mailbox.content), v.summary), actions, nil, nil, rows)
	split := container.NewHSplit(left, right)
	split.Offset = 0.3
	v.content = split
	v.reload()
	return v
}

// stateLabel translates the journal's state names.
func stateLabel(s string) string {
	switch s {
	case "pending":
		return lang.L("waiting")
	case "sending":
		return lang.L("sending")
	case "sent":
		return lang.L("sent")
	case "failed":
		return lang.L("failed")
	case "written": // a dry run's message (campaign.StateWritten)
		return lang.L("written")
	case "skipped":
		return lang.L("skipped")
	case "unknown":
		return lang.L("unknown")
	}
	return s
}

// reload reads the campaign list and the rows in the background.
func (v *historyView) reload() {
	v.bridge.run(func() func() {
		campaigns, err := v.history.Campaigns(context.Background())
		return func() {
			if err != nil {
				v.summary.SetText("✗ " + sayErr(err))
				return
			}
			v.campaigns = campaigns
			v.campaignList.Refresh()
			for i, c := range campaigns {
				if c.ID == v.campaignID {
					v.campaignList.Select(i)
				}
			}
			v.loadRows()
		}
	})
}

// showCampaign selects a campaign, e.g. after a run finished.
func (v *historyView) showCampaign(id string) {
	v.campaignID = id
	v.reload()
}

// historyRefreshEvery is how often History reads the journal while a
// run writes it.
const historyRefreshEvery = 3 * time.Second

// refreshDuringRun shows a running campaign's rows as they change, at
// most every historyRefreshEvery; the run's end refreshes once more.
func (v *historyView) refreshDuringRun(id string) {
	if time.Since(v.lastRefresh) < historyRefreshEvery {
		return
	}
	v.lastRefresh = time.Now()
	if id != "" && v.campaignID == "" && strings.TrimSpace(v.search.Text) == "" {
		v.campaignID = id // nothing else chosen: follow the run
	}
	v.reload()
}

// showCampaignRows selects a campaign and shows its rows in one state
// ("unknown": the rows to decide about).
func (v *historyView) showCampaignRows(id, state string) {
	label := ""
	switch state {
	case "unknown":
		label = lang.L("Unknown")
	case "failed":
		label = lang.L("Failed")
	}
	if label != "" {
		v.mailbox.filter.SetSelected(label)
	}
	v.showCampaign(id)
}

func (v *historyView) loadRows() {
	id, query := v.campaignID, strings.TrimSpace(v.search.Text)
	if id == "" && query == "" {
		// Listing every row of every campaign helps nobody; ask instead.
		v.allRows, v.rows = nil, nil
		v.selectedRow = -1
		v.table.UnselectAll()
		v.table.Refresh()
		v.summary.SetText(lang.L("Choose a campaign, or type an address to search all campaigns."))
		v.showActions()
		return
	}
	v.bridge.run(func() func() {
		rows, err := v.history.Rows(context.Background(), id, query)
		return func() {
			if id != v.campaignID || query != strings.TrimSpace(v.search.Text) {
				return // a newer search is under way
			}
			if err != nil {
				v.summary.SetText("✗ " + sayErr(err))
				return
			}
			v.allRows = rows
			v.applyFilter()
		}
	})
}

// applyFilter shows the loaded rows the mailbox filter keeps.
func (v *historyView) applyFilter() {
	// The chosen row stays chosen, with its detail, when the rows are
	// read again (every few seconds during a run) and it is still shown.
	var chosen *RowRecord
	if v.selectedRow >= 0 && v.selectedRow < len(v.rows) {
		r := v.rows[v.selectedRow]
		chosen = &r
	}
	v.rows = v.mailbox.keep(v.allRows)
	at := -1
	for i, r := range v.rows {
		if chosen != nil && r.CampaignID == chosen.CampaignID && r.Key == chosen.Key {
			at = i
			break
		}
	}
	v.table.Refresh()
	if at >= 0 {
		// Select does nothing (and scrolls nowhere) when the row kept its
		// place; the detail is shown afresh below.
		v.table.Select(widget.TableCellID{Row: at, Col: v.selectedCol})
		v.selectedRow = at
	} else {
		v.selectedRow = -1
		v.table.UnselectAll()
	}
	text := lang.L("{{.Count}} rows", map[string]any{"Count": len(v.rows)})
	if len(v.rows) == 1 {
		text = lang.L("1 row")
	}
	for _, c := range v.campaigns {
		if c.ID == v.campaignID {
			text += campaignCounts(c)
		}
	}
	if v.notice != "" {
		text = v.notice + " · " + text
	}
	v.summary.SetText(text)
	v.unknownHint.Hide()
	for _, r := range v.rows {
		if r.State == "unknown" {
			v.unknownHint.Show()
			break
		}
	}
	v.showActions()
}

// useMailbox connects History to the mailbox: a Check button, a check
// every interval while the window is open (0: none).
func (v *historyView) useMailbox(r MailboxReader, interval time.Duration) {
	v.mailbox.setReader(r)
	if interval > 0 {
		v.mailbox.watch(interval)
	}
}

// checkMailbox reads the mailbox for a campaign that just ran: the Sent
// folder settles its unknown rows, and early bounces show at once.
func (v *historyView) checkMailbox(campaignID string) {
	v.mailbox.run(campaignID)
}

// showActions enables mark-as-sent / send-again only for an unknown row.
func (v *historyView) showActions() {
	if v.selectedRow >= 0 && v.selectedRow < len(v.rows) {
		v.mailbox.show(&v.rows[v.selectedRow])
		v.detail.SetText(deliveryDetail(v.rows[v.selectedRow]))
	} else {
		v.mailbox.show(nil)
		v.detail.SetText(lang.L("Choose a row to see what the server replied."))
	}
	showIf(v.mailbox.detail, v.mailbox.detail.Text != "") // no empty line
	unknown := v.selectedRow >= 0 && v.selectedRow < len(v.rows) && v.rows[v.selectedRow].State == "unknown"
	setEnabled(v.markSent, unknown)
	setEnabled(v.sendAgain, unknown)
}

func (v *historyView) resolve(asSent bool) {
	r := v.rows[v.selectedRow]
	question := lang.L("Record {{.Address}} as delivered? It will not be sent again.", map[string]any{"Address": r.Address})
	if !asSent {
		question = lang.L("Send to {{.Address}} again with the next run? They may receive the message twice.", map[string]any{"Address": r.Address})
	}
	dialog.ShowConfirm(lang.L("Unknown delivery"), question, func(ok bool) {
		if !ok {
			return
		}
		v.bridge.run(func() func() {
			err := v.history.Resolve(context.Background(), r.CampaignID, []string{r.Key}, asSent)
			return func() {
				if err != nil {
					showError(err, v.win)
					return
				}
				v.changed()
			}
		})
	}, v.win)
}

// confirmRetry makes the failed rows of the selected campaign pending, for
// after the user fixed the account or the addresses.
func (v *historyView) confirmRetry() {
	id := v.campaignID
	dialog.ShowConfirm(lang.L("Retry failed rows"),
		lang.L("Send the failed rows of this campaign again with its next run?"),
		func(ok bool) {
			if !ok {
				return
			}
			v.bridge.run(func() func() {
				n, err := v.history.RetryFailed(context.Background(), id)
				return func() {
					if err != nil {
						showError(err, v.win)
						return
					}
					v.notice = lang.L("{{.Count}} failed rows will be sent with the next run.", map[string]any{"Count": n})
					v.changed()
				}
			})
		}, v.win)
}

// changed follows a decision: the journal changed under the Send page's
// last check, and the rows read are stale.
func (v *historyView) changed() {
	if v.onChanged != nil {
		v.onChanged()
	}
	v.reload()
}

// deliveryDetail is the row detail: what happened to the row in plain
// words, then the server's reply whole.
func deliveryDetail(r RowRecord) string {
	line := lang.L("{{.Address}}: {{.State}}", map[string]any{"Address": r.Address, "State": stateLabel(r.State)})
	if r.Reason != "" {
		line += " — " + r.Reason
	}
	if r.Attempts > 0 {
		line += "\n" + lang.L("Attempts: {{.Count}}; the last at {{.Time}}", map[string]any{"Count": r.Attempts, "Time": r.At.Local().Format("2006-01-02 15:04:05")})
	}
	if r.Reply != "" {
		line += "\n" + lang.L("The server replied: {{.Reply}}", map[string]any{"Reply": r.Reply})
	}
	if r.MessageID != "" {
		line += "\nMessage-ID: " + r.MessageID
	}
	return line
}

func (v *historyView) chooseExport() {
	id := v.campaignID
	askSavePath(v.win, "report.xlsx", []string{".xlsx", ".csv"}, func(path string) {
		v.bridge.run(func() func() {
			err := v.history.Export(context.Background(), id, path)
			return func() {
				if err != nil {
					showError(err, v.win)
					return
				}
				v.summary.SetText(lang.L("Report saved to {{.Path}}", map[string]any{"Path": path}))
			}
		})
	})
}
