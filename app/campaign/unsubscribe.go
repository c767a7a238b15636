package campaign

import (
	"net/mail"
	"strings"

	"mailroom/app/merge"
	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// UnsubscribeOn reports whether the campaign's messages carry unsubscribe
// links: as the campaign says, else on for marketing campaigns.
func (c *Campaign) UnsubscribeOn() bool {
	if c.Unsubscribe != nil {
		return *c.Unsubscribe
	}
	return c.Marketing
}

// unsubscribe is the campaign's unsubscribe setting for merge: the
// account's own address for mailto: (else the From address), and the web
// address template. A campaign that asks for links but offers neither is a
// blocking problem.
func (p *Plan) unsubscribe() (merge.Unsubscribe, bool) {
	c := p.Campaign
	if !c.UnsubscribeOn() {
		return merge.Unsubscribe{}, false
	}
	var u merge.Unsubscribe
	if c.UnsubscribeMailto == nil || *c.UnsubscribeMailto {
		u.Mailto = p.Account.FromAddress
		if u.Mailto == "" {
			if a, err := mail.ParseAddress(c.From); err == nil {
				u.Mailto = a.Address
			}
		}
	}
	u.URL = strings.TrimSpace(c.UnsubscribeURL)
	if u.Mailto == "" && u.URL == "" {
		p.blocking("unsubscribe-empty", msg.T("the unsubscribe link is on, but it has neither a mailto address nor a web address"),
			msg.T("allow unsubscribing by mail, or give an https:// address (--unsubscribe-url)"))
		return merge.Unsubscribe{}, false
	}
	return u, true
}

// renderRow is the merge row for a message to the given addresses, keyed
// as recipients.RowKey keys its first occurrence, so a preview or a dry
// run shows the unsubscribe link the real message will carry.
func renderRow(r recipients.Row, to []string) merge.Row {
	row := mergeRow(r)
	row.Key = recipients.RowKey(to, 1)
	return row
}
