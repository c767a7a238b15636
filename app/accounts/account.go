// Package accounts keeps the user's SMTP accounts: their settings (in a JSON
// file, never the password), their passwords (in the OS keychain), provider
// presets, the --smtp URL of the headless command, and a connection test that
// explains in plain words what went wrong.
package accounts

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
)

// Security is how the connection to the server is protected.
type Security string

// The supported connection security modes.
const (
	// SecurityTLS is implicit TLS: the connection is encrypted from the
	// first byte (usually port 465, "SSL/TLS" in mail programs).
	SecurityTLS Security = "tls"
	// SecuritySTARTTLS starts in plain text and must upgrade with STARTTLS
	// before anything else is sent (usually port 587). A server that does
	// not offer STARTTLS is refused, never used unencrypted.
	SecuritySTARTTLS Security = "starttls"
	// SecurityNone sends everything in plain text. Allowed with a login only
	// to a server on this computer (loopback).
	SecurityNone Security = "none"
)

// AuthMethod is the SMTP authentication mechanism.
type AuthMethod string

// The supported authentication mechanisms.
const (
	// AuthAuto picks the best mechanism the server offers (PLAIN, then
	// LOGIN, then CRAM-MD5).
	AuthAuto    AuthMethod = "auto"
	AuthPlain   AuthMethod = "plain"
	AuthLogin   AuthMethod = "login"
	AuthCRAMMD5 AuthMethod = "cram-md5"
	// AuthXOAUTH2 sends an OAuth 2 access token instead of a password.
	AuthXOAUTH2 AuthMethod = "xoauth2"
	// AuthNone sends no credentials (relays that accept by IP address).
	AuthNone AuthMethod = "none"
)

// Limits are the sending limits of an account. Zero means "no limit".
type Limits struct {
	PerMinute int `json:"perMinute,omitempty"`
	PerHour   int `json:"perHour,omitempty"`
	PerDay    int `json:"perDay,omitempty"`
	// MaxMessageBytes is the largest message the server accepts, encoded.
	MaxMessageBytes int64 `json:"maxMessageBytes,omitempty"`
	// MaxConnections is how many connections may be open at once.
	MaxConnections int `json:"maxConnections,omitempty"`
}

// Trust is what the user explicitly chose to trust for this account in
// addition to the system's certificate authorities. Certificates are always
// verified; these only widen what counts as valid.
type Trust struct {
	// CAPEM holds one or more PEM certificates of a private certificate
	// authority (a company's own CA, a test CA).
	CAPEM string `json:"caPEM,omitempty"`
	// PinnedSHA256 is the SHA-256 fingerprint of one server certificate the
	// user accepted after seeing it (a self-signed certificate), as
	// FormatFingerprint writes it.
	PinnedSHA256 string `json:"pinnedSHA256,omitempty"`
}

// Account is one SMTP account, with an optional IMAP side for copies in the
// Sent folder. It never holds the password: that lives in Secrets under the
// account's ID (and IMAPSecretID for a separate IMAP password).
type Account struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	FromName    string `json:"fromName,omitempty"`
	FromAddress string `json:"fromAddress"`
	ReplyTo     string `json:"replyTo,omitempty"`

	Host     string     `json:"host"`
	Port     int        `json:"port"`
	Security Security   `json:"security"`
	Auth     AuthMethod `json:"auth"`
	Username string     `json:"username,omitempty"`

	Limits Limits `json:"limits"`
	Trust  Trust  `json:"trust"`
	// IMAP is the optional mailbox side, for copies in the Sent folder.
	IMAP IMAP `json:"imap,omitzero"`
	// OAuth is set for accounts that sign in with Google or Microsoft
	// instead of a password (see oauth.go).
	OAuth OAuth `json:"oauth,omitzero"`
	// DKIM signs messages for servers that do not (optional); the private
	// key is in the keychain or a file the user points to, never here.
	DKIM DKIM `json:"dkim,omitzero"`
	// Preset is the ID of the provider preset the account was made from
	// ("qq", "gmail"…); it selects the hint shown when the login fails.
	Preset string `json:"preset,omitempty"`
}

// Address returns host:port, ready for net.Dial.
func (a Account) Address() string {
	return net.JoinHostPort(a.Host, fmt.Sprint(a.Port))
}

// NeedsSecret reports whether the account logs in and so needs a password
// or token.
func (a Account) NeedsSecret() bool {
	return a.Auth != AuthNone
}

// Label is how the account is named in messages: its display name, else its
// From address, else its server.
func (a Account) Label() string {
	switch {
	case a.DisplayName != "":
		return a.DisplayName
	case a.FromAddress != "":
		return a.FromAddress
	}
	return a.Address()
}

// Validate checks the account and returns every problem found, joined; each
// is a *FieldError matching ErrInvalidAccount.
func (a Account) Validate() error {
	var problems []error
	bad := func(field, format string, args ...any) {
		problems = append(problems, &FieldError{Account: a.Label(), Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(a.FromAddress) == "" {
		bad("From address", "is empty: enter the address your messages come from, e.g. name@example.com")
	} else if err := checkAddress(a.FromAddress); err != nil {
		bad("From address", "%q is not an e-mail address (%v)", a.FromAddress, err)
	}
	if a.ReplyTo != "" {
		if err := checkAddress(a.ReplyTo); err != nil {
			bad("Reply-To", "%q is not an e-mail address (%v)", a.ReplyTo, err)
		}
	}
	if strings.ContainsAny(a.FromName, "\r\n") {
		bad("From name", "must be on one line")
	}
	if err := checkHost(a.Host); err != nil {
		bad("Server", "%v", err)
	}
	if a.Port < 1 || a.Port > 65535 {
		bad("Port", "must be between 1 and 65535 (got %d); common ports are 465 (SSL/TLS) and 587 (STARTTLS)", a.Port)
	}
	switch a.Security {
	case SecurityTLS, SecuritySTARTTLS, SecurityNone:
	default:
		bad("Security", "%q is not one of tls, starttls, none", a.Security)
	}
	switch a.Auth {
	case AuthAuto, AuthPlain, AuthLogin, AuthCRAMMD5, AuthXOAUTH2:
		if strings.TrimSpace(a.Username) == "" {
			bad("Username", "is empty: most servers want your full e-mail address here")
		}
	case AuthNone:
	default:
		bad("Authentication", "%q is not one of auto, plain, login, cram-md5, xoauth2, none", a.Auth)
	}
	if a.Security == SecurityNone && a.Auth != AuthNone && a.Host != "" && !IsLoopback(a.Host) {
		bad("Security", "sending a password without encryption is only allowed to this computer (localhost); choose SSL/TLS or STARTTLS for %s", a.Host)
	}
	checkLimits(a.Limits, bad)
	a.validateIMAP(bad)
	a.validateOAuth(bad)
	a.validateDKIM(bad)
	if err := a.Trust.validate(); err != nil {
		bad("Trusted certificate", "%v", err)
	}
	return errors.Join(problems...)
}

func checkLimits(l Limits, bad func(field, format string, args ...any)) {
	for _, f := range []struct {
		name  string
		value int64
	}{
		{"Messages per minute", int64(l.PerMinute)},
		{"Messages per hour", int64(l.PerHour)},
		{"Messages per day", int64(l.PerDay)},
		{"Maximum message size", l.MaxMessageBytes},
		{"Maximum connections", int64(l.MaxConnections)},
	} {
		if f.value < 0 {
			bad(f.name, "cannot be negative (got %d); use 0 for no limit", f.value)
		}
	}
}

func checkAddress(s string) error {
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return err
	}
	if addr.Name != "" || addr.Address != strings.TrimSpace(s) {
		return errors.New("enter the bare address without a name or angle brackets")
	}
	return nil
}

func checkHost(host string) error {
	switch {
	case strings.TrimSpace(host) == "":
		return errors.New("is empty: enter the SMTP server name, e.g. smtp.example.com")
	case strings.ContainsAny(host, " /:@\r\n\t") && net.ParseIP(host) == nil:
		return fmt.Errorf("%q is not a server name: enter only the name, e.g. smtp.example.com, without smtp:// or a port", host)
	}
	return nil
}

// IsLoopback reports whether host names this computer: "localhost" or a
// loopback IP address. Only there may a password travel unencrypted.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
