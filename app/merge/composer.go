package merge

import (
	"errors"
	"net/mail"
	"os"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"golang.org/x/net/idna"

	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// Row is one data row of the recipient table.
type Row struct {
	// Number is the row number the user sees in the spreadsheet; problems
	// report it as is.
	Number int
	// Values holds the cells in the order of the Composer's columns.
	Values []string
	// Key is the row's identity in the journal; the unsubscribe mailto:
	// link carries it. Message sets it from its key argument.
	Key string
}

// Composer renders the message for every row: the templates are parsed and
// bound to the columns once, in New.
type Composer struct {
	cfg  config
	cols *Columns

	from       *mail.Address
	fromDomain string // ASCII (punycode) domain for Message-IDs

	subject, body, cc, bcc, replyTo, toName, attachTpl *Template

	md     goldmark.Markdown
	shared []attachment
	folder *folder

	inlineMu sync.Mutex
	inline   map[string]inlineResult

	unsub unsubscribeSetup

	// setup holds the problems found in New: they concern every row.
	setup recipients.Problems
}

type inlineResult struct {
	att attachment
	err error
}

// ErrNotReady is returned when a message is requested while a blocking
// problem that concerns every message (unknown field, invalid From…) is
// left.
var ErrNotReady = errors.New("the message cannot be built until its blocking problems are fixed")

// New prepares a Composer for a table with the given header texts. It
// fails only on invalid options; problems the user must fix (invalid From,
// unknown fields, missing files) are collected and returned by Problems,
// so they can all be shown at once.
func New(columns []string, opts ...Option) (*Composer, error) {
	cfg := config{sizeLimit: DefaultSizeLimit, bodyFormat: FormatText}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	columns, unsubCol := withUnsubscribeColumn(columns)
	c := &Composer{cfg: cfg, cols: NewColumns(columns), md: newMarkdown(),
		inline: map[string]inlineResult{}, unsub: unsubscribeSetup{col: unsubCol}}
	c.setupFrom()
	c.setupBody()
	c.subject = c.template(recipients.PartSubject, "subject", cfg.subject, "")
	c.cc = c.template(recipients.PartCc, "Cc", cfg.cc, "")
	c.bcc = c.template(recipients.PartBcc, "Bcc", cfg.bcc, "")
	c.replyTo = c.template(recipients.PartReplyTo, "Reply-To", cfg.replyTo, "")
	c.toName = c.template(recipients.PartToName, "recipient name", cfg.toName, "")
	if cfg.attachTpl != "" {
		part, name := recipients.PartAttachment, "attachment pattern"
		if cfg.attachColumn != "" {
			part, name = recipients.PartAttachCol, "attachment column"
		}
		c.attachTpl = c.template(part, name, cfg.attachTpl, "")
		c.setupFolder()
	}
	c.setupShared()
	c.setupUnsubscribe()
	if strings.TrimSpace(cfg.subject) == "" {
		c.setup = append(c.setup, recipients.Problem{Severity: recipients.Warning, Code: "subject-empty", Part: recipients.PartSubject}.Say(
			msg.T("the subject is empty"), msg.T("write a subject: many servers treat mail without one as spam")))
	}
	return c, nil
}

// Problems returns the problems that concern every message.
func (c *Composer) Problems() recipients.Problems {
	return append(recipients.Problems(nil), c.setup...)
}

// SizeLimit returns the configured encoded-size limit in bytes.
func (c *Composer) SizeLimit() int64 { return c.cfg.sizeLimit }

func (c *Composer) blocking(code, file string, what, fix msg.Text) {
	c.setup = append(c.setup, recipients.Problem{Code: code, File: file}.Say(what, fix))
}

func (c *Composer) setupFrom() {
	from := headerText(c.cfg.from)
	if from == "" {
		c.blocking("from-missing", "", msg.T("the sender (From) is missing"),
			msg.T(`set it as "Your Name <you@example.com>"`))
		return
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		c.blocking("from-invalid", "", msg.T(`the sender "{{.From}}" is not a valid address`, "From", c.cfg.from),
			msg.T(`write it as "Your Name <you@example.com>" or just you@example.com`))
		return
	}
	_, domain, _ := strings.Cut(addr.Address, "@")
	ascii, err := idna.Lookup.ToASCII(strings.ToLower(domain))
	if err != nil || ascii == "" {
		c.blocking("from-invalid", "", msg.T(`the sender's domain "{{.Domain}}" is not valid`, "Domain", domain),
			msg.T("check the part of the address after @"))
		return
	}
	c.from, c.fromDomain = addr, ascii
}

func (c *Composer) setupBody() {
	src := c.cfg.body
	name := "body"
	if c.cfg.bodyPath != "" {
		name = c.cfg.bodyPath
		text, err := readBodyFile(c.cfg.bodyPath)
		if err != nil {
			c.setup = append(c.setup, recipients.Problem{Code: "body-unreadable", File: c.cfg.bodyPath, Part: recipients.PartBody}.Say(
				msg.T("the body file cannot be read: {{.Reason}}", "Reason", msg.Raw(unwrapPathError(err))),
				msg.T("check the path, or save the file again as UTF-8 text")))
			return
		}
		src = text
	}
	if strings.TrimSpace(src) == "" {
		c.setup = append(c.setup, recipients.Problem{Code: "body-empty", File: c.cfg.bodyPath, Part: recipients.PartBody}.Say(
			msg.T("the message body is empty"), msg.T("write the message or choose a body file")))
	}
	c.body = c.template(recipients.PartBody, name, src, c.cfg.bodyPath)
}

// template parses and binds one template, recording its problems, which
// name the part of the message and the line. It returns nil for an empty
// source or one that does not parse.
func (c *Composer) template(part recipients.Part, name, src, file string) *Template {
	if src == "" {
		return nil
	}
	t, err := Parse(name, src)
	if err != nil {
		var pos Pos
		what := msg.Raw(err.Error())
		var se *SyntaxError
		if errors.As(err, &se) {
			pos, what = se.Pos, se.Text
		}
		c.setup = append(c.setup, recipients.Problem{Code: "template-syntax", File: file, Part: part, Line: pos.Line, Col: pos.Col}.Say(
			what, msg.T("merge fields are written like {{.Example}}; see the template help", "Example", "{{Name}}")))
		return nil
	}
	for _, u := range t.Bind(c.cols) {
		c.setup = append(c.setup, c.unknownFieldProblem(u, part, file))
	}
	return t
}

func (c *Composer) unknownFieldProblem(u UnknownField, part recipients.Part, file string) recipients.Problem {
	hint := msg.T("the columns are: {{.Columns}}", "Columns", nameList(c.sheetColumns(), 12))
	if u.Suggestion != "" {
		hint = msg.T("did you mean {{.Field}}? The columns are: {{.Columns}}", "Field", "{{"+u.Suggestion+"}}", "Columns", nameList(c.sheetColumns(), 12))
	}
	if part == recipients.PartAttachCol {
		return recipients.Problem{Code: "unknown-field", File: file, Part: part}.Say(
			msg.T(`the attachment column "{{.Column}}" does not exist`, "Column", u.Name), hint)
	}
	return recipients.Problem{Code: "unknown-field", File: file, Part: part, Line: u.Pos.Line, Col: u.Pos.Col}.Say(
		msg.T(`there is no column "{{.Column}}"`, "Column", u.Name), hint)
}

func (c *Composer) setupFolder() {
	c.folder = &folder{dir: c.cfg.attachDir}
	info, err := os.Stat(c.cfg.attachDir)
	if err != nil || !info.IsDir() {
		c.blocking("attachment-folder-missing", c.cfg.attachDir, msg.T("the attachment folder does not exist"),
			msg.T("choose the folder that holds the per-recipient files"))
	}
}

func (c *Composer) setupShared() {
	for _, p := range c.cfg.shared {
		info, err := os.Stat(p)
		switch {
		case err != nil:
			c.blocking("attachment-missing", p, msg.T("the attachment cannot be read: {{.Reason}}", "Reason", msg.Raw(unwrapPathError(err))),
				msg.T("check that the file exists, or remove it from the attachments"))
		case !info.Mode().IsRegular():
			c.blocking("attachment-missing", p, msg.T("the attachment is a folder, not a file"),
				msg.T("attach the files inside it instead"))
		default:
			c.shared = append(c.shared, attachment{Name: info.Name(), Path: p, Size: info.Size()})
		}
	}
}

// displayName shortens a body file path to its base name in messages.
func displayName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

func unwrapPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sheetColumns are the list's own columns, without the {{unsubscribe}}
// field Mailroom adds: what the user can pick from.
func (c *Composer) sheetColumns() []string {
	names := c.cols.Names()
	if c.unsub.col >= 0 && c.unsub.col == len(names)-1 {
		names = names[:len(names)-1]
	}
	return names
}

// textOf is err's words in the user's language, or its English.
func textOf(err error) msg.Text {
	if t, ok := msg.TextOf(err); ok {
		return t
	}
	return msg.Raw(err.Error())
}
