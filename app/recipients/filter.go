package recipients

import (
	"strconv"
	"strings"

	"mailroom/app/msg"
)

// RowRange is an inclusive range of spreadsheet row numbers; To == 0
// means "to the end".
type RowRange struct{ From, To int }

func (r RowRange) contains(n int) bool { return n >= r.From && (r.To == 0 || n <= r.To) }

// ParseRowRanges reads ranges of spreadsheet row numbers as the user sees
// them in Excel: "10-200", "10-", "-200", "15", several separated by
// commas or spaces; en and em dashes and ".." also work.
func ParseRowRanges(s string) ([]RowRange, error) {
	bad := func(part string) error {
		return Problem{Code: "bad-filter"}.Say(msg.T(`the row range "{{.Range}}" is not understood`, "Range", part),
			msg.T("write it like 10-200 (rows as numbered in Excel), 10- or -200"))
	}
	s = strings.NewReplacer("–", "-", "—", "-", "..", "-", "~", "-", "～", "-", "，", ",").Replace(s)
	var out []RowRange
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		from, to, isRange := strings.Cut(part, "-")
		var r RowRange
		var err error
		if from != "" {
			if r.From, err = strconv.Atoi(from); err != nil || r.From < 1 {
				return nil, bad(part)
			}
		} else {
			r.From = 1
		}
		switch {
		case !isRange:
			r.To = r.From
		case to != "":
			if r.To, err = strconv.Atoi(to); err != nil || r.To < r.From {
				return nil, bad(part)
			}
		case from == "":
			return nil, bad(part)
		}
		out = append(out, r)
	}
	return out, nil
}

// Op is a column condition's comparison.
type Op int

// The comparisons a condition can make. Text is compared trimmed and
// case-insensitively, the way people read a "Status" column.
const (
	OpEquals Op = iota + 1
	OpNotEquals
	OpContains
	OpNotContains
	OpEmpty
	OpNotEmpty
)

// Condition is one column test such as `Status != sent`.
type Condition struct {
	Column string
	Op     Op
	Value  string
	col    int
}

var opNames = map[Op]string{OpEquals: "=", OpNotEquals: "!=", OpContains: "contains", OpNotContains: "not contains", OpEmpty: "is empty", OpNotEmpty: "is not empty"}

// String writes the condition back in the syntax ParseCondition reads.
func (c Condition) String() string {
	if c.Op == OpEmpty || c.Op == OpNotEmpty {
		return c.Column + " " + opNames[c.Op]
	}
	return c.Column + " " + opNames[c.Op] + " " + c.Value
}

// Operators written after the column name, longest first so "is not
// empty" is not read as "empty".
var suffixOps = []struct {
	text string
	op   Op
}{
	{" is not empty", OpNotEmpty}, {" not empty", OpNotEmpty}, {"不为空", OpNotEmpty}, {"非空", OpNotEmpty},
	{" is empty", OpEmpty}, {" empty", OpEmpty}, {"为空", OpEmpty},
}

var infixOps = []struct {
	text string
	op   Op
}{
	{"!=", OpNotEquals}, {"<>", OpNotEquals}, {"≠", OpNotEquals}, {"==", OpEquals}, {"=", OpEquals},
	{" does not contain ", OpNotContains}, {" not contains ", OpNotContains}, {" contains ", OpContains},
	{"不包含", OpNotContains}, {"包含", OpContains}, {"不等于", OpNotEquals}, {"等于", OpEquals},
}

// ParseCondition reads a column condition: `Status != sent`,
// `City = 北京`, `Notes contains VIP`, `Phone is empty`,
// `Phone is not empty` (also `<>`, `not contains`, 包含, 不包含, 为空,
// 不为空). A value or column in double quotes may hold operator words.
func ParseCondition(s string) (Condition, error) {
	bad := Problem{Code: "bad-filter"}.Say(msg.T(`the condition "{{.Condition}}" is not understood`, "Condition", s),
		msg.T("write it like: Status != sent, City = 北京, Notes contains VIP, Phone is empty"))
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	if len(lower) != len(t) {
		lower = t // rare letters change length when lower-cased; keep offsets valid
	}
	for _, o := range suffixOps {
		if strings.HasSuffix(lower, o.text) {
			col := unquote(t[:len(t)-len(o.text)])
			if col == "" {
				return Condition{}, bad
			}
			return Condition{Column: col, Op: o.op}, nil
		}
	}
	at, op, width := -1, Op(0), 0
	for _, o := range infixOps {
		i := indexOutsideQuotes(lower, o.text)
		if i >= 0 && (at < 0 || i < at) {
			at, op, width = i, o.op, len(o.text)
		}
	}
	if at < 0 {
		return Condition{}, bad
	}
	col, val := unquote(t[:at]), unquote(t[at+width:])
	if col == "" {
		return Condition{}, bad
	}
	return Condition{Column: col, Op: op, Value: val}, nil
}

func indexOutsideQuotes(s, sub string) int {
	inQuotes := false
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			inQuotes = !inQuotes
			continue
		}
		if !inQuotes && strings.HasPrefix(s[i:], sub) {
			return i
		}
	}
	return -1
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '[' && s[len(s)-1] == ']') {
		return s[1 : len(s)-1]
	}
	return s
}

func (c Condition) match(r Row) bool {
	v := strings.TrimSpace(r.Value(c.col))
	want := strings.TrimSpace(c.Value)
	switch c.Op {
	case OpEquals:
		return strings.EqualFold(v, want)
	case OpNotEquals:
		return !strings.EqualFold(v, want)
	case OpContains:
		return strings.Contains(strings.ToLower(v), strings.ToLower(want))
	case OpNotContains:
		return !strings.Contains(strings.ToLower(v), strings.ToLower(want))
	case OpEmpty:
		return v == ""
	case OpNotEmpty:
		return v != ""
	}
	return false
}

// Filter selects the rows of a send: a row passes when it lies in one of
// the ranges (or there are none) and meets every condition.
type Filter struct {
	Ranges     []RowRange
	Conditions []Condition
}

// NewFilter parses a row range ("" for all rows) and conditions, and binds
// the conditions to the table's columns; an unknown column is an error
// naming the columns that exist.
func NewFilter(cols Columns, rows string, where []string) (*Filter, error) {
	ranges, err := ParseRowRanges(rows)
	if err != nil {
		return nil, err
	}
	f := &Filter{Ranges: ranges}
	for _, w := range where {
		c, err := ParseCondition(w)
		if err != nil {
			return nil, err
		}
		col, ok := cols.Find(c.Column)
		if !ok {
			return nil, Problem{Code: "bad-filter", Column: c.Column}.Say(
				msg.T(`the condition "{{.Condition}}" names a column that does not exist`, "Condition", w),
				msg.T("use one of: {{.Columns}}", "Columns", strings.Join(cols.Names(), ", ")))
		}
		c.Column, c.col = col.Name, col.Index
		f.Conditions = append(f.Conditions, c)
	}
	return f, nil
}

// Match reports whether the row is selected.
func (f *Filter) Match(r Row) bool {
	if f == nil {
		return true
	}
	if len(f.Ranges) > 0 {
		in := false
		for _, rg := range f.Ranges {
			if rg.contains(r.Number) {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	for _, c := range f.Conditions {
		if !c.match(r) {
			return false
		}
	}
	return true
}
