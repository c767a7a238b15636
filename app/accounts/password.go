package accounts

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// PasswordEnv is the environment variable the headless command reads the
// password (or OAuth token) from.
const PasswordEnv = "MAILROOM_PASSWORD"

// PasswordSource says where ResolvePassword found the password. It is safe
// to print; the password itself never is.
type PasswordSource int

// The places a password can come from, in the order they are tried.
const (
	PasswordNotNeeded PasswordSource = iota
	PasswordFromEnv
	PasswordFromKeychain
	PasswordFromPrompt
)

func (s PasswordSource) String() string {
	switch s {
	case PasswordFromEnv:
		return PasswordEnv
	case PasswordFromKeychain:
		return "system keychain"
	case PasswordFromPrompt:
		return "terminal prompt"
	}
	return "not needed"
}

// PasswordOption adjusts ResolvePassword.
type PasswordOption func(*passwordConfig) error

type passwordConfig struct {
	lookupEnv func(string) (string, bool)
	in        *os.File
	out       io.Writer
}

// WithEnvLookup replaces os.LookupEnv, for callers that carry their own
// environment.
func WithEnvLookup(lookup func(string) (string, bool)) PasswordOption {
	return func(c *passwordConfig) error {
		if lookup == nil {
			return errors.New("accounts: WithEnvLookup needs a function")
		}
		c.lookupEnv = lookup
		return nil
	}
}

// WithTerminal prompts on in (which must be a terminal for the prompt to be
// used) and writes the question to out, instead of os.Stdin and os.Stderr.
func WithTerminal(in *os.File, out io.Writer) PasswordOption {
	return func(c *passwordConfig) error {
		if in == nil || out == nil {
			return errors.New("accounts: WithTerminal needs an input file and an output writer")
		}
		c.in, c.out = in, out
		return nil
	}
}

// ResolvePassword finds the account's password for the headless command:
// the MAILROOM_PASSWORD environment variable, else the keychain entry under
// the account's ID, else a prompt without echo when standard input is a
// terminal. Never from a flag. An account that does not log in needs none.
// The error matches ErrNoPassword and says how to provide one.
func ResolvePassword(a Account, secrets Secrets, opts ...PasswordOption) (string, PasswordSource, error) {
	cfg := passwordConfig{lookupEnv: os.LookupEnv, in: os.Stdin, out: os.Stderr}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return "", PasswordNotNeeded, err
		}
	}
	if !a.NeedsSecret() {
		return "", PasswordNotNeeded, nil
	}
	if v, ok := cfg.lookupEnv(PasswordEnv); ok && v != "" {
		return v, PasswordFromEnv, nil
	}
	var keychainProblem error
	if secrets != nil {
		v, err := secrets.Get(a.ID)
		switch {
		case err == nil && v != "":
			return v, PasswordFromKeychain, nil
		case err != nil && !errors.Is(err, ErrNoSecret):
			keychainProblem = err
		}
	}
	fd := int(cfg.in.Fd())
	if term.IsTerminal(fd) {
		fmt.Fprintf(cfg.out, "Password for %s on %s: ", a.Username, a.Host)
		pw, err := term.ReadPassword(fd)
		fmt.Fprintln(cfg.out)
		if err != nil {
			return "", PasswordNotNeeded, fmt.Errorf("%w: reading it from the terminal failed: %v", ErrNoPassword, err)
		}
		if s := strings.TrimRight(string(pw), "\r\n"); s != "" {
			return s, PasswordFromPrompt, nil
		}
		return "", PasswordNotNeeded, fmt.Errorf("%w: an empty password was typed", ErrNoPassword)
	}
	how := fmt.Sprintf("set %s, save it in the system keychain under service %q and user %q, or run the command in a terminal to be asked",
		PasswordEnv, KeychainService, a.ID)
	if keychainProblem != nil {
		return "", PasswordNotNeeded, fmt.Errorf("%w for %s on %s (%w): %s", ErrNoPassword, a.Username, a.Host, keychainProblem, how)
	}
	return "", PasswordNotNeeded, fmt.Errorf("%w for %s on %s: %s", ErrNoPassword, a.Username, a.Host, how)
}
