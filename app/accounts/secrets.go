package accounts

import (
	"errors"
	"sync"

	"github.com/zalando/go-keyring"

	"mailroom/app/identity"
)

// KeychainService is the service name under which passwords are kept in the
// OS keychain (the application ID); the keychain's user field is the
// account ID.
const KeychainService = identity.ID

// legacyKeychainService is where builds before 0.1.0 kept passwords. Get
// moves a secret found there to KeychainService the first time it is read.
const legacyKeychainService = identity.LegacyName

// Secrets keeps one password (or OAuth token) per account ID.
type Secrets interface {
	// Get returns the secret, or an error matching ErrNoSecret.
	Get(accountID string) (string, error)
	Set(accountID, secret string) error
	// Delete removes the secret; deleting a missing secret is not an error.
	Delete(accountID string) error
}

// Keychain keeps secrets in the OS keychain through go-keyring: Windows
// Credential Manager, macOS Keychain, or the Secret Service on Linux
// (GNOME Keyring, KWallet). Errors other than "not found" are returned as
// *KeychainError, which matches ErrKeychainUnavailable.
type Keychain struct{}

// Get returns the account's secret from the keychain. A secret an earlier
// build saved under the legacy service is moved to KeychainService.
func (Keychain) Get(accountID string) (string, error) {
	s, err := keyring.Get(KeychainService, accountID)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return migrateSecret(accountID)
	case err != nil:
		return "", &KeychainError{Op: "read", Err: err}
	}
	return s, nil
}

// migrateSecret moves the account's secret from the legacy service, if
// there is one. The legacy entry is deleted only after the copy is saved,
// so a failure leaves it where an earlier build (and the next try) finds it.
func migrateSecret(accountID string) (string, error) {
	s, err := keyring.Get(legacyKeychainService, accountID)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "", ErrNoSecret
	case err != nil:
		return "", &KeychainError{Op: "read", Err: err}
	}
	if err := keyring.Set(KeychainService, accountID, s); err == nil {
		_ = keyring.Delete(legacyKeychainService, accountID)
	}
	return s, nil
}

// Set stores the account's secret in the keychain, replacing any old one.
func (Keychain) Set(accountID, secret string) error {
	if err := keyring.Set(KeychainService, accountID, secret); err != nil {
		return &KeychainError{Op: "save", Err: err}
	}
	return nil
}

// Delete removes the account's secret from the keychain, including a copy
// an earlier build kept under the legacy service.
func (Keychain) Delete(accountID string) error {
	for _, service := range []string{KeychainService, legacyKeychainService} {
		err := keyring.Delete(service, accountID)
		if err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return &KeychainError{Op: "delete", Err: err}
		}
	}
	return nil
}

// Probe checks that the keychain answers, without changing it. It returns
// nil, or a *KeychainError saying why the keychain cannot be used.
func (k Keychain) Probe() error {
	// Looking up an entry that never exists exercises the whole path (D-Bus
	// session, Secret Service, default collection) and answers "not found"
	// when everything works.
	_, err := k.Get("mailroom-keychain-probe")
	if errors.Is(err, ErrNoSecret) {
		return nil
	}
	return err
}

// SessionSecrets keeps secrets in memory only, until Mailroom exits. It is
// the fallback when no keychain is available: never a file on disk.
type SessionSecrets struct {
	mu      sync.Mutex
	secrets map[string]string
}

// NewSessionSecrets returns an empty in-memory store.
func NewSessionSecrets() *SessionSecrets {
	return &SessionSecrets{secrets: make(map[string]string)}
}

// Get returns the secret kept for the account during this session.
func (s *SessionSecrets) Get(accountID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.secrets[accountID]
	if !ok {
		return "", ErrNoSecret
	}
	return v, nil
}

// Set keeps the secret for the rest of the session.
func (s *SessionSecrets) Set(accountID, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets[accountID] = secret
	return nil
}

// Delete forgets the secret.
func (s *SessionSecrets) Delete(accountID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.secrets, accountID)
	return nil
}

// OpenSecrets returns the OS keychain when it works. When it does not (for
// example a Linux desktop without a Secret Service), it returns an in-memory
// SessionSecrets together with a *KeychainError matching
// ErrKeychainUnavailable: the returned Secrets is usable either way, and the
// caller should tell the user "your password is kept only until you close
// Mailroom".
func OpenSecrets() (Secrets, error) {
	k := Keychain{}
	if err := k.Probe(); err != nil {
		return NewSessionSecrets(), err
	}
	return k, nil
}
