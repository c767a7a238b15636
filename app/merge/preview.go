package merge

import (
	"bytes"
	"errors"
	"net/mail"

	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// Preview is a row's message as the window shows it.
type Preview struct {
	Row     int
	From    string
	To      []string
	Cc, Bcc []string
	ReplyTo []string
	Subject string
	Text    string
	HTML    string // empty for a plain-text body
	Files   []FileInfo
	// Size is the exact encoded size in bytes, estimated as in Check when
	// no To address was given, and 0 when the message cannot be built
	// (see Problems).
	Size int64
	// Problems are this row's own problems; the message is still shown as
	// far as it can be rendered.
	Problems recipients.Problems
}

// FileInfo is one attached or embedded file.
type FileInfo struct {
	Name   string // as the recipient sees it
	Path   string
	Size   int64
	Inline bool // an image shown inside the HTML body
}

// Preview renders row for display. It never fails: whatever cannot be
// rendered is reported in Problems, so the user can step through every
// row, including broken ones.
func (c *Composer) Preview(row Row, to []string) *Preview {
	r := c.render(row)
	p := &Preview{Row: row.Number, Subject: r.subject, Text: r.text, HTML: r.html,
		Cc: addrStrings(r.cc), Bcc: addrStrings(r.bcc), ReplyTo: addrStrings(r.replyTo),
		Problems: append(c.Problems(), r.problems...)}
	if c.from != nil {
		p.From = c.from.String()
	}
	for _, a := range r.inline {
		p.Files = append(p.Files, FileInfo{Name: a.Name, Path: a.Path, Size: a.Size, Inline: true})
	}
	for _, a := range r.files {
		p.Files = append(p.Files, FileInfo{Name: a.Name, Path: a.Path, Size: a.Size})
	}
	p.To = to
	if c.ready() != nil {
		return p
	}
	if len(to) == 0 {
		// Previewing a row before its address is known: show the rest.
		p.Size = c.estimateSize(r)
		return p
	}
	m, _, err := c.build(r, to, true)
	if err != nil {
		var re *RowError
		if errors.As(err, &re) {
			p.Problems = appendMissing(p.Problems, re.Problems)
		}
		return p
	}
	p.To = addrStrings(m.GetTo())
	var n countingWriter
	if _, err := m.WriteTo(&n); err == nil {
		p.Size = int64(n)
	} else {
		p.Problems = append(p.Problems, c.rowProblem(row, "", "attachment-missing",
			msg.T("the message cannot be written: {{.Reason}}", "Reason", msg.Raw(err.Error())), msg.T("check the attachments")))
	}
	return p
}

// EML returns the exact RFC 5322 bytes of row's message: what
// `mailroom preview --row N` prints and `--dry-run` writes as a .eml file.
// Bcc is not among the headers, as on the wire.
func (c *Composer) EML(row Row, to []string) ([]byte, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	msg, _, err := c.build(c.render(row), to, true)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func addrStrings(list []*mail.Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		if a.Name != "" {
			out = append(out, a.Name+" <"+a.Address+">")
		} else {
			out = append(out, a.Address)
		}
	}
	return out
}

func appendMissing(ps, more recipients.Problems) recipients.Problems {
	for _, m := range more {
		dup := false
		for _, p := range ps {
			if p == m {
				dup = true
				break
			}
		}
		if !dup {
			ps = append(ps, m)
		}
	}
	return ps
}

// countingWriter counts bytes and keeps none of them.
type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
