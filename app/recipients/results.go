package recipients

import (
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"

	"mailroom/app/atomicfile"
	"mailroom/app/msg"
)

// RowResult is what happened to one row, written next to it in the copy.
type RowResult struct {
	// Status is "sent", "failed", "unknown", "skipped", … as the caller
	// names it.
	Status    string
	Time      time.Time
	MessageID string
	// Reply is the server's last reply, e.g. "250 2.0.0 Ok: queued".
	Reply string
	// Bounce is what a bounce said later ("hard 5.1.1: mailbox does not
	// exist"), and Response how the recipient answered ("replied
	// 2025-03-04 10:12", "automatic reply", "unsubscribed"); empty when
	// the mailbox said nothing.
	Bounce, Response string
}

// ResultHeaders are the English headers of the columns added to the copy,
// in order. A source that already has them, in any language (a copy from
// an earlier run), gets them updated instead of added twice.
var ResultHeaders = resultHeaders(msg.English)

// resultHeaderTexts are the result columns' headers as catalogue texts.
func resultHeaderTexts() []msg.Text {
	return []msg.Text{msg.T("Mailroom status"), msg.T("Mailroom time"), msg.T("Mailroom Message-ID"), msg.T("Mailroom server reply"),
		msg.T("Mailroom bounce"), msg.T("Mailroom response")}
}

func resultHeaders(l msg.Language) []string {
	texts := resultHeaderTexts()
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = t.In(l)
	}
	return out
}

// isResultHeader reports whether header is result column i in some
// language.
func isResultHeader(header string, i int) bool {
	for _, l := range msg.Languages() {
		if resultHeaderTexts()[i].In(l) == header {
			return true
		}
	}
	return false
}

// WriteResults writes a copy of the recipient file src to dst with the
// result columns added on the recipients sheet, filled for the rows in
// results (keyed by spreadsheet row number). Every other sheet, column and
// format of a workbook is kept; a text file is written in its own
// encoding and delimiter. The original is never modified: dst must be a
// different file with the same kind of extension. opts select the sheet
// and header row exactly as for Open.
func WriteResults(src, dst string, results map[int]RowResult, opts ...Option) error {
	if err := checkTarget(src, dst); err != nil {
		return err
	}
	r, err := Open(src, opts...)
	if err != nil {
		return err
	}
	sheet, headerRow, cols, layout := r.sheet, r.headerRow, r.columns, r.layout
	headers := resultHeaders(r.cfg.lang)
	if r.cfg.lang == "" {
		headers = ResultHeaders
	}
	first := r.first
	if cerr := r.Close(); cerr != nil {
		return cerr
	}
	if layout != nil {
		return writeCSVResults(src, dst, headerRow, headers, results)
	}
	return writeBookResults(src, dst, sheet, headerRow, cols, first, headers, results, defaultConfig())
}

func checkTarget(src, dst string) error {
	same := fileErr(ErrSameFile, dst, msg.T("the results copy would overwrite the original recipient list"),
		msg.T("choose another name for the copy"), nil)
	as, errA := filepath.Abs(src)
	ad, errB := filepath.Abs(dst)
	if errA == nil && errB == nil && as == ad {
		return same
	}
	si, errA := os.Stat(src)
	di, errB := os.Stat(dst)
	if errA == nil && errB == nil && os.SameFile(si, di) {
		return same
	}
	srcExt, dstExt := strings.ToLower(filepath.Ext(src)), strings.ToLower(filepath.Ext(dst))
	if srcExt != dstExt {
		return fileErr(ErrUnsupported, dst, msg.T("the results copy must have the same kind of name as the original ({{.Extension}})", "Extension", displayExt(srcExt)),
			msg.T("name the copy …{{.Extension}}", "Extension", srcExt), nil)
	}
	return nil
}

func writeBookResults(src, dst, sheet string, headerRow int, cols Columns, first int, headers []string, results map[int]RowResult, cfg config) error {
	f, err := excelize.OpenFile(src, excelizeOptions(cfg))
	if err != nil {
		return classifyExcelizeErr(src, err)
	}
	defer f.Close()
	// Reuse result columns of an earlier copy; otherwise append after the
	// last used column of the sheet, not just of the table.
	resultCol := make([]int, len(headers))
	for i := range headers {
		for _, c := range cols {
			if isResultHeader(c.Header, i) {
				resultCol[i] = first + c.Index + 1
			}
		}
	}
	next := first + len(cols) + 1
	if dim, err := f.GetSheetDimension(sheet); err == nil && dim != "" {
		if rg, err := parseRange(dim); err == nil {
			next = max(next, rg.right+1)
		}
	}
	headerStyle := 0
	if len(cols) > 0 {
		headerStyle, _ = f.GetCellStyle(sheet, cellName(first+len(cols), headerRow))
	}
	for i, h := range headers {
		if resultCol[i] == 0 {
			resultCol[i] = next
			next++
		}
		ref := cellName(resultCol[i], headerRow)
		if err := f.SetCellStr(sheet, ref, h); err != nil {
			return err
		}
		if headerStyle != 0 {
			_ = f.SetCellStyle(sheet, ref, ref, headerStyle)
		}
	}
	// An explicit format: excelize's default for times depends on the
	// cell's existing style and can show only "May-24".
	timeFormat := "yyyy-mm-dd hh:mm"
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &timeFormat})
	if err != nil {
		return err
	}
	for row, res := range results {
		if row <= headerRow {
			continue
		}
		values := []any{res.Status, nil, res.MessageID, res.Reply, res.Bounce, res.Response}
		if !res.Time.IsZero() {
			// Excel has no time zones: write the time the user's clock showed.
			values[1] = res.Time.Local()
		}
		for i, v := range values {
			if v == nil {
				continue
			}
			ref := cellName(resultCol[i], row)
			if err := f.SetCellValue(sheet, ref, v); err != nil {
				return err
			}
			if i == 1 {
				if err := f.SetCellStyle(sheet, ref, ref, timeStyle); err != nil {
					return err
				}
			}
		}
	}
	return saveAtomically(dst, func(w io.Writer) error { return f.Write(w) })
}

// saveAtomically writes the copy through atomicfile, so a failure never
// leaves a half-written copy under the user's chosen name. A failure is
// the target's (folder, disk, a program holding the file), never the
// recipient list's: it is ErrNotWritten, not ErrCorrupt.
func saveAtomically(dst string, write func(w io.Writer) error) error {
	err := atomicfile.Write(dst, 0o644, write)
	var pe *fs.PathError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe) && pe.Op == "replace":
		return fileErr(ErrNotWritten, dst, msg.T("the results copy could not be saved under this name"),
			msg.T("close it if it is open in Excel, or choose another name"), err)
	}
	return fileErr(ErrNotWritten, dst, msg.T("the results copy could not be written"), msg.T("check the folder is writable and has space"), err)
}

func writeCSVResults(src, dst string, headerRow int, headers []string, results map[int]RowResult) error {
	in, err := newCSVSource(src)
	if err != nil {
		return err
	}
	defer in.close()
	return saveAtomically(dst, func(w io.Writer) error { return copyCSVWithResults(in, w, headerRow, headers, results) })
}

func copyCSVWithResults(in *csvSource, out io.Writer, headerRow int, headers []string, results map[int]RowResult) error {
	if _, err := out.Write(in.layout.enc.bom); err != nil {
		return err
	}
	if in.layout.enc.enc == encUTF8.enc {
		return copyCSVRecords(in, out, headerRow, headers, results)
	}
	// a server reply may hold characters GBK cannot encode
	tw := transform.NewWriter(out, encoding.ReplaceUnsupported(in.layout.enc.enc.NewEncoder()))
	if err := copyCSVRecords(in, tw, headerRow, headers, results); err != nil {
		tw.Close()
		return err
	}
	return tw.Close()
}

func copyCSVRecords(in *csvSource, text io.Writer, headerRow int, headers []string, results map[int]RowResult) error {
	if in.layout.sepLine {
		if _, err := io.WriteString(text, "sep="+string(in.layout.comma)+"\r\n"); err != nil {
			return err
		}
	}
	w := csv.NewWriter(text)
	w.Comma, w.UseCRLF = in.layout.comma, true
	prev := 0
	for in.next() {
		row := in.row()
		// csv skips blank lines; write them back so row numbers still match
		if gap := row.number - prev - 1; gap > 0 {
			w.Flush()
			if _, err := io.WriteString(text, strings.Repeat("\r\n", gap)); err != nil {
				return err
			}
		}
		prev = row.number
		rec := row.cells
		switch res, ok := results[row.number]; {
		case row.number == headerRow:
			rec = append(rec, headers...)
		case ok && row.number > headerRow:
			ts := ""
			if !res.Time.IsZero() {
				ts = res.Time.Local().Format("2006-01-02 15:04:05")
			}
			rec = append(rec, res.Status, ts, res.MessageID, res.Reply, res.Bounce, res.Response)
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return in.err()
}
