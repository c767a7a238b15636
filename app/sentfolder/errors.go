package sentfolder

import (
	"errors"
	"fmt"
	"strings"

	"mailroom/app/msg"
)

// Sentinel errors; the typed errors below match them with errors.Is.
var (
	// ErrNotConfigured means the account has no IMAP server.
	ErrNotConfigured = errors.New("no IMAP server is set for this account")
	// ErrNoPassword means Open was given an empty password.
	ErrNoPassword = errors.New("no IMAP password")
	// ErrConnect matches every *ConnectError.
	ErrConnect = errors.New("cannot reach the IMAP server")
	// ErrTLS matches every *TLSError.
	ErrTLS = errors.New("no secure connection to the IMAP server")
	// ErrLogin matches every *LoginError.
	ErrLogin = errors.New("IMAP login failed")
	// ErrNoSentFolder matches every *NoSentFolderError.
	ErrNoSentFolder = errors.New("no Sent folder found")
	// ErrAppend matches every *AppendError.
	ErrAppend = errors.New("the server refused the copy")
	// ErrGaveUp matches every *GaveUpError: the copier stopped trying for
	// the rest of the run, so the caller can warn once instead of per row.
	ErrGaveUp = errors.New("copying to the Sent folder stopped for this run")
	// ErrClosed is returned by Append after Close.
	ErrClosed = errors.New("the Sent folder copier is closed")
)

// ConnectError reports that the IMAP server could not be reached or the
// connection broke.
type ConnectError struct {
	Server string // host:port
	Err    error
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("Cannot reach the IMAP server %s: %v. Check the IMAP server name, port and security (993 with SSL/TLS, 143 with STARTTLS) and your internet connection.", e.Server, e.Err)
}

// UserText is Error in the user's language.
func (e *ConnectError) UserText() msg.Text {
	return msg.T("Cannot reach the IMAP server {{.Server}} ({{.Reason}}). Check the IMAP server name, port and security (993 with SSL/TLS, 143 with STARTTLS) and your internet connection.",
		"Server", e.Server, "Reason", msg.Raw(e.Err.Error()))
}

func (e *ConnectError) Unwrap() error { return e.Err }

// Is makes every ConnectError match ErrConnect.
func (e *ConnectError) Is(target error) bool { return target == ErrConnect }

// TLSError reports that no verified, encrypted connection could be set up:
// an untrusted or wrong certificate, or a server that does not speak TLS.
type TLSError struct {
	Server  string
	Summary msg.Text // what went wrong, in plain words, as sentences
	Hint    msg.Text // what to do
	Err     error
}

func (e *TLSError) Error() string {
	return joinSentences("No secure connection to the IMAP server "+e.Server, e.Summary.String(), e.Hint.String())
}

// UserText is Error in the user's language.
func (e *TLSError) UserText() msg.Text {
	return msg.T("No secure connection to the IMAP server {{.Server}}. {{.Summary}} {{.Hint}}", "Server", e.Server, "Summary", e.Summary, "Hint", e.Hint)
}

func (e *TLSError) Unwrap() error { return e.Err }

// Is makes every TLSError match ErrTLS.
func (e *TLSError) Is(target error) bool { return target == ErrTLS }

// LoginError reports that the server refused the username or password.
type LoginError struct {
	Server   string
	Username string
	Reply    string   // the server's own words
	Hint     msg.Text // the provider's advice
	Err      error
}

func (e *LoginError) Error() string {
	return joinSentences(fmt.Sprintf("The IMAP server %s refused the login as %s (%s)", e.Server, e.Username, e.Reply), e.Hint.String())
}

// UserText is Error in the user's language.
func (e *LoginError) UserText() msg.Text {
	return msg.T("The IMAP server {{.Server}} refused the sign-in as {{.User}} ({{.Reply}}). {{.Hint}}", "Server", e.Server, "User", e.Username, "Reply", e.Reply, "Hint", e.Hint)
}

func (e *LoginError) Unwrap() error { return e.Err }

// Is makes every LoginError match ErrLogin.
func (e *LoginError) Is(target error) bool { return target == ErrLogin }

// NoSentFolderError reports that no Sent folder was found: the configured
// one does not exist, or none could be recognised.
type NoSentFolderError struct {
	Server  string
	Wanted  string   // the configured folder name, or "" when searching
	Folders []string // every folder the server listed
}

func (e *NoSentFolderError) Error() string {
	var first string
	if e.Wanted != "" {
		first = fmt.Sprintf("The Sent folder %q does not exist on %s", e.Wanted, e.Server)
	} else {
		first = fmt.Sprintf("No Sent folder found on %s: no folder is marked as Sent and none has a usual name (%s)",
			e.Server, strings.Join(commonSentNames, ", "))
	}
	folders := "The server has no folders"
	if len(e.Folders) > 0 {
		folders = "The server's folders are: " + strings.Join(e.Folders, ", ")
	}
	return joinSentences(first, folders, "Enter the right one as the Sent folder in the account's IMAP settings")
}

// UserText is Error in the user's language.
func (e *NoSentFolderError) UserText() msg.Text {
	folders := msg.T("The server has no folders.")
	if len(e.Folders) > 0 {
		folders = msg.T("The server's folders are: {{.Folders}}.", "Folders", strings.Join(e.Folders, ", "))
	}
	if e.Wanted != "" {
		return msg.T("The Sent folder “{{.Folder}}” does not exist on {{.Server}}. {{.Folders}} Enter the right one as the Sent folder in the account's IMAP settings.",
			"Folder", e.Wanted, "Server", e.Server, "Folders", folders)
	}
	return msg.T("No Sent folder found on {{.Server}}: no folder is marked as Sent and none has a usual name ({{.Names}}). {{.Folders}} Enter the right one as the Sent folder in the account's IMAP settings.",
		"Server", e.Server, "Names", strings.Join(commonSentNames, ", "), "Folders", folders)
}

// Is makes every NoSentFolderError match ErrNoSentFolder.
func (e *NoSentFolderError) Is(target error) bool { return target == ErrNoSentFolder }

// AppendError reports that the server refused to store the copy (a full
// mailbox, a message too large, a read-only folder).
type AppendError struct {
	Server string
	Folder string
	Err    error
}

func (e *AppendError) Error() string {
	return fmt.Sprintf("The IMAP server %s refused to store the copy in %q: %v.", e.Server, e.Folder, e.Err)
}

// UserText is Error in the user's language.
func (e *AppendError) UserText() msg.Text {
	return msg.T("The IMAP server {{.Server}} refused to store the copy in “{{.Folder}}” ({{.Reason}}).", "Server", e.Server, "Folder", e.Folder, "Reason", msg.Raw(e.Err.Error()))
}

func (e *AppendError) Unwrap() error { return e.Err }

// Is makes every AppendError match ErrAppend.
func (e *AppendError) Is(target error) bool { return target == ErrAppend }

// GaveUpError is returned, without touching the network, by every Append
// after the copier stopped trying: a login or certificate refused on
// reconnection, or the server unreachable several times in a row. Err is
// the failure that made it stop.
type GaveUpError struct {
	Err error
}

func (e *GaveUpError) Error() string {
	return "Copies to the Sent folder stopped for this run. " + e.Err.Error()
}

// UserText is Error in the user's language.
func (e *GaveUpError) UserText() msg.Text {
	reason, ok := msg.TextOf(e.Err)
	if !ok {
		reason = msg.Raw(e.Err.Error())
	}
	return msg.T("Copies to the Sent folder stopped for this run. {{.Reason}}", "Reason", reason)
}

func (e *GaveUpError) Unwrap() error { return e.Err }

// Is makes every GaveUpError match ErrGaveUp.
func (e *GaveUpError) Is(target error) bool { return target == ErrGaveUp }

// joinSentences ends each part with a full stop and joins them with spaces.
func joinSentences(parts ...string) string {
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.HasSuffix(p, ".") && !strings.HasSuffix(p, "。") {
			p += "."
		}
		out = append(out, p)
	}
	return strings.Join(out, " ")
}
