// Package oauth signs accounts in with their mail provider's OAuth 2
// ("Sign in with Google / Microsoft") the way desktop mail programs do: the
// system browser shows the provider's consent page, the code comes back to
// a loopback address with PKCE (RFC 8252), and the refresh token is kept in
// the keychain under the account. A Source turns it into access tokens for
// SMTP and IMAP (XOAUTH2), renewing them before they expire and when a
// server refuses one. It uses golang.org/x/oauth2, the Go team's client,
// for the code exchange, PKCE and refresh; this package adds the loopback
// listener, the keychain, and words for what can go wrong. No Fyne here:
// the window passes its browser opener in.
package oauth

import (
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"mailroom/app/accounts"
	"mailroom/app/msg"
)

// The app Mailroom was built with, one per provider. They are set at build
// time, never committed:
//
//	go build -ldflags "-X mailroom/app/oauth.googleClientID=… -X mailroom/app/oauth.googleClientSecret=… -X mailroom/app/oauth.microsoftClientID=…"
//
// `make build` passes $MAILROOM_GOOGLE_CLIENT_ID, $MAILROOM_GOOGLE_CLIENT_SECRET
// and $MAILROOM_MICROSOFT_CLIENT_ID (release builds take them from the
// build machine's environment). Google's desktop-app client secret is not
// confidential (RFC 8252 section 8.5); Microsoft's public clients have none.
var (
	googleClientID     string
	googleClientSecret string
	microsoftClientID  string
)

// Provider is one OAuth 2 authorization server and what Mailroom asks it
// for.
type Provider struct {
	// ID is accounts.OAuthGoogle or accounts.OAuthMicrosoft.
	ID string
	// Name is the brand shown on the button ("Sign in with Google").
	Name string
	// AuthURL and TokenURL may contain "{tenant}" (Microsoft), replaced by
	// the account's tenant or "common".
	AuthURL, TokenURL string
	// RevokeURL takes a refresh token and cancels the grant (RFC 7009);
	// empty where the provider offers none (Microsoft).
	RevokeURL string
	Scopes    []string
	// AuthParams are added to the consent page's address.
	AuthParams map[string]string
	// ClientID and ClientSecret are the app Mailroom was built with; empty
	// when it was built without one.
	ClientID, ClientSecret string
}

// builtin returns the real providers.
func builtin() map[string]Provider {
	return map[string]Provider{
		accounts.OAuthGoogle: {
			ID: accounts.OAuthGoogle, Name: "Google",
			// https://developers.google.com/identity/protocols/oauth2/native-app
			AuthURL:   "https://accounts.google.com/o/oauth2/v2/auth",
			TokenURL:  "https://oauth2.googleapis.com/token",
			RevokeURL: "https://oauth2.googleapis.com/revoke",
			// SMTP and IMAP need the full mail scope:
			// https://developers.google.com/gmail/imap/xoauth2-protocol
			// openid and email name the signed-in address (id_token).
			Scopes: []string{"https://mail.google.com/", "openid", "email"},
			// offline access returns a refresh token; consent makes Google
			// return one again when the user signs in a second time.
			AuthParams: map[string]string{"access_type": "offline", "prompt": "consent"},
			ClientID:   googleClientID, ClientSecret: googleClientSecret,
		},
		accounts.OAuthMicrosoft: {
			ID: accounts.OAuthMicrosoft, Name: "Microsoft",
			// Microsoft identity platform v2.0, one endpoint for personal
			// (Outlook.com) and work accounts (Microsoft 365) with "common":
			// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
			AuthURL:  "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
			TokenURL: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
			// Scopes for SMTP AUTH and IMAP with XOAUTH2:
			// https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
			Scopes: []string{
				"https://outlook.office.com/SMTP.Send", "https://outlook.office.com/IMAP.AccessAsUser.All",
				"offline_access", "openid", "profile", "email",
			},
			// Let the user choose the account rather than reuse whichever
			// one the browser is signed in to.
			AuthParams: map[string]string{"prompt": "select_account"},
			ClientID:   microsoftClientID,
		},
	}
}

// Service signs accounts in and out and gives their access tokens. It is
// safe for concurrent use.
type Service struct {
	secrets   accounts.Secrets
	providers map[string]Provider
	http      *http.Client
}

// Option changes a Service.
type Option func(*Service)

// WithProvider replaces the provider with the same ID, e.g. with a local
// authorization server in tests.
func WithProvider(p Provider) Option {
	return func(s *Service) { s.providers[p.ID] = p }
}

// WithHTTPClient sets the client used to talk to the token endpoint.
func WithHTTPClient(c *http.Client) Option {
	return func(s *Service) { s.http = c }
}

// New returns a Service that keeps refresh tokens in secrets.
func New(secrets accounts.Secrets, opts ...Option) *Service {
	s := &Service{secrets: secrets, providers: builtin(), http: &http.Client{Timeout: time.Minute}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Provider returns the provider with that ID.
func (s *Service) Provider(id string) (Provider, bool) {
	p, ok := s.providers[id]
	return p, ok
}

// ProviderFor returns the provider an account signs in with: the one it
// signed in with, else its preset's.
func (s *Service) ProviderFor(a accounts.Account) (Provider, bool) {
	id := a.OAuth.Provider
	if id == "" {
		if p, ok := accounts.PresetByID(a.Preset); ok {
			id = p.OAuth
		}
	}
	return s.Provider(id)
}

// Configured reports whether the account can sign in with p: Mailroom was
// built with p's app, or the account names its own.
func Configured(p Provider, a accounts.Account) bool {
	return strings.TrimSpace(a.OAuth.ClientID) != "" || p.ClientID != ""
}

// config is the oauth2 configuration for the account, or an error that
// explains what to register when no app is configured.
func (s *Service) config(p Provider, a accounts.Account) (*oauth2.Config, error) {
	id, secret := p.ClientID, p.ClientSecret
	if own := strings.TrimSpace(a.OAuth.ClientID); own != "" {
		id, secret = own, strings.TrimSpace(a.OAuth.ClientSecret)
	}
	if id == "" {
		return nil, noClientID(p)
	}
	tenant := strings.TrimSpace(a.OAuth.Tenant)
	if tenant == "" {
		tenant = "common"
	}
	return &oauth2.Config{
		ClientID:     id,
		ClientSecret: secret,
		Scopes:       p.Scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:  strings.ReplaceAll(p.AuthURL, "{tenant}", tenant),
			TokenURL: strings.ReplaceAll(p.TokenURL, "{tenant}", tenant),
			// Public clients send their ID in the body; saying so spares
			// x/oauth2 a second request to find out.
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}, nil
}

func noClientID(p Provider) error {
	if p.ID == accounts.OAuthMicrosoft {
		return msg.Errorf(ErrNoClientID, "This copy of Mailroom was built without a Microsoft app. To sign in with Microsoft, register an application in the Microsoft Entra admin center (App registrations → New registration), add the platform \"Mobile and desktop applications\" with the redirect URI http://127.0.0.1, allow public client flows, and add the delegated permissions SMTP.Send and IMAP.AccessAsUser.All. Then paste its Application (client) ID, and for a single-organisation app its Directory (tenant) ID, under \"Your organisation's own app\" in the account form, and press Sign in with Microsoft again.")
	}
	return msg.Errorf(ErrNoClientID, "This copy of Mailroom was built without a Google app. To sign in with Google, create a project in the Google Cloud console, enable the Gmail API, and create an OAuth client ID of type \"Desktop app\" (APIs & Services → Credentials). Then paste its client ID and client secret under \"Your organisation's own app\" in the account form, and press Sign in with Google again.")
}
