package merge

import (
	"errors"
	"fmt"
	"net/mail"
	"os"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"golang.org/x/net/idna"

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
	c.subject = c.template("subject", cfg.subject, "")
	c.cc = c.template("Cc", cfg.cc, "")
	c.bcc = c.template("Bcc", cfg.bcc, "")
	c.replyTo = c.template("Reply-To", cfg.replyTo, "")
	c.toName = c.template("recipient name", cfg.toName, "")
	if cfg.attachTpl != "" {
		name := "attachment pattern"
		if cfg.attachColumn != "" {
			name = "attachment column"
		}
		c.attachTpl = c.template(name, cfg.attachTpl, "")
		c.setupFolder()
	}
	c.setupShared()
	c.setupUnsubscribe()
	if strings.TrimSpace(cfg.subject) == "" {
		c.setup = append(c.setup, recipients.Problem{Severity: recipients.Warning, Code: "subject-empty",
			Message: "the subject is empty", Hint: "write a subject: many servers treat mail without one as spam"})
	}
	return c, nil
}

// Problems returns the problems that concern every message.
func (c *Composer) Problems() recipients.Problems {
	return append(recipients.Problems(nil), c.setup...)
}

// SizeLimit returns the configured encoded-size limit in bytes.
func (c *Composer) SizeLimit() int64 { return c.cfg.sizeLimit }

func (c *Composer) blocking(code, file, msg, hint string) {
	c.setup = append(c.setup, recipients.Problem{Code: code, File: file, Message: msg, Hint: hint})
}

func (c *Composer) setupFrom() {
	from := headerText(c.cfg.from)
	if from == "" {
		c.blocking("from-missing", "", "the sender (From) is missing",
			`set it as "Your Name <you@example.com>"`)
		return
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		c.blocking("from-invalid", "", fmt.Sprintf("the sender %q is not a valid address", c.cfg.from),
			`write it as "Your Name <you@example.com>" or just you@example.com`)
		return
	}
	_, domain, _ := strings.Cut(addr.Address, "@")
	ascii, err := idna.Lookup.ToASCII(strings.ToLower(domain))
	if err != nil || ascii == "" {
		c.blocking("from-invalid", "", fmt.Sprintf("the sender's domain %q is not valid", domain),
			"check the part of the address after @")
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
			c.blocking("body-unreadable", c.cfg.bodyPath, "the body file cannot be read: "+unwrapPathError(err),
				"check the path, or save the file again as UTF-8 text")
			return
		}
		src = text
	}
	if strings.TrimSpace(src) == "" {
		c.blocking("body-empty", c.cfg.bodyPath, "the message body is empty", "write the message or choose a body file")
	}
	c.body = c.template(name, src, c.cfg.bodyPath)
}

// template parses and binds one template, recording its problems. It
// returns nil for an empty source or one that does not parse.
func (c *Composer) template(name, src, file string) *Template {
	if src == "" {
		return nil
	}
	t, err := Parse(name, src)
	if err != nil {
		var se *SyntaxError
		msg := err.Error()
		if errors.As(err, &se) {
			msg = fmt.Sprintf("%s, line %d, column %d: %s", displayName(se.Template), se.Pos.Line, se.Pos.Col, se.Msg)
		}
		c.blocking("template-syntax", file, msg, "see docs/templates.md for the {{…}} syntax")
		return nil
	}
	for _, u := range t.Bind(c.cols) {
		c.setup = append(c.setup, c.unknownFieldProblem(u, file))
	}
	return t
}

func (c *Composer) unknownFieldProblem(u UnknownField, file string) recipients.Problem {
	hint := "the columns are: " + listNames(c.cols.Names(), 12)
	if u.Suggestion != "" {
		hint = fmt.Sprintf("did you mean {{%s}}? ", u.Suggestion) + hint
	}
	msg := fmt.Sprintf("%s, line %d, column %d: there is no column %q", displayName(u.Template), u.Pos.Line, u.Pos.Col, u.Name)
	if u.Template == "attachment column" {
		msg = fmt.Sprintf("the attachment column %q does not exist", u.Name)
	}
	return recipients.Problem{Code: "unknown-field", File: file, Message: msg, Hint: hint}
}

func (c *Composer) setupFolder() {
	c.folder = &folder{dir: c.cfg.attachDir}
	info, err := os.Stat(c.cfg.attachDir)
	if err != nil || !info.IsDir() {
		c.blocking("attachment-folder-missing", c.cfg.attachDir, "the attachment folder does not exist",
			"choose the folder that holds the per-recipient files")
	}
}

func (c *Composer) setupShared() {
	for _, p := range c.cfg.shared {
		info, err := os.Stat(p)
		switch {
		case err != nil:
			c.blocking("attachment-missing", p, "the attachment cannot be read: "+unwrapPathError(err),
				"check that the file exists, or remove it from the attachments")
		case !info.Mode().IsRegular():
			c.blocking("attachment-missing", p, "the attachment is a folder, not a file",
				"attach the files inside it instead")
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
