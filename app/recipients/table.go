package recipients

// Table is a whole recipient list in memory, for small files and tests;
// large lists should be streamed with Open.
type Table struct {
	File      string
	Sheet     string
	Sheets    []SheetInfo
	HeaderRow int
	Columns   Columns
	// Email is the address column; HasEmail is false when none was found.
	Email    Column
	HasEmail bool
	// Encoding and Delimiter describe a text file ("" and 0 for workbooks).
	Encoding  string
	Delimiter rune
	Rows      []Row
}

// Load reads a whole recipient file; see Open for the options and errors.
func Load(path string, opts ...Option) (*Table, error) {
	r, err := Open(path, opts...)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	t := &Table{File: path, Sheet: r.Sheet(), Sheets: r.Sheets(), HeaderRow: r.HeaderRow(), Columns: r.Columns(),
		Encoding: r.Encoding(), Delimiter: r.Delimiter()}
	t.Email, t.HasEmail = r.EmailColumn()
	for r.Next() {
		t.Rows = append(t.Rows, r.Row())
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return t, r.Close()
}
