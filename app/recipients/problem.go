package recipients

import (
	"path/filepath"
	"strconv"
	"strings"

	"mailroom/app/msg"
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
	// the line's record number in a CSV); 0 when not about a row.
	Row    int
	Column string
	// Part is the part of what the user wrote that the problem is in (the
	// subject, the body, the do-not-send list…), and Line and Col the place
	// in it; zero when the problem is not in a text the user wrote. The
	// window names the part ("the body, line 3"), never the file it is
	// kept in.
	Part      Part
	Line, Col int
	// Message says what is wrong, e.g. `"bob@@x" is not a valid address`.
	Message string
	// Hint says what to do about it, e.g. "correct it or exclude the row".
	Hint string
	// Text is Message and Hint as one text in the user's language (set by
	// Say); Message and Hint are its English, for the headless command
	// and logs. A pointer keeps Problem comparable.
	Text *msg.Text
}

// Say gives the problem its words: what is wrong and what to do, as
// catalogue texts (fix may be zero). Message and Hint become their English.
// Every problem Mailroom reports is made this way
// (TestEveryProblemIsSaid), so the window can show it in the user's
// language.
func (p Problem) Say(what, fix msg.Text) Problem {
	p.Message, p.Hint = what.String(), fix.String()
	text := what
	if !fix.IsZero() {
		text = msg.T("{{.What}} — {{.Fix}}", "What", what, "Fix", fix)
	}
	p.Text = &text
	return p
}

// UserText makes a Problem (and a *FileError, which holds one) an error
// the window shows in the user's language (msg.Texter).
func (p Problem) UserText() msg.Text { return p.Words() }

// Words is the problem as the window shows it, in the user's language:
// where it is (the row, or the part of the message and its line, or the
// file for a problem with a file as a whole), what is wrong and what to do.
// The sheet and column are left to the table the window shows beside it.
func (p Problem) Words() msg.Text {
	text := msg.Raw(joinMessage(p.Message, p.Hint))
	if p.Text != nil {
		text = *p.Text
	}
	line := p.Line
	if p.Part != "" && line == 0 {
		line = p.Row // a line of a text file the window keeps (the do-not-send list)
	}
	switch {
	case p.Part != "" && line > 0:
		return msg.T("{{.Part}}, line {{.Line}}: {{.Text}}", "Part", p.Part.Label(), "Line", line, "Text", text)
	case p.Row > 0:
		return msg.T("Row {{.Row}}: {{.Text}}", "Row", p.Row, "Text", text)
	case p.Part != "":
		return msg.T("{{.Part}}: {{.Text}}", "Part", p.Part.Label(), "Text", text)
	case p.File != "":
		return msg.T("{{.File}}: {{.Text}}", "File", filepath.Base(p.File), "Text", text)
	}
	return text
}

// Located is Error in the user's language, for the headless command's
// --lang: every part of the location, the file's base name included, then
// what is wrong and what to do.
func (p Problem) Located() msg.Text {
	text := msg.Raw(joinMessage(p.Message, p.Hint))
	if p.Text != nil {
		text = *p.Text
	}
	var where []msg.Text
	switch {
	case p.File != "":
		where = append(where, msg.Raw(filepath.Base(p.File)))
	case p.Part != "":
		where = append(where, p.Part.Name())
	}
	if p.Sheet != "" {
		where = append(where, msg.T(`sheet "{{.Sheet}}"`, "Sheet", p.Sheet))
	}
	if p.Row > 0 {
		where = append(where, msg.T("row {{.Row}}", "Row", p.Row))
	}
	if p.Column != "" {
		where = append(where, msg.T(`column "{{.Column}}"`, "Column", p.Column))
	}
	if p.Line > 0 {
		where = append(where, msg.T("line {{.Line}}", "Line", p.Line))
	}
	if len(where) == 0 {
		return text
	}
	place := where[0]
	for _, w := range where[1:] {
		place = msg.T("{{.Place}}, {{.Next}}", "Place", place, "Next", w)
	}
	return msg.T("{{.Place}}: {{.Text}}", "Place", place, "Text", text)
}

// Error formats the problem the way the user reads it:
//
//	customers.xlsx, sheet "Sheet1", row 12, column "Email": "bob@@x" is not a valid address — correct it or exclude the row
//	body.md, line 3, column 5: there is no column "Nmae" — did you mean {{Name}}? …
func (p Problem) Error() string {
	var b strings.Builder
	var where []string
	switch {
	case p.File != "":
		where = append(where, filepath.Base(p.File))
	case p.Part != "":
		where = append(where, p.Part.Name().String())
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
	if p.Line > 0 {
		where = append(where, "line "+strconv.Itoa(p.Line))
		if p.Col > 0 {
			where = append(where, "column "+strconv.Itoa(p.Col))
		}
	}
	if len(where) > 0 {
		b.WriteString(strings.Join(where, ", "))
		b.WriteString(": ")
	}
	b.WriteString(joinMessage(p.Message, p.Hint))
	return b.String()
}

func joinMessage(message, hint string) string {
	if hint == "" {
		return message
	}
	return message + " — " + hint
}

// Part names a part of what the user wrote, for problems in it.
type Part string

// The parts of a campaign the user writes.
const (
	PartSubject     Part = "subject"
	PartBody        Part = "body"
	PartCc          Part = "Cc"
	PartBcc         Part = "Bcc"
	PartReplyTo     Part = "Reply-To"
	PartFrom        Part = "From"
	PartToName      Part = "recipient name"
	PartAttachment  Part = "attachment pattern"
	PartAttachCol   Part = "attachment column"
	PartSuppression Part = "do-not-send list"
	PartUnsubscribe Part = "unsubscribe link"
)

// Label is the part as the window labels it, to start a line with
// ("Body, line 3: …", 正文第 3 行：…).
func (pt Part) Label() msg.Text {
	switch pt {
	case PartSubject:
		return msg.T("Subject")
	case PartBody:
		return msg.T("Body")
	case PartCc:
		return msg.T("Cc")
	case PartBcc:
		return msg.T("Bcc")
	case PartReplyTo:
		return msg.T("Reply-To")
	case PartFrom:
		return msg.T("From")
	case PartToName:
		return msg.T("Recipient's name in To")
	case PartAttachment:
		return msg.T("Attachment file name")
	case PartAttachCol:
		return msg.T("Attachment column")
	case PartSuppression:
		return msg.T("Do-not-send list")
	case PartUnsubscribe:
		return msg.T("Unsubscribe link")
	}
	return msg.Raw(string(pt))
}

// Name is the part as the user calls it in a sentence, in their language.
func (pt Part) Name() msg.Text {
	switch pt {
	case PartSubject:
		return msg.T("the subject")
	case PartBody:
		return msg.T("the body")
	case PartCc:
		return msg.T("the Cc line")
	case PartBcc:
		return msg.T("the Bcc line")
	case PartReplyTo:
		return msg.T("the Reply-To address")
	case PartFrom:
		return msg.T("the sender (From)")
	case PartToName:
		return msg.T("the recipient's name in To")
	case PartAttachment:
		return msg.T("the attachment file name")
	case PartAttachCol:
		return msg.T("the attachment column")
	case PartSuppression:
		return msg.T("the do-not-send list")
	case PartUnsubscribe:
		return msg.T("the unsubscribe link")
	}
	return msg.Raw(string(pt))
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
