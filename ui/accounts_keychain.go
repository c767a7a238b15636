package ui

// keychainNotifier is an account book whose list answers from memory and
// says when the keychain brought news (accountBook).
type keychainNotifier interface {
	OnKeychainRead(func())
}

// keychainRead lists the accounts again after the keychain answered:
// only what the keychain tells (password, sign-in, DKIM key stored)
// changes in the form, so nothing the user typed is lost.
func (v *accountsView) keychainRead() {
	accounts, err := v.book.List()
	if err != nil {
		return
	}
	v.accounts = accounts
	v.list.Refresh()
	for _, a := range accounts {
		if a.ID == "" || a.ID != v.current.ID {
			continue
		}
		v.current.HasPassword = a.HasPassword
		v.current.IMAP.HasPassword = a.IMAP.HasPassword
		v.current.DKIM.HasKey = a.DKIM.HasKey
		v.current.OAuth.SignedIn = a.OAuth.SignedIn
		v.passwordHint()
	}
}
