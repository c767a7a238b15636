package recipients

import (
	"errors"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"mailroom/app/msg"
)

// xlsxSource streams a worksheet through excelize's Rows iterator, applying
// merged ranges and mailto: links read from the sheet's tail.
type xlsxSource struct {
	path      string
	sheet     string
	rows      *excelize.Rows
	extras    sheetExtras
	nextMerge int
	active    []activeMerge
	number    int
	cur       rawRow
	failure   error
}

func newXLSXSource(path string, f *excelize.File, sheet string, extras sheetExtras) (*xlsxSource, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, classifyExcelizeErr(path, err)
	}
	return &xlsxSource{path: path, sheet: sheet, rows: rows, extras: extras}, nil
}

// activeMerge is a merged range covering the current row, with the value of
// its top-left cell.
type activeMerge struct {
	cellRange
	value string
}

func (s *xlsxSource) next() bool {
	if s.failure != nil || !s.rows.Next() {
		return false
	}
	// Next advances one spreadsheet row at a time, including rows absent
	// from the XML, so counting calls yields the row number Excel shows.
	s.number++
	cells, err := s.rows.Columns()
	if err != nil {
		s.failure = classifyExcelizeErr(s.path, err)
		return false
	}
	for i, c := range cells {
		cells[i] = plainNumber(c)
	}
	s.cur = rawRow{number: s.number, cells: cells, hidden: s.rows.GetRowOpts().Hidden, filled: countFilled(cells)}
	if !s.applyMerges() {
		s.failure = fileErr(ErrCorrupt, s.path, msg.T("the file is damaged: its merged cells overlap"),
			openAndSaveAsXLSX(), nil)
		s.failure.(*FileError).Sheet = s.sheet
		return false
	}
	s.applyLinks()
	return true
}

// maxColumns is Excel's number of columns: merged ranges that do not
// overlap (Excel refuses overlapping ones) cover at most this many on a row.
const maxColumns = 16384

// applyMerges copies a merged range's value into every cell it covers, as
// the user sees one value spanning them. Merges are sorted by top row, so
// each row only looks at the ranges that cover it. It reports false when
// more ranges cover the row than it has columns: they overlap, which only
// a damaged or crafted file does, and each row would cost time in their
// number.
func (s *xlsxSource) applyMerges() bool {
	for s.nextMerge < len(s.extras.merges) && s.extras.merges[s.nextMerge].top <= s.number {
		s.active = append(s.active, activeMerge{cellRange: s.extras.merges[s.nextMerge]})
		s.nextMerge++
		// ranges of the previous row are still listed until the loop below
		if len(s.active) > 2*maxColumns {
			return false
		}
	}
	kept := s.active[:0]
	for _, m := range s.active {
		if m.bottom < s.number {
			continue
		}
		if m.top == s.number && m.left-1 < len(s.cur.cells) {
			m.value = s.cur.cells[m.left-1]
		}
		if m.value != "" {
			for len(s.cur.cells) < m.right {
				s.cur.cells = append(s.cur.cells, "")
			}
			for c := m.left; c <= m.right; c++ {
				s.cur.cells[c-1] = m.value
			}
		}
		kept = append(kept, m)
	}
	s.active = kept
	return true
}

func (s *xlsxSource) applyLinks() {
	if links, ok := s.extras.mailto[s.number]; ok {
		s.cur.mailto = links
	}
}

func (s *xlsxSource) row() *rawRow { return &s.cur }

func (s *xlsxSource) err() error {
	if s.failure != nil {
		return s.failure
	}
	if err := s.rows.Error(); err != nil {
		return classifyExcelizeErr(s.path, err)
	}
	return nil
}

func (s *xlsxSource) close() error { return s.rows.Close() }

// plainNumber undoes Excel's General-format scientific notation (a phone
// number or ID typed as a number shows as 1.23457E+11): the user expects
// the digits, and merging "1.23457E+11" into a message is never wanted.
func plainNumber(s string) string {
	i := strings.IndexAny(s, "Ee")
	if i <= 0 || i+1 >= len(s) || (s[i+1] != '+' && s[i+1] != '-') {
		return s
	}
	for _, r := range s[:i] {
		if (r < '0' || r > '9') && r != '.' && r != '-' {
			return s
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// classifyExcelizeErr turns excelize's errors into messages for the user.
func classifyExcelizeErr(path string, err error) error {
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		return err
	case errors.Is(err, excelize.ErrWorkbookPassword), errors.Is(err, excelize.ErrWorkbookFileFormat):
		return fileErr(ErrEncrypted, path, msg.T("the workbook is password-protected"),
			msg.T("open it in Excel, remove the password and save it as .xlsx"), err)
	case errors.Is(err, excelize.ErrMaxRows):
		return fileErr(ErrCorrupt, path, msg.T("the sheet claims more rows than Excel allows (1,048,576), so the file is damaged"),
			openAndSaveAsXLSX(), err)
	case strings.Contains(err.Error(), "unzip size"):
		// excelize reports its unzip limit only as a formatted string.
		return fileErr(ErrTooLarge, path, msg.T("the workbook unpacks to more than Mailroom accepts; the file may be damaged or hostile"),
			msg.T("if it is a genuine list, split it into smaller workbooks or save it as .csv"), err)
	}
	return fileErr(ErrCorrupt, path, msg.T("the file is damaged or is not really an Excel workbook"),
		openAndSaveAsXLSX(), err)
}
