package recipients

import (
	"os"
	"strings"

	"github.com/xuri/excelize/v2"

	"mailroom/app/msg"
)

// Row is one data row of the recipient table.
type Row struct {
	// Number is the spreadsheet row number the user sees in Excel (for a
	// text file, the row Excel would show it on).
	Number int
	// Values holds one cell per column, as the user sees it, indexed by
	// Column.Index.
	Values []string
	// Hidden is set for rows hidden in Excel (for example by a filter).
	Hidden bool
	mailto map[int]string
}

// Value returns the cell of column index col, or "" past the row's end.
func (r Row) Value(col int) string {
	if col < 0 || col >= len(r.Values) {
		return ""
	}
	return r.Values[col]
}

// Mailto returns the address of a mailto: hyperlink on the cell of column
// index col, or "".
func (r Row) Mailto(col int) string { return r.mailto[col] }

// Reader streams the data rows of a recipient file. Open reads ahead only
// as far as the header and a preview of rows, so the first rows are
// available long before a large file has been read.
type Reader struct {
	path      string
	cfg       config
	book      *excelize.File
	sheets    []SheetInfo
	sheet     string
	layout    *textLayout
	src       source
	pending   []rawRow
	pos       int
	headerRow int
	columns   Columns
	first     int // sheet column index of Columns[0]
	email     int // index into columns, -1 when none
	cur       Row
	early     extrasResult
	// budget is what reading the workbook may cost (nil for text files).
	budget *memoryBudget
}

// Open opens a recipient file (.xlsx, .xlsm, .xltx, .csv, .txt), finds the
// sheet, the header row and the email column, and returns a Reader
// positioned before the first data row. Errors are *FileError values whose
// message tells the user what is wrong and what to do.
func Open(path string, opts ...Option) (*Reader, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	kind, err := sniff(path, cfg.maxUnpacked)
	if err != nil {
		return nil, err
	}
	r := &Reader{path: path, cfg: cfg, email: -1}
	if kind == formatWorkbook {
		err = r.openWorkbook()
	} else {
		var src *csvSource
		if src, err = newCSVSource(path); err == nil {
			r.src, r.layout = src, &src.layout
			err = r.fillFromStart()
			if err == nil && len(r.pending) == 0 && r.cfg.headerRow == 0 {
				err = fileErr(ErrNoData, path, msg.T("the file holds no rows"), msg.T("choose the file that holds your recipient list"), nil)
			}
		}
	}
	if err == nil {
		err = r.readHeader()
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Reader) openWorkbook() error {
	info, err := os.Stat(r.path)
	if err != nil {
		return classifyExcelizeErr(r.path, err)
	}
	r.budget = newMemoryBudget(r.path, info.Size())
	pkg, err := openPackage(r.path, r.budget, r.cfg.xmlInMemory())
	if err != nil {
		return classifyExcelizeErr(r.path, err)
	}
	defer pkg.Close()
	// Reading the likely sheet's merges and links costs one inflate of its
	// XML, measuring the shared strings another of theirs; do both while
	// excelize opens the file, which does the same. Both finish before a
	// row is read, which is when excelize first parses either.
	guess := guessSheet(pkg.sheets, r.cfg.sheet)
	early, strs := make(chan extrasResult, 1), make(chan error, 1)
	go func() {
		ex, err := pkg.readExtras(guess)
		early <- extrasResult{part: guess.part, extras: ex, err: err}
	}()
	go func() { strs <- pkg.meterSharedStrings() }()
	r.book, err = excelize.OpenFile(r.path, excelizeOptions(r.cfg))
	r.early = <-early
	r.early.sharedStrings = <-strs
	if err == nil {
		err = r.early.sharedStrings
	}
	if err != nil {
		return classifyExcelizeErr(r.path, err)
	}
	for _, s := range pkg.sheets {
		r.sheets = append(r.sheets, s.SheetInfo)
	}
	if r.cfg.sheet != "" {
		sp, ok := findSheet(pkg.sheets, r.cfg.sheet)
		if !ok {
			return fileErr(ErrSheetNotFound, r.path, msg.T(`there is no sheet named "{{.Sheet}}"`, "Sheet", r.cfg.sheet),
				msg.T("choose one of: {{.Columns}}", "Columns", strings.Join(sheetNames(pkg.sheets), ", ")), nil)
		}
		if err := r.useSheet(pkg, sp); err != nil {
			return err
		}
		if len(r.pending) == 0 {
			return &FileError{Problem: Problem{Code: codeFor(ErrNoData), File: r.path, Sheet: sp.Name}.Say(
				msg.T("the sheet is empty"), msg.T("choose the sheet that holds your recipient list")), Kind: ErrNoData}
		}
		return nil
	}
	for _, sp := range pkg.sheets {
		if sp.Hidden {
			continue
		}
		if err := r.useSheet(pkg, sp); err != nil {
			return err
		}
		if len(r.pending) > 0 {
			return nil
		}
		r.src.close()
		r.src = nil
	}
	hint := msg.T("add your recipient list to the workbook")
	if len(pkg.sheets) > 0 {
		hint = msg.T("the data may be on a hidden sheet; choose one of: {{.Sheets}}", "Sheets", strings.Join(sheetNames(pkg.sheets), ", "))
	}
	return fileErr(ErrNoData, r.path, msg.T("the visible sheets of the workbook are empty"), hint, nil)
}

type extrasResult struct {
	part   string
	extras sheetExtras
	err    error
	// sharedStrings is the verdict on the shared string table.
	sharedStrings error
}

// excelizeOptions are the options every excelize.OpenFile of a recipient
// workbook uses: the unpacked-size limits the package checks assume
// (see budget.go) and the date pattern.
func excelizeOptions(cfg config) excelize.Options {
	return excelize.Options{
		UnzipSizeLimit:    cfg.maxUnpacked,
		UnzipXMLSizeLimit: cfg.xmlInMemory(),
		ShortDatePattern:  cfg.datePattern,
	}
}

// guessSheet is the sheet Open will most likely read: the one asked for,
// else the first visible one.
func guessSheet(sheets []sheetPart, name string) sheetPart {
	if sp, ok := findSheet(sheets, name); ok && name != "" {
		return sp
	}
	for _, sp := range sheets {
		if !sp.Hidden {
			return sp
		}
	}
	return sheetPart{}
}

func (r *Reader) useSheet(pkg *packageIndex, sp sheetPart) error {
	extras, err := r.early.extras, r.early.err
	if r.early.part != sp.part {
		extras, err = pkg.readExtras(sp)
	}
	if err != nil {
		return classifyExcelizeErr(r.path, err)
	}
	src, err := newXLSXSource(r.path, r.book, sp.Name, extras)
	if err != nil {
		return err
	}
	r.src, r.sheet = src, sp.Name
	return r.fillFromStart()
}

func findSheet(sheets []sheetPart, name string) (sheetPart, bool) {
	for _, s := range sheets {
		if s.Name == name {
			return s, true
		}
	}
	for _, s := range sheets {
		if strings.EqualFold(strings.TrimSpace(s.Name), strings.TrimSpace(name)) {
			return s, true
		}
	}
	return sheetPart{}, false
}

func sheetNames(sheets []sheetPart) []string {
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = quote(s.Name)
		if s.Hidden {
			names[i] += " (hidden)"
		}
	}
	return names
}

// fillFromStart reads non-empty rows until the header can be chosen and a
// preview of data rows follows it.
func (r *Reader) fillFromStart() error {
	want := headerCandidates + r.cfg.peekRows
	if r.cfg.headerRow > 0 {
		want = 1 + r.cfg.peekRows
	}
	for len(r.pending) < want && r.src.next() {
		row := r.src.row()
		if row.empty() || row.number < r.cfg.headerRow {
			continue
		}
		r.pending = append(r.pending, *row)
	}
	return r.src.err()
}

func (r *Reader) readHeader() error {
	h := 0
	if r.cfg.headerRow > 0 {
		if len(r.pending) == 0 || r.pending[0].number != r.cfg.headerRow {
			return &FileError{Problem: Problem{Code: codeFor(ErrNoData), File: r.path, Sheet: r.sheet, Row: r.cfg.headerRow}.Say(
				msg.T("the header row is empty"), msg.T("choose the row that holds the column names")), Kind: ErrNoData}
		}
	} else {
		h = chooseHeader(r.pending)
	}
	header := r.pending[h]
	r.headerRow = header.number
	r.pending = r.pending[h+1:]
	first, last := tableBounds(header, r.pending)
	r.first = first
	r.columns = buildColumns(header.cells, first, last)
	for i := range r.pending {
		r.pending[i].cells = r.pending[i].cells[:min(len(r.pending[i].cells), last+1)]
	}
	return r.chooseEmailColumn()
}

// Next advances to the next non-empty data row.
func (r *Reader) Next() bool {
	for {
		var raw rawRow
		switch {
		case r.pos < len(r.pending):
			raw = r.pending[r.pos]
			r.pending[r.pos] = rawRow{}
			r.pos++
		case r.pending != nil:
			r.pending, r.pos = nil, 0 // release the preview buffer
			continue
		case r.src != nil && r.src.next():
			raw = *r.src.row()
		default:
			return false
		}
		if r.convert(&raw) {
			return true
		}
	}
}

// convert cuts raw down to the table's columns; it reports false for a
// row that is empty there.
func (r *Reader) convert(raw *rawRow) bool {
	width := len(r.columns)
	cells := raw.cells
	if r.first < len(cells) {
		cells = cells[r.first:]
	} else {
		cells = nil
	}
	if len(cells) > width {
		cells = cells[:width]
	}
	filled := false
	for _, c := range cells {
		if c != "" {
			filled = true
			break
		}
	}
	var links map[int]string
	for col, addr := range raw.mailto {
		if i := col - r.first; i >= 0 && i < width {
			if links == nil {
				links = map[int]string{}
			}
			links[i] = addr
			filled = true
		}
	}
	if !filled {
		return false
	}
	for len(cells) < width {
		cells = append(cells, "")
	}
	r.cur = Row{Number: raw.number, Values: cells, Hidden: raw.hidden, mailto: links}
	return true
}

// Row returns the current row. Its Values stay valid after Next.
func (r *Reader) Row() Row { return r.cur }

// Err returns the error that stopped Next early, if any.
func (r *Reader) Err() error {
	if r.src == nil {
		return nil
	}
	return r.src.err()
}

// Close releases the file and excelize's temporary files.
func (r *Reader) Close() error {
	var err error
	if r.src != nil {
		err = r.src.close()
		r.src = nil
	}
	if r.book != nil {
		if cerr := r.book.Close(); err == nil {
			err = cerr
		}
		r.book = nil
	}
	return err
}

// Path returns the file being read.
func (r *Reader) Path() string { return r.path }

// Sheet returns the worksheet being read ("" for text files).
func (r *Reader) Sheet() string { return r.sheet }

// Sheets lists the workbook's worksheets for a sheet picker (nil for text
// files).
func (r *Reader) Sheets() []SheetInfo { return r.sheets }

// HeaderRow returns the spreadsheet row number of the header.
func (r *Reader) HeaderRow() int { return r.headerRow }

// Columns returns the table's columns.
func (r *Reader) Columns() Columns { return r.columns }

// EmailColumn returns the address column, detected or chosen; ok is false
// when no column looks like one.
func (r *Reader) EmailColumn() (col Column, ok bool) {
	if r.email < 0 {
		return Column{}, false
	}
	return r.columns[r.email], true
}

// Encoding returns the detected text encoding ("UTF-8", "UTF-16",
// "GB18030 (GBK)"), or "" for workbooks.
func (r *Reader) Encoding() string {
	if r.layout == nil {
		return ""
	}
	return r.layout.enc.Name
}

// Delimiter returns the detected field separator of a text file, or 0.
func (r *Reader) Delimiter() rune {
	if r.layout == nil {
		return 0
	}
	return r.layout.comma
}
