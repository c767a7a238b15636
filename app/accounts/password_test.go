package accounts

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

func noEnv(string) (string, bool) { return "", false }

func envWith(v string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if name == PasswordEnv {
			return v, true
		}
		return "", false
	}
}

// notATerminal is a pipe: what a scheduled run or a script has as stdin.
func notATerminal(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r
}

func TestResolvePasswordOrder(t *testing.T) {
	a, err := ParseSMTPURL("smtps://user%40qq.com@smtp.qq.com")
	if err != nil {
		t.Fatal(err)
	}
	secrets := NewSessionSecrets()
	if err := secrets.Set(a.ID, "from-keychain"); err != nil {
		t.Fatal(err)
	}
	stdin := notATerminal(t)
	var out bytes.Buffer

	pw, src, err := ResolvePassword(a, secrets, WithEnvLookup(envWith("from-env")), WithTerminal(stdin, &out))
	if err != nil || pw != "from-env" || src != PasswordFromEnv {
		t.Fatalf("env: %q, %v, %v", pw, src, err)
	}
	pw, src, err = ResolvePassword(a, secrets, WithEnvLookup(envWith("")), WithTerminal(stdin, &out))
	if err != nil || pw != "from-keychain" || src != PasswordFromKeychain {
		t.Fatalf("keychain: %q, %v, %v", pw, src, err)
	}
	if out.Len() != 0 {
		t.Fatalf("prompted although a password was found: %q", out.String())
	}
}

func TestResolvePasswordExplainsWhatToDo(t *testing.T) {
	a, _ := ParseSMTPURL("smtps://user%40qq.com@smtp.qq.com")
	var out bytes.Buffer
	_, _, err := ResolvePassword(a, NewSessionSecrets(), WithEnvLookup(noEnv), WithTerminal(notATerminal(t), &out))
	if !errors.Is(err, ErrNoPassword) {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{PasswordEnv, `service "` + KeychainService + `"`, `user "user@qq.com@smtp.qq.com"`, "terminal"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestResolvePasswordReportsBrokenKeychain(t *testing.T) {
	a, _ := ParseSMTPURL("smtps://me@mail.example.com")
	broken := failingSecrets{err: &KeychainError{Op: "read", Err: errors.New("D-Bus not running")}}
	_, _, err := ResolvePassword(a, broken, WithEnvLookup(noEnv), WithTerminal(notATerminal(t), &bytes.Buffer{}))
	if !errors.Is(err, ErrNoPassword) || !errors.Is(err, ErrKeychainUnavailable) || !strings.Contains(err.Error(), "D-Bus not running") {
		t.Fatalf("got %v", err)
	}
}

func TestResolvePasswordNotNeededWithoutLogin(t *testing.T) {
	a, _ := ParseSMTPURL("smtp+plain://127.0.0.1:2525")
	pw, src, err := ResolvePassword(a, nil, WithEnvLookup(envWith("ignored")))
	if err != nil || pw != "" || src != PasswordNotNeeded {
		t.Fatalf("got %q, %v, %v", pw, src, err)
	}
}

func TestPasswordOptionsValidate(t *testing.T) {
	a, _ := ParseSMTPURL("smtps://me@mail.example.com")
	if _, _, err := ResolvePassword(a, nil, WithEnvLookup(nil)); err == nil {
		t.Error("nil env lookup accepted")
	}
	if _, _, err := ResolvePassword(a, nil, WithTerminal(nil, nil)); err == nil {
		t.Error("nil terminal accepted")
	}
}

type failingSecrets struct{ err error }

func (f failingSecrets) Get(string) (string, error) { return "", f.err }
func (f failingSecrets) Set(string, string) error   { return f.err }
func (f failingSecrets) Delete(string) error        { return f.err }
