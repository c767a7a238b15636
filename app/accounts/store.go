package accounts

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"mailroom/app/atomicfile"
	"mailroom/app/identity"
)

// SettingsFileName is the name of the accounts file inside the settings
// directory.
const SettingsFileName = "accounts.json"

const settingsVersion = 1

// settingsFile is the on-disk form. It has no field for a password on
// purpose: passwords go to Secrets only.
type settingsFile struct {
	Version  int       `json:"version"`
	Accounts []Account `json:"accounts"`
}

// Store keeps the accounts in a JSON file and their passwords in Secrets.
// It is safe for concurrent use.
type Store struct {
	mu       sync.Mutex
	path     string
	secrets  Secrets
	accounts []Account
}

// DefaultDir returns the directory Mailroom keeps its settings in: the
// user's configuration directory (e.g. ~/.config, %AppData%,
// ~/Library/Application Support) plus the application ID. A folder left
// by a build before 0.1.0 ("Mailroom") is moved there first; if it cannot
// be moved, it is used where it is.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your settings folder: %w", err)
	}
	dir, _ := identity.MoveLegacyDir(filepath.Join(base, identity.LegacyName), filepath.Join(base, identity.ID))
	return dir, nil
}

// OpenStore loads the accounts kept in dir (creating dir if needed) and
// keeps passwords in secrets.
func OpenStore(dir string, secrets Secrets) (*Store, error) {
	if secrets == nil {
		return nil, errors.New("accounts: OpenStore needs a Secrets store")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the settings folder %s: %w", dir, err)
	}
	s := &Store{path: filepath.Join(dir, SettingsFileName), secrets: secrets}
	data, err := os.ReadFile(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s, nil
	case err != nil:
		return nil, fmt.Errorf("cannot read the accounts file %s: %w", s.path, err)
	}
	var f settingsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("the accounts file %s is damaged (%v); move it away to start with no accounts", s.path, err)
	}
	if f.Version != settingsVersion {
		return nil, fmt.Errorf("the accounts file %s has version %d, this Mailroom reads version %d; use a newer Mailroom", s.path, f.Version, settingsVersion)
	}
	s.accounts = f.Accounts
	return s, nil
}

// Path returns the settings file's path.
func (s *Store) Path() string { return s.path }

// Secrets returns where the store keeps passwords.
func (s *Store) Secrets() Secrets { return s.secrets }

// List returns all accounts in the order they were added.
func (s *Store) List() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.accounts)
}

// Get returns the account with that ID, or an error matching
// ErrAccountNotFound.
func (s *Store) Get(id string) (Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.index(id)
	if i < 0 {
		return Account{}, fmt.Errorf("%w: %q", ErrAccountNotFound, id)
	}
	return s.accounts[i], nil
}

// FindServer returns the saved account that logs in to host:port as
// username, so the headless command can use the password the window saved.
func (s *Store) FindServer(host string, port int, username string) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.accounts {
		if strings.EqualFold(a.Host, host) && a.Port == port && a.Username == username {
			return a, true
		}
	}
	return Account{}, false
}

// Add validates and saves a new account, giving it an ID when it has none,
// and returns it as saved.
func (s *Store) Add(a Account) (Account, error) {
	if err := a.Validate(); err != nil {
		return Account{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.ID == "" {
		a.ID = newAccountID()
	}
	if s.index(a.ID) >= 0 {
		return Account{}, fmt.Errorf("%w: %q", ErrDuplicateAccount, a.ID)
	}
	next := append(slices.Clone(s.accounts), a)
	if err := s.write(next); err != nil {
		return Account{}, err
	}
	s.accounts = next
	return a, nil
}

// Update validates and saves changes to an existing account.
func (s *Store) Update(a Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.index(a.ID)
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrAccountNotFound, a.ID)
	}
	next := slices.Clone(s.accounts)
	next[i] = a
	if err := s.write(next); err != nil {
		return err
	}
	s.accounts = next
	return nil
}

// Delete removes the account and its password. The password goes first: if
// the keychain refuses, the account stays, so no secret is left behind
// without an account pointing at it.
func (s *Store) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.index(id)
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrAccountNotFound, id)
	}
	// The account's own IMAP password, its OAuth refresh token and its
	// DKIM key, if it has them, go with it.
	a := s.accounts[i]
	for _, secretID := range slices.Compact([]string{id, a.IMAPSecretID(), a.OAuthSecretID(), a.DKIMSecretID()}) {
		if err := s.secrets.Delete(secretID); err != nil {
			return fmt.Errorf("account %q was not deleted: %w", s.accounts[i].Label(), err)
		}
	}
	next := slices.Delete(slices.Clone(s.accounts), i, i+1)
	if err := s.write(next); err != nil {
		return err
	}
	s.accounts = next
	return nil
}

// SetPassword stores the password or token of an existing account.
func (s *Store) SetPassword(id, secret string) error {
	if _, err := s.Get(id); err != nil {
		return err
	}
	return s.secrets.Set(id, secret)
}

// Password returns the stored password of the account, or an error
// matching ErrNoSecret.
func (s *Store) Password(id string) (string, error) {
	return s.secrets.Get(id)
}

func (s *Store) index(id string) int {
	return slices.IndexFunc(s.accounts, func(a Account) bool { return a.ID == id })
}

// write replaces the settings file atomically (atomicfile) so a crash
// never leaves half a file.
func (s *Store) write(accounts []Account) error {
	data, err := json.MarshalIndent(settingsFile{Version: settingsVersion, Accounts: accounts}, "", "  ")
	if err != nil {
		return fmt.Errorf("cannot encode the accounts: %w", err)
	}
	if err := atomicfile.WriteFile(s.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("cannot save the accounts file %s: %w", s.path, err)
	}
	return nil
}

func newAccountID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "acct-" + hex.EncodeToString(b[:])
}
