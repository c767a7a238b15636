package oauth

import (
	"errors"
	"net/http"

	"golang.org/x/oauth2"

	"mailroom/app/accounts"
	"mailroom/app/msg"
)

// Sentinel errors. The errors this package returns carry a msg.Text in
// the user's words and match one of these (or accounts.ErrSignInAgain).
var (
	// ErrNoClientID: Mailroom was built without the provider's app and the
	// account names none.
	ErrNoClientID = errors.New("oauth: no client ID configured")
	// ErrNotSignedIn: the account signs in with OAuth but holds no refresh
	// token (never signed in, signed out, or the keychain lost it). It
	// matches accounts.ErrSignInAgain too.
	ErrNotSignedIn = errors.New("oauth: not signed in")
	// ErrDenied: the user declined on the consent page.
	ErrDenied = errors.New("oauth: access denied")
	// ErrSignIn: the sign-in did not complete (browser, provider reply).
	ErrSignIn = errors.New("oauth: sign-in failed")
	// ErrUnreachable: the provider could not be reached to renew a token;
	// retrying later may work.
	ErrUnreachable = errors.New("oauth: provider unreachable")
)

// notSignedIn matches both ErrNotSignedIn and accounts.ErrSignInAgain.
type notSignedIn struct{}

func (notSignedIn) Error() string { return ErrNotSignedIn.Error() }
func (notSignedIn) Is(target error) bool {
	return target == ErrNotSignedIn || target == accounts.ErrSignInAgain
}

func errNotSignedIn(p Provider, a accounts.Account) error {
	return msg.Errorf(notSignedIn{}, "The account {{.Account}} is not signed in with {{.Provider}}: open it under Accounts and press Sign in with {{.Provider}}.",
		"Account", a.Label(), "Provider", p.Name)
}

// refreshFailed words a failed refresh. The provider's answer decides:
// a refused grant or app (an RFC 6749 error with a 4xx status) can only be
// fixed by the user signing in again; anything else is temporary.
func refreshFailed(p Provider, a accounts.Account, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil || re.Response.StatusCode >= http.StatusInternalServerError {
		return msg.Errorf(errors.Join(ErrUnreachable, err), "{{.Provider}} could not be reached to renew the sign-in of {{.Account}} ({{.Reason}}): check the internet connection. The sign-in itself is still valid.",
			"Provider", p.Name, "Account", a.Label(), "Reason", msg.Raw(err.Error()))
	}
	switch re.ErrorCode {
	case "invalid_client", "unauthorized_client":
		return msg.Errorf(errors.Join(accounts.ErrSignInAgain, err), "{{.Provider}} does not accept the app that {{.Account}} signs in with ({{.Code}}): check the client ID under \"Your organisation's own app\", then sign in again.",
			"Provider", p.Name, "Account", a.Label(), "Code", msg.Raw(re.ErrorCode))
	}
	return msg.Errorf(errors.Join(accounts.ErrSignInAgain, err), "{{.Provider}} no longer accepts the sign-in of {{.Account}} (it was signed out, expired, or the password was changed): open the account under Accounts and sign in again.",
		"Provider", p.Name, "Account", a.Label())
}
