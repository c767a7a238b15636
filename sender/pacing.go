package sender

import (
	"regexp"
	"strconv"
	"strings"
)

// This file is the one place that decides what a negative reply says
// about the sending account or the connection rather than about the row:
// a server that ends connections after so many messages, a server that
// is unavailable, a short-term throttle (the run pauses and continues by
// itself) or a quota (the run stops until it resets). docs/sender.md
// ("Server limits") states the policy with its sources; the table test is
// TestClassifyPacing.

// pacing is what a reply means for the run as a whole.
type pacing int

const (
	// pacingNone: the reply concerns this row only; its code decides.
	pacingNone pacing = iota
	// pacingReconnect: the connection had accepted messages and the
	// server closed it (421) without saying why in terms of rate or
	// quota, or said it takes no more messages on this connection
	// (NetEase MI:DMC). Open a new connection at once and go on.
	pacingReconnect
	// pacingUnavailable: a fresh connection was answered 421 before its
	// first accepted message, not about rate: the server is not taking
	// mail now. Cool down as for a refused connection.
	pacingUnavailable
	// pacingThrottle: a short-term limit (Limit.Kind LimitRate or
	// LimitConnections): the run pauses with growing waits and continues
	// by itself; the row is not charged an attempt.
	pacingThrottle
	// pacingQuota: the account's daily limit (LimitDaily): the run stops
	// until it resets.
	pacingQuota
)

// LimitKind is what an account-level reply says the account ran into.
type LimitKind int

// The kinds of limits. Rate and connection limits are throttles: they
// lift within minutes. Daily limits are quotas: they lift when the
// provider's day or rolling 24 hours moves on.
const (
	LimitNone LimitKind = iota
	// LimitRate: the account sends too fast (QQ's "frequency limited",
	// NetEase HL:IFC, "421 4.7.0 Try again later" on a new connection,
	// replies worded about rate).
	LimitRate
	// LimitConnections: too many connections at once (Microsoft's
	// "432 4.3.2 Concurrent connections limit exceeded", NetEase HL:ICC).
	LimitConnections
	// LimitDaily: the account's daily sending limit (Gmail 5.4.5,
	// Microsoft SubmissionQuotaExceeded, NetEase MI:STC and RP:TRC).
	LimitDaily
	// LimitCap: the campaign's own daily cap (WithDailyCap).
	LimitCap
)

// Provider is whose rule a reply states, as far as its wording tells.
type Provider int

// The providers whose replies the engine recognises.
const (
	ProviderUnknown   Provider = iota
	ProviderGmail              // Gmail and Google Workspace ("… - gsmtp")
	ProviderMicrosoft          // Microsoft 365, Outlook.com (STOREDRV, 432 4.3.2)
	ProviderQQ                 // QQ Mail and Tencent Exmail ("frequency limited")
	ProviderNetEase            // 163, 126, yeah.net and NetEase enterprise mail (XX:YYY codes)
)

// Limit is what a reply, or the campaign's own cap, limits.
type Limit struct {
	Kind     LimitKind
	Provider Provider
}

// Throttle reports a short-term limit: the run pauses and continues.
func (l Limit) Throttle() bool { return l.Kind == LimitRate || l.Kind == LimitConnections }

// Quota reports a daily limit: the run stops until it resets.
func (l Limit) Quota() bool { return l.Kind == LimitDaily || l.Kind == LimitCap }

var (
	// enhancedCode is an RFC 3463 status code at the start of a reply.
	enhancedCode = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3}$`)

	// recipientFull: the recipient's mailbox is full. Its "quota" is the
	// row's business, never the sending account's.
	recipientFull = regexp.MustCompile(`(?i)mailbox (is )?full|over ?quota|exceeded (the )?(mailbox )?storage|insufficient storage|邮箱已满|空间不足`)

	// dailyWords say the account's daily limit is reached. Sources, per
	// provider: docs/sender.md, "Server limits".
	dailyWords = regexp.MustCompile(`(?i)\b(daily|per day|a day|24 ?hours?|today)\b|SubmissionQuotaExceeded|sending quota|\bMI:STC\b|\bRP:TRC\b|当天|每日|今日`)

	// connectionWords say there are too many connections at once.
	connectionWords = regexp.MustCompile(`(?i)concurrent connections?|too many (concurrent |simultaneous )?(smtp )?connections|thread limit|\bHL:ICC\b|并发`)

	// perConnectionWords: NetEase takes no more messages or recipients on
	// this connection (MI:DMC, RP:DRC): a per-connection limit.
	perConnectionWords = regexp.MustCompile(`\b(MI:DMC|RP:DRC)\b`)

	// rateWords say in words that the account sends too fast. They decide
	// on their own, wherever the reply comes. "Try again later" and "too
	// many messages" are not among them: servers use the same words for
	// per-connection limits, so for those behaviour decides (does a new
	// connection take a message?).
	rateWords = regexp.MustCompile(`(?i)\b(rate|rates|ratelimit(ed)?|quota|frequency|frequently|too much mail|sending limits?|per (minute|hour)|too fast)\b|too many (login|authentication) attempts|\b(HL:IFC|MI:SFQ|RP:QRC)\b|频率|频繁`)

	// netEaseCode is NetEase's two-letter reason code ("DT:SPM", "MI:STC").
	netEaseCode = regexp.MustCompile(`\b(DT|MI|RP|HL|WM):[A-Z]{3}\b`)
)

// classifyPacing decides what a negative reply (code, and its text with
// any enhanced status code first) means for the run, given how many
// messages the connection had accepted before it.
func classifyPacing(code int, msg string, acceptedOnConn int) (pacing, Limit) {
	if code < 400 || code >= 600 {
		return pacingNone, Limit{}
	}
	enh, _, _ := strings.Cut(msg, " ")
	if !enhancedCode.MatchString(enh) {
		enh = ""
	}
	if strings.HasSuffix(enh, ".2.2") || recipientFull.MatchString(msg) {
		return pacingNone, Limit{}
	}
	prov := providerOf(code, enh, msg)
	switch {
	case enh == "5.4.5" || dailyWords.MatchString(msg):
		return pacingQuota, Limit{LimitDaily, prov}
	case code == 432 || connectionWords.MatchString(msg):
		return pacingThrottle, Limit{LimitConnections, prov}
	case perConnectionWords.MatchString(msg):
		if acceptedOnConn > 0 {
			return pacingReconnect, Limit{}
		}
		return pacingThrottle, Limit{LimitRate, prov}
	case rateWords.MatchString(msg):
		return pacingThrottle, Limit{LimitRate, prov}
	case code != 421:
		return pacingNone, Limit{}
	case acceptedOnConn > 0:
		return pacingReconnect, Limit{}
	case strings.HasPrefix(enh, "4.7."):
		return pacingThrottle, Limit{LimitRate, prov}
	}
	return pacingUnavailable, Limit{}
}

// providerOf tells whose reply this is from its wording: each provider
// signs its replies in its own way.
func providerOf(code int, enh, msg string) Provider {
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "gsmtp") || strings.Contains(lower, "support.google.com"):
		return ProviderGmail
	case code == 432 || strings.Contains(msg, "STOREDRV") || strings.Contains(lower, "outlook.com") || strings.Contains(lower, "aka.ms/"):
		return ProviderMicrosoft
	case strings.Contains(lower, "frequency limited") || strings.Contains(lower, "qq.com"):
		return ProviderQQ
	case netEaseCode.MatchString(msg) || strings.Contains(lower, "163.com") || strings.Contains(lower, "126.com"):
		return ProviderNetEase
	}
	return ProviderUnknown
}

// replySignature is what "the same reply" means for WithErrorSpike: the
// code, the enhanced code and the words, without what differs from one
// message to the next (addresses, queue IDs, times, links). "554 DT:SPM
// 163 smtp9,DcCowAD3_4M… 1721093393,please see http://…" is "554 dt:spm
// see" for every row.
func replySignature(code int, reply string) string {
	words := strings.Fields(strings.ToLower(reply))
	sig := []string{strconv.Itoa(code)}
	for _, w := range words[min(1, len(words)):] {
		if strings.ContainsAny(w, "0123456789@<>=/") && !enhancedCode.MatchString(w) {
			continue
		}
		sig = append(sig, w)
		if len(sig) == 8 {
			break
		}
	}
	return strings.Join(sig, " ")
}
