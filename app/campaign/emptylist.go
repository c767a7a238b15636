package campaign

import (
	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// listCounts tallies the data rows of the recipient list by what becomes
// of them, so preflight can tell a list that sends to nobody.
type listCounts struct {
	// read is set once every row of the list was read and checked.
	read bool
	// rows are the non-empty data rows; the others say why rows produce
	// no message.
	rows, messages, filtered, duplicates, suppressed, invalid int
}

// count adds one checked row: blocked says it has a blocking problem of
// its own (an address, attachment or size), which keeps it from being sent.
func (n *listCounts) count(r recipients.CheckedRow, blocked bool) {
	n.rows++
	switch {
	case r.Skip == recipients.SkipFiltered:
		n.filtered++
	case r.Skip == recipients.SkipDuplicate:
		n.duplicates++
	case r.Skip == recipients.SkipSuppressed:
		n.suppressed++
	case r.Skip == recipients.SkipInvalid || blocked || len(r.Recipients) == 0:
		n.invalid++
	default:
		n.messages++
	}
}

// requireRecipients reports a list that sends to nobody as a blocking
// problem: a user who sends to no one has made a mistake (an empty export,
// a filter that matches nothing), not finished a campaign.
func (p *Plan) requireRecipients() {
	n := p.list
	if !n.read || n.messages > 0 {
		return
	}
	if n.rows == 0 {
		p.listProblem("no-rows", msg.T("no recipients: the list has a header but no rows"),
			msg.T("add the recipients under the header row, or choose the file that holds them"))
		return
	}
	type reason struct {
		count      int
		alone, one msg.Text // "all N rows were excluded " + alone; "N " + one among several
		fix        msg.Text
	}
	all := []reason{
		{n.filtered, msg.T("by the filters"), msg.T("{{.Count}} by the filters", "Count", n.filtered),
			msg.T("change the filters (--rows, --where) so they select the rows to send")},
		{n.duplicates, msg.T("as duplicates"), msg.T("{{.Count}} as duplicates", "Count", n.duplicates),
			msg.T("keep duplicates (--duplicates keep) to send to them again")},
		{n.suppressed, msg.T("by the do-not-send list"), msg.T("{{.Count}} by the do-not-send list", "Count", n.suppressed),
			msg.T("remove the addresses from the do-not-send list if they should get this message")},
		{n.invalid, msg.T("as invalid"), msg.T("{{.Count}} as invalid", "Count", n.invalid),
			msg.T("fix the problems listed for the rows")},
	}
	var found []reason
	for _, r := range all {
		if r.count > 0 {
			found = append(found, r)
		}
	}
	if len(found) == 1 {
		p.listProblem("all-rows-excluded",
			msg.T("no recipients: all {{.Rows}} rows were excluded {{.Reason}}", "Rows", n.rows, "Reason", found[0].alone), found[0].fix)
		return
	}
	var reasons, fixes []msg.Text
	for _, r := range found {
		reasons, fixes = append(reasons, r.one), append(fixes, r.fix)
	}
	p.listProblem("all-rows-excluded",
		msg.T("no recipients: all {{.Rows}} rows were excluded ({{.Reasons}})", "Rows", n.rows, "Reasons", reasons),
		msg.T("change what excludes them: {{.Fixes}}", "Fixes", fixes))
}

// listProblem records a blocking problem of the list as a whole.
func (p *Plan) listProblem(code string, what, fix msg.Text) {
	p.Problems = append(p.Problems, recipients.Problem{Severity: recipients.Blocking, Code: code,
		File: p.Campaign.Recipients, Sheet: p.Sheet}.Say(what, fix))
}
