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
	"mailroom/app/msg"
	"mailroom/app/reason"
)

// reportHeader is the first line of every report, in the reader's
// language; its English is the documented one.
func reportHeader(lang msg.Language) []string {
	texts := []msg.Text{
		msg.T("Row"), msg.T("Address"), msg.T("Name"), msg.T("State"), msg.T("Attempts"), msg.T("Sent at"), msg.T("Message-ID"),
		msg.T("Reply code"), msg.T("Server reply"), msg.T("Note"), msg.T("Last change"),
		msg.T("Bounce"), msg.T("Bounce code"), msg.T("Bounce reason"), msg.T("Bounce diagnostic"), msg.T("Bounced at"),
		msg.T("Replied at"), msg.T("Reply subject"), msg.T("Automatic reply at"), msg.T("Unsubscribed at"), msg.T("Sent folder"),
	}
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = t.In(lang)
	}
	return out
}

// Note is why the row was skipped, and that it left the spreadsheet, in
// the user's language (the skip reason is a stored msg.Text; journals of
// older versions hold it in English).
func (r Row) Note() msg.Text {
	note := msg.Stored(r.SkipReason)
	if r.InSource {
		return note
	}
	if note.IsZero() {
		return msg.T("not in the spreadsheet any more.")
	}
	return msg.T("not in the spreadsheet any more. {{.Reason}}", "Reason", note)
}

// reportTime is how reports show times: local, to the second, sortable.
const reportTime = "2006-01-02 15:04:05"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(reportTime)
}

// reportCells turns a row into its report line in the reader's language.
func reportCells(r Row, lang msg.Language) []string {
	code := ""
	if r.Code != 0 {
		code = strconv.Itoa(r.Code)
	}
	return []string{
		strconv.Itoa(r.Number), r.Address, r.Name, r.State.Text().In(lang), strconv.Itoa(r.Attempts),
		formatTime(r.SentAt), r.MessageID, code, r.Reply, r.Note().In(lang), formatTime(r.Updated),
		bounceKind(r.Bounce).In(lang), r.BounceStatus, bounceReason(r.Mailbox).In(lang), r.BounceText, formatTime(r.BouncedAt),
		formatTime(r.RepliedAt), r.ReplySubject, formatTime(r.AutoReplyAt), formatTime(r.Unsubscribed), sentFolderNote(r).In(lang),
	}
}

// bounceKind is BounceHard or BounceSoft in the reader's language; its
// English is the stored word.
func bounceKind(kind string) msg.Text {
	switch kind {
	case BounceHard:
		return msg.T("hard")
	case BounceSoft:
		return msg.T("soft")
	}
	return msg.Raw(kind)
}

// bounceReason is the bounce in plain words, empty without one.
func bounceReason(m Mailbox) msg.Text {
	if m.Bounce == "" {
		return msg.Text{}
	}
	return reason.Explain(m.BounceStatus, m.BounceText)
}

// sentFolderNote says what the Sent folder told about an unknown row.
func sentFolderNote(r Row) msg.Text {
	switch {
	case r.Settled == SettledSentFolder:
		return msg.T("found: sent")
	case r.Settled == SettledBounce:
		return msg.T("settled by a bounce")
	case r.Settled == SettledReply:
		return msg.T("settled by a reply")
	case r.Settled != "":
		return msg.Raw("settled by a " + r.Settled)
	case r.State == StateUnknown && !r.NotInSent.IsZero():
		return msg.T("not found: send again?")
	}
	return msg.Text{}
}

// BounceNote is a row's bounce in one line for the results workbook, in
// English: "hard 5.1.1: mailbox does not exist"; "" without one. See
// BounceNoteIn.
func BounceNote(m Mailbox) string { return BounceNoteIn(m, msg.English) }

// BounceNoteIn is BounceNote in lang.
func BounceNoteIn(m Mailbox, lang msg.Language) string {
	if m.Bounce == "" {
		return ""
	}
	kind := strings.TrimSpace(bounceKind(m.Bounce).In(lang) + " " + m.BounceStatus)
	return msg.T("{{.Kind}}: {{.Reason}}", "Kind", kind, "Reason", bounceReason(m)).In(lang)
}

// ResponseNote is how the recipient answered, in one line for the
// results workbook, in English: "replied 2025-03-04 10:12", "automatic
// reply", "unsubscribed 2025-03-04 11:00", joined with "; ". See
// ResponseNoteIn.
func ResponseNote(m Mailbox) string { return ResponseNoteIn(m, msg.English) }

// ResponseNoteIn is ResponseNote in lang.
func ResponseNoteIn(m Mailbox, lang msg.Language) string {
	var parts []string
	if !m.RepliedAt.IsZero() {
		parts = append(parts, msg.T("replied {{.Time}}", "Time", m.RepliedAt.Local().Format("2006-01-02 15:04")).In(lang))
	}
	if !m.AutoReplyAt.IsZero() {
		parts = append(parts, msg.T("automatic reply").In(lang))
	}
	if !m.Unsubscribed.IsZero() {
		parts = append(parts, msg.T("unsubscribed {{.Time}}", "Time", m.Unsubscribed.Local().Format("2006-01-02 15:04")).In(lang))
	}
	return strings.Join(parts, msg.T("; ").In(lang))
}

// WriteCSV writes the per-row report in English; see WriteCSVIn.
func WriteCSV(w io.Writer, rows []Row) error { return WriteCSVIn(w, rows, msg.English) }

// WriteCSVIn writes the per-row report as UTF-8 CSV with a byte-order
// mark, which is what makes Excel open Chinese text correctly, with its
// headers, states and notes in lang. Cells that Excel would run as a
// formula (starting with = + - @) get a leading apostrophe.
func WriteCSVIn(w io.Writer, rows []Row, lang msg.Language) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(reportHeader(lang)); err != nil {
		return err
	}
	for _, r := range rows {
		cells := reportCells(r, lang)
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

// WriteXLSX writes the per-row report in English; see WriteXLSXIn.
func WriteXLSX(w io.Writer, rows []Row) error { return WriteXLSXIn(w, rows, msg.English) }

// WriteXLSXIn writes the per-row report as an Excel workbook with one
// sheet, its headers, states and notes in lang. Every cell is text (never a
// formula); numbers are numbers.
func WriteXLSXIn(w io.Writer, rows []Row, lang msg.Language) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := msg.T("Report").In(lang)
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
	names := reportHeader(lang)
	header := make([]any, len(names))
	for i, h := range names {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, r := range rows {
		cells := reportCells(r, lang)
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

// ExportReport writes the campaign's per-row report to path in English;
// see ExportReportIn.
func (j *Journal) ExportReport(campaign int64, path string) error {
	return j.ExportReportIn(campaign, path, msg.English)
}

// ExportReportIn writes the campaign's per-row report to path, as CSV or
// XLSX by its extension, in lang (the window's language; the headless
// command's --lang). The file appears complete or not at all.
func (j *Journal) ExportReportIn(campaign int64, path string, lang msg.Language) error {
	return j.ExportRowsIn(campaign, nil, path, lang)
}

// ExportRowsIn is ExportReportIn for the rows with these keys only (the
// rows a user picked in the window's log); nil keys means every row.
func (j *Journal) ExportRowsIn(campaign int64, keys []string, path string, lang msg.Language) error {
	var write func(io.Writer, []Row, msg.Language) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		write = WriteCSVIn
	case ".xlsx":
		write = WriteXLSXIn
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
	if keys != nil {
		keep := make(map[string]bool, len(keys))
		for _, k := range keys {
			keep[k] = true
		}
		picked := rows[:0]
		for _, r := range rows {
			if keep[r.Key] {
				picked = append(picked, r)
			}
		}
		rows = picked
	}
	return writeAtomically(path, func(w io.Writer) error { return write(w, rows, lang) })
}

// writeAtomically replaces path through atomicfile, so a crash or a full
// disk never leaves half a report; a new report is readable by others.
func writeAtomically(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, 0o644, write); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return nil
}
