// Package oauthtest is an OAuth 2 authorization server for tests that
// plays Google or Microsoft on 127.0.0.1: a consent page that sends the
// browser back to the loopback redirect with a code, a token endpoint that
// verifies the PKCE verifier (RFC 7636, S256 only), issues access, refresh
// and OpenID id tokens, refreshes (optionally rotating refresh tokens),
// and a revocation endpoint (RFC 7009). Tests decide when access tokens
// expire and when a refresh token is revoked, and mail servers under test
// ask Valid whether a token is good.
package oauthtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Server is the fake authorization server. Set its exported fields before
// the code under test uses it.
type Server struct {
	// URL is the server's base address.
	URL string
	// ClientID (and ClientSecret, when not empty) must be presented by the
	// client.
	ClientID, ClientSecret string
	// Email is the user who consents on the consent page.
	Email string
	// ExpiresIn is the lifetime announced with each access token (default
	// one hour). The server itself only refuses tokens Expire ended.
	ExpiresIn time.Duration
	// RotateRefresh issues a new refresh token on every refresh, as
	// Microsoft does; the old one stays valid, as there.
	RotateRefresh bool
	// Deny makes the user decline on the consent page.
	Deny bool
	// NoRefreshToken leaves the refresh token out of the code exchange.
	NoRefreshToken bool

	srv *httptest.Server

	mu        sync.Mutex
	codes     map[string]pendingCode
	refresh   map[string]grant // refresh token → grant
	access    map[string]accessToken
	exchanges int
	refreshes int
	revoked   int
	failNext  int // refreshes answered 503 from now on
}

type pendingCode struct {
	redirect, challenge, scope string
}

type grant struct {
	email, scope string
	revoked      bool
}

type accessToken struct {
	email   string
	expired bool
}

// New starts a server; Close it when done.
func New() *Server {
	s := &Server{
		ClientID: "mailroom-test-client", Email: "sender@example.com", ExpiresIn: time.Hour,
		codes: map[string]pendingCode{}, refresh: map[string]grant{}, access: map[string]accessToken{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/auth", s.authorize)
	mux.HandleFunc("/token", s.token)
	mux.HandleFunc("/revoke", s.revoke)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// AuthURL, TokenURL and RevokeURL are the endpoints to configure.
func (s *Server) AuthURL() string   { return s.URL + "/auth" }
func (s *Server) TokenURL() string  { return s.URL + "/token" }
func (s *Server) RevokeURL() string { return s.URL + "/revoke" }

// Consent plays the user's browser: it opens the consent page at authURL,
// where the user agrees (or declines, with Deny), and follows the redirect
// back to the application's loopback address. It fails unless that
// address answered 200.
func (s *Server) Consent(authURL string) error {
	resp, err := http.Get(authURL)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("oauthtest: the browser ended on HTTP %d at %s", resp.StatusCode, resp.Request.URL.Redacted())
	}
	return nil
}

// Valid reports whether an access token was issued here and neither
// expired nor belongs to a revoked grant. user must match the address it
// was issued to.
func (s *Server) Valid(user, token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.access[token]
	return ok && !a.expired && strings.EqualFold(a.email, user)
}

// ExpireAccessTokens ends every access token issued so far, as the hour
// passing would.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, a := range s.access {
		a.expired = true
		s.access[k] = a
	}
}

// RevokeAll cancels every grant, as the user removing the app from their
// account (or changing their password) does: refreshing fails with
// invalid_grant and issued access tokens stop working.
func (s *Server) RevokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, g := range s.refresh {
		g.revoked = true
		s.refresh[k] = g
	}
	for k, a := range s.access {
		a.expired = true
		s.access[k] = a
	}
}

// FailRefreshes makes the next n refreshes answer 503, as an overloaded
// provider would.
func (s *Server) FailRefreshes(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// Counts says how many code exchanges, refreshes and revocations were
// served.
func (s *Server) Counts() (exchanges, refreshes, revoked int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exchanges, s.refreshes, s.revoked
}

// authorize is the consent page: it checks the request like a provider
// does, and sends the browser back at once with a code or an error.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" || !isLoopback(u.Hostname()) {
		http.Error(w, "redirect_uri must be a loopback address (RFC 8252)", http.StatusBadRequest)
		return
	}
	switch {
	case q.Get("client_id") != s.ClientID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "response_type must be code", http.StatusBadRequest)
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "PKCE with S256 is required", http.StatusBadRequest)
		return
	}
	back := u.Query()
	back.Set("state", q.Get("state"))
	if s.Deny {
		back.Set("error", "access_denied")
	} else {
		code := random()
		s.mu.Lock()
		s.codes[code] = pendingCode{redirect: redirect, challenge: q.Get("code_challenge"), scope: q.Get("scope")}
		s.mu.Unlock()
		back.Set("code", code)
	}
	u.RawQuery = back.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// token serves the authorization_code and refresh_token grants.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	if r.PostForm.Get("client_id") != s.ClientID || s.ClientSecret != "" && r.PostForm.Get("client_secret") != s.ClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		code := r.PostForm.Get("code")
		pc, ok := s.codes[code]
		delete(s.codes, code) // a code is good for one exchange
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		switch {
		case !ok:
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		case r.PostForm.Get("redirect_uri") != pc.redirect:
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		case base64.RawURLEncoding.EncodeToString(sum[:]) != pc.challenge:
			oauthError(w, http.StatusBadRequest, "invalid_grant") // PKCE verifier does not match
			return
		}
		s.exchanges++
		rt := ""
		if !s.NoRefreshToken {
			rt = random()
			s.refresh[rt] = grant{email: s.Email, scope: pc.scope}
		}
		s.issue(w, s.Email, rt, true)
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		g, ok := s.refresh[rt]
		if s.failNext > 0 {
			s.failNext--
			oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable")
			return
		}
		if !ok || g.revoked {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		s.refreshes++
		next := ""
		if s.RotateRefresh {
			next = random()
			s.refresh[next] = g
		}
		s.issue(w, g.email, next, false)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
	}
}

// issue writes a token response; the caller holds s.mu.
func (s *Server) issue(w http.ResponseWriter, email, refresh string, idToken bool) {
	at := random()
	s.access[at] = accessToken{email: email}
	body := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(s.ExpiresIn / time.Second)}
	if refresh != "" {
		body["refresh_token"] = refresh
	}
	if idToken {
		claims, _ := json.Marshal(map[string]any{"iss": s.URL, "aud": s.ClientID, "email": email, "email_verified": true})
		body["id_token"] = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + base64.RawURLEncoding.EncodeToString(claims) + "."
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.refresh[r.PostForm.Get("token")]; ok {
		g.revoked = true
		s.refresh[r.PostForm.Get("token")] = g
		s.revoked++
		for k, a := range s.access { // Google ends the grant's access tokens too
			if a.email == g.email {
				a.expired = true
				s.access[k] = a
			}
		}
	}
	w.WriteHeader(http.StatusOK) // RFC 7009: also for unknown tokens
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func random() string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
