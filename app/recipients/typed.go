package recipients

import (
	"strings"

	"mailroom/app/msg"
)

// The columns of a typed list that has no header line of its own.
const (
	TypedNameColumn  = "Name"
	TypedEmailColumn = "Email"
)

// OpenTyped reads recipients the user typed or pasted instead of choosing
// a file, and returns a Reader like Open's, so they get the same
// validation, duplicate and do-not-send checks. It accepts:
//
//   - a list: one recipient per line, or several separated by , ; ；， 、
//     each written "Name <address>", "address", "Name address" or
//     "address Name" (what Outlook, WeChat and QQ copy);
//   - a table copied from Excel: cells separated by tabs, with an
//     optional header line (a first line without any address), whose
//     columns become merge fields like a spreadsheet's.
//
// A list has the columns Name and Email and numbers its recipients from 1;
// a table's rows are numbered by their line. Of the options only
// WithEmailColumn applies.
func OpenTyped(text string, opts ...Option) (*Reader, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	text = strings.TrimPrefix(strings.ReplaceAll(text, "\r\n", "\n"), "\ufeff")
	var t typedTable
	if strings.Contains(text, "\t") {
		t = parseTypedTable(text)
	} else {
		t = parseTypedList(text)
	}
	if len(t.rows) == 0 {
		return nil, fileErr(ErrNoData, "", msg.T("no recipients are typed"), msg.T("type or paste the addresses, one per line"), nil)
	}
	width := len(t.header)
	for _, row := range t.rows {
		width = max(width, len(row.cells))
	}
	r := &Reader{cfg: cfg, email: -1, headerRow: t.headerRow, pending: t.rows}
	r.columns = buildColumns(t.header, 0, width-1)
	for i := range r.pending {
		for len(r.pending[i].cells) < width {
			r.pending[i].cells = append(r.pending[i].cells, "")
		}
	}
	if err := r.chooseEmailColumn(); err != nil {
		return nil, err
	}
	return r, nil
}

// typedTable is typed text cut into a header and rows.
type typedTable struct {
	header    []string
	headerRow int // 0 when the header was not typed
	rows      []rawRow
}

// parseTypedTable reads tab-separated lines, as Excel and WPS copy cells.
func parseTypedTable(text string) typedTable {
	var t typedTable
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		cells := strings.Split(line, "\t")
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		if t.header == nil && len(t.rows) == 0 && !strings.Contains(line, "@") {
			t.header, t.headerRow = cells, i+1
			continue
		}
		t.rows = append(t.rows, rawRow{number: i + 1, cells: cells, filled: countFilled(cells)})
	}
	if t.header == nil {
		t.header = typedHeader(t.rows)
	}
	return t
}

// typedHeader names the columns of a pasted table without header line: the
// one holding addresses is Email, the first other one Name, the rest keep
// their letters.
func typedHeader(rows []rawRow) []string {
	width, emailCol, best := 0, -1, 0
	for _, r := range rows {
		width = max(width, len(r.cells))
	}
	for col := range width {
		n := 0
		for _, r := range rows {
			if col < len(r.cells) && strings.Contains(r.cells[col], "@") {
				n++
			}
		}
		if n > best {
			emailCol, best = col, n
		}
	}
	header := make([]string, width)
	named := false
	for col := range header {
		switch {
		case col == emailCol:
			header[col] = TypedEmailColumn
		case !named:
			header[col], named = TypedNameColumn, true
		}
	}
	return header
}

// parseTypedList reads recipients one per line or separated by
// punctuation, each with an optional name.
func parseTypedList(text string) typedTable {
	t := typedTable{header: []string{TypedNameColumn, TypedEmailColumn}}
	for _, entry := range SplitCell(text) {
		name, addr := splitNameAddress(entry)
		cells := []string{name, addr}
		t.rows = append(t.rows, rawRow{number: len(t.rows) + 1, cells: cells, filled: countFilled(cells)})
	}
	return t
}

// splitNameAddress separates the name from the address in one typed
// recipient. What it cannot take apart stays whole in the address, where
// validation says what is wrong with it.
func splitNameAddress(entry string) (name, addr string) {
	entry = strings.TrimSpace(entry)
	if open := strings.LastIndexByte(entry, '<'); open >= 0 && strings.HasSuffix(entry, ">") {
		return cleanName(entry[:open]), strings.TrimSpace(entry[open+1 : len(entry)-1])
	}
	fields := strings.Fields(entry)
	if len(fields) < 2 {
		return "", entry
	}
	switch last := len(fields) - 1; {
	case strings.Contains(fields[last], "@") && !strings.Contains(strings.Join(fields[:last], " "), "@"):
		return cleanName(strings.Join(fields[:last], " ")), fields[last]
	case strings.Contains(fields[0], "@") && !strings.Contains(strings.Join(fields[1:], " "), "@"):
		return cleanName(strings.Join(fields[1:], " ")), fields[0]
	}
	return "", entry
}

func cleanName(s string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"'“”‘’`))
}
