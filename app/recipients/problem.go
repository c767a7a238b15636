package recipients

import (
	"path/filepath"

	"mailroom/app/msg"
	"strconv"
	"strings"
)

// Severity says whether a problem stops the send.
type Severity int

// The severities a Problem can have. The zero value is Blocking on purpose:
// a problem whose author forgot to set a severity must stop the send rather
// than let a bad row through.
const (
	// Blocking problems stop the send until fixed or the row is excluded.
	Blocking Severity = iota
	// Warning problems are shown but do not stop the send.
	Warning
)

// String returns "blocking" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "blocking"
}

// Problem is one thing wrong with the input, located as precisely as
// possible. The recipients package, merge and the campaign preflight all
// report through this type so that `mailroom check` and the window show one
// list. Zero-valued location fields are simply left out of the message.
type Problem struct {
	Severity Severity
	// Code is a short stable identifier (e.g. "invalid-address") so callers
	// can group or filter problems without parsing Message.
	Code string
	// File is the path of the file the problem is in; Error shows its base
	// name only, as users recognise files by name.
	File  string
	Sheet string
	// Row is the spreadsheet row number as the user sees it in Excel (or
	// the line's record number in a CSV); 0 when the problem is not about a
	// row.
	Row    int
	Column string
	// Message says what is wrong, e.g. `"bob@@x" is not a valid address`.
	Message string
	// Hint says what to do about it, e.g. "correct it or exclude the row".
	Hint string
	// Text, when set, is Message and Hint as one text in the user's
	// language (the window renders it); Message and Hint stay the English
	// wording for the headless command and logs. A pointer keeps Problem
	// comparable.
	Text *msg.Text
}

// Error formats the problem the way the user reads it:
//
//	customers.xlsx, sheet "Sheet1", row 12, column "Email": "bob@@x" is not a valid address — correct it or exclude the row
func (p Problem) Error() string {
	var b strings.Builder
	var where []string
	if p.File != "" {
		where = append(where, filepath.Base(p.File))
	}
	if p.Sheet != "" {
		where = append(where, "sheet "+strconv.Quote(p.Sheet))
	}
	if p.Row > 0 {
		where = append(where, "row "+strconv.Itoa(p.Row))
	}
	if p.Column != "" {
		where = append(where, "column "+strconv.Quote(p.Column))
	}
	if len(where) > 0 {
		b.WriteString(strings.Join(where, ", "))
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Hint != "" {
		b.WriteString(" — ")
		b.WriteString(p.Hint)
	}
	return b.String()
}

// Problems is a list of problems in the order they were found.
type Problems []Problem

// HasBlocking reports whether any problem stops the send.
func (ps Problems) HasBlocking() bool {
	for _, p := range ps {
		if p.Severity == Blocking {
			return true
		}
	}
	return false
}

// Blocking returns only the problems that stop the send.
func (ps Problems) Blocking() Problems {
	return ps.filter(Blocking)
}

// Warnings returns only the problems that do not stop the send.
func (ps Problems) Warnings() Problems {
	return ps.filter(Warning)
}

func (ps Problems) filter(s Severity) Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == s {
			out = append(out, p)
		}
	}
	return out
}
