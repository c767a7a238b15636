package accounts

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"mailroom/app/msg"
)

// The explanations below turn Go's network, TLS and x509 errors into what a
// person setting up a mailbox can act on.

func portHint() msg.Text {
	return msg.T("Check the port: 465 for SSL/TLS, 587 for STARTTLS.")
}

func explainDial(err error, a Account, timeout time.Duration) (Problem, msg.Text, msg.Text) {
	switch {
	// Windows reports WSAECONNREFUSED, which syscall.ECONNREFUSED does not
	// match there; its message says "actively refused".
	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(err.Error(), "refused"):
		return ProblemRefused,
			msg.T("{{.Host}} refused the connection on port {{.Port}}: nothing is listening there.", "Host", a.Host, "Port", a.Port), portHint()
	case isTimeout(err):
		return ProblemTimeout,
			msg.T("{{.Host}} did not accept a connection on port {{.Port}} within {{.Time}}.", "Host", a.Host, "Port", a.Port, "Time", msg.Duration(timeout)),
			msg.T("A firewall or your network may block this port (port 25 is often blocked); try 465 or 587.")
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return ProblemUnreachable,
			msg.T("{{.Host}} cannot be reached from this computer ({{.Reason}}).", "Host", a.Host, "Reason", msg.Raw(err.Error())),
			msg.T("Check your internet connection.")
	}
	return ProblemUnreachable, msg.T("Could not connect to {{.Host}} port {{.Port}} ({{.Reason}}).", "Host", a.Host, "Port", a.Port, "Reason", msg.Raw(err.Error())), portHint()
}

func greetingHint(a Account) msg.Text {
	if a.Port == 465 {
		return msg.T("Port 465 normally expects SSL/TLS from the first byte: choose SSL/TLS under Security instead of STARTTLS.")
	}
	return msg.T("Check the port and the security setting: 465 for SSL/TLS, 587 for STARTTLS.")
}

func tlsHint(a Account) msg.Text {
	if a.Port == 587 || a.Port == 25 {
		return msg.T("Port {{.Port}} normally starts unencrypted: choose STARTTLS under Security instead of SSL/TLS.", "Port", a.Port)
	}
	return msg.T("Check the port and the security setting: 465 for SSL/TLS, 587 for STARTTLS.")
}

// explainTLS explains handshake failures that are not about the
// certificate; ProblemNone means "not a TLS-specific failure".
func explainTLS(err error, a Account) (Problem, msg.Text, msg.Text) {
	var header tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.As(err, &header):
		return ProblemTLS, msg.T("The server on port {{.Port}} did not answer with TLS.", "Port", a.Port), tlsHint(a)
	case errors.As(err, &alert) && uint8(alert) == 70, strings.Contains(err.Error(), "protocol version"):
		return ProblemTLS, msg.T("The server only offers old TLS versions (before TLS 1.2), which are no longer safe."),
			msg.T("Ask the server's administrator to enable TLS 1.2 or 1.3.")
	case errors.As(err, &alert):
		return ProblemTLS, msg.T("The server ended the TLS negotiation ({{.Reason}}).", "Reason", msg.Raw(err.Error())),
			msg.T("The server may require settings Mailroom does not offer; ask its administrator.")
	}
	return ProblemNone, msg.Text{}, msg.Text{}
}

// explainCertificate says why the certificate was refused, with the
// certificate's subject, issuer, dates and fingerprint.
func explainCertificate(verr *tls.CertificateVerificationError, host string) (summary, hint msg.Text) {
	if len(verr.UnverifiedCertificates) == 0 {
		return msg.T("The server's certificate could not be verified ({{.Reason}}).", "Reason", msg.Raw(verr.Err.Error())), msg.Text{}
	}
	leaf := describeCertificate(verr.UnverifiedCertificates[0])
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	switch {
	case errors.As(verr.Err, &invalid) && invalid.Reason == x509.Expired:
		summary = msg.T("The server's certificate expired on {{.Date}} ({{.Certificate}}).", "Date", leaf.NotAfter.Format(time.DateOnly), "Certificate", leaf.Describe())
		if time.Now().Before(leaf.NotBefore) {
			summary = msg.T("The server's certificate is not valid before {{.Date}} ({{.Certificate}}).", "Date", leaf.NotBefore.Format(time.DateOnly), "Certificate", leaf.Describe())
		}
		hint = msg.T("Tell the server's administrator; also check that this computer's date and time are right.")
	case errors.As(verr.Err, &hostErr):
		names := strings.Join(leaf.DNSNames, ", ")
		if names == "" {
			names = leaf.Subject
		}
		summary = msg.T("The server's certificate is for {{.Names}}, not for {{.Host}} ({{.Certificate}}).", "Names", names, "Host", host, "Certificate", leaf.Describe())
		hint = msg.T("Use the server name the certificate is for, or check that you typed the right server.")
	case errors.As(verr.Err, &unknown):
		summary = msg.T("The server's certificate was issued by “{{.Issuer}}”, which this computer does not trust ({{.Certificate}}).", "Issuer", leaf.Issuer, "Certificate", leaf.Describe())
		if leaf.SelfSigned {
			summary = msg.T("The server's certificate is self-signed ({{.Certificate}}).", "Certificate", leaf.Describe())
		}
		hint = msg.T("If this is your organisation's own server, compare the fingerprint with the one your administrator gives you, then trust this certificate or your organisation's CA in the account settings.")
	default:
		summary = msg.T("The server's certificate could not be verified: {{.Reason}} ({{.Certificate}}).", "Reason", msg.Raw(verr.Err.Error()), "Certificate", leaf.Describe())
	}
	return summary, hint
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
