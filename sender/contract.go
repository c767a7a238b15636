// Package sender delivers already-rendered messages through an SMTP server,
// one envelope recipient per message, with retries, rate limiting and a
// durable journal supplied by the caller. It imports neither Fyne nor the
// app/ packages: the caller renders messages and owns the journal.
package sender

import (
	"time"

	"github.com/wneessen/go-mail"
)

// Message is one rendered message for exactly one recipient.
type Message struct {
	// Key identifies the row in the caller's Store; it is unique per run.
	Key string
	// Mail is the rendered message. Its To header must hold exactly one
	// address; any Cc/Bcc address must also be listed in ExplicitCopies.
	Mail *mail.Msg
	// ExplicitCopies lists the Cc/Bcc addresses the row asked for itself.
	// Any other extra envelope recipient makes the engine refuse the message.
	ExplicitCopies []string
	// MessageID is the Message-ID (without angle brackets) already set on
	// Mail; the engine records it in the Store.
	MessageID string
	// Hash is an optional digest of the rendered message kept in the Store.
	Hash string
	// Files lists the files Mail attaches from disk. go-mail silently drops
	// an attachment whose file is missing, so the engine checks each one
	// right before sending and fails the row instead.
	Files []string
}

// Outcome is the final classification of one delivery attempt sequence.
type Outcome int

// The outcomes a row can end in.
const (
	// OutcomeSent means the server accepted the message (2xx after ".").
	OutcomeSent Outcome = iota + 1
	// OutcomeFailed means a permanent failure (5xx), or temporary failures
	// that outlasted the retries.
	OutcomeFailed
	// OutcomeUnknown means the connection was lost after the final "." and
	// before the reply: the message may have been delivered. Never retried
	// automatically.
	OutcomeUnknown
	// OutcomeNotAttempted means the run stopped (cancel, auth, quota)
	// before this row was tried; the row stays pending.
	OutcomeNotAttempted
)

// String returns the lower-case state name used in journals and reports.
func (o Outcome) String() string {
	switch o {
	case OutcomeSent:
		return "sent"
	case OutcomeFailed:
		return "failed"
	case OutcomeUnknown:
		return "unknown"
	case OutcomeNotAttempted:
		return "pending"
	}
	return "invalid"
}

// Result is what the engine learned about one message.
type Result struct {
	Key       string
	Outcome   Outcome
	MessageID string
	// Reply is the server's last reply text (e.g. "250 2.0.0 Ok: queued"),
	// or a description of the network error.
	Reply    string
	Code     int // SMTP reply code, 0 when none was received
	Attempts int
	At       time.Time
	// Err is set when the engine refused the message without sending it:
	// it wraps ErrRecipients, ErrMissingFile or ErrInvalidMessage.
	Err error
}

// Store is the durable journal the engine writes through. Implementations
// must make MarkSending durable (fsync) before returning: the engine only
// starts DATA after it returns nil, and refuses to send when it fails.
//
// The engine runs MarkSending in its own goroutine while the
// transaction's MAIL and RCPT are on the wire, and with several workers
// calls for different keys come concurrently: implementations must be
// safe for concurrent use. For one key, calls never overlap, and MarkDone
// always follows a MarkSending that returned.
type Store interface {
	// MarkSending records that the message is about to be transmitted.
	MarkSending(key, messageID, hash string) error
	// MarkDone records the final outcome of the message. It may defer
	// durability until the next MarkSending or Close: a crash in between
	// leaves the row "sending", which is reported as unknown, never resent.
	MarkDone(r Result) error
	// SentSince counts messages sent at or after t, for the daily cap.
	SentSince(t time.Time) (int, error)
}
