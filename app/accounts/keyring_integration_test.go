package accounts

import (
	"errors"
	"os"
	"testing"
)

// secretServiceEnv is set by `make test`, which runs the tests inside
// dbus-run-session with an unlocked gnome-keyring-daemon.
const secretServiceEnv = "MAILROOM_SECRET_SERVICE"

// TestKeyringSecretService stores, reads and deletes a password in a real
// Secret Service, and checks that deleting an account deletes its entry.
// It fails, not skips, when MAILROOM_SECRET_SERVICE=1 promises a service
// that does not answer.
func TestKeyringSecretService(t *testing.T) {
	if os.Getenv(secretServiceEnv) != "1" {
		t.Skip("set MAILROOM_SECRET_SERVICE=1 inside a D-Bus session with an unlocked Secret Service to run this (make test does)")
	}
	if os.Getenv(childEnv) != "1" {
		// Other tests of this package mock go-keyring process-wide.
		out, err := runChild(t, t.Name())
		t.Log(out)
		if err != nil {
			t.Fatalf("Secret Service test failed: %v", err)
		}
		return
	}
	k := Keychain{}
	if err := k.Probe(); err != nil {
		t.Fatalf("MAILROOM_SECRET_SERVICE=1 but the Secret Service does not answer: %v", err)
	}
	s, err := OpenSecrets()
	if err != nil {
		t.Fatalf("OpenSecrets fell back to memory: %v", err)
	}
	store, err := OpenStore(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	acct := validAccount()
	acct.ID = ""
	saved, err := store.Add(acct)
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Secret-Service 测试 pw"
	if err := store.SetPassword(saved.ID, pw); err != nil {
		t.Fatal(err)
	}
	// Read back through a fresh Keychain: the value must come from the daemon.
	if v, err := (Keychain{}).Get(saved.ID); err != nil || v != pw {
		t.Fatalf("read back %q, %v", v, err)
	}
	if err := k.Set(saved.ID, pw+"2"); err != nil {
		t.Fatal(err)
	}
	if v, _ := k.Get(saved.ID); v != pw+"2" {
		t.Fatalf("update not kept: %q", v)
	}
	if err := store.Delete(saved.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(saved.ID); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("deleting the account left its keychain entry: %v", err)
	}
}
