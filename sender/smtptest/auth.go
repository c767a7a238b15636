package smtptest

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"

	sasl "github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
)

// The SASL mechanism names the server can offer.
const (
	mechPlain   = "PLAIN"
	mechLogin   = "LOGIN"
	mechCRAMMD5 = "CRAM-MD5"
	mechXOAuth2 = "XOAUTH2"
)

// AuthMechanisms hides AUTH until TLS is up when the server offers TLS,
// as real submission servers do.
func (s *session) AuthMechanisms() []string {
	if s.s.cfg.user == "" || (s.s.cfg.tlsMode != TLSNone && !s.c.tls) {
		return nil
	}
	return s.s.cfg.mechanisms
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if s.s.cfg.user == "" {
		return nil, smtp.ErrAuthUnsupported
	}
	if s.s.cfg.tlsMode != TLSNone && !s.c.tls {
		return nil, errTLSRequired
	}
	offered := false
	for _, m := range s.s.cfg.mechanisms {
		offered = offered || m == mech
	}
	if !offered {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	if err := s.apply(StageAuth, ""); err != nil {
		return nil, err
	}
	switch mech {
	case mechPlain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return s.login(user, pass) }), nil
	case mechLogin:
		return &loginServer{check: s.login}, nil
	case mechCRAMMD5:
		return &cramServer{s: s}, nil
	default:
		if s.s.cfg.tokenValid != nil {
			return &xoauth2Server{check: s.bearer, challenge: true}, nil
		}
		return &xoauth2Server{check: s.login}, nil
	}
}

// bearer checks an XOAUTH2 token with WithXOAUTH2's function.
func (s *session) bearer(user, token string) error {
	if subtle.ConstantTimeCompare([]byte(user), []byte(s.s.cfg.user)) != 1 || !s.s.cfg.tokenValid(token) {
		return errTokenRefused
	}
	s.user, s.token = user, token
	return nil
}

// login checks credentials; for XOAUTH2 the token plays the password.
func (s *session) login(user, pass string) error {
	okUser := subtle.ConstantTimeCompare([]byte(user), []byte(s.s.cfg.user)) == 1
	okPass := subtle.ConstantTimeCompare([]byte(pass), []byte(s.s.cfg.pass)) == 1
	if !okUser || !okPass {
		return errAuthInvalid
	}
	s.user = user
	return nil
}

// loginServer implements the (non-standard but ubiquitous) LOGIN
// mechanism, which go-sasl only provides as a client.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if response != nil { // initial response carries the username
			l.user = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.step++
		l.user = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(response))
	}
}

type cramServer struct {
	s         *session
	challenge string
}

func (c *cramServer) Next(response []byte) ([]byte, bool, error) {
	if c.challenge == "" {
		c.challenge = fmt.Sprintf("<%d.%d@%s>", c.s.c.info.ID, c.s.msgNo, c.s.s.cfg.serverDomain)
		return []byte(c.challenge), false, nil
	}
	user, digest, ok := strings.Cut(string(response), " ")
	if !ok {
		return nil, true, errAuthInvalid
	}
	mac := hmac.New(md5.New, []byte(c.s.s.cfg.pass))
	mac.Write([]byte(c.challenge))
	want := hex.EncodeToString(mac.Sum(nil))
	if user != c.s.s.cfg.user || !hmac.Equal([]byte(digest), []byte(want)) {
		return nil, true, errAuthInvalid
	}
	c.s.user = user
	return nil, true, nil
}

type xoauth2Server struct {
	check func(user, token string) error
	// challenge answers a refused token as Gmail does, with a 334 JSON
	// status first; failed is set once it was sent.
	challenge, failed bool
}

// xoauth2Status is Gmail's error challenge for a refused token:
// https://developers.google.com/gmail/imap/xoauth2-protocol
const xoauth2Status = `{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}`

func (x *xoauth2Server) Next(response []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, true, errTokenRefused
	}
	var user, token string
	for _, field := range strings.Split(string(response), "\x01") {
		if v, ok := strings.CutPrefix(field, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(field, "auth=Bearer "); ok {
			token = v
		}
	}
	err := x.check(user, token)
	if err != nil && x.challenge {
		x.failed = true
		return []byte(xoauth2Status), false, nil
	}
	return nil, true, err
}
