package accounts

import (
	"context"
	"errors"
	"strings"

	"mailroom/app/msg"
)

// The OAuth 2 providers an account can sign in with ("Sign in with
// Google / Microsoft"). app/oauth knows their endpoints and scopes.
const (
	OAuthGoogle    = "google"
	OAuthMicrosoft = "microsoft"
)

// OAuthSecretSuffix is appended to the account ID to name the keychain
// entry that holds the account's OAuth refresh token.
const OAuthSecretSuffix = "#oauth"

// OAuthTokenEnv gives the headless command an OAuth 2 access token, for
// scripts that obtain tokens themselves; it is used as it is, never
// refreshed.
const OAuthTokenEnv = "MAILROOM_OAUTH_TOKEN"

// ErrSignInAgain means the provider no longer accepts the account's
// sign-in (the refresh token was revoked or expired, or the password was
// changed): only signing in again helps, so a run stops.
var ErrSignInAgain = errors.New("the sign-in is no longer accepted: sign in again")

// OAuth is how an account signs in with its provider (Gmail, Outlook.com,
// Microsoft 365) instead of a password. The refresh token is kept in the
// keychain under OAuthSecretID, never here.
type OAuth struct {
	// Provider is OAuthGoogle or OAuthMicrosoft once the user chose to sign
	// in; empty for password accounts and for old accounts whose user
	// pasted an access token (Auth xoauth2), which keep working as before.
	Provider string `json:"provider,omitempty"`
	// SignedInAs is the address the provider said the user signed in as.
	SignedInAs string `json:"signedInAs,omitempty"`
	// ClientID, ClientSecret and Tenant replace the app Mailroom was built
	// with, for organisations that register their own. A desktop app's
	// client secret is not confidential (RFC 8252 section 8.5; Google calls
	// it "not treated as a secret" for installed apps), so it may live in
	// the settings file.
	ClientID     string `json:"clientID,omitempty"`
	ClientSecret string `json:"clientSecret,omitempty"`
	// Tenant is the Microsoft Entra tenant ("common" when empty; an
	// organisation's own single-tenant app needs its tenant ID or domain).
	Tenant string `json:"tenant,omitempty"`
}

// SignsInWithOAuth reports whether the account signs in with its
// provider's OAuth 2 and keeps a refresh token.
func (a Account) SignsInWithOAuth() bool { return a.OAuth.Provider != "" }

// OAuthSecretID is the key under which Secrets holds the account's OAuth
// refresh token.
func (a Account) OAuthSecretID() string { return a.ID + OAuthSecretSuffix }

// Credential gives the secret a login uses: a password, or an OAuth 2
// access token. rejected is the secret the server just refused ("" the
// first time); a credential that can renew itself (an OAuth refresh)
// returns a new one, any other returns the same again. An error matching
// ErrSignInAgain means only the user can fix it; others are temporary
// (the provider could not be reached).
type Credential func(ctx context.Context, rejected string) (string, error)

// StaticCredential always gives the same secret: a password, or an access
// token pasted by the user or given by a script.
func StaticCredential(secret string) Credential {
	return func(context.Context, string) (string, error) { return secret, nil }
}

func (a Account) validateOAuth(bad func(field, problem msg.Text)) {
	o := a.OAuth
	switch o.Provider {
	case "":
		return
	case OAuthGoogle, OAuthMicrosoft:
	default:
		bad(msg.T("Sign-in"), msg.T(`"{{.Value}}" is not one of {{.Choices}}`, "Value", o.Provider, "Choices", "google, microsoft"))
		return
	}
	if a.Auth != AuthXOAUTH2 {
		bad(msg.T("Authentication"), msg.T("must be XOAUTH2 for an account that signs in with {{.Provider}}", "Provider", oauthName(o.Provider)))
	}
	for _, f := range []struct {
		name  msg.Text
		value string
	}{
		{msg.T("Client ID"), o.ClientID}, {msg.T("Client secret"), o.ClientSecret}, {msg.T("Tenant"), o.Tenant},
	} {
		if strings.ContainsAny(f.value, " \r\n\t") {
			bad(f.name, msg.T("must be one word without spaces; paste it exactly as your app registration shows it"))
		}
	}
}

func oauthName(provider string) string {
	if provider == OAuthMicrosoft {
		return "Microsoft"
	}
	return "Google"
}
