package recipients

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// Column is one column of the recipient table.
type Column struct {
	// Name is unique in the table (case-insensitively) and is what merge
	// fields refer to: the header text, or "Column C" for a blank header,
	// or "Name (2)" for the second column headed "Name".
	Name string
	// Header is the header cell's text as written (line breaks folded).
	Header string
	// Letter is the spreadsheet column ("A", "AB"), also for CSV files,
	// because Excel shows them with letters too.
	Letter string
	// Index is the position in Row.Values.
	Index int
}

// Renamed reports whether Name differs from the header text, so the UI can
// show the user why a field is called "Column C" or "Name (2)".
func (c Column) Renamed() bool { return c.Name != c.Header }

// Columns is the table's header, in sheet order.
type Columns []Column

// Find returns the column the user means by name: the exact name, else a
// case- and space-insensitive match of the name or header text, else the
// column letter.
func (cs Columns) Find(name string) (Column, bool) {
	for _, c := range cs {
		if c.Name == name {
			return c, true
		}
	}
	key := foldName(name)
	for _, c := range cs {
		if foldName(c.Name) == key {
			return c, true
		}
	}
	for _, c := range cs {
		if foldName(c.Header) == key && key != "" {
			return c, true
		}
	}
	for _, c := range cs {
		if strings.EqualFold(c.Letter, strings.TrimSpace(name)) {
			return c, true
		}
	}
	return Column{}, false
}

// Names lists the column names, for "choose one of …" hints.
func (cs Columns) Names() []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return names
}

func foldName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// buildColumns names the columns from first to last (0-based sheet
// indexes) using the header cells.
func buildColumns(header []string, first, last int) Columns {
	cols := make(Columns, 0, last-first+1)
	used := map[string]bool{}
	for i := first; i <= last; i++ {
		text := ""
		if i < len(header) {
			text = strings.Join(strings.Fields(header[i]), " ")
		}
		letter, _ := excelize.ColumnNumberToName(i + 1)
		name := text
		if name == "" {
			name = "Column " + letter
		}
		if used[strings.ToLower(name)] {
			base := name
			for n := 2; used[strings.ToLower(name)]; n++ {
				name = base + " (" + strconv.Itoa(n) + ")"
			}
		}
		used[strings.ToLower(name)] = true
		cols = append(cols, Column{Name: name, Header: text, Letter: letter, Index: i - first})
	}
	return cols
}

// emailHeaders are header texts that name an address column, compared
// after removing case, spaces and punctuation (so "E-Mail Address:" and
// "email_address" match).
var emailHeaders = map[string]bool{
	"email": true, "mail": true, "emailaddress": true, "mailaddress": true, "emails": true,
	"emailadresse": true, "mailadresse": true, "courriel": true, "correo": true, "correoelectronico": true,
	"邮箱": true, "电子邮箱": true, "电子邮件": true, "邮件地址": true, "邮件": true, "邮箱地址": true,
	"电邮": true, "电子邮件地址": true, "电邮地址": true, "郵箱": true, "電子郵件": true, "電郵": true, "郵件地址": true,
}

// emailHeaderFragments catch longer headers such as "Work email" or
// "客户邮箱".
var emailHeaderFragments = []string{"email", "邮箱", "电子邮件", "邮件地址", "電子郵件", "郵箱"}

func squashHeader(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// headerScore rates how clearly a header names the address column: 2 for
// a known name, 1 for a name containing one, 0 otherwise.
func headerScore(header string) int {
	h := squashHeader(header)
	if emailHeaders[h] {
		return 2
	}
	for _, f := range emailHeaderFragments {
		if strings.Contains(h, f) {
			return 1
		}
	}
	return 0
}

// headerCandidates is how many non-empty rows the header detection looks
// at: enough to skip a title and a subtitle above the table.
const headerCandidates = 10

// chooseHeader returns the index of the header among the first rows: the
// first row filled at least half as wide as the widest, so a title merged
// across the top of the sheet is not taken for the header.
func chooseHeader(rows []rawRow) int {
	n := min(len(rows), headerCandidates)
	widest := 0
	for _, row := range rows[:n] {
		widest = max(widest, row.filled)
	}
	for i, row := range rows[:n] {
		if row.filled*2 >= widest {
			return i
		}
	}
	return 0
}

func tableBounds(header rawRow, data []rawRow) (first, last int) {
	first, last = -1, -1
	note := func(cells []string, links map[int]string) {
		for i, c := range cells {
			if c != "" {
				if first < 0 || i < first {
					first = i
				}
				last = max(last, i)
			}
		}
		for i := range links {
			if first < 0 || i < first {
				first = i
			}
			last = max(last, i)
		}
	}
	note(header.cells, header.mailto)
	for _, row := range data {
		note(row.cells, row.mailto)
	}
	return max(first, 0), max(last, 0)
}
