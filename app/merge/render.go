package merge

import (
	"errors"
	"fmt"
	"net/mail"
	"path/filepath"
	"strings"

	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// rendered is everything personalised for one row.
type rendered struct {
	row        Row
	subject    string
	text, html string
	toName     string
	cc, bcc    []*mail.Address
	replyTo    []*mail.Address
	files      []attachment // shared, then the row's own
	inline     []attachment
	// unsubURL and unsubMailto are the row's unsubscribe links, "" when off.
	unsubURL, unsubMailto string
	empty                 []emptyUse
	problems              recipients.Problems
}

// emptyUse is a column whose empty cell was inserted without a fallback.
type emptyUse struct {
	col   int
	where string
}

func (c *Composer) render(row Row) *rendered {
	r := &rendered{row: row}
	values := row.Values
	if col := c.unsub.col; col >= 0 {
		// The virtual {{unsubscribe}} column: empty while the web address
		// itself is rendered, then the row's link.
		values = make([]string, col+1)
		copy(values, row.Values)
		c.unsubscribeLinks(r, values)
		values[col] = r.unsubscribeLink()
	} else {
		c.unsubscribeLinks(r, values)
	}
	exec := func(t *Template, esc Escaper) string {
		if t == nil {
			return ""
		}
		out, empty := t.Execute(values, esc)
		for _, col := range empty {
			r.empty = append(r.empty, emptyUse{col: col, where: displayName(t.Name())})
		}
		return out
	}
	r.subject = headerText(exec(c.subject, nil))
	body := c.renderBody(values, exec)
	switch c.cfg.bodyFormat {
	case FormatMarkdown:
		html, err := markdownToHTML(c.md, body)
		if err != nil {
			r.problems = append(r.problems, c.rowProblem(row, "", "body-render",
				msg.T("the Markdown body cannot be rendered: {{.Reason}}", "Reason", msg.Raw(err.Error())), msg.Text{}))
		}
		r.html = html
	case FormatHTML:
		r.html = body
	default:
		r.text = body
	}
	if r.html != "" {
		r.text = htmlToText(r.html)
		c.resolveInline(r)
	}
	r.toName = headerText(exec(c.toName, nil))
	r.cc = c.addressList(r, c.cc, exec(c.cc, nil))
	r.bcc = c.addressList(r, c.bcc, exec(c.bcc, nil))
	r.replyTo = c.addressList(r, c.replyTo, exec(c.replyTo, nil))
	r.files = append(r.files, c.shared...)
	if c.attachTpl != nil && c.folder != nil {
		c.resolveRowFiles(r, exec(c.attachTpl, nil))
	}
	return r
}

// addressList parses a rendered Cc/Bcc/Reply-To. Control characters are
// turned into spaces first, so "a@x.com\r\nBcc: b@y.com" is one invalid
// address, never a second header.
func (c *Composer) addressList(r *rendered, t *Template, s string) []*mail.Address {
	s = headerText(s)
	if s == "" {
		return nil
	}
	s = strings.NewReplacer(";", ",", "；", ",", "，", ",").Replace(s)
	var out []*mail.Address
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		addr, err := mail.ParseAddress(part)
		if err != nil {
			r.problems = append(r.problems, c.rowProblem(r.row, c.columnOf(t), "invalid-address",
				msg.T(`{{.Field}}: "{{.Address}}" is not a valid address`, "Field", t.Name(), "Address", strings.TrimSpace(part)),
				msg.T("correct the cell or exclude the row")))
			continue
		}
		out = append(out, addr)
	}
	return out
}

// resolveRowFiles attaches the files the row names. Entries are separated
// by ";" (or a line break, as Excel users type Alt+Enter).
func (c *Composer) resolveRowFiles(r *rendered, spec string) {
	col := c.cfg.attachColumn
	if col == "" {
		col = c.columnOf(c.attachTpl)
	}
	entries := strings.FieldsFunc(spec, func(r rune) bool { return r == ';' || r == '；' || r == '\n' || r == '\r' })
	if len(entries) == 0 || strings.TrimSpace(spec) == "" {
		r.problems = append(r.problems, c.rowProblem(r.row, col, "attachment-missing",
			msg.T("no attachment is named for this row"), msg.T("fill in the file name or exclude the row")))
		return
	}
	for _, e := range entries {
		if strings.TrimSpace(e) == "" {
			continue
		}
		found, err := c.folder.match(e, c.cfg.several)
		if err != nil {
			r.problems = append(r.problems, c.attachProblem(r.row, col, e, found, err))
			continue
		}
		for _, rel := range found {
			r.files = append(r.files, c.folder.attachment(rel))
		}
	}
}

func (c *Composer) attachProblem(row Row, col, entry string, found []string, err error) recipients.Problem {
	dir := filepath.Base(c.cfg.attachDir)
	switch {
	case errors.Is(err, ErrOutsideFolder):
		return c.rowProblem(row, col, "attachment-outside-folder",
			msg.T(`refused "{{.Entry}}": the path leads outside the attachment folder`, "Entry", entry),
			msg.T(`only files inside the folder "{{.Folder}}" can be attached; put the file there and write its name only`, "Folder", dir))
	case errors.Is(err, ErrAmbiguous):
		return c.rowProblem(row, col, "attachment-ambiguous",
			msg.T(`"{{.Entry}}" matches several files where one was expected: {{.Files}}`, "Entry", strings.TrimSpace(entry), "Files", nameList(found, 5)),
			msg.T("write the exact file name, or allow several files per entry"))
	case errors.Is(err, ErrNoMatch):
		hint := msg.T(`put the file in the folder "{{.Folder}}" or correct the name`, "Folder", dir)
		if similar := c.folder.similar(entry); len(similar) > 0 {
			hint = msg.T("did you mean {{.Files}}? Write the name with its extension", "Files", nameList(similar, 3))
		}
		return c.rowProblem(row, col, "attachment-missing",
			msg.T(`no file named "{{.Entry}}" in the folder "{{.Folder}}"`, "Entry", strings.TrimSpace(entry), "Folder", dir), hint)
	}
	return c.rowProblem(row, col, "attachment-missing",
		msg.T(`attachment "{{.Entry}}": {{.Reason}}`, "Entry", strings.TrimSpace(entry), "Reason", msg.Raw(err.Error())), msg.T("check the attachment folder"))
}

// resolveInline embeds the files an HTML body refers to with cid:, looked
// up next to the body file, then in the attachment folder.
func (c *Composer) resolveInline(r *rendered) {
	for _, ref := range inlineRefs(r.html) {
		res := c.findInline(ref.File)
		if res.err != nil {
			r.problems = append(r.problems, c.rowProblem(r.row, "", "inline-image-missing",
				msg.T("the body shows the image cid:{{.ID}} but {{.Reason}}", "ID", ref.ContentID, "Reason", msg.Raw(res.err.Error())),
				msg.T("put the image next to the body file or in the attachment folder")))
			continue
		}
		att := res.att
		att.ContentID = ref.ContentID
		r.inline = append(r.inline, att)
	}
}

func (c *Composer) findInline(name string) inlineResult {
	c.inlineMu.Lock()
	defer c.inlineMu.Unlock()
	if res, ok := c.inline[name]; ok {
		return res
	}
	res := inlineResult{err: fmt.Errorf("no file %q was found", name)}
	for _, dir := range []string{c.cfg.bodyDir, c.cfg.attachDir} {
		if dir == "" {
			continue
		}
		att, err := findInFolder(dir, name)
		if err == nil {
			res = inlineResult{att: att}
			break
		}
		if errors.Is(err, ErrOutsideFolder) {
			res.err = err
			break
		}
	}
	c.inline[name] = res
	return res
}

// columnOf names the column a template consists of, when it uses exactly
// one, so problems point at the cell to fix.
func (c *Composer) columnOf(t *Template) string {
	if t == nil {
		return ""
	}
	col := -1
	for _, ref := range t.refs {
		if ref.col < 0 || col >= 0 && ref.col != col {
			return ""
		}
		col = ref.col
	}
	if col < 0 {
		return ""
	}
	return c.cols.names[col]
}

func (c *Composer) rowProblem(row Row, column, code string, what, fix msg.Text) recipients.Problem {
	return recipients.Problem{Code: code, File: c.cfg.file, Sheet: c.cfg.sheet, Row: row.Number,
		Column: column}.Say(what, fix)
}

// renderBody renders the body template. The {{unsubscribe}} link stands in
// as a token while the cells are escaped, then goes in the form its body
// format needs (bodyLink).
func (c *Composer) renderBody(values []string, exec func(*Template, Escaper) string) string {
	col := c.unsub.col
	if col < 0 || values[col] == "" {
		return exec(c.body, escaperFor(c.cfg.bodyFormat))
	}
	link := values[col]
	values[col] = c.unsub.token
	body := exec(c.body, escaperFor(c.cfg.bodyFormat))
	values[col] = link
	return strings.ReplaceAll(body, c.unsub.token, bodyLink(link, c.cfg.bodyFormat))
}
