package merge

import (
	"crypto"
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
	gomail "github.com/wneessen/go-mail"
)

// dkimSignedHeaders are the header fields each signature covers: those a
// receiver shows or acts on. RFC 8058 section 4 asks that List-Unsubscribe
// and List-Unsubscribe-Post be signed for one-click unsubscribe to be
// trusted. A listed field the message lacks is signed as absent, so it
// cannot be added in transit either.
var dkimSignedHeaders = []string{
	"From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID",
	"MIME-Version", "Content-Type", "List-Unsubscribe", "List-Unsubscribe-Post",
}

// dkimConfig is the signing key of WithDKIM.
type dkimConfig struct {
	domain, selector string
	key              crypto.Signer
}

// WithDKIM signs every message Message and TestMessage build with the
// key (RSA or Ed25519) for domain (d=) and selector (s=), relaxed/relaxed
// (RFC 6376). Previews and EML are not signed.
func WithDKIM(domain, selector string, key crypto.Signer) Option {
	return func(c *config) error {
		domain, selector = strings.TrimSpace(domain), strings.TrimSpace(selector)
		if domain == "" || selector == "" || key == nil {
			return optionError("DKIM signing needs a domain, a selector and a key")
		}
		c.dkim = &dkimConfig{domain: domain, selector: selector, key: key}
		return nil
	}
}

// signDKIM writes the finished message once through go-msgauth's signer
// (streaming: attachments are read from disk, not held) and adds the
// resulting DKIM-Signature as a preformatted header. go-mail writes a
// message the same way every time (its boundaries are kept), so the bytes
// sent, archived and copied to Sent all carry this one valid signature.
//
// Why go-msgauth and not go-mail v0.8.1's own Msg.SetDKIM: go-mail folds
// the DKIM-Signature header inside the h= tag once the header list is as
// long as RFC 8058 needs (List-Unsubscribe, List-Unsubscribe-Post), and
// verifiers then reject the signature; it also signs again, with a new
// t=, on every write, and buffers the whole message to do it.
func (c *Composer) signDKIM(m *gomail.Msg) error {
	d := c.cfg.dkim
	if d == nil {
		return nil
	}
	s, err := dkim.NewSigner(&dkim.SignOptions{
		Domain: d.domain, Selector: d.selector, Signer: d.key, Hash: crypto.SHA256,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: dkimSignedHeaders,
	})
	if err != nil {
		return fmt.Errorf("DKIM: %w", err)
	}
	if _, err := m.WriteTo(s); err != nil {
		_ = s.Close()
		return fmt.Errorf("DKIM: %w", err)
	}
	if err := s.Close(); err != nil {
		return fmt.Errorf("DKIM: %w", err)
	}
	name, value, ok := strings.Cut(strings.TrimSuffix(s.Signature(), "\r\n"), ":")
	if !ok || !strings.EqualFold(name, "DKIM-Signature") {
		return fmt.Errorf("DKIM: unexpected signature %q", name)
	}
	m.SetGenHeaderPreformatted("DKIM-Signature", strings.TrimLeft(value, " "))
	return nil
}
