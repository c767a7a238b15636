// Package reason says in plain words why a message was not delivered,
// from what a mail server wrote: an SMTP reply during sending, or the
// diagnostic of a bounce that came back later (app/inbox). The History
// view, the reports and the send log share these words, so a user reads
// "mailbox does not exist" wherever the reply "550 5.1.1 User unknown"
// shows up. The server's own words stay available next to them.
package reason

import (
	"regexp"
	"strings"

	"mailroom/app/msg"
)

// Code names a reason, for filters and tests; Text says it.
type Code string

// The reasons, from the most specific to the most general.
const (
	NoMailbox     Code = "no-mailbox"
	NoDomain      Code = "no-domain"
	MailboxFull   Code = "mailbox-full"
	Disabled      Code = "disabled"
	Spam          Code = "spam"
	Authenticity  Code = "authentication"
	TooLarge      Code = "too-large"
	SendingLimit  Code = "sending-limit"
	Unreachable   Code = "unreachable"
	Delayed       Code = "delayed"
	RefusedOther  Code = "refused"
	UnknownReason Code = ""
)

// rule matches a reason by enhanced status code prefix or by words in the
// reply (English and the Chinese providers' wordings).
type rule struct {
	code   Code
	status []string
	words  *regexp.Regexp
}

// rules are tried in order; words are checked before status codes so
// that "5.7.1 rejected as spam" and "5.7.1 relay denied" part ways.
var rules = []rule{
	{MailboxFull, []string{"5.2.2", "4.2.2"}, regexp.MustCompile(`(?i)mailbox (is )?full|over ?quota|quota exceeded for|exceeded (the )?(mailbox )?storage|insufficient (system )?storage|mailbox size limit|邮箱已满|空间不足|容量已满|已满`)},
	{NoMailbox, []string{"5.1.1", "5.1.10", "5.1.6"}, regexp.MustCompile(`(?i)user unknown|unknown user|no such (user|mailbox|recipient)|does ?n[o']t exist|not exist|mailbox (not found|unavailable)|recipient (address )?(not found|rejected|unknown)|address (not found|rejected)|invalid (recipient|mailbox)|RecipientNotFound|account (that you tried to reach )?does not exist|不存在|无此用户|用户不存在|地址不存在`)},
	{NoDomain, []string{"5.1.2", "5.4.4"}, regexp.MustCompile(`(?i)domain (not found|does not exist)|host (or domain name )?not found|no mx|NXDOMAIN|域名不存在`)},
	{Disabled, []string{"5.2.1"}, regexp.MustCompile(`(?i)disabled|inactive|suspended|deactivated|冻结|已停用|被禁用`)},
	{Spam, nil, regexp.MustCompile(`(?i)spam|junk|DT:SPM|blocked|block ?list|black ?list|reputation|content (filter|rejected)|垃圾邮件|被拦截|拒收`)},
	{Authenticity, []string{"5.7.26", "5.7.25", "5.7.27", "5.7.515"}, regexp.MustCompile(`(?i)\b(DMARC|SPF|DKIM)\b|sender authentication|not authenticated`)},
	{TooLarge, []string{"5.3.4", "5.2.3"}, regexp.MustCompile(`(?i)too (large|big)|size (limit|exceeds)|exceeds (the )?(maximum )?(message )?size|邮件过大|超过.*大小`)},
	{SendingLimit, []string{"5.4.5"}, regexp.MustCompile(`(?i)sending limit|rate limit|too many (messages|recipients|connections)|frequency|quota exceeded|SubmissionQuotaExceeded|MI:STC|频率|发送.*上限|超出.*限制`)},
	{Unreachable, []string{"4.4.1", "4.4.2", "5.4.1", "5.4.6"}, regexp.MustCompile(`(?i)timed out|connection refused|unreachable|could not connect|no route to host|连接超时|无法连接`)},
}

// Classify finds the reason in a server's reply: status is the enhanced
// code ("5.1.1") when known, text the reply or diagnostic.
func Classify(status, text string) Code {
	for _, r := range rules {
		if r.words != nil && r.words.MatchString(text) {
			return r.code
		}
	}
	if status == "" {
		status = enhanced.FindString(text)
	}
	for _, r := range rules {
		for _, s := range r.status {
			if status == s {
				return r.code
			}
		}
	}
	switch {
	case strings.HasPrefix(status, "4."):
		return Delayed
	case strings.HasPrefix(status, "5."):
		return RefusedOther
	}
	return UnknownReason
}

var enhanced = regexp.MustCompile(`\b[245]\.\d{1,3}\.\d{1,3}\b`)

// Text says code in plain words, in the user's language when rendered.
func (c Code) Text() msg.Text {
	switch c {
	case NoMailbox:
		return msg.T("mailbox does not exist")
	case NoDomain:
		return msg.T("the domain does not exist or takes no mail")
	case MailboxFull:
		return msg.T("mailbox full")
	case Disabled:
		return msg.T("mailbox disabled")
	case Spam:
		return msg.T("rejected as spam")
	case Authenticity:
		return msg.T("rejected: the sender's domain failed SPF, DKIM or DMARC checks")
	case TooLarge:
		return msg.T("message too large")
	case SendingLimit:
		return msg.T("sending limit reached")
	case Unreachable:
		return msg.T("the recipient's mail server could not be reached")
	case Delayed:
		return msg.T("delayed: the server is still trying")
	case RefusedOther:
		return msg.T("refused by the recipient's server")
	}
	return msg.T("no reason given")
}

// Explain is Classify then Text.
func Explain(status, text string) msg.Text { return Classify(status, text).Text() }

// providerMeanings are replies whose provider says more than the general
// reason: NetEase's reason codes and QQ Mail's content refusals. Sources:
// NetEase's "退信代码说明" (help.mail.163.com; mirrored at
// https://biecuoliao.com/pa/MBRrwEM.html), QQ Mail's help pages 122/171
// (../shared/notes/providers.md).
var providerMeanings = []struct {
	words *regexp.Regexp
	text  func() msg.Text
}{
	{regexp.MustCompile(`\bDT:SPM\b`), func() msg.Text {
		return msg.T("NetEase Mail (163/126) judged the content as spam (DT:SPM)")
	}},
	{regexp.MustCompile(`(?i)mail content denied|inappropriate words`), func() msg.Text {
		return msg.T("QQ Mail refused the content as inappropriate or as spam")
	}},
	{regexp.MustCompile(`\bDT:SUM\b`), func() msg.Text {
		return msg.T("NetEase Mail refused the message: the sender in the envelope and in the From header differ (DT:SUM)")
	}},
	{regexp.MustCompile(`\bHL:REP\b`), func() msg.Text {
		return msg.T("NetEase Mail refused the sender for a while: too many messages went to addresses that do not exist (HL:REP)")
	}},
}

// Meaning says in plain words what a server's reply means: the
// provider's own meaning where its wording is known (NetEase's DT:SPM,
// QQ's content refusals), else the general reason.
func Meaning(status, text string) msg.Text {
	for _, m := range providerMeanings {
		if m.words.MatchString(text) {
			return m.text()
		}
	}
	return Explain(status, text)
}

// Advice says what the sender can change about a reason, for messages
// refused in a row; zero when nothing the sender does helps.
func (c Code) Advice() msg.Text {
	switch c {
	case Spam:
		return msg.T("Change the subject and the wording (fewer links, no words that read like an advertisement, no attachment that looks like one), send a test message to yourself, then start again; the refused rows can be sent again with “Retry failed rows” in History (or --retry-failed).")
	case NoMailbox, NoDomain:
		return msg.T("Check the addresses in the list: several in a row do not exist, which may mean the wrong column or an old list. Sending on to addresses that do not exist harms how providers rate your mail.")
	case Authenticity:
		return msg.T("Ask whoever runs your domain to publish SPF, DKIM and DMARC records for the server you send through, or set up DKIM signing for the account.")
	case TooLarge:
		return msg.T("Make the attachments smaller, or send a link to the files instead.")
	case Disabled:
		return msg.T("Check the addresses in the list: several in a row belong to mailboxes that are closed.")
	case SendingLimit:
		return msg.T("Send more slowly: set a lower rate or a random pause between messages, then start again.")
	}
	return msg.T("Look at the server's reply below; if it is about your account or the message rather than the recipients, change that before starting again.")
}
