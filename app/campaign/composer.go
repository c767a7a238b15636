package campaign

import (
	"mailroom/app/merge"
	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// composerOptions are the message settings of the campaign as the merge
// package takes them; Prepare and PreviewRow share them.
func (p *Plan) composerOptions() []merge.Option {
	c := p.Campaign
	opts := []merge.Option{merge.WithSource(c.Recipients, p.Sheet), merge.WithSubject(c.Subject), merge.WithFrom(c.From)}
	if c.Body != "" {
		opts = append(opts, merge.WithBodyFile(c.Body))
	}
	for tpl, with := range map[string]func(string) merge.Option{c.ReplyTo: merge.WithReplyTo, c.CC: merge.WithCC, c.BCC: merge.WithBCC} {
		if tpl != "" {
			opts = append(opts, with(tpl))
		}
	}
	if p.dkim != nil {
		opts = append(opts, p.dkim)
	}
	if u, ok := p.unsubscribe(); ok {
		opts = append(opts, merge.WithUnsubscribe(u))
	}
	if tpl := p.toNameTemplate(); tpl != "" {
		opts = append(opts, merge.WithRecipientName(tpl))
	}
	if len(c.Attach) > 0 {
		opts = append(opts, merge.WithAttachments(c.Attach...))
	}
	if c.AttachDir != "" || c.AttachColumn != "" {
		if c.AttachDir == "" || c.AttachColumn == "" {
			p.blocking("attach-dir-column", msg.T("--attach-dir and --attach-column go together"), msg.T("give both, or neither"))
		} else {
			opts = append(opts, merge.WithAttachColumn(c.AttachDir, c.AttachColumn))
		}
	}
	if limit := p.Account.Limits.MaxMessageBytes; limit > 0 {
		opts = append(opts, merge.WithSizeLimit(limit))
	}
	return opts
}

// PreviewRow renders one row of an already read list as its recipient
// will see it (headers with Bcc, the text and HTML bodies, attachments),
// without reading the list again: the window's live preview calls it
// after every pause in typing, and a 100,000-row list must not be read
// each time. columns are the list's column names, row its cells, to the
// row's address(es). Problems of the campaign itself (a missing From, an
// unknown field) are among the preview's Problems. eml is the exact
// message (nil when it cannot be built yet).
func PreviewRow(c *Campaign, env Env, sheet string, columns []string, row merge.Row, to []string) (pv *merge.Preview, eml []byte, err error) {
	p := &Plan{Campaign: c, Sheet: sheet}
	p.resolveAccount(env)
	composer, err := merge.New(columns, p.composerOptions()...)
	if err != nil {
		return nil, nil, err
	}
	pv = composer.Preview(row, to)
	pv.Problems = append(append(recipients.Problems(nil), p.Problems...), pv.Problems...)
	if len(to) > 0 {
		eml, _ = composer.EML(row, to)
	}
	return pv, eml, nil
}
