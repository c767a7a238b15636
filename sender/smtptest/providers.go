package smtptest

// Replies real providers send when an account runs into their limits, as
// Faults for Rules, so tests reproduce them word for word. Sources are in
// docs/sender.md ("Server limits") and ../shared/notes/providers.md.

// QQFrequencyLimited is QQ Mail's (and Tencent Exmail's) answer to an
// account sending too fast. A 5xx, yet temporary: the limit lifts within
// minutes (postalserver/postal #1010).
func QQFrequencyLimited() Fault {
	return Reply(550, "", "Connection frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000722")
}

// GmailDailyLimit is Gmail's answer once the account's daily sending
// limit (about 500 recipients in a rolling 24 hours for a personal
// account) is reached.
func GmailDailyLimit() Fault {
	return Reply(550, "5.4.5", "Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852 - gsmtp")
}

// GmailTryAgainLater is Gmail's rate limit: "421 4.7.0 Try again later,
// closing connection", and the connection closed.
func GmailTryAgainLater() Fault {
	return ReplyAndClose(421, "4.7.0", "Try again later, closing connection. - gsmtp")
}

// MicrosoftConcurrentConnections is Exchange Online's answer to a fourth
// connection of one mailbox (3 at most for SMTP AUTH submission).
func MicrosoftConcurrentConnections() Fault {
	return Reply(432, "4.3.2", "Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending for more information.")
}

// MicrosoftSubmissionQuota is Exchange Online's answer once the
// mailbox's daily recipient limit (10,000 in a rolling 24 hours) is
// reached.
func MicrosoftSubmissionQuota() Fault {
	return Reply(554, "5.2.0", "STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Message submission quota exceeded.")
}

// NetEaseDailyLimit is NetEase's (163/126/yeah.net) answer once the
// sender's messages of the day exceed its limit ("MI:STC": refused for the
// rest of the day).
func NetEaseDailyLimit() Fault {
	return Reply(554, "5.5.0", "MI:STC 163 smtp14,EsCowACXq0h7kZZm,1721093499")
}

// NetEaseFrequency is NetEase's "HL:IFC": the sender sent a lot in a
// short time and is refused for a while.
func NetEaseFrequency() Fault {
	return ReplyAndClose(421, "", "HL:IFC 163 smtp14,EsCowACXq0h7kZZm,1721093499")
}

// NetEaseSpam is NetEase's "554 DT:SPM": the content was judged as spam.
// Every reply carries its own queue ID and time, as the real one does.
func NetEaseSpam(n int) Fault {
	id := []string{"DcCowAD3_4MQ2ZZmYX0rBw--.42017S2 1721093393", "DcCowAB9_1MQ3ZZm3B1sAw--.1207S2 1721093401", "EsCowACXq0h7kZZm-4ViCA--.5303S2 1721093412"}[n%3]
	return Reply(554, "", "DT:SPM 163 smtp9,"+id+",please see http://mail.163.com/help/help_spam_16.htm?ip=192.0.2.7&hostid=smtp9&time=1721093393")
}
