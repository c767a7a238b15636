package sender

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"time"
)

// Sentinel errors. A run that stops early returns a *StopError that
// matches (errors.Is) one of the run-level sentinels; a refused row
// carries a row-level sentinel in Result.Err.
var (
	// ErrCanceled: the caller cancelled the run's context.
	ErrCanceled = errors.New("sender: run cancelled")
	// ErrAuth: the server refused the login (wrong password, AUTH not
	// offered, authentication required). Retrying cannot help.
	ErrAuth = errors.New("sender: authentication failed")
	// ErrQuota: the server said the account's daily sending limit is
	// reached (StopError.Limit says whose; ResumeAt when it resets).
	ErrQuota = errors.New("sender: sending quota reached")
	// ErrThrottled: the server kept throttling the account (rate or
	// connection limits) for longer than the run waits for
	// (Throttle.GiveUp); ResumeAt is when the next try was due.
	ErrThrottled = errors.New("sender: the server kept limiting how fast this account may send")
	// ErrOutsideHours: the sending hours are over and the run does not wait
	// (Schedule.Wait false); ResumeAt is when they open again.
	ErrOutsideHours = errors.New("sender: outside the sending hours")
	// ErrScheduled: the run's start time has not come and the run does not
	// wait (Schedule.Wait false); ResumeAt is the start time.
	ErrScheduled = errors.New("sender: not started yet: scheduled for later")
	// ErrErrorSpike: consecutive messages failed with the same reply
	// (WithErrorSpike) and the run does not pause; Reply is that reply.
	ErrErrorSpike = errors.New("sender: consecutive messages were refused with the same reply")
	// ErrDailyCap: the configured daily cap is reached. It also matches
	// ErrQuota.
	ErrDailyCap = errors.New("sender: daily cap reached")
	// ErrTLS: the TLS handshake or certificate verification failed, or the
	// server does not offer the required STARTTLS.
	ErrTLS = errors.New("sender: TLS failure")
	// ErrUnreachable: the server could not be reached, or refused service,
	// for as many connection attempts as retries allow.
	ErrUnreachable = errors.New("sender: server unreachable")
	// ErrJournal: the Store failed; the engine never sends unjournaled.
	ErrJournal = errors.New("sender: journal failure")
	// ErrSource: the message source failed.
	ErrSource = errors.New("sender: message source failed")
	// ErrRunning: Run was called while a run is in progress.
	ErrRunning = errors.New("sender: a run is already in progress")

	// ErrRecipients: the message's envelope does not have exactly one To
	// address plus the explicit copies of its row. Nothing is sent.
	ErrRecipients = errors.New("sender: message must have exactly one To recipient plus the row's own copies")
	// ErrMissingFile: an attachment file is missing or not a regular file.
	// Nothing is sent.
	ErrMissingFile = errors.New("sender: attachment file missing")
	// ErrInvalidMessage: the message cannot be sent (no sender, no Mail).
	ErrInvalidMessage = errors.New("sender: invalid message")
)

// StopError says why a run stopped with rows left. Rows not attempted
// stay pending; none of them was sent.
type StopError struct {
	// Reason is one of the run-level sentinels (ErrAuth, ErrQuota...).
	Reason error
	// Reply is the server's reply that caused the stop, if any.
	Reply string
	// ResumeAt is when sending may succeed again, zero when unknown.
	ResumeAt time.Time
	// Limit is what the account ran into (ErrQuota, ErrThrottled).
	Limit Limit
	// Failures is how many consecutive rows failed with Reply
	// (ErrErrorSpike).
	Failures int
	// Err is the underlying error, if any.
	Err error
}

func (e *StopError) Error() string {
	var b strings.Builder
	b.WriteString(e.Reason.Error())
	if e.Reply != "" {
		b.WriteString(": server replied \"" + e.Reply + "\"")
	} else if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if !e.ResumeAt.IsZero() {
		b.WriteString("; sending can resume at " + e.ResumeAt.Format("2006-01-02 15:04"))
	}
	return b.String()
}

// Unwrap exposes Reason and Err to errors.Is and errors.As.
func (e *StopError) Unwrap() []error {
	errs := []error{e.Reason}
	if errors.Is(e.Reason, ErrDailyCap) {
		errs = append(errs, ErrQuota)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func stop(reason error, reply string, err error) *StopError {
	return &StopError{Reason: reason, Reply: reply, Err: err}
}

// verdict is what one attempt means for its row and for the run.
type verdict int

const (
	verdictSent        verdict = iota + 1
	verdictPermanent           // 5xx: failed, never retried
	verdictTemporary           // 4xx or lost before ".": retry
	verdictUnknown             // lost after ".": maybe delivered
	verdictReconnect           // the server ended a connection that had accepted messages: go on at once on a new one
	verdictUnavailable         // 421 on a fresh connection: cool down as for a refused connection
	verdictThrottle            // a short-term limit (see pacing.go): pause the run, row stays pending
	verdictQuotaStop           // a daily limit (see pacing.go): stop the run until it resets
	verdictAuthStop            // 530/535 during the transaction: stop the run
)

// replyText renders a textproto error as the server sent it.
func replyText(e *textproto.Error) string {
	return fmt.Sprintf("%03d %s", e.Code, e.Msg)
}

// classifyReply maps a negative server reply to a verdict, and the limit
// it names for throttles and quotas; acceptedOnConn is how many messages
// the connection had accepted before it.
func classifyReply(code int, msg string, acceptedOnConn int) (verdict, Limit) {
	p, lim := classifyPacing(code, msg, acceptedOnConn)
	switch p {
	case pacingQuota:
		return verdictQuotaStop, lim
	case pacingThrottle:
		return verdictThrottle, lim
	case pacingReconnect:
		return verdictReconnect, lim
	case pacingUnavailable:
		return verdictUnavailable, lim
	}
	switch {
	case code == 530 || code == 535:
		return verdictAuthStop, lim
	case code >= 500:
		return verdictPermanent, lim
	case code >= 400:
		return verdictTemporary, lim
	}
	// A reply outside 4xx/5xx where 2xx/3xx was expected is a protocol
	// error: treat as permanent rather than loop on it.
	return verdictPermanent, lim
}

// isTLSError reports certificate and handshake failures, which no retry
// can fix.
func isTLSError(err error) bool {
	var verr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	var invErr x509.CertificateInvalidError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	return errors.As(err, &verr) || errors.As(err, &hostErr) || errors.As(err, &authErr) ||
		errors.As(err, &invErr) || errors.As(err, &recErr) || errors.As(err, &alert)
}

// Code is a stable name for an error of the engine, for callers that word
// it for people (the engine imports nothing that speaks a language): the
// reason of a *StopError — "canceled", "auth", "daily-cap", "quota", "tls",
// "unreachable", "journal", "source", "running", "throttled",
// "outside-hours", "scheduled", "error-spike" — or a message the engine
// refused — "recipients", "missing-file", "invalid-message". It is "" for
// any other error.
func Code(err error) string {
	for _, c := range errorCodes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return ""
}

// errorCodes is in matching order: the daily cap also matches ErrQuota.
var errorCodes = []struct {
	err  error
	code string
}{
	{ErrCanceled, "canceled"}, {ErrAuth, "auth"}, {ErrDailyCap, "daily-cap"}, {ErrQuota, "quota"},
	{ErrTLS, "tls"}, {ErrUnreachable, "unreachable"}, {ErrJournal, "journal"}, {ErrSource, "source"},
	{ErrRunning, "running"}, {ErrRecipients, "recipients"}, {ErrMissingFile, "missing-file"},
	{ErrInvalidMessage, "invalid-message"}, {ErrThrottled, "throttled"}, {ErrOutsideHours, "outside-hours"},
	{ErrScheduled, "scheduled"}, {ErrErrorSpike, "error-spike"},
}
