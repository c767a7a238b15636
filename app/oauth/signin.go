package oauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"mailroom/app/accounts"
	"mailroom/app/msg"
)

// Grant is the outcome of a sign-in: who signed in and the refresh token,
// which Keep puts in the keychain. It is never written anywhere else.
type Grant struct {
	Provider string
	// Email is the address the provider says the user signed in as.
	Email   string
	refresh string
	token   *oauth2.Token
}

// SignIn runs the browser sign-in for the account with provider p: it
// listens on a random loopback port (127.0.0.1, RFC 8252 section 7.3),
// calls open with the provider's consent page, waits for the browser to
// come back with the code, and exchanges it with the PKCE verifier (RFC
// 7636). open is the window's browser opener; tests script a browser with
// it. Cancel ctx to give up (the window's Cancel button, a timeout).
func (s *Service) SignIn(ctx context.Context, a accounts.Account, p Provider, open func(authURL string) error) (*Grant, error) {
	conf, err := s.config(p, a)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, msg.Errorf(errors.Join(ErrSignIn, err), "Mailroom could not wait for the browser's answer on this computer: {{.Reason}}", "Reason", msg.Raw(err.Error()))
	}
	conf.RedirectURL = "http://" + ln.Addr().String() + "/"
	verifier, state := oauth2.GenerateVerifier(), randomState()
	params := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	for k, v := range p.AuthParams {
		params = append(params, oauth2.SetAuthURLParam(k, v))
	}
	if hint := loginHint(a); hint != "" {
		params = append(params, oauth2.SetAuthURLParam("login_hint", hint))
	}
	authURL := conf.AuthCodeURL(state, params...)

	answers := make(chan callback, 1)
	srv := &http.Server{Handler: callbackHandler(state, answers), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()

	// open may wait for the browser (a scripted one does), which waits
	// for the exchange: run it aside.
	opened := make(chan error, 1)
	go func() { opened <- open(authURL) }()
	var cb callback
	for waiting := true; waiting; {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-opened:
			if err != nil {
				return nil, msg.Errorf(errors.Join(ErrSignIn, err), "Mailroom could not open your web browser: {{.Reason}}", "Reason", msg.Raw(err.Error()))
			}
			opened = nil
		case cb = <-answers:
			waiting = false
		}
	}
	g, err := s.finish(ctx, a, p, conf, verifier, cb)
	cb.outcome <- err // the browser tab says how it ended
	return g, err
}

// finish turns the browser's answer into a grant.
func (s *Service) finish(ctx context.Context, a accounts.Account, p Provider, conf *oauth2.Config, verifier string, cb callback) (*Grant, error) {
	switch {
	case cb.err == "access_denied":
		return nil, msg.Errorf(ErrDenied, "You did not allow Mailroom to send mail as you on {{.Provider}}'s page; nothing was changed.", "Provider", p.Name)
	case cb.err != "":
		return nil, msg.Errorf(ErrSignIn, "{{.Provider}} did not complete the sign-in: {{.Reason}}", "Provider", p.Name, "Reason", msg.Raw(cb.err))
	}
	tok, err := conf.Exchange(context.WithValue(ctx, oauth2.HTTPClient, s.http), cb.code, oauth2.VerifierOption(verifier))
	var re *oauth2.RetrieveError
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil && !errors.As(err, &re):
		return nil, msg.Errorf(errors.Join(ErrSignIn, err), "{{.Provider}} could not be reached to finish the sign-in ({{.Reason}}): check the internet connection and sign in again.",
			"Provider", p.Name, "Reason", msg.Raw(networkReason(err)))
	case err != nil:
		return nil, msg.Errorf(errors.Join(ErrSignIn, err), "{{.Provider}} did not complete the sign-in: {{.Reason}}", "Provider", p.Name, "Reason", msg.Raw(err.Error()))
	case tok.RefreshToken == "":
		return nil, msg.Errorf(ErrSignIn, "{{.Provider}} signed you in but gave no lasting permission (no refresh token), so Mailroom would have to ask again within the hour. Remove Mailroom from your account's connected apps and sign in again.", "Provider", p.Name)
	}
	email := signedInAddress(tok)
	if email == "" {
		email = loginHint(a)
	}
	if email == "" {
		return nil, msg.Errorf(ErrSignIn, "{{.Provider}} did not say which address you signed in with: fill in the From address and sign in again.", "Provider", p.Name)
	}
	return &Grant{Provider: p.ID, Email: email, refresh: tok.RefreshToken, token: tok}, nil
}

// networkReason is a network error without the request line Go puts in
// front of it (the provider's address means nothing to the user).
func networkReason(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err.Error()
	}
	return err.Error()
}

// Keep stores the grant's refresh token in the keychain under the account
// (accounts.Account.OAuthSecretID), replacing any earlier one.
func (s *Service) Keep(a accounts.Account, g *Grant) error {
	if a.ID == "" || s.secrets == nil {
		return errors.New("oauth: Keep needs a saved account and a keychain")
	}
	return s.secrets.Set(a.OAuthSecretID(), g.refresh)
}

// SignedIn reports whether a refresh token is stored for the account. It
// reads the keychain: call it off the window's goroutine.
func (s *Service) SignedIn(a accounts.Account) bool {
	if !a.SignsInWithOAuth() || a.ID == "" || s.secrets == nil {
		return false
	}
	v, err := s.secrets.Get(a.OAuthSecretID())
	return err == nil && v != ""
}

// loginHint is the address the user typed, so the provider can preselect
// it on its page.
func loginHint(a accounts.Account) string {
	for _, s := range []string{a.OAuth.SignedInAs, a.FromAddress, a.Username} {
		if s = strings.TrimSpace(s); strings.Contains(s, "@") {
			return s
		}
	}
	return ""
}

// callback is what the browser brought back to the loopback address;
// outcome receives how the sign-in ended, for the tab's last page.
type callback struct {
	code, err string
	outcome   chan error
}

// tabWait bounds how long the browser tab waits for the code exchange
// before it says something anyway.
const tabWait = time.Minute

// callbackHandler answers the browser's return to the loopback address.
// Only a request carrying the state this sign-in made is taken; anything
// else gets an error page and the wait goes on.
func callbackHandler(state string, answers chan<- callback) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/" || q.Get("state") != state {
			http.Error(w, "Mailroom: this page does not belong to the sign-in in progress.", http.StatusBadRequest)
			return
		}
		cb := callback{code: q.Get("code"), err: q.Get("error"), outcome: make(chan error, 1)}
		if cb.err == "" && cb.code == "" {
			cb.err = "the browser came back without a code"
		}
		if d := q.Get("error_description"); cb.err != "" && cb.err != "access_denied" && d != "" {
			cb.err += ": " + d
		}
		select {
		case answers <- cb:
		default: // a second answer to the same sign-in is ignored
			http.Error(w, "Mailroom: this sign-in is already being completed.", http.StatusConflict)
			return
		}
		// The tab says how it ended only once the code was exchanged.
		var err error
		select {
		case err = <-cb.outcome:
		case <-r.Context().Done():
			return
		case <-time.After(tabWait):
			err = errors.New("no answer")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err != nil {
			fmt.Fprint(w, page("The sign-in was not completed. Mailroom says why; you can close this tab.", "登录未完成，原因请看 Mailroom 中的提示。可以关闭此页面。"))
			return
		}
		fmt.Fprint(w, page("You are signed in. You can close this tab and go back to Mailroom.", "已登录。可以关闭此页面，返回 Mailroom。"))
	})
}

// page is the browser tab's last word, in both languages: the tab has no
// way to know which one Mailroom speaks.
func page(en, zh string) string {
	return "<!doctype html><meta charset=utf-8><title>Mailroom</title>" +
		"<body style=\"font-family:sans-serif;margin:3em\"><h1>Mailroom</h1><p>" + html.EscapeString(en) + "</p><p>" + html.EscapeString(zh) + "</p></body>"
}

func randomState() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// signedInAddress reads the address from the OpenID Connect id_token that
// came with the tokens. Its signature is not checked: it came straight from
// the token endpoint over TLS, which OpenID Connect Core 1.0 section
// 3.1.3.7 (item 6) allows in place of the signature.
func signedInAddress(tok *oauth2.Token) string {
	raw, _ := tok.Extra("id_token").(string)
	parts := strings.Split(raw, ".")
	if len(parts) < 2 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		Email             string `json:"email"`
		PreferredUsername string `json:"preferred_username"`
		UPN               string `json:"upn"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	for _, s := range []string{claims.Email, claims.PreferredUsername, claims.UPN} {
		if strings.Contains(s, "@") && !strings.ContainsAny(s, " \r\n<>") {
			return s
		}
	}
	return ""
}
