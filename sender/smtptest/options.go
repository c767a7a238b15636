package smtptest

import (
	"errors"
	"fmt"
	"strings"
)

// TLSMode selects how the server offers TLS.
type TLSMode int

// The TLS modes the server supports.
const (
	// TLSNone offers no TLS at all (AUTH is then allowed in the clear).
	TLSNone TLSMode = iota
	// TLSStartTLS advertises STARTTLS on a plain connection.
	TLSStartTLS
	// TLSImplicit speaks TLS from the first byte (port 465 style).
	TLSImplicit
)

// Option configures a Server.
type Option func(*config) error

type config struct {
	tlsMode      TLSMode
	requireTLS   bool
	user, pass   string
	mechanisms   []string
	expiredCert  bool
	certHosts    []string
	rules        []Rule
	keepBodies   bool
	maxMsgBytes  int64
	serverDomain string
	// tokenValid checks XOAUTH2 bearer tokens (WithXOAUTH2);
	// tokenPerMessage checks the session's token again at each MAIL.
	tokenValid      func(token string) bool
	tokenPerMessage bool
}

func defaultConfig() config {
	return config{
		certHosts:    []string{"127.0.0.1", "localhost"},
		keepBodies:   true,
		serverDomain: "smtptest.localhost",
	}
}

// ErrInvalidOption is returned by New for an option with a bad value.
var ErrInvalidOption = errors.New("smtptest: invalid option")

// WithTLS selects the TLS mode (default TLSNone).
func WithTLS(mode TLSMode) Option {
	return func(c *config) error {
		if mode < TLSNone || mode > TLSImplicit {
			return fmt.Errorf("%w: TLS mode %d", ErrInvalidOption, mode)
		}
		c.tlsMode = mode
		return nil
	}
}

// WithRequireTLS makes the server refuse MAIL and AUTH with 530 until the
// client has issued STARTTLS. It implies WithTLS(TLSStartTLS).
func WithRequireTLS() Option {
	return func(c *config) error {
		c.tlsMode = TLSStartTLS
		c.requireTLS = true
		return nil
	}
}

// WithAuth requires AUTH with these credentials before MAIL. A wrong
// password is answered "535 5.7.8".
func WithAuth(username, password string) Option {
	return func(c *config) error {
		if username == "" {
			return fmt.Errorf("%w: empty AUTH username", ErrInvalidOption)
		}
		c.user, c.pass = username, password
		return nil
	}
}

// WithAuthMechanisms limits the SASL mechanisms advertised (default PLAIN
// and LOGIN). Supported: PLAIN, LOGIN, CRAM-MD5, XOAUTH2.
func WithAuthMechanisms(mechs ...string) Option {
	return func(c *config) error {
		if len(mechs) == 0 {
			return fmt.Errorf("%w: no AUTH mechanisms", ErrInvalidOption)
		}
		c.mechanisms = c.mechanisms[:0]
		for _, m := range mechs {
			m = strings.ToUpper(m)
			switch m {
			case mechPlain, mechLogin, mechCRAMMD5, mechXOAuth2:
				c.mechanisms = append(c.mechanisms, m)
			default:
				return fmt.Errorf("%w: unsupported AUTH mechanism %q", ErrInvalidOption, m)
			}
		}
		return nil
	}
}

// WithExpiredCertificate serves a certificate whose validity has ended.
func WithExpiredCertificate() Option {
	return func(c *config) error {
		c.expiredCert = true
		return nil
	}
}

// WithCertificateHosts issues the server certificate for these names
// instead of 127.0.0.1 and localhost, e.g. to test a host-name mismatch.
func WithCertificateHosts(hosts ...string) Option {
	return func(c *config) error {
		if len(hosts) == 0 {
			return fmt.Errorf("%w: no certificate hosts", ErrInvalidOption)
		}
		c.certHosts = append([]string(nil), hosts...)
		return nil
	}
}

// WithRules injects faults. Rules are evaluated in order; the first match
// applies.
func WithRules(rules ...Rule) Option {
	return func(c *config) error {
		for _, r := range rules {
			if err := r.validate(); err != nil {
				return err
			}
		}
		c.rules = append(c.rules, rules...)
		return nil
	}
}

// WithoutBodies keeps only envelopes and sizes of received messages, so
// long benchmarks do not measure the sink's memory.
func WithoutBodies() Option {
	return func(c *config) error {
		c.keepBodies = false
		return nil
	}
}

// WithMaxMessageBytes makes the server refuse larger messages with 552.
func WithMaxMessageBytes(n int64) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("%w: negative message size limit", ErrInvalidOption)
		}
		c.maxMsgBytes = n
		return nil
	}
}

// WithXOAUTH2 accepts XOAUTH2 logins (Gmail, Microsoft) as user with any
// bearer token valid accepts, and offers only XOAUTH2. A refused token
// gets Gmail's answer: a 334 challenge carrying a base64 JSON status,
// then, after the client's empty response, "535 5.7.8".
func WithXOAUTH2(user string, valid func(token string) bool) Option {
	return func(c *config) error {
		if user == "" || valid == nil {
			return fmt.Errorf("%w: WithXOAUTH2 needs a user and a token check", ErrInvalidOption)
		}
		c.user, c.tokenValid, c.mechanisms = user, valid, []string{mechXOAuth2}
		return nil
	}
}

// WithTokenCheckPerMessage makes a WithXOAUTH2 server check the session's
// token again at each MAIL and answer "530 5.7.0" once it is no longer
// valid, as a server that ends the sessions of expired tokens would.
func WithTokenCheckPerMessage() Option {
	return func(c *config) error {
		c.tokenPerMessage = true
		return nil
	}
}
