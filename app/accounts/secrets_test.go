package accounts

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// childEnv marks a re-executed test binary. go-keyring's MockInit replaces
// the real provider for the whole process with no way back, so tests that
// need the real keychain run in a fresh child process.
const childEnv = "MAILROOM_ACCOUNTS_TEST_CHILD"

// runChild runs one test of this package in a new process with extra
// environment variables and returns its combined output.
func runChild(t *testing.T, test string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestSecretsInMockKeychain(t *testing.T) {
	keyring.MockInit()
	k := Keychain{}
	if err := k.Probe(); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if _, err := k.Get("acct-1"); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("empty keychain: got %v, want ErrNoSecret", err)
	}
	if err := k.Set("acct-1", "s3cret-码"); err != nil {
		t.Fatal(err)
	}
	if v, err := k.Get("acct-1"); err != nil || v != "s3cret-码" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if v, _ := keyring.Get(KeychainService, "acct-1"); v != "s3cret-码" {
		t.Fatalf("not stored under service %q and the account ID", KeychainService)
	}
	if err := k.Delete("acct-1"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete("acct-1"); err != nil {
		t.Fatalf("deleting a missing secret: %v", err)
	}
	if _, err := k.Get("acct-1"); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestOpenSecretsFallsBackToSessionWhenKeychainFails(t *testing.T) {
	keyring.MockInitWithError(errors.New("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	s, err := OpenSecrets()
	if !errors.Is(err, ErrKeychainUnavailable) {
		t.Fatalf("got %v, want ErrKeychainUnavailable", err)
	}
	var ke *KeychainError
	if !errors.As(err, &ke) || !strings.Contains(ke.Error(), "ServiceUnknown") {
		t.Fatalf("the reason is lost: %v", err)
	}
	if _, ok := s.(*SessionSecrets); !ok {
		t.Fatalf("fallback is %T, want *SessionSecrets", s)
	}
	if err := s.Set("a", "pw"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get("a"); err != nil || v != "pw" {
		t.Fatalf("session store Get = %q, %v", v, err)
	}
	if err := s.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("a"); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestOpenSecretsUsesKeychainWhenItAnswers(t *testing.T) {
	keyring.MockInit()
	s, err := OpenSecrets()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(Keychain); !ok {
		t.Fatalf("got %T, want Keychain", s)
	}
}

// TestKeychainUnavailableWithoutSecretService points the real go-keyring at
// a D-Bus address where nothing listens, as on a desktop without a Secret
// Service, and checks that Mailroom notices and keeps passwords in memory.
func TestKeychainUnavailableWithoutSecretService(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		out, err := runChild(t, t.Name(), "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/mailroom-test-bus")
		if err != nil {
			t.Fatalf("child failed: %v\n%s", err, out)
		}
		return
	}
	s, err := OpenSecrets()
	if !errors.Is(err, ErrKeychainUnavailable) {
		t.Fatalf("got %v, want ErrKeychainUnavailable", err)
	}
	if _, ok := s.(*SessionSecrets); !ok {
		t.Fatalf("fallback is %T, want *SessionSecrets", s)
	}
	t.Logf("reported to the user: %v", err)
}
