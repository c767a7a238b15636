package ui

// The copy-to-Sent rule in the account form: app/accounts decides, per
// provider, whether Mailroom offers its own copy, and the form shows the
// switch (or not) with the provider's reason next to it.

// presetID is the ID of the provider chosen in the form, "" for a custom
// server.
func (v *accountsView) presetID() string {
	if p := v.selectedPreset(); p != nil {
		return p.ID
	}
	return ""
}

// refreshSentCopy shows the rule for the provider and server in the form.
// Where the provider files its own copy the switch is hidden and off, and
// the note says why; elsewhere the switch is shown, and with reset it takes
// the rule's starting state (on once an IMAP server is set).
func (v *accountsView) refreshSentCopy(reset bool) {
	s := v.imap
	rule := v.book.SentCopy(Account{PresetID: v.presetID(), Host: v.host.Text})
	hasIMAP := s.host.Text != ""
	if rule.Offered {
		s.copyToSent.Show()
		if reset {
			s.copyToSent.SetChecked(rule.Default && hasIMAP)
		}
	} else {
		s.copyToSent.SetChecked(false)
		s.copyToSent.Hide()
	}
	s.note.SetText(rule.Note)
	if rule.Note != "" && (hasIMAP || !rule.Offered) {
		s.note.Show()
	} else {
		s.note.Hide()
	}
}

// imapHostChanged applies the rule's default when the user sets up an IMAP
// server on an account that had none.
func (v *accountsView) imapHostChanged() {
	s := v.imap
	host := s.host.Text
	wasEmpty := s.lastHost == ""
	s.lastHost = host
	if s.filling {
		return
	}
	v.refreshSentCopy(wasEmpty && host != "")
}
