package imaptest

import (
	"bytes"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
)

// WithAuthMechanisms sets the SASL mechanisms the server offers after TLS:
// "PLAIN" (the default) and "XOAUTH2", whose bearer token is checked as
// the user's password. With none, only LOGIN works.
func WithAuthMechanisms(mechs ...string) Option {
	return func(c *config) error {
		c.mechs = mechs
		return nil
	}
}

// WithXOAUTH2 offers XOAUTH2 and accepts the bearer tokens valid accepts
// (an OAuth provider's), instead of the user's password.
func WithXOAUTH2(valid func(token string) bool) Option {
	return func(c *config) error {
		c.mechs, c.tokenValid = []string{"XOAUTH2"}, valid
		return nil
	}
}

// AuthenticateMechanisms lists the mechanisms announced as AUTH=….
func (sess *session) AuthenticateMechanisms() []string {
	return sess.server.mechs
}

// Authenticate runs one of the offered mechanisms against the user's
// password.
func (sess *session) Authenticate(mech string) (sasl.Server, error) {
	if !slices.Contains(sess.server.mechs, mech) {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, username, password string) error {
			return sess.Login(username, password)
		}), nil
	case "XOAUTH2":
		return xoauth2Server{sess: sess}, nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
}

// xoauth2Server reads the one XOAUTH2 message,
// "user=NAME\x01auth=Bearer TOKEN\x01\x01".
type xoauth2Server struct {
	sess *session
}

func (x xoauth2Server) Next(response []byte) ([]byte, bool, error) {
	var user, token string
	for _, field := range bytes.Split(response, []byte{1}) {
		switch {
		case bytes.HasPrefix(field, []byte("user=")):
			user = string(field[len("user="):])
		case bytes.HasPrefix(field, []byte("auth=Bearer ")):
			token = string(field[len("auth=Bearer "):])
		}
	}
	if valid := x.sess.server.tokenValid; valid != nil {
		if !valid(token) {
			return nil, false, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "Invalid credentials (Failure)"}
		}
		token = x.sess.server.password // the memory backend knows only passwords
	}
	if err := x.sess.Login(user, token); err != nil {
		return nil, false, err
	}
	return nil, true, nil
}
