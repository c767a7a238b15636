package oauth

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/oauth2"

	"mailroom/app/accounts"
)

// Source gives one account's access tokens for a run: every SMTP
// connection and the IMAP copy share it, so a token is renewed once for
// all of them. It is safe for concurrent use.
type Source struct {
	svc  *Service
	p    Provider
	acct accounts.Account
	conf *oauth2.Config

	mu      sync.Mutex
	refresh string
	tok     *oauth2.Token
}

// Source returns the token source of an account that signed in. It reads
// the refresh token from the keychain: call it off the window's goroutine.
// Errors: ErrNoClientID, ErrNotSignedIn (which also matches
// accounts.ErrSignInAgain), or the keychain's.
func (s *Service) Source(a accounts.Account) (*Source, error) {
	p, ok := s.Provider(a.OAuth.Provider)
	if !ok {
		return nil, errors.New("oauth: the account does not sign in with a known provider")
	}
	conf, err := s.config(p, a)
	if err != nil {
		return nil, err
	}
	if s.secrets == nil {
		return nil, errNotSignedIn(p, a)
	}
	refresh, err := s.secrets.Get(a.OAuthSecretID())
	switch {
	case errors.Is(err, accounts.ErrNoSecret) || err == nil && refresh == "":
		return nil, errNotSignedIn(p, a)
	case err != nil:
		return nil, err
	}
	return &Source{svc: s, p: p, acct: a, conf: conf, refresh: refresh}, nil
}

// SourceFromGrant starts a source with the tokens a sign-in just gave, so
// the connection test after signing in needs no second request.
func (s *Service) SourceFromGrant(a accounts.Account, g *Grant) (*Source, error) {
	p, ok := s.Provider(g.Provider)
	if !ok {
		return nil, errors.New("oauth: unknown provider")
	}
	conf, err := s.config(p, a)
	if err != nil {
		return nil, err
	}
	return &Source{svc: s, p: p, acct: a, conf: conf, refresh: g.refresh, tok: g.token}, nil
}

// Token returns a valid access token. rejected is a token a server just
// refused ("" when none was): the source then renews even if the token
// looks valid by its expiry time (the server's clock or a revocation may
// disagree), unless another connection already did. A refresh token the
// provider no longer accepts gives an error matching
// accounts.ErrSignInAgain; an unreachable provider one matching
// ErrUnreachable. When the provider sends a new refresh token (Microsoft
// rotates them), the keychain is updated.
func (s *Source) Token(ctx context.Context, rejected string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.Valid() && s.tok.AccessToken != rejected {
		return s.tok.AccessToken, nil
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.svc.http)
	tok, err := s.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: s.refresh}).Token()
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", refreshFailed(s.p, s.acct, err)
	}
	if tok.RefreshToken != "" && tok.RefreshToken != s.refresh {
		s.refresh = tok.RefreshToken
		if s.acct.ID != "" && s.acct.SignsInWithOAuth() {
			// If the keychain refuses, the new token still serves this
			// run, and the old one normally stays valid until it expires.
			_ = s.svc.secrets.Set(s.acct.OAuthSecretID(), s.refresh)
		}
	}
	s.tok = tok
	return tok.AccessToken, nil
}

// Credential is Token as the senders take it.
func (s *Source) Credential() accounts.Credential { return s.Token }

// Credential says how the account logs in for a run: with the access
// token of MAILROOM_OAUTH_TOKEN when set (for an XOAUTH2 account), else
// with its sign-in. ok is false for accounts that do neither (passwords,
// and old accounts whose user pasted an access token): the caller finds
// their password as before. lookupEnv is os.LookupEnv, or nil to ignore
// the environment (the window).
func (s *Service) Credential(a accounts.Account, lookupEnv func(string) (string, bool)) (cred accounts.Credential, ok bool, err error) {
	if lookupEnv != nil && a.Auth == accounts.AuthXOAUTH2 {
		if v, set := lookupEnv(accounts.OAuthTokenEnv); set && v != "" {
			return accounts.StaticCredential(v), true, nil
		}
	}
	if !a.SignsInWithOAuth() {
		return nil, false, nil
	}
	src, err := s.Source(a)
	if err != nil {
		return nil, true, err
	}
	return src.Credential(), true, nil
}
