package ui

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"mailroom/app/accounts"
	"mailroom/sender/smtptest"
)

func ed25519PEM(t *testing.T) (string, ed25519.PrivateKey) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), key
}

// The DKIM section hands the pasted key to the book once, never shows it
// again, and switches between a pasted key and a key file.
func TestDKIMSectionSavesDomainSelectorAndKey(t *testing.T) {
	book := &fakeAccounts{}
	v, _, _ := newTestAccountsView(t, book)
	s := v.dkim
	if s.accordion.Items[0].Open {
		t.Error("the DKIM section is open for a new account")
	}
	keyText, _ := ed25519PEM(t)
	test.Type(v.fromAddress, "me@example.com")
	test.Type(v.host, "mail.example.com")
	test.Type(s.domain, "example.com")
	test.Type(s.selector, "mail")
	s.keyText.SetText(keyText)
	test.Tap(v.save)
	if len(book.accounts) != 1 {
		t.Fatalf("saved %d accounts", len(book.accounts))
	}
	a := book.accounts[0]
	if a.DKIM.Domain != "example.com" || a.DKIM.Selector != "mail" || a.DKIM.KeyFile != "" || !a.DKIM.HasKey || book.dkimKeys[0] != keyText {
		t.Errorf("saved DKIM %+v, key handed over %v", a.DKIM, book.dkimKeys[0] == keyText)
	}
	if s.keyText.Text != "" || !strings.Contains(s.keyText.PlaceHolder, "keychain") || !s.accordion.Items[0].Open {
		t.Errorf("after saving: key text %q, hint %q, open %v", s.keyText.Text, s.keyText.PlaceHolder, s.accordion.Items[0].Open)
	}

	s.keyMode.SetSelected(s.fileLabel())
	if s.keyText.Visible() || !s.keyFile.Visible() {
		t.Error("choosing a key file does not show the file field")
	}
	test.Type(s.keyFile, "/home/me/dkim.pem")
	test.Tap(v.save)
	if a := book.accounts[0]; a.DKIM.KeyFile != "/home/me/dkim.pem" || book.dkimKeys[1] != "" {
		t.Errorf("key file: %+v, pasted %q", a.DKIM, book.dkimKeys[1])
	}
}

// dnsZone is an in-memory DNS: the connection test never asks the network.
type dnsZone map[string]string

func (z dnsZone) LookupTXT(_ context.Context, name string) ([]string, error) {
	if v, ok := z[name]; ok {
		return []string{v}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// Against the real store: a pasted key goes to the keychain (never the
// accounts file), a bad key is refused before anything is saved, a key
// file leaves nothing in the keychain, and the connection test compares
// the key with the DNS record.
func TestAccountBookKeepsTheDKIMKeyInTheKeychain(t *testing.T) {
	dir := t.TempDir()
	store, err := accounts.OpenStore(dir, accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	keyText, key := ed25519PEM(t)
	record, _ := accounts.DKIMPublicRecord(key)
	book := &accountBook{store: store, resolver: dnsZone{"mail._domainkey.example.com": record}}
	srv := smtptest.Start(t)
	form := Account{FromAddress: "me@example.com", Host: srv.Host(), Port: srv.Port(), Security: "none", Auth: "none",
		DKIM: DKIMSettings{Domain: "example.com", Selector: "mail", KeyPEM: "not a key"}}
	if _, err := book.Save(form, "", ""); err == nil || !strings.Contains(err.Error(), "PEM") || len(store.List()) != 0 {
		t.Fatalf("a bad key: %v, %d accounts saved", err, len(store.List()))
	}
	form.DKIM.KeyPEM = keyText
	u, err := book.Save(form, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !u.DKIM.HasKey || u.DKIM.KeyPEM != "" {
		t.Errorf("saved: %+v", u.DKIM)
	}
	data, _ := os.ReadFile(store.Path())
	if strings.Contains(string(data), "PRIVATE KEY") {
		t.Fatal("the private key is in the accounts file")
	}
	var steps []ConnStep
	if err := book.TestConnection(context.Background(), u, "", false, func(s ConnStep) { steps = append(steps, s) }); err != nil {
		t.Fatalf("connection test: %v (%+v)", err, steps)
	}
	if last := steps[len(steps)-1]; last.Step != "dkim" || !last.OK || !strings.Contains(last.Detail, "matches") {
		t.Errorf("DKIM step %+v", last)
	}
	book.resolver = dnsZone{}
	if err := book.TestConnection(context.Background(), u, "", false, func(ConnStep) {}); !errors.Is(err, accounts.ErrCheckFailed) {
		t.Errorf("no record published: %v", err)
	}

	file := filepath.Join(dir, "dkim.pem")
	if err := os.WriteFile(file, []byte(keyText), 0o600); err != nil {
		t.Fatal(err)
	}
	u.DKIM.KeyFile = file
	if u, err = book.Save(u, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Secrets().Get(u.ID + accounts.DKIMSecretSuffix); !errors.Is(err, accounts.ErrNoSecret) {
		t.Errorf("the pasted key stays in the keychain after choosing a file (%v)", err)
	}
	if u.DKIM.HasKey || u.DKIM.KeyFile != file {
		t.Errorf("with a key file: %+v", u.DKIM)
	}
}
