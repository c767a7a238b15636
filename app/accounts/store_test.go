package accounts

import (
	"mailroom/app/identity"

	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestStoreAddUpdateDeleteSurvivesReopen(t *testing.T) {
	keyring.MockInit()
	dir := t.TempDir()
	s, err := OpenStore(dir, Keychain{})
	if err != nil {
		t.Fatal(err)
	}
	a := validAccount()
	a.ID = ""
	saved, err := s.Add(a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(saved.ID, "acct-") {
		t.Fatalf("no ID given: %q", saved.ID)
	}
	second := validAccount()
	second.ID, second.DisplayName = "", "Home"
	if _, err := s.Add(second); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(saved); !errors.Is(err, ErrDuplicateAccount) {
		t.Fatalf("duplicate ID: got %v", err)
	}
	saved.Limits.PerMinute = 20
	if err := s.Update(saved); err != nil {
		t.Fatal(err)
	}

	reopened, err := OpenStore(dir, Keychain{})
	if err != nil {
		t.Fatal(err)
	}
	list := reopened.List()
	if len(list) != 2 || list[0] != saved || list[1].DisplayName != "Home" {
		t.Fatalf("reopened store holds %+v", list)
	}
	if err := reopened.Delete(saved.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := reopened.Get(saved.ID); !errors.Is(err, ErrAccountNotFound) {
		t.Fatalf("deleted account still there: %v", err)
	}
	if err := reopened.Delete(saved.ID); !errors.Is(err, ErrAccountNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := reopened.Update(saved); !errors.Is(err, ErrAccountNotFound) {
		t.Fatalf("update of a deleted account: %v", err)
	}
}

func TestStoreRefusesInvalidAccounts(t *testing.T) {
	s, err := OpenStore(t.TempDir(), NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	a := validAccount()
	a.Port = 0
	if _, err := s.Add(a); !errors.Is(err, ErrInvalidAccount) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused account was written: %v", err)
	}
}

// TestPasswordNeverInSettingsFile saves accounts with passwords and tokens
// and then scans every file in the settings folder for them.
func TestPasswordNeverInSettingsFile(t *testing.T) {
	keyring.MockInit()
	dir := t.TempDir()
	s, err := OpenStore(dir, Keychain{})
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{}
	for i, auth := range []AuthMethod{AuthPlain, AuthXOAUTH2, AuthCRAMMD5} {
		a := validAccount()
		a.ID, a.Auth = "", auth
		a.DisplayName = string(auth)
		saved, err := s.Add(a)
		if err != nil {
			t.Fatal(err)
		}
		secret := []string{"pw-Zq8!x 授权码", "ya29.token-abc", "cram-secret"}[i]
		if err := s.SetPassword(saved.ID, secret); err != nil {
			t.Fatal(err)
		}
		secrets[saved.ID] = secret
		saved.Limits.PerDay = 100 // rewrite the file after the password is set
		if err := s.Update(saved); err != nil {
			t.Fatal(err)
		}
	}
	for id, secret := range secrets {
		if got, err := s.Password(id); err != nil || got != secret {
			t.Fatalf("password of %s = %q, %v", id, got, err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("want only the settings file, found %v", files)
	}
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range secrets {
		if strings.Contains(string(data), secret) {
			t.Fatalf("settings file holds a password:\n%s", data)
		}
	}
	if strings.Contains(strings.ToLower(string(data)), "password") {
		t.Fatalf("settings file has a password field:\n%s", data)
	}
	if runtime.GOOS != "windows" {
		if st, _ := os.Stat(s.Path()); st.Mode().Perm() != 0o600 {
			t.Fatalf("settings file mode %v, want 0600", st.Mode().Perm())
		}
	}
}

func TestDeleteAccountDeletesKeychainEntry(t *testing.T) {
	keyring.MockInit()
	s, err := OpenStore(t.TempDir(), Keychain{})
	if err != nil {
		t.Fatal(err)
	}
	a := validAccount()
	a.IMAP = IMAP{Host: "imap.example.com", Port: 993, Security: SecurityTLS, OwnPassword: true, CopyToSent: true}
	saved, err := s.Add(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(saved.ID, "pw"); err != nil {
		t.Fatal(err)
	}
	if err := s.Secrets().Set(saved.IMAPSecretID(), "imap-pw"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(saved.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{saved.ID, saved.IMAPSecretID()} {
		if _, err := keyring.Get(KeychainService, id); !errors.Is(err, keyring.ErrNotFound) {
			t.Fatalf("keychain entry %q survived the account: %v", id, err)
		}
	}
}

func TestDeleteKeepsAccountWhenKeychainRefuses(t *testing.T) {
	keyring.MockInit()
	s, err := OpenStore(t.TempDir(), Keychain{})
	if err != nil {
		t.Fatal(err)
	}
	saved, err := s.Add(validAccount())
	if err != nil {
		t.Fatal(err)
	}
	keyring.MockInitWithError(errors.New("keychain locked"))
	t.Cleanup(keyring.MockInit)
	err = s.Delete(saved.ID)
	if !errors.Is(err, ErrKeychainUnavailable) || !strings.Contains(err.Error(), "was not deleted") {
		t.Fatalf("got %v", err)
	}
	if _, err := s.Get(saved.ID); err != nil {
		t.Fatalf("account lost although its password could not be removed: %v", err)
	}
}

func TestOpenStoreReportsDamagedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, SettingsFileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := OpenStore(dir, NewSessionSecrets())
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("got %v", err)
	}
	if err := os.WriteFile(path, []byte(`{"version": 9, "accounts": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenStore(dir, NewSessionSecrets()); err == nil || !strings.Contains(err.Error(), "version 9") {
		t.Fatalf("got %v", err)
	}
}

func TestFindServerMatchesSavedAccount(t *testing.T) {
	s, err := OpenStore(t.TempDir(), NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	saved, err := s.Add(validAccount())
	if err != nil {
		t.Fatal(err)
	}
	u, err := ParseSMTPURL("smtps://zhang%40example.com@SMTP.example.com")
	if err != nil {
		t.Fatal(err)
	}
	got, ok := s.FindServer(u.Host, u.Port, u.Username)
	if !ok || got.ID != saved.ID {
		t.Fatalf("FindServer = %+v, %v", got, ok)
	}
	if _, ok := s.FindServer(u.Host, 587, u.Username); ok {
		t.Fatal("matched a different port")
	}
}

func TestDefaultDirIsUnderUserConfig(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // never touch the real folder
	base, err := os.UserConfigDir()
	if err != nil {
		t.Skip("no user config dir here:", err)
	}
	dir, err := DefaultDir()
	if err != nil || dir != filepath.Join(base, identity.ID) {
		t.Fatalf("DefaultDir = %q, %v", dir, err)
	}
}
