package accounts

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"mailroom/app/msg"
)

// CertificateInfo is what the user needs to decide whether to trust a
// server certificate.
type CertificateInfo struct {
	Subject   string
	Issuer    string
	DNSNames  []string
	NotBefore time.Time
	NotAfter  time.Time
	// SHA256 is the fingerprint of the whole certificate, as
	// FormatFingerprint writes it; store it in Trust.PinnedSHA256 to trust
	// exactly this certificate.
	SHA256     string
	SelfSigned bool
}

func (c CertificateInfo) String() string {
	return fmt.Sprintf("subject %q, issued by %q, valid %s to %s, SHA-256 %s",
		c.Subject, c.Issuer, c.NotBefore.Format(time.DateOnly), c.NotAfter.Format(time.DateOnly), c.SHA256)
}

// Describe is String in the user's language.
func (c CertificateInfo) Describe() msg.Text {
	return msg.T("subject “{{.Subject}}”, issued by “{{.Issuer}}”, valid {{.From}} to {{.To}}, SHA-256 {{.Fingerprint}}",
		"Subject", c.Subject, "Issuer", c.Issuer, "From", c.NotBefore.Format(time.DateOnly), "To", c.NotAfter.Format(time.DateOnly), "Fingerprint", c.SHA256)
}

func describeCertificate(c *x509.Certificate) CertificateInfo {
	return CertificateInfo{
		Subject:    c.Subject.String(),
		Issuer:     c.Issuer.String(),
		DNSNames:   append([]string(nil), c.DNSNames...),
		NotBefore:  c.NotBefore,
		NotAfter:   c.NotAfter,
		SHA256:     FormatFingerprint(c.Raw),
		SelfSigned: c.CheckSignatureFrom(c) == nil,
	}
}

func describeChain(certs []*x509.Certificate) []CertificateInfo {
	out := make([]CertificateInfo, len(certs))
	for i, c := range certs {
		out[i] = describeCertificate(c)
	}
	return out
}

// FormatFingerprint returns the SHA-256 fingerprint of a DER certificate as
// upper-case hex pairs separated by colons, the way browsers show it.
func FormatFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	pairs := make([]string, len(sum))
	for i, b := range sum {
		pairs[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(pairs, ":")
}

// normaliseFingerprint accepts a fingerprint with or without colons or
// spaces, in any case, and returns it in FormatFingerprint's form.
func normaliseFingerprint(s string) (string, error) {
	digits := strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(s))
	raw, err := hex.DecodeString(digits)
	if err != nil || len(raw) != sha256.Size {
		return "", fmt.Errorf("%q is not a SHA-256 fingerprint (64 hexadecimal digits)", s)
	}
	pairs := make([]string, len(raw))
	for i, b := range raw {
		pairs[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(pairs, ":"), nil
}

func (t Trust) validate() error {
	if t.CAPEM != "" {
		if _, err := parseCAs([]byte(t.CAPEM)); err != nil {
			return err
		}
	}
	if t.PinnedSHA256 != "" {
		if _, err := normaliseFingerprint(t.PinnedSHA256); err != nil {
			return err
		}
	}
	return nil
}

// parseCAs returns the certificates in PEM text, refusing text that holds
// none, so a wrong file is reported instead of silently trusting nothing.
func parseCAs(pemText []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, pemText = pem.Decode(pemText)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidCA, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%w: no PEM \"CERTIFICATE\" block found", ErrInvalidCA)
	}
	return certs, nil
}

// ReadCAFile reads a PEM file of CA certificates (the --tls-ca flag) and
// returns its text for Trust.CAPEM. The error names the file.
func ReadCAFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--tls-ca %s: %w", path, err)
	}
	if _, err := parseCAs(data); err != nil {
		return "", fmt.Errorf("--tls-ca %s: %w; the file must hold the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)", path, err)
	}
	return string(data), nil
}

// TLSConfig returns the TLS settings for connecting to the account's server:
// the system's certificate authorities plus the account's trusted CA, and,
// when the user pinned a certificate, that exact certificate as well. The
// server certificate is always verified; there is no way to turn that off.
func (a Account) TLSConfig() (*tls.Config, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		// Without system roots only the account's own trust can succeed,
		// which is still a verified connection.
		roots = x509.NewCertPool()
	}
	if a.Trust.CAPEM != "" {
		cas, err := parseCAs([]byte(a.Trust.CAPEM))
		if err != nil {
			return nil, err
		}
		for _, c := range cas {
			roots.AddCert(c)
		}
	}
	cfg := &tls.Config{ServerName: a.Host, RootCAs: roots, MinVersion: tls.VersionTLS12}
	if a.Trust.PinnedSHA256 != "" {
		pin, err := normaliseFingerprint(a.Trust.PinnedSHA256)
		if err != nil {
			return nil, err
		}
		// crypto/tls can only add a pin by replacing its built-in check;
		// verifyChainOrPin performs the same chain and host-name check and
		// accepts the pinned certificate as the one exception.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			return verifyChainOrPin(cs, roots, a.Host, pin, time.Now())
		}
	}
	return cfg, nil
}

// verifyChainOrPin accepts the server's certificate when it verifies against
// roots for host, or when it is the pinned certificate and within its
// validity dates. Otherwise it fails like crypto/tls would.
func verifyChainOrPin(cs tls.ConnectionState, roots *x509.CertPool, host, pin string, now time.Time) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("tls: server sent no certificate")
	}
	leaf := cs.PeerCertificates[0]
	intermediates := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		intermediates.AddCert(c)
	}
	_, chainErr := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: intermediates, CurrentTime: now})
	if chainErr == nil {
		return nil
	}
	if FormatFingerprint(leaf.Raw) == pin {
		if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
			chainErr = x509.CertificateInvalidError{Cert: leaf, Reason: x509.Expired,
				Detail: "the certificate you trusted is outside its validity dates"}
		} else {
			return nil
		}
	}
	return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: chainErr}
}
