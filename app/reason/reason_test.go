package reason

import "testing"

func TestClassify(t *testing.T) {
	cases := []struct {
		status, text string
		want         Code
	}{
		{"5.1.1", "550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown in virtual mailbox table", NoMailbox},
		{"5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", NoMailbox},
		{"", "550 Mailbox not found or access denied", NoMailbox},
		{"", "收件人邮箱地址不存在", NoMailbox},
		{"5.2.2", "552-5.2.2 The email account that you tried to reach is over quota.", MailboxFull},
		{"", "552 Requested mail action aborted: exceeded mailbox storage allocation", MailboxFull},
		{"", "对方邮箱已满，无法接收新邮件", MailboxFull},
		{"5.7.1", "550 5.7.1 Message rejected as spam by content filter", Spam},
		{"", "554 DT:SPM 163 smtp13,EcCowAD…", Spam},
		{"5.7.26", "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy", Authenticity},
		{"5.4.5", "550 5.4.5 Daily user sending limit exceeded.", SendingLimit},
		{"4.4.1", "connect to mx.example.org[198.51.100.7]:25: Connection timed out", Unreachable},
		{"4.2.0", "451 4.2.0 greylisted, try again later", Delayed},
		{"5.3.4", "552 5.3.4 Message size exceeds fixed limit", TooLarge},
		{"5.1.2", "550 5.1.2 Host or domain name not found", NoDomain},
		{"5.0.0", "550 5.0.0 rejected for policy reasons", RefusedOther},
		{"", "", UnknownReason},
	}
	for _, c := range cases {
		if got := Classify(c.status, c.text); got != c.want {
			t.Errorf("Classify(%q, %q) = %q, want %q", c.status, c.text, got, c.want)
		}
	}
}

func TestEveryReasonHasWords(t *testing.T) {
	for _, c := range []Code{NoMailbox, NoDomain, MailboxFull, Disabled, Spam, Authenticity, TooLarge, SendingLimit, Unreachable, Delayed, RefusedOther, UnknownReason} {
		if c.Text().IsZero() || c.Text().String() == "" {
			t.Errorf("%q has no words", c)
		}
	}
}

func TestMeaningNamesTheProvider(t *testing.T) {
	if got := Meaning("", "554 DT:SPM 163 smtp9,DcCowAD3_4MQ2ZZmYX0rBw--.42017S2 1721093393,please see http://mail.163.com/help/help_spam_16.htm").Key; got != "NetEase Mail (163/126) judged the content as spam (DT:SPM)" {
		t.Errorf("DT:SPM: %q", got)
	}
	if got, want := Meaning("5.1.1", "550 5.1.1 User unknown"), NoMailbox.Text(); got.Key != want.Key {
		t.Errorf("a general reply: %q, want %q", got.Key, want.Key)
	}
	for _, c := range []Code{NoMailbox, NoDomain, MailboxFull, Disabled, Spam, Authenticity, TooLarge, SendingLimit, Unreachable, Delayed, RefusedOther, UnknownReason} {
		if c.Advice().IsZero() {
			t.Errorf("%q has no advice", c)
		}
	}
}
