package sender

import (
	"regexp"
	"strings"
)

// This file is the one place that decides what a negative reply says
// about the sending account or the connection rather than about the row:
// a server that ends connections after so many messages, a server that
// is unavailable, a short-term throttle, or a quota. docs/sender.md
// ("Server limits") states the policy; extend it here (issue 13 will tell
// throttles that pause from quotas that stop by provider).

// pacing is what a reply means for the run as a whole.
type pacing int

const (
	// pacingNone: the reply concerns this row only; its code decides.
	pacingNone pacing = iota
	// pacingReconnect: the connection had accepted messages and the
	// server closed it (421) without saying why in terms of rate or
	// quota. Servers cap messages per connection (Exchange connectors,
	// corporate relays): open a new connection at once and go on.
	pacingReconnect
	// pacingUnavailable: a fresh connection was answered 421 before its
	// first accepted message, not about rate: the server is not taking
	// mail now. Cool down as for a refused connection.
	pacingUnavailable
	// pacingThrottle: a short-term rate limit: a fresh connection
	// answered 421 4.7.x before its first accepted message, or a 4xx that
	// says so in words. Every connection waits (growing cool-down); the
	// row is not charged an attempt.
	pacingThrottle
	// pacingQuota: a 5xx about the account's quota: stop the run.
	pacingQuota
)

// rateWords say in words that the account sends too fast or too much.
// They decide on their own, wherever the reply comes. "Try again later"
// and "too many messages" are not among them: servers use the same words
// for per-connection limits, so for those behaviour decides (does a new
// connection take a message?).
var rateWords = regexp.MustCompile(`(?i)\b(rate|rates|ratelimit(ed)?|quota|frequency|too much mail|sending limits?|daily|per (minute|hour|day))\b`)

// quotaWords are 5xx replies' quota wording: a 5xx is never a
// per-connection limit, so the broader words are safe there.
var quotaWords = []string{"quota", "rate limit", "ratelimit", "too many messages", "frequency limit", "sending limit", "limit exceeded"}

// classifyPacing decides what a negative reply (code, and its text with
// any enhanced status code first) means for the run, given how many
// messages the connection had accepted before it.
func classifyPacing(code int, msg string, acceptedOnConn int) pacing {
	enh, _, _ := strings.Cut(msg, " ")
	switch {
	case code < 400 || code >= 600:
		return pacingNone
	case enh == "5.2.2" || enh == "4.2.2":
		// Mailbox full: the recipient's quota, not the sender's.
		return pacingNone
	case code >= 500:
		if enh == "5.4.5" || containsAnyFold(msg, quotaWords) {
			return pacingQuota
		}
		return pacingNone
	case rateWords.MatchString(msg):
		return pacingThrottle
	case code != 421:
		return pacingNone
	case acceptedOnConn > 0:
		return pacingReconnect
	case strings.HasPrefix(enh, "4.7."):
		return pacingThrottle
	}
	return pacingUnavailable
}

func containsAnyFold(s string, words []string) bool {
	lower := strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}
