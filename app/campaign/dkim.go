package campaign

import (
	"mailroom/app/accounts"
	"mailroom/app/merge"
	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// loadDKIM reads the account's DKIM key once per plan, so a missing key
// file or keychain entry is a blocking problem before anything is sent.
// A dry run signs nothing and needs no key.
func (p *Plan) loadDKIM(env Env) {
	a := p.Account
	if !a.SignsDKIM() || p.Campaign.DryRun != "" {
		return
	}
	key, err := accounts.LoadDKIMKey(a, env.Keychain())
	if err != nil {
		p.Problems = append(p.Problems, recipients.Problem{Severity: recipients.Blocking, Code: "dkim-key"}.Say(textOf(err),
			msg.T("fix the DKIM section of the account, or turn DKIM signing off")))
		return
	}
	p.dkim = merge.WithDKIM(a.DKIM.Domain, a.DKIM.Selector, key)
}
