package accounts

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// The explanations below turn Go's network, TLS and x509 errors into what a
// person setting up a mailbox can act on.

func explainDial(err error, a Account, timeout time.Duration) (Problem, string, string) {
	portHint := "Check the port: 465 for SSL/TLS, 587 for STARTTLS."
	switch {
	// Windows reports WSAECONNREFUSED, which syscall.ECONNREFUSED does not
	// match there; its message says "actively refused".
	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(err.Error(), "refused"):
		return ProblemRefused,
			fmt.Sprintf("%s refused the connection on port %d: nothing is listening there.", a.Host, a.Port), portHint
	case isTimeout(err):
		return ProblemTimeout,
			fmt.Sprintf("%s did not accept a connection on port %d within %s.", a.Host, a.Port, timeout),
			"A firewall or your network may block this port (port 25 is often blocked); try 465 or 587."
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return ProblemUnreachable,
			fmt.Sprintf("%s cannot be reached from this computer: %v.", a.Host, err), "Check your internet connection."
	}
	return ProblemUnreachable, fmt.Sprintf("Could not connect to %s port %d: %v.", a.Host, a.Port, err), portHint
}

func greetingHint(a Account) string {
	if a.Port == 465 {
		return "Port 465 normally expects SSL/TLS from the first byte: choose SSL/TLS instead of STARTTLS."
	}
	return "Check the port and the security setting: 465 for SSL/TLS, 587 for STARTTLS."
}

func tlsHint(a Account) string {
	if a.Port == 587 || a.Port == 25 {
		return fmt.Sprintf("Port %d normally starts unencrypted: choose STARTTLS instead of SSL/TLS.", a.Port)
	}
	return "Check the port and the security setting: 465 for SSL/TLS, 587 for STARTTLS."
}

// explainTLS explains handshake failures that are not about the
// certificate; ProblemNone means "not a TLS-specific failure".
func explainTLS(err error, a Account) (Problem, string, string) {
	var header tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.As(err, &header):
		return ProblemTLS, fmt.Sprintf("The server on port %d did not answer with TLS.", a.Port), tlsHint(a)
	case errors.As(err, &alert) && uint8(alert) == 70, strings.Contains(err.Error(), "protocol version"):
		return ProblemTLS, "The server only offers old TLS versions (before TLS 1.2), which are no longer safe.",
			"Ask the server's administrator to enable TLS 1.2 or 1.3."
	case errors.As(err, &alert):
		return ProblemTLS, fmt.Sprintf("The server ended the TLS negotiation: %v.", err),
			"The server may require settings Mailroom does not offer; ask its administrator."
	}
	return ProblemNone, "", ""
}

// explainCertificate says why the certificate was refused, with the
// certificate's subject, issuer, dates and fingerprint.
func explainCertificate(verr *tls.CertificateVerificationError, host string) (summary, hint string) {
	if len(verr.UnverifiedCertificates) == 0 {
		return fmt.Sprintf("The server's certificate could not be verified: %v.", verr.Err), ""
	}
	leaf := describeCertificate(verr.UnverifiedCertificates[0])
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	switch {
	case errors.As(verr.Err, &invalid) && invalid.Reason == x509.Expired:
		when := "expired on " + leaf.NotAfter.Format(time.DateOnly)
		if time.Now().Before(leaf.NotBefore) {
			when = "is not valid before " + leaf.NotBefore.Format(time.DateOnly)
		}
		summary = fmt.Sprintf("The server's certificate %s (%s).", when, leaf)
		hint = "Tell the server's administrator; also check that this computer's date and time are right."
	case errors.As(verr.Err, &hostErr):
		names := strings.Join(leaf.DNSNames, ", ")
		if names == "" {
			names = leaf.Subject
		}
		summary = fmt.Sprintf("The server's certificate is for %s, not for %s (%s).", names, host, leaf)
		hint = "Use the server name the certificate is for, or check that you typed the right server."
	case errors.As(verr.Err, &unknown):
		summary = fmt.Sprintf("The server's certificate was issued by %q, which this computer does not trust (%s).", leaf.Issuer, leaf)
		if leaf.SelfSigned {
			summary = fmt.Sprintf("The server's certificate is self-signed (%s).", leaf)
		}
		hint = "If this is your organisation's own server, compare the fingerprint with the one your administrator gives you, then trust this certificate or your organisation's CA in the account settings."
	default:
		summary = fmt.Sprintf("The server's certificate could not be verified: %v (%s).", verr.Err, leaf)
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
