package journal

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"mailroom/app/atomicfile"
	"mailroom/app/reason"
)

// reportHeader is the first line of every report.
var reportHeader = []string{
	"Row", "Address", "Name", "State", "Attempts", "Sent at", "Message-ID",
	"Reply code", "Server reply", "Note", "Last change",
	"Bounce", "Bounce code", "Bounce reason", "Bounce diagnostic", "Bounced at",
	"Replied at", "Reply subject", "Automatic reply at", "Unsubscribed at", "Sent folder",
}

// reportTime is how reports show times: local, to the second, sortable.
const reportTime = "2006-01-02 15:04:05"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(reportTime)
}

// reportCells turns a row into its report line.
func reportCells(r Row) []string {
	note := r.SkipReason
	if !r.InSource {
		note = strings.TrimSpace("not in the spreadsheet any more. " + note)
	}
	code := ""
	if r.Code != 0 {
		code = strconv.Itoa(r.Code)
	}
	return []string{
		strconv.Itoa(r.Number), r.Address, r.Name, string(r.State), strconv.Itoa(r.Attempts),
		formatTime(r.SentAt), r.MessageID, code, r.Reply, note, formatTime(r.Updated),
		r.Bounce, r.BounceStatus, bounceReason(r.Mailbox), r.BounceText, formatTime(r.BouncedAt),
		formatTime(r.RepliedAt), r.ReplySubject, formatTime(r.AutoReplyAt), formatTime(r.Unsubscribed), sentFolderNote(r),
	}
}

// bounceReason is the bounce in plain words, empty without one.
func bounceReason(m Mailbox) string {
	if m.Bounce == "" {
		return ""
	}
	return reason.Explain(m.BounceStatus, m.BounceText).String()
}

// sentFolderNote says what the Sent folder told about an unknown row.
func sentFolderNote(r Row) string {
	switch {
	case r.Settled == SettledSentFolder:
		return "found: sent"
	case r.Settled != "":
		return "settled by a " + r.Settled
	case r.State == StateUnknown && !r.NotInSent.IsZero():
		return "not found: send again?"
	}
	return ""
}

// BounceNote is a row's bounce in one line for the results workbook:
// "hard 5.1.1: mailbox does not exist"; "" without one.
func BounceNote(m Mailbox) string {
	if m.Bounce == "" {
		return ""
	}
	return strings.TrimSpace(m.Bounce+" "+m.BounceStatus) + ": " + bounceReason(m)
}

// ResponseNote is how the recipient answered, in one line for the
// results workbook: "replied 2025-03-04 10:12", "automatic reply",
// "unsubscribed 2025-03-04 11:00", joined with "; ".
func ResponseNote(m Mailbox) string {
	var parts []string
	if !m.RepliedAt.IsZero() {
		parts = append(parts, "replied "+m.RepliedAt.Local().Format("2006-01-02 15:04"))
	}
	if !m.AutoReplyAt.IsZero() {
		parts = append(parts, "automatic reply")
	}
	if !m.Unsubscribed.IsZero() {
		parts = append(parts, "unsubscribed "+m.Unsubscribed.Local().Format("2006-01-02 15:04"))
	}
	return strings.Join(parts, "; ")
}

// WriteCSV writes the per-row report as UTF-8 CSV with a byte-order mark,
// which is what makes Excel open Chinese text correctly. Cells that
// Excel would run as a formula (starting with = + - @) get a leading
// apostrophe.
func WriteCSV(w io.Writer, rows []Row) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(reportHeader); err != nil {
		return err
	}
	for _, r := range rows {
		cells := reportCells(r)
		for i, c := range cells {
			cells[i] = defuseFormula(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteXLSX writes the per-row report as an Excel workbook with one sheet.
// Every cell is text (never a formula); numbers are numbers.
func WriteXLSX(w io.Writer, rows []Row) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Report"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	header := make([]any, len(reportHeader))
	for i, h := range reportHeader {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, r := range rows {
		cells := reportCells(r)
		values := make([]any, len(cells))
		for k, c := range cells {
			values[k] = c
		}
		values[0], values[4] = r.Number, r.Attempts
		if r.Code != 0 {
			values[7] = r.Code
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, values); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// ExportReport writes the campaign's per-row report to path, as CSV or
// XLSX by its extension. The file appears complete or not at all.
func (j *Journal) ExportReport(campaign int64, path string) error {
	var write func(io.Writer, []Row) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		write = WriteCSV
	case ".xlsx":
		write = WriteXLSX
	default:
		return fmt.Errorf("%w: %s (use .csv or .xlsx)", ErrReportFormat, path)
	}
	if err := j.Flush(); err != nil {
		return err
	}
	rows, err := j.Rows(campaign)
	if err != nil {
		return err
	}
	return writeAtomically(path, func(w io.Writer) error { return write(w, rows) })
}

// writeAtomically replaces path through atomicfile, so a crash or a full
// disk never leaves half a report; a new report is readable by others.
func writeAtomically(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, 0o644, write); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return nil
}
