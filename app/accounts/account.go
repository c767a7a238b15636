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

	"mailroom/app/msg"
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
	// Delay is the suggested random pause between messages ("30-120",
	// seconds), used when a campaign sets none: free mailboxes block
	// accounts that send fast and evenly.
	Delay string `json:"delay,omitempty"`
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
	bad := func(field, problem msg.Text) {
		problems = append(problems, &FieldError{Account: a.Label(), Field: field.String(), Problem: problem.String(),
			FieldText: field, ProblemText: problem})
	}
	if strings.TrimSpace(a.FromAddress) == "" {
		bad(msg.T("From address"), msg.T("is empty: enter the address your messages come from, e.g. name@example.com"))
	} else if err := checkAddress(a.FromAddress); err != nil {
		bad(msg.T("From address"), msg.T(`"{{.Value}}" is not an e-mail address ({{.Reason}})`, "Value", a.FromAddress, "Reason", msg.Raw(err.Error())))
	}
	if a.ReplyTo != "" {
		if err := checkAddress(a.ReplyTo); err != nil {
			bad(msg.T("Reply-To"), msg.T(`"{{.Value}}" is not an e-mail address ({{.Reason}})`, "Value", a.ReplyTo, "Reason", msg.Raw(err.Error())))
		}
	}
	if strings.ContainsAny(a.FromName, "\r\n") {
		bad(msg.T("From name"), msg.T("must be on one line"))
	}
	if problem := checkHost(a.Host); !problem.IsZero() {
		bad(msg.T("Server"), problem)
	}
	if a.Port < 1 || a.Port > 65535 {
		bad(msg.T("Port"), msg.T("must be between 1 and 65535 (got {{.Port}}); common ports are 465 (SSL/TLS) and 587 (STARTTLS)", "Port", a.Port))
	}
	switch a.Security {
	case SecurityTLS, SecuritySTARTTLS, SecurityNone:
	default:
		bad(msg.T("Security"), msg.T(`"{{.Value}}" is not one of {{.Choices}}`, "Value", string(a.Security), "Choices", "tls, starttls, none"))
	}
	switch a.Auth {
	case AuthAuto, AuthPlain, AuthLogin, AuthCRAMMD5, AuthXOAUTH2:
		if strings.TrimSpace(a.Username) == "" {
			bad(msg.T("User name"), a.emptyUsername())
		}
	case AuthNone:
	default:
		bad(msg.T("Authentication"), msg.T(`"{{.Value}}" is not one of {{.Choices}}`, "Value", string(a.Auth), "Choices", "auto, plain, login, cram-md5, xoauth2, none"))
	}
	if a.Security == SecurityNone && a.Auth != AuthNone && a.Host != "" && !IsLoopback(a.Host) {
		bad(msg.T("Security"), msg.T("sending a password without encryption is only allowed to this computer (localhost); choose SSL/TLS or STARTTLS for {{.Host}}", "Host", a.Host))
	}
	checkLimits(a.Limits, bad)
	a.validateIMAP(bad)
	a.validateOAuth(bad)
	a.validateDKIM(bad)
	if err := a.Trust.validate(); err != nil {
		bad(msg.T("Trusted certificate"), msg.Raw(err.Error()))
	}
	return errors.Join(problems...)
}

// emptyUsername says what goes into an empty user name, by the preset's
// rule: the address for most providers, the provider's own SMTP user name
// for Amazon SES and relays.
func (a Account) emptyUsername() msg.Text {
	if p, ok := PresetByID(a.Preset); ok && p.OwnUsername {
		return msg.T("is empty: enter the SMTP user name {{.Provider}} gave you (it is not your e-mail address)", "Provider", p.Name)
	}
	return msg.T("is empty: most servers want your full e-mail address here")
}

func checkLimits(l Limits, bad func(field, problem msg.Text)) {
	for _, f := range []struct {
		name  msg.Text
		value int64
	}{
		{msg.T("Messages per minute"), int64(l.PerMinute)},
		{msg.T("Messages per hour"), int64(l.PerHour)},
		{msg.T("Messages per day"), int64(l.PerDay)},
		{msg.T("Largest message (MB)"), l.MaxMessageBytes},
		{msg.T("Connections at once"), int64(l.MaxConnections)},
	} {
		if f.value < 0 {
			bad(f.name, msg.T("cannot be negative (got {{.Value}}); leave it empty for no limit", "Value", f.value))
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

func checkHost(host string) msg.Text {
	switch {
	case strings.TrimSpace(host) == "":
		return msg.T("is empty: enter the SMTP server name, e.g. smtp.example.com")
	case strings.ContainsAny(host, " /:@\r\n\t") && net.ParseIP(host) == nil:
		return msg.T(`"{{.Value}}" is not a server name: enter only the name, e.g. smtp.example.com, without smtp:// or a port`, "Value", host)
	}
	return msg.Text{}
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
