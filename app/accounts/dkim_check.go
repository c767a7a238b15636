package accounts

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net"
	"strings"
	"time"

	"mailroom/app/msg"
)

// TXTResolver looks up DNS TXT records; *net.Resolver is one, tests use an
// in-memory one.
type TXTResolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// DKIMRecordState is what the connection test found in DNS for the
// account's DKIM key.
type DKIMRecordState int

// The states of an account's DKIM record.
const (
	// DKIMRecordMatches: the published key is the account's key.
	DKIMRecordMatches DKIMRecordState = iota + 1
	// DKIMRecordMismatch: a key is published, but another one.
	DKIMRecordMismatch
	// DKIMRecordMissing: nothing is published under the selector.
	DKIMRecordMissing
	// DKIMRecordRevoked: the record has an empty p= (key withdrawn).
	DKIMRecordRevoked
	// DKIMRecordInvalid: a record exists but is not a DKIM key record.
	DKIMRecordInvalid
	// DKIMRecordUnchecked: DNS could not be asked (offline, timeout) or
	// the check was skipped; nothing is known.
	DKIMRecordUnchecked
)

// CheckDKIMRecord looks up <selector>._domainkey.<domain> and compares the
// published public key with the account's private key, so the user learns
// before sending whether receivers will be able to verify the signature.
func CheckDKIMRecord(ctx context.Context, d DKIM, key crypto.Signer, r TXTResolver) (DKIMRecordState, msg.Text) {
	name := d.DKIMRecordName()
	if r == nil {
		r = net.DefaultResolver
	}
	txts, err := r.LookupTXT(ctx, name)
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound, err == nil && len(txts) == 0:
		return DKIMRecordMissing, msg.T("No DKIM key is published at {{.Name}}: add a TXT record there with the public key (your DNS provider's control panel), or check the selector.", "Name", name)
	case err != nil:
		return DKIMRecordUnchecked, msg.T("The DKIM record {{.Name}} could not be looked up ({{.Reason}}); messages are signed anyway. Test again when you are online.", "Name", name, "Reason", msg.Raw(err.Error()))
	}
	state := DKIMRecordInvalid
	for _, txt := range txts {
		s := recordState(txt, key)
		if s == DKIMRecordMatches {
			return s, msg.T("The DKIM key published at {{.Name}} matches this account's key: receivers can verify the signature.", "Name", name)
		}
		if s < state {
			state = s
		}
	}
	switch state {
	case DKIMRecordMismatch:
		return state, msg.T("The DKIM key published at {{.Name}} is not this account's key: receivers will reject the signature. Publish this key's public part there, or use the key that belongs to this selector.", "Name", name)
	case DKIMRecordRevoked:
		return state, msg.T("The DKIM key at {{.Name}} has been withdrawn (empty p=): publish the current public key there.", "Name", name)
	}
	return DKIMRecordInvalid, msg.T("The TXT record at {{.Name}} is not a DKIM key record (v=DKIM1; k=…; p=…).", "Name", name)
}

// recordState compares one TXT record (RFC 6376 section 3.6.1 tag list)
// with the key.
func recordState(txt string, key crypto.Signer) DKIMRecordState {
	tags := map[string]string{}
	for _, part := range strings.Split(txt, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		tags[strings.TrimSpace(k)] = strings.Join(strings.Fields(v), "")
	}
	if v, ok := tags["v"]; ok && v != "DKIM1" {
		return DKIMRecordInvalid
	}
	p, ok := tags["p"]
	if !ok {
		return DKIMRecordInvalid
	}
	if p == "" {
		return DKIMRecordRevoked
	}
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return DKIMRecordInvalid
	}
	kind := tags["k"]
	if kind == "" {
		kind = "rsa"
	}
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		if kind != "rsa" {
			return DKIMRecordMismatch
		}
		published, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			// Some publish the bare PKCS#1 key.
			if pk, err1 := x509.ParsePKCS1PublicKey(der); err1 == nil {
				published = pk
			} else {
				return DKIMRecordInvalid
			}
		}
		if rk, ok := published.(*rsa.PublicKey); ok && rk.Equal(pub) {
			return DKIMRecordMatches
		}
	case ed25519.PublicKey:
		// RFC 8463 section 4: p= is the raw 32-byte public key.
		if kind == "ed25519" && bytes.Equal(der, pub) {
			return DKIMRecordMatches
		}
	}
	return DKIMRecordMismatch
}

// DKIMPublicRecord is the TXT record to publish for the key, shown to the
// user who created a key and must put it into DNS.
func DKIMPublicRecord(key crypto.Signer) (string, error) {
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return "", err
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der), nil
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub), nil
	}
	return "", errors.New("unsupported key type")
}

// checkDKIM is the connection test's DKIM step: it runs when the account
// signs and the caller gave the key.
func (p *probe) checkDKIM() {
	if !p.acct.SignsDKIM() || p.cfg.dkimKey == nil {
		return
	}
	started := time.Now()
	s := Step{Kind: StepDKIM, OK: true}
	var text msg.Text
	state := DKIMRecordUnchecked
	if p.cfg.skipDNS {
		text = msg.T("The DKIM record was not looked up (offline test).")
	} else {
		ctx, cancel := context.WithTimeout(p.ctx, p.cfg.stepTimeout)
		state, text = CheckDKIMRecord(ctx, p.acct.DKIM, p.cfg.dkimKey, p.cfg.resolver)
		cancel()
	}
	s.DKIM = state
	switch state {
	case DKIMRecordMatches, DKIMRecordUnchecked:
	default:
		s.OK, s.Problem = false, ProblemDKIM
	}
	s.Text = text
	p.record(s, started)
}
