package smtptest

import (
	"errors"
	"fmt"

	"github.com/emersion/go-smtp"
)

// Stage is the point of an SMTP session at which a Rule is evaluated.
type Stage int

// The stages a fault can be injected at.
const (
	// StageConnect is right after the TCP (and implicit TLS) accept, before
	// the greeting. Only Drop and Stall make sense here.
	StageConnect Stage = iota + 1
	// StageAuth is an AUTH attempt with otherwise valid credentials.
	StageAuth
	// StageMail is the MAIL FROM command.
	StageMail
	// StageRcpt is each RCPT TO command; Event.Recipient is its address.
	StageRcpt
	// StageData is the DATA command itself (before the 354 reply).
	StageData
	// StageDataBody is while the message body arrives, before the final
	// ".". Only Drop (after Fault.AfterBytes bytes) and Stall apply.
	StageDataBody
	// StageDataEnd is after the final "." has been received, in place of
	// the usual "250 OK". A Drop or Stall here means the server got the
	// whole message but the client never learns it.
	StageDataEnd
)

func (s Stage) String() string {
	switch s {
	case StageConnect:
		return "connect"
	case StageAuth:
		return "auth"
	case StageMail:
		return "mail"
	case StageRcpt:
		return "rcpt"
	case StageData:
		return "data"
	case StageDataBody:
		return "data-body"
	case StageDataEnd:
		return "data-end"
	}
	return fmt.Sprintf("stage(%d)", int(s))
}

// Event describes the moment a Rule is evaluated.
type Event struct {
	Stage Stage
	// Conn is the 1-based number of the connection since the server started.
	Conn int
	// Message is the 1-based number of the MAIL FROM command across the
	// server's lifetime; every retry gets a new number. 0 before MAIL.
	Message int
	From    string
	// Recipient is the address of the RCPT being handled (StageRcpt), or
	// the first recipient of the transaction at the DATA stages.
	Recipient string
	// Attempt counts the RCPT commands seen for Recipient so far,
	// including this transaction's.
	Attempt int
	// ConnAccepted counts the messages accepted on this connection
	// before this event.
	ConnAccepted int
}

type faultKind int

const (
	faultReply faultKind = iota + 1
	faultReplyClose
	faultDrop
	faultStall
)

// Fault is what the server does instead of its normal reply. Build one
// with Reply, ReplyAndClose, Drop or Stall.
type Fault struct {
	kind     faultKind
	code     int
	enhanced [3]int
	text     string
	// AfterBytes is how many body bytes the server reads before a Drop
	// at StageDataBody.
	AfterBytes int
}

// Reply answers with code, an enhanced status code such as "5.4.5" ("" for
// none) and text, keeping the connection open.
func Reply(code int, enhanced, text string) Fault {
	return Fault{kind: faultReply, code: code, enhanced: parseEnhanced(enhanced), text: text}
}

// ReplyAndClose answers (typically 421) and closes the connection, as a
// server shedding load does.
func ReplyAndClose(code int, enhanced, text string) Fault {
	return Fault{kind: faultReplyClose, code: code, enhanced: parseEnhanced(enhanced), text: text}
}

// Drop resets the connection without replying.
func Drop() Fault { return Fault{kind: faultDrop} }

// DropAfter resets the connection during the message body after n bytes
// of it arrived (StageDataBody).
func DropAfter(n int) Fault { return Fault{kind: faultDrop, AfterBytes: n} }

// Stall never answers; the connection stays open until the server closes
// or restarts.
func Stall() Fault { return Fault{kind: faultStall} }

// smtpError is f as go-smtp's reply; a Fault without an enhanced code
// gets none, as QQ's and NetEase's replies have none (go-smtp would add
// x.0.0 to a zero one).
func (f Fault) smtpError() *smtp.SMTPError {
	code := smtp.EnhancedCode(f.enhanced)
	if f.enhanced == [3]int{} {
		code = smtp.NoEnhancedCode
	}
	return &smtp.SMTPError{Code: f.code, EnhancedCode: code, Message: f.text}
}

func parseEnhanced(s string) [3]int {
	var e [3]int
	if s == "" {
		return e
	}
	if _, err := fmt.Sscanf(s, "%d.%d.%d", &e[0], &e[1], &e[2]); err != nil {
		return [3]int{}
	}
	return e
}

// Rule injects Fault when an Event matches every field that is set.
type Rule struct {
	Stage Stage
	// Message, if not 0, matches only that transaction number.
	Message int
	// Recipient, if not "", matches only that address (case-insensitive).
	Recipient string
	// Times, if not 0, applies the rule to its first Times matches only.
	Times int
	// Match, if not nil, must also return true. It runs with the server's
	// lock held and must not call Server methods.
	Match func(Event) bool
	Fault Fault
}

// ErrInvalidRule is returned by New for a Rule that cannot apply.
var ErrInvalidRule = errors.New("smtptest: invalid fault rule")

func (r Rule) validate() error {
	if r.Stage < StageConnect || r.Stage > StageDataEnd {
		return fmt.Errorf("%w: unknown stage %d", ErrInvalidRule, r.Stage)
	}
	if r.Fault.kind == 0 {
		return fmt.Errorf("%w: stage %s has no fault", ErrInvalidRule, r.Stage)
	}
	isReply := r.Fault.kind == faultReply || r.Fault.kind == faultReplyClose
	if isReply && (r.Stage == StageConnect || r.Stage == StageDataBody) {
		return fmt.Errorf("%w: cannot reply at stage %s", ErrInvalidRule, r.Stage)
	}
	if isReply && (r.Fault.code < 400 || r.Fault.code > 599) {
		return fmt.Errorf("%w: reply code %d is not 4xx or 5xx", ErrInvalidRule, r.Fault.code)
	}
	if r.Times < 0 || r.Message < 0 {
		return fmt.Errorf("%w: negative Times or Message", ErrInvalidRule)
	}
	return nil
}

// PerConnectionLimit is a server that takes at most n messages per
// connection, as Exchange connectors and many corporate relays do: the
// MAIL after the nth accepted message is answered "421 4.7.0 Too many
// messages on this connection" and the connection closed. The client may
// reconnect at once and go on. n < 1 gives a rule that WithRules refuses.
func PerConnectionLimit(n int) Rule {
	if n < 1 {
		return Rule{Stage: StageMail}
	}
	return Rule{
		Stage: StageMail,
		Match: func(e Event) bool { return e.ConnAccepted >= n },
		Fault: ReplyAndClose(421, "4.7.0", "Too many messages on this connection, closing transmission channel"),
	}
}
