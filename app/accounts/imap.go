package accounts

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
)

// IMAPSecretSuffix is appended to the account ID to name the keychain entry
// of an IMAP password kept apart from the SMTP one (IMAP.OwnPassword).
const IMAPSecretSuffix = "#imap"

// IMAP is the optional mailbox side of an account, used only to put a copy
// of each sent message into the Sent folder (see app/sentfolder). The zero
// value means "no IMAP": nothing is copied.
type IMAP struct {
	Host string `json:"host,omitempty"`
	Port int    `json:"port,omitempty"`
	// Security is SecurityTLS (port 993) or SecuritySTARTTLS (port 143);
	// IMAP is never used unencrypted because it always carries a login.
	Security Security `json:"security,omitempty"`
	// Username is empty to log in with the SMTP username, which is what
	// every listed provider expects.
	Username string `json:"username,omitempty"`
	// OwnPassword keeps a separate IMAP password in the keychain under
	// IMAPSecretID. By default the SMTP password is used: QQ, NetEase,
	// Gmail and others issue one authorisation code or app password that
	// works for both.
	OwnPassword bool `json:"ownPassword,omitempty"`
	// SentFolder is the folder's name as the server lists it ("Sent
	// Messages", "已发送"…); empty finds it automatically.
	SentFolder string `json:"sentFolder,omitempty"`
	// CopyToSent turns the copy on. It has no effect for providers that
	// already file messages sent through their SMTP server (Gmail,
	// Microsoft), where a copy would show every message twice: see
	// SentCopyFor.
	CopyToSent bool `json:"copyToSent,omitempty"`
}

// CopiesToSent reports whether messages sent from this account should be
// copied into its Sent folder over IMAP: the user turned it on, an IMAP
// server is set, and the provider does not file its own copy (an account
// saved with the switch on before that rule existed copies nothing).
func (a Account) CopiesToSent() bool {
	return a.IMAP.CopyToSent && a.IMAP.Host != "" && SentCopyFor(a).Offered
}

// IMAPAddress returns the IMAP server's host:port, ready for net.Dial.
func (a Account) IMAPAddress() string {
	return net.JoinHostPort(a.IMAP.Host, fmt.Sprint(a.IMAP.Port))
}

// IMAPUsername is the IMAP login name: the IMAP username if set, else the
// SMTP one.
func (a Account) IMAPUsername() string {
	if u := strings.TrimSpace(a.IMAP.Username); u != "" {
		return u
	}
	return a.Username
}

// IMAPSecretID is the key under which Secrets holds the IMAP password: the
// account ID itself (the SMTP password) unless the account keeps its own
// IMAP password.
func (a Account) IMAPSecretID() string {
	if a.IMAP.OwnPassword {
		return a.ID + IMAPSecretSuffix
	}
	return a.ID
}

// IMAPTLSConfig is TLSConfig for the IMAP server: the same trusted CA and
// pinned certificate, verified against the IMAP host name.
func (a Account) IMAPTLSConfig() (*tls.Config, error) {
	imapSide := a
	imapSide.Host = a.IMAP.Host
	return imapSide.TLSConfig()
}

// LoginHint is what to tell the user when a login with the account's
// preset fails, in English and Chinese; a general hint without a preset.
func LoginHint(presetID string) string {
	return authHint(presetID)
}

// ExplainCertificate turns a certificate verification failure for host into
// a sentence with the certificate's details and a hint of what to do. ok is
// false when err is not about the certificate.
func ExplainCertificate(err error, host string) (summary, hint string, ok bool) {
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) {
		return "", "", false
	}
	summary, hint = explainCertificate(verr, host)
	return summary, hint, true
}

// validateIMAP adds the problems of the IMAP section; an empty section
// (no server, copy off) is valid.
func (a Account) validateIMAP(bad func(field, format string, args ...any)) {
	m := a.IMAP
	if m.Host == "" && !m.CopyToSent {
		return
	}
	switch {
	case strings.TrimSpace(m.Host) == "":
		bad("IMAP server", "is empty: copying sent messages to the Sent folder needs the IMAP server name, e.g. imap.example.com")
	case strings.ContainsAny(m.Host, " /:@\r\n\t") && net.ParseIP(m.Host) == nil:
		bad("IMAP server", "%q is not a server name: enter only the name, e.g. imap.example.com, without imap:// or a port", m.Host)
	}
	if m.Port < 1 || m.Port > 65535 {
		bad("IMAP port", "must be between 1 and 65535 (got %d); IMAP uses 993 with SSL/TLS and 143 with STARTTLS", m.Port)
	}
	switch m.Security {
	case SecurityTLS, SecuritySTARTTLS:
	case SecurityNone:
		bad("IMAP security", "must be SSL/TLS or STARTTLS: the IMAP login carries your password")
	default:
		bad("IMAP security", "%q is not one of tls, starttls", m.Security)
	}
	if strings.ContainsAny(m.Username, "\r\n") {
		bad("IMAP username", "must be on one line")
	}
	if a.Auth == AuthNone {
		// The SMTP side logs in with nothing, so there is no username or
		// password to share.
		if strings.TrimSpace(m.Username) == "" {
			bad("IMAP username", "is empty: the SMTP server needs no login, so enter the mailbox's IMAP username")
		}
		if !m.OwnPassword {
			bad("IMAP password", "cannot be shared with SMTP, which has none: choose a separate IMAP password")
		}
	}
	if strings.ContainsAny(m.SentFolder, "\r\n\x00") {
		bad("Sent folder", "must be on one line")
	}
	if m.SentFolder != strings.TrimSpace(m.SentFolder) {
		bad("Sent folder", "%q starts or ends with spaces; enter the name exactly as your mail program shows it", m.SentFolder)
	}
}
