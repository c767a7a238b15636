package accounts

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wneessen/go-mail"

	"mailroom/app/msg"
)

// DKIMSecretSuffix is appended to the account ID to name the keychain
// entry of the account's DKIM private key.
const DKIMSecretSuffix = "#dkim"

// maxDKIMKeyFile bounds what is read from a key file the user points to: a
// PEM RSA-4096 key is about 3.3 KB.
const maxDKIMKeyFile = 64 << 10

// DKIM is the optional DKIM signing of an account, for servers (a company
// relay, a small provider) that do not sign messages themselves. The zero
// value signs nothing.
type DKIM struct {
	// Domain is the signing domain (d=), normally the From address's
	// domain, whose DNS publishes the public key.
	Domain string `json:"domain,omitempty"`
	// Selector names the key in DNS: <selector>._domainkey.<domain>.
	Selector string `json:"selector,omitempty"`
	// KeyFile is a PEM private key file the user points to; it is read
	// when sending and never copied. Empty: the key is in the keychain
	// under DKIMSecretID.
	KeyFile string `json:"keyFile,omitempty"`
}

// SignsDKIM reports whether messages from the account are DKIM-signed.
func (a Account) SignsDKIM() bool { return a.DKIM.Domain != "" }

// DKIMSecretID is the keychain key of the account's DKIM private key.
func (a Account) DKIMSecretID() string { return a.ID + DKIMSecretSuffix }

// DKIMRecordName is where the public key is published:
// <selector>._domainkey.<domain>.
func (d DKIM) DKIMRecordName() string {
	return d.Selector + "._domainkey." + strings.TrimSuffix(d.Domain, ".")
}

// validateDKIM adds the problems of the DKIM section; an empty section is
// valid.
func (a Account) validateDKIM(bad func(field, problem msg.Text)) {
	d := a.DKIM
	if d == (DKIM{}) {
		return
	}
	if !isDNSName(d.Domain) {
		bad(msg.T("DKIM domain"), msg.T(`"{{.Value}}" is not a domain name such as example.com`, "Value", d.Domain))
	}
	if !isDNSName(d.Selector) {
		bad(msg.T("DKIM selector"), msg.T(`"{{.Value}}" is not a selector such as mail or s2026 (letters, digits, dots and dashes)`, "Value", d.Selector))
	}
	if d.KeyFile != "" && !filepath.IsAbs(d.KeyFile) {
		bad(msg.T("Private key"), msg.T(`"{{.Value}}" must be a full path to the file`, "Value", d.KeyFile))
	}
}

// isDNSName accepts ASCII labels of letters, digits, dashes and
// underscores separated by dots.
func isDNSName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// ErrDKIMKey matches every error about an account's DKIM private key.
var ErrDKIMKey = errors.New("DKIM key problem")

// ParseDKIMKey reads a PEM private key (PKCS#1 or PKCS#8) and accepts
// RSA keys of at least 2048 bits and Ed25519 keys, the two algorithms of
// DKIM (RFC 8301, RFC 8463). go-mail's parser is used because go-mail
// signs with the result.
func ParseDKIMKey(pemText []byte) (crypto.Signer, error) {
	key, err := mail.PrivKeyFromPEM(pemText)
	if err != nil {
		return nil, msg.Errorf(fmt.Errorf("%w: %v", ErrDKIMKey, err), "The DKIM key is not a PEM private key (it starts with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).")
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if bits := k.N.BitLen(); bits < 2048 {
			return nil, msg.Errorf(fmt.Errorf("%w: RSA key of %d bits", ErrDKIMKey, bits), "The DKIM key is an RSA key of {{.Bits}} bits; receivers want at least 2048: create a new key.", "Bits", bits)
		}
	case ed25519.PrivateKey:
	default:
		return nil, msg.Errorf(fmt.Errorf("%w: %T", ErrDKIMKey, key), "The DKIM key must be an RSA or Ed25519 key.")
	}
	return key, nil
}

// LoadDKIMKey returns the account's DKIM private key: from the file the
// user pointed to (read, never copied), or from the keychain.
func LoadDKIMKey(a Account, secrets Secrets) (crypto.Signer, error) {
	var pemText []byte
	if a.DKIM.KeyFile != "" {
		data, err := readSmallFile(a.DKIM.KeyFile, maxDKIMKeyFile)
		if err != nil {
			return nil, msg.Errorf(fmt.Errorf("%w: %v", ErrDKIMKey, err), "The DKIM key file {{.File}} cannot be read: {{.Reason}}", "File", filepath.Base(a.DKIM.KeyFile), "Reason", msg.Raw(underlyingPathError(err)))
		}
		pemText = data
	} else {
		if secrets == nil {
			return nil, msg.Errorf(ErrDKIMKey, "The DKIM key is kept in the system keychain, which is not available.")
		}
		s, err := secrets.Get(a.DKIMSecretID())
		if err != nil {
			return nil, msg.Errorf(fmt.Errorf("%w: %v", ErrDKIMKey, err), "No DKIM key is saved for this account: paste it in the account's DKIM section, or point to the key file.")
		}
		pemText = []byte(s)
	}
	return ParseDKIMKey(pemText)
}

func readSmallFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() || info.Size() > limit {
		return nil, fmt.Errorf("not a key file (%d bytes)", info.Size())
	}
	data := make([]byte, info.Size())
	_, err = f.ReadAt(data, 0)
	return data, err
}

func underlyingPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
