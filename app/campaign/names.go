package campaign

import (
	"net/mail"
	"strings"

	"mailroom/app/merge"
	"mailroom/app/recipients"
)

// The recipient's own name in To ("王芳 <wang.fang@example.com>"): on by
// default wherever the list says it, off with Campaign.NoToName.

// toNameTemplate is the template of the display name in To: the campaign's
// own (to_name), else the list's name column(s), else none.
func (p *Plan) toNameTemplate() string {
	c := p.Campaign
	if c.NoToName {
		return ""
	}
	if c.ToName != "" {
		return c.ToName
	}
	// A blank name is normal (To then shows the address only), so the
	// fallback " " keeps it from being reported as an empty field.
	var fields []string
	for _, col := range p.Columns.PersonName() {
		fields = append(fields, "{{["+col.Name+`] | " "}}`)
	}
	return strings.Join(fields, " ")
}

// toList is what a message is addressed to: the cell's addresses, each
// with the name written in the cell itself ("王芳 <wang@example.com>")
// unless names are off. The names are made header-safe here; merge parses
// the result strictly again, so a cell can never add a recipient.
func (p *Plan) toList(as []recipients.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Addr
		if name := merge.HeaderText(a.Name); name != "" && !p.Campaign.NoToName {
			out[i] = (&mail.Address{Name: name, Address: a.Addr}).String()
		}
	}
	return out
}
