package accounts

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/msg"
	"mailroom/sender/smtptest"
)

func pemOf(t *testing.T, key crypto.Signer) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func rsaKey(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func edKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// zone is an in-memory DNS for TXT look-ups; "offline" answers like a
// machine without network.
type zone map[string][]string

func (z zone) LookupTXT(_ context.Context, name string) ([]string, error) {
	if z["offline"] != nil {
		return nil, &net.DNSError{Err: "no route to host", Name: name, IsTemporary: true}
	}
	if v, ok := z[name]; ok {
		return v, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func TestParseDKIMKeyAcceptsRSA2048AndEd25519Only(t *testing.T) {
	for name, key := range map[string]crypto.Signer{"rsa-2048": rsaKey(t, 2048), "ed25519": edKey(t)} {
		if _, err := ParseDKIMKey([]byte(pemOf(t, key))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey(t, 2048))})
	if _, err := ParseDKIMKey(pkcs1); err != nil {
		t.Errorf("PKCS#1 RSA key: %v", err)
	}
	for name, text := range map[string]string{
		"rsa-1024": pemOf(t, rsaKey(t, 1024)),
		"garbage":  "not a key",
		"public":   string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2, 3}})),
	} {
		_, err := ParseDKIMKey([]byte(text))
		var m *msg.Error
		if !errors.Is(err, ErrDKIMKey) || !errors.As(err, &m) || m.Text.In(msg.SimplifiedChinese) == m.Text.String() {
			t.Errorf("%s: %v, want a translated ErrDKIMKey", name, err)
		}
	}
}

// The key comes from the file the user points to (read, not copied) or
// from the keychain; deleting the account deletes the keychain copy.
func TestDKIMKeyFromFileOrKeychain(t *testing.T) {
	dir := t.TempDir()
	secrets := NewSessionSecrets()
	store, err := OpenStore(dir, secrets)
	if err != nil {
		t.Fatal(err)
	}
	a := Account{ID: "k", FromAddress: "me@example.com", Host: "smtp.example.com", Port: 587, Security: SecuritySTARTTLS, Auth: AuthAuto,
		Username: "me@example.com", DKIM: DKIM{Domain: "example.com", Selector: "mail"}}
	if _, err := LoadDKIMKey(a, secrets); !errors.Is(err, ErrDKIMKey) {
		t.Errorf("no key saved: %v", err)
	}
	key := edKey(t)
	if err := secrets.Set(a.DKIMSecretID(), pemOf(t, key)); err != nil {
		t.Fatal(err)
	}
	got, err := LoadDKIMKey(a, secrets)
	if err != nil || !key.Public().(ed25519.PublicKey).Equal(got.Public()) {
		t.Fatalf("from the keychain: %v", err)
	}
	if a, err = store.Add(a); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(store.Path())
	if strings.Contains(string(data), "PRIVATE") || !strings.Contains(string(data), `"selector": "mail"`) {
		t.Errorf("accounts file:\n%s", data)
	}
	if err := store.Delete(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.Get(a.DKIMSecretID()); !errors.Is(err, ErrNoSecret) {
		t.Error("the DKIM key outlived its account in the keychain")
	}

	file := filepath.Join(dir, "dkim.pem")
	if err := os.WriteFile(file, []byte(pemOf(t, key)), 0o600); err != nil {
		t.Fatal(err)
	}
	a.DKIM.KeyFile = file
	if _, err := LoadDKIMKey(a, nil); err != nil {
		t.Errorf("from the file: %v", err)
	}
	a.DKIM.KeyFile = filepath.Join(dir, "gone.pem")
	_, err = LoadDKIMKey(a, nil)
	if !errors.Is(err, ErrDKIMKey) || !strings.Contains(err.Error(), "gone.pem") || strings.Contains(err.Error(), dir) {
		t.Errorf("missing file: %v (want its name, not the folder)", err)
	}
}

func TestDKIMValidation(t *testing.T) {
	a := Account{ID: "v", FromAddress: "me@example.com", Host: "smtp.example.com", Port: 587, Security: SecuritySTARTTLS, Auth: AuthNone,
		DKIM: DKIM{Domain: "exa mple.com", Selector: "mail\r\nX: y", KeyFile: "relative.pem"}}
	err := a.Validate()
	for _, field := range []string{"DKIM domain", "DKIM selector", "Private key"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s is not reported: %v", field, err)
		}
	}
	a.DKIM = DKIM{Domain: "example.com", Selector: "s2026"}
	if err := a.Validate(); err != nil {
		t.Error(err)
	}
	back := Account{}
	data, _ := json.Marshal(a)
	if err := json.Unmarshal(data, &back); err != nil || back.DKIM != a.DKIM {
		t.Errorf("round trip: %v %+v", err, back.DKIM)
	}
}

func TestCheckDKIMRecord(t *testing.T) {
	rsaK, edK := rsaKey(t, 2048), edKey(t)
	rsaRecord, _ := DKIMPublicRecord(rsaK)
	edRecord, _ := DKIMPublicRecord(edK)
	name := "mail._domainkey.example.com"
	d := DKIM{Domain: "example.com", Selector: "mail"}
	pkcs1 := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&rsaK.PublicKey))
	cases := []struct {
		name string
		key  crypto.Signer
		z    zone
		want DKIMRecordState
	}{
		{"rsa", rsaK, zone{name: {rsaRecord}}, DKIMRecordMatches},
		{"rsa pkcs1, split strings", rsaK, zone{name: {"v=DKIM1; k=rsa;", pkcs1}}, DKIMRecordMatches},
		{"ed25519", edK, zone{name: {edRecord}}, DKIMRecordMatches},
		{"another key", rsaK, zone{name: {edRecord}}, DKIMRecordMismatch},
		{"another rsa key", rsaKey(t, 2048), zone{name: {rsaRecord}}, DKIMRecordMismatch},
		{"missing", rsaK, zone{}, DKIMRecordMissing},
		{"revoked", rsaK, zone{name: {"v=DKIM1; p="}}, DKIMRecordRevoked},
		{"not dkim", rsaK, zone{name: {"v=spf1 -all"}}, DKIMRecordInvalid},
		{"offline", rsaK, zone{"offline": {""}}, DKIMRecordUnchecked},
	}
	for _, c := range cases {
		// TXT strings of one record arrive split; the resolver joins them.
		if v, ok := c.z[name]; ok && len(v) == 2 {
			c.z[name] = []string{v[0] + " " + strings.TrimPrefix(v[1], "v=DKIM1; k=rsa; ")}
		}
		state, text := CheckDKIMRecord(context.Background(), d, c.key, c.z)
		if state != c.want || text.IsZero() || text.In(msg.SimplifiedChinese) == text.String() {
			t.Errorf("%s: %v %q, want %v with a translated text", c.name, state, text, c.want)
		}
	}
}

// The connection test reports the DKIM record as its last step; offline it
// says the record was not checked without failing the test.
func TestConnectionTestReportsTheDKIMRecord(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSImplicit), smtptest.WithAuth(testUser, testPassword))
	a := serverAccount(srv, SecurityTLS)
	a.DKIM = DKIM{Domain: "example.com", Selector: "mail"}
	key := edKey(t)
	record, _ := DKIMPublicRecord(key)
	r := runCheck(t, a, testPassword, WithDKIMKey(key), WithTXTResolver(zone{"mail._domainkey.example.com": {record}}))
	last := r.Steps[len(r.Steps)-1]
	if !r.OK() || last.Kind != StepDKIM || last.DKIM != DKIMRecordMatches || last.Text.IsZero() {
		t.Fatalf("matching record: ok %v, steps %v, last %+v", r.OK(), kinds(r), last)
	}
	r = runCheck(t, a, testPassword, WithDKIMKey(edKey(t)), WithTXTResolver(zone{"mail._domainkey.example.com": {record}}))
	if s := failedStep(t, r, StepDKIM, ProblemDKIM); s.DKIM != DKIMRecordMismatch {
		t.Errorf("another key: %+v", s)
	}
	r = runCheck(t, a, testPassword, WithDKIMKey(key), WithoutDKIMLookup())
	if last := r.Steps[len(r.Steps)-1]; !r.OK() || last.Kind != StepDKIM || last.DKIM != DKIMRecordUnchecked {
		t.Errorf("offline: ok %v, last %+v", r.OK(), last)
	}
	a.DKIM = DKIM{}
	r = runCheck(t, a, testPassword, WithDKIMKey(key))
	if r.Steps[len(r.Steps)-1].Kind == StepDKIM {
		t.Error("an account that does not sign got a DKIM step")
	}
}
