package accounts

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// mechanismOrder is the preference of AuthAuto. Every connection that
// reaches AUTH with a password is encrypted or on loopback, so PLAIN is as
// safe as the others and the most widely supported.
var mechanismOrder = []AuthMethod{AuthPlain, AuthLogin, AuthCRAMMD5}

var mechanismNames = map[AuthMethod]string{
	AuthPlain: "PLAIN", AuthLogin: "LOGIN", AuthCRAMMD5: "CRAM-MD5", AuthXOAUTH2: "XOAUTH2",
}

// chooseMechanism picks the mechanism for the account from those the server
// advertised.
func chooseMechanism(want AuthMethod, offered []string) (AuthMethod, bool) {
	has := func(m AuthMethod) bool {
		for _, o := range offered {
			if strings.EqualFold(o, mechanismNames[m]) {
				return true
			}
		}
		return false
	}
	if want != AuthAuto {
		return want, has(want)
	}
	for _, m := range mechanismOrder {
		if has(m) {
			return m, true
		}
	}
	return AuthAuto, false
}

func (p *probe) smtpAuth(m AuthMethod) smtp.Auth {
	a := p.acct
	// go-mail refuses PLAIN/LOGIN without TLS except to "localhost"; allow
	// the same loopback addresses Account.Validate allows.
	loopback := IsLoopback(a.Host)
	switch m {
	case AuthLogin:
		return smtp.LoginAuth(a.Username, p.secret, a.Host, loopback)
	case AuthCRAMMD5:
		return smtp.CRAMMD5Auth(a.Username, p.secret)
	case AuthXOAUTH2:
		return smtp.XOAuth2Auth(a.Username, p.secret)
	}
	return smtp.PlainAuth("", a.Username, p.secret, a.Host, loopback)
}

func (p *probe) login() bool {
	started := time.Now()
	advertised, params := p.client.Extension("AUTH")
	offered := strings.Fields(params)
	mech, ok := chooseMechanism(p.acct.Auth, offered)
	if !advertised || !ok {
		s := Step{Kind: StepAuth, Problem: ProblemAuthUnavailable}
		switch {
		case !advertised && p.acct.Security == SecurityNone:
			s.Summary = "The server offers no login (AUTH) on this unencrypted connection."
			s.Hint = "Many servers offer login only after encryption: choose STARTTLS or SSL/TLS."
		case !advertised:
			s.Summary = "The server offers no login (AUTH)."
			s.Hint = "Check the port (587 or 465 are for mail programs, 25 is for servers), or choose \"no authentication\" if the server accepts you without a login."
		default:
			s.Summary = fmt.Sprintf("The server does not offer %s login; it offers %s.", mechanismNames[mech], strings.Join(offered, ", "))
			s.Hint = "Choose \"automatic\" authentication or one of the offered methods."
		}
		return p.record(s, started)
	}
	p.deadline()
	err := p.client.Auth(p.smtpAuth(mech))
	if err != nil {
		s := Step{Kind: StepAuth, Err: err}
		s.Code, s.Reply = serverReply(err)
		switch {
		case s.Code == 504:
			s.Problem = ProblemAuthUnavailable
			s.Summary = fmt.Sprintf("The server does not accept %s login: %s", mechanismNames[mech], s.Reply)
		case s.Code >= 500:
			s.Problem = ProblemAuthFailed
			s.Summary = fmt.Sprintf("The server refused the login for %s: %s", p.acct.Username, s.Reply)
			s.Hint = authHint(p.acct.Preset)
		case s.Code >= 400:
			s.Problem = ProblemRejected
			s.Summary = "The server could not check the login right now (temporary problem): " + s.Reply
			s.Hint = "Try again in a few minutes."
		case errors.Is(err, smtp.ErrUnencrypted):
			s.Problem = ProblemAuthUnavailable
			s.Summary = "Mailroom did not send the password because the connection is not encrypted."
			s.Hint = "Choose STARTTLS or SSL/TLS."
		default:
			s.Problem, s.Summary = p.explainIO(err, "logging in")
		}
		return p.record(s, started)
	}
	return p.record(Step{Kind: StepAuth, OK: true,
		Summary: fmt.Sprintf("Logged in as %s (%s).", p.acct.Username, mechanismNames[mech])}, started)
}

// sendTestMessage sends a short bilingual message to the account's own
// address, the surest sign that sending works.
func (p *probe) sendTestMessage() bool {
	started := time.Now()
	a := p.acct
	fail := func(err error, doing string) bool {
		s := Step{Kind: StepTestMessage, Err: err}
		s.Code, s.Reply = serverReply(err)
		if s.Code != 0 {
			s.Problem, s.Summary = ProblemRejected, fmt.Sprintf("The server refused the test message (%s): %s", doing, s.Reply)
		} else {
			s.Problem, s.Summary = p.explainIO(err, "sending the test message ("+doing+")")
		}
		return p.record(s, started)
	}
	msg, err := testMessage(a)
	if err != nil {
		return fail(err, "building it")
	}
	p.deadline()
	if err := p.client.Mail(a.FromAddress); err != nil {
		return fail(err, "MAIL FROM")
	}
	p.deadline()
	if err := p.client.Rcpt(a.FromAddress); err != nil {
		return fail(err, "RCPT TO")
	}
	p.deadline()
	w, err := p.client.Data()
	if err != nil {
		return fail(err, "DATA")
	}
	if _, err := msg.WriteTo(w); err != nil {
		return fail(err, "message text")
	}
	p.deadline()
	if err := w.Close(); err != nil {
		return fail(err, "end of message")
	}
	reply := "accepted"
	if dc, ok := w.(*smtp.DataCloser); ok && dc.ServerResponse() != "" {
		reply = dc.ServerResponse()
	}
	return p.record(Step{Kind: StepTestMessage, OK: true,
		Summary: fmt.Sprintf("The server accepted a test message to %s: %s", a.FromAddress, reply)}, started)
}

func testMessage(a Account) (io.WriterTo, error) {
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.FromFormat(a.FromName, a.FromAddress); err != nil {
		return nil, err
	}
	if err := m.To(a.FromAddress); err != nil {
		return nil, err
	}
	if a.ReplyTo != "" {
		if err := m.ReplyTo(a.ReplyTo); err != nil {
			return nil, err
		}
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	domain := a.FromAddress[strings.LastIndexByte(a.FromAddress, '@')+1:]
	m.SetMessageIDWithValue(hex.EncodeToString(id[:]) + "@" + domain)
	m.SetDate()
	m.Subject("Mailroom test message / Mailroom 测试邮件")
	m.SetBodyString(mail.TypeTextPlain, fmt.Sprintf(
		"Mailroom sent this message to check the account %q. It worked; you can delete this message.\n\n"+
			"这封邮件由 Mailroom 发送,用于测试账户“%s”。测试成功,可以删除本邮件。\n", a.Label(), a.Label()))
	return m, nil
}
