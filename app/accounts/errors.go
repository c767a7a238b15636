package accounts

import (
	"errors"
	"fmt"

	"mailroom/app/msg"
)

// Sentinel errors; the typed errors below match them with errors.Is.
var (
	// ErrInvalidAccount matches every *FieldError from Account.Validate.
	ErrInvalidAccount = errors.New("invalid account")
	// ErrAccountNotFound is returned for an account ID the store does not hold.
	ErrAccountNotFound = errors.New("account not found")
	// ErrDuplicateAccount is returned when adding an ID that already exists.
	ErrDuplicateAccount = errors.New("account already exists")
	// ErrNoSecret means no password or token is stored for the account.
	ErrNoSecret = errors.New("no password stored for this account")
	// ErrKeychainUnavailable means the OS keychain cannot be used (on Linux:
	// no Secret Service such as GNOME Keyring or KWallet is running).
	ErrKeychainUnavailable = errors.New("the system keychain is not available")
	// ErrNoPassword means the headless command found no password anywhere.
	ErrNoPassword = errors.New("no password available")
	// ErrInvalidURL matches every *URLError from ParseSMTPURL.
	ErrInvalidURL = errors.New("invalid SMTP URL")
	// ErrInvalidCA is returned for a CA file or PEM text without a usable certificate.
	ErrInvalidCA = errors.New("invalid CA certificate")
)

// FieldError is one problem with one field of an account, worded for the
// person filling in the form.
type FieldError struct {
	Account string // the account's label
	Field   string // the field's name as the form shows it, in English
	Problem string // what is wrong with it, in English
	// FieldText and ProblemText are Field and Problem in the user's
	// language.
	FieldText, ProblemText msg.Text
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("account %q: %s %s", e.Account, e.Field, e.Problem)
}

// UserText names the field and the problem in the user's language.
func (e *FieldError) UserText() msg.Text {
	return msg.T("{{.Field}} {{.Problem}}", "Field", e.FieldText, "Problem", e.ProblemText)
}

// Is makes every FieldError match ErrInvalidAccount.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidAccount }

// KeychainError reports that the OS keychain failed or is missing. The
// caller may keep the secret for the session only (see OpenSecrets) and
// should tell the user so.
type KeychainError struct {
	Op  string // "read", "save" or "delete"
	Err error  // what go-keyring reported
}

func (e *KeychainError) Error() string {
	return fmt.Sprintf("cannot %s the password in the system keychain: %v", e.Op, e.Err)
}

func (e *KeychainError) Unwrap() error { return e.Err }

// Is makes every KeychainError match ErrKeychainUnavailable.
func (e *KeychainError) Is(target error) bool { return target == ErrKeychainUnavailable }

// URLError is a problem with an --smtp URL.
type URLError struct {
	URL     string // the URL with any password removed
	Problem string
}

func (e *URLError) Error() string {
	return fmt.Sprintf("--smtp %q: %s", e.URL, e.Problem)
}

// Is makes every URLError match ErrInvalidURL.
func (e *URLError) Is(target error) bool { return target == ErrInvalidURL }
