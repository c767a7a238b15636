package campaign

import (
	"errors"

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
		pr := recipients.Problem{Severity: recipients.Blocking, Code: "dkim-key", Message: err.Error(),
			Hint: "fix the DKIM section of the account, or turn DKIM signing off"}
		var m *msg.Error
		if errors.As(err, &m) {
			pr.Text = &m.Text
		}
		p.Problems = append(p.Problems, pr)
		return
	}
	p.dkim = merge.WithDKIM(a.DKIM.Domain, a.DKIM.Selector, key)
}
