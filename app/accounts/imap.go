package accounts

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"

	"mailroom/app/msg"
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
// preset fails; a general hint without a preset.
func LoginHint(presetID string) msg.Text {
	return authHint(presetID)
}

// ExplainCertificate turns a certificate verification failure for host into
// a sentence with the certificate's details and a hint of what to do. ok is
// false when err is not about the certificate.
func ExplainCertificate(err error, host string) (summary, hint msg.Text, ok bool) {
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) {
		return msg.Text{}, msg.Text{}, false
	}
	summary, hint = explainCertificate(verr, host)
	return summary, hint, true
}

// validateIMAP adds the problems of the IMAP section; an empty section
// (no server, copy off) is valid.
func (a Account) validateIMAP(bad func(field, problem msg.Text)) {
	m := a.IMAP
	if m.Host == "" && !m.CopyToSent {
		return
	}
	switch {
	case strings.TrimSpace(m.Host) == "":
		bad(msg.T("IMAP server"), msg.T("is empty: copying sent messages to the Sent folder needs the IMAP server name, e.g. imap.example.com"))
	case strings.ContainsAny(m.Host, " /:@\r\n\t") && net.ParseIP(m.Host) == nil:
		bad(msg.T("IMAP server"), msg.T(`"{{.Value}}" is not a server name: enter only the name, e.g. imap.example.com, without imap:// or a port`, "Value", m.Host))
	}
	if m.Port < 1 || m.Port > 65535 {
		bad(msg.T("IMAP port"), msg.T("must be between 1 and 65535 (got {{.Port}}); IMAP uses 993 with SSL/TLS and 143 with STARTTLS", "Port", m.Port))
	}
	switch m.Security {
	case SecurityTLS, SecuritySTARTTLS:
	case SecurityNone:
		bad(msg.T("IMAP security"), msg.T("must be SSL/TLS or STARTTLS: the IMAP login carries your password"))
	default:
		bad(msg.T("IMAP security"), msg.T(`"{{.Value}}" is not one of {{.Choices}}`, "Value", string(m.Security), "Choices", "tls, starttls"))
	}
	if strings.ContainsAny(m.Username, "\r\n") {
		bad(msg.T("IMAP user name"), msg.T("must be on one line"))
	}
	if a.Auth == AuthNone {
		// The SMTP side logs in with nothing, so there is no username or
		// password to share.
		if strings.TrimSpace(m.Username) == "" {
			bad(msg.T("IMAP user name"), msg.T("is empty: the SMTP server needs no login, so enter the mailbox's IMAP user name"))
		}
		if !m.OwnPassword {
			bad(msg.T("IMAP password"), msg.T("cannot be shared with SMTP, which has none: choose a separate IMAP password"))
		}
	}
	if strings.ContainsAny(m.SentFolder, "\r\n\x00") {
		bad(msg.T("Sent folder"), msg.T("must be on one line"))
	}
	if m.SentFolder != strings.TrimSpace(m.SentFolder) {
		bad(msg.T("Sent folder"), msg.T(`"{{.Value}}" starts or ends with spaces; enter the name exactly as your mail program shows it`, "Value", m.SentFolder))
	}
}
