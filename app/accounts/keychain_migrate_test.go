package accounts

import (
	"errors"
	"os"
	"testing"

	"github.com/zalando/go-keyring"

	"mailroom/app/identity"
)

// checkLegacySecretMoves saves a password the way a build before 0.1.0 did
// (service "Mailroom") and checks that today's Keychain reads it, moves it
// to the new service, and that deleting the account removes it everywhere.
func checkLegacySecretMoves(t *testing.T) {
	const id, pw = "acct-legacy-1", "旧密码 old pw"
	if err := keyring.Set(legacyKeychainService, id, pw); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = keyring.Delete(legacyKeychainService, id); _ = keyring.Delete(KeychainService, id) })
	k := Keychain{}
	if v, err := k.Get(id); err != nil || v != pw {
		t.Fatalf("Get = %q, %v; want the legacy password", v, err)
	}
	if v, err := keyring.Get(KeychainService, id); err != nil || v != pw {
		t.Fatalf("new service holds %q, %v after the first read", v, err)
	}
	if _, err := keyring.Get(legacyKeychainService, id); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("legacy entry still there after the move: %v", err)
	}
	// An account deleted while a stale legacy copy exists leaves nothing.
	if err := keyring.Set(legacyKeychainService, id, pw); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(id); err != nil {
		t.Fatal(err)
	}
	for _, service := range []string{KeychainService, legacyKeychainService} {
		if _, err := keyring.Get(service, id); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("%s still holds the secret: %v", service, err)
		}
	}
	if _, err := k.Get(id); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("Get after Delete: %v", err)
	}
}

func TestKeychainMovesLegacySecrets(t *testing.T) {
	keyring.MockInit()
	if KeychainService == legacyKeychainService {
		t.Fatal("the keychain service did not move with the application ID")
	}
	checkLegacySecretMoves(t)
}

func TestKeyringSecretServiceMovesLegacySecrets(t *testing.T) {
	if os.Getenv(secretServiceEnv) != "1" {
		t.Skip("set MAILROOM_SECRET_SERVICE=1 inside a D-Bus session with an unlocked Secret Service to run this (make test does)")
	}
	if os.Getenv(childEnv) != "1" {
		out, err := runChild(t, t.Name())
		t.Log(out)
		if err != nil {
			t.Fatalf("Secret Service test failed: %v", err)
		}
		return
	}
	checkLegacySecretMoves(t)
}

func TestDefaultDirMovesTheLegacyFolder(t *testing.T) {
	base := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", base)
	t.Setenv("HOME", base)    // macOS: ~/Library/Application Support
	t.Setenv("AppData", base) // Windows
	old, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	legacy := old + string(os.PathSeparator) + "Mailroom"
	if err := os.MkdirAll(legacy, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(legacy+string(os.PathSeparator)+SettingsFileName, []byte(`{"version":1,"accounts":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := old + string(os.PathSeparator) + identity.ID; dir != want {
		t.Fatalf("DefaultDir = %q, want %q", dir, want)
	}
	if _, err := os.Stat(dir + string(os.PathSeparator) + SettingsFileName); err != nil {
		t.Fatalf("accounts file not moved: %v", err)
	}
}
