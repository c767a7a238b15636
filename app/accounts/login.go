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

	"mailroom/app/msg"
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
		case !advertised && p.acct.Security == SecurityNone && !IsLoopback(p.acct.Host):
			s.Text = msg.T("The server offers no sign-in on this unencrypted connection.")
			s.HintText = msg.T("Many servers offer sign-in only after encryption: choose STARTTLS or SSL/TLS under Security.")
		case !advertised:
			// A server that offers no AUTH takes mail without a login
			// (a company relay that knows this computer, a test server).
			s.Text = msg.T("This server needs no sign-in: it offers none.")
			s.HintText = msg.T("Choose None under Authentication. If this server should know you, check the server and port: 587 and 465 are for mail programs, 25 is for servers.")
		default:
			s.Text = msg.T("The server does not offer {{.Method}} sign-in; it offers {{.Offered}}.", "Method", mechanismNames[mech], "Offered", strings.Join(offered, ", "))
			s.HintText = msg.T("Choose Automatic under Authentication, or one of the offered methods.")
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
			s.Text = msg.T("The server does not accept {{.Method}} sign-in: {{.Reply}}", "Method", mechanismNames[mech], "Reply", s.Reply)
			s.HintText = msg.T("Choose Automatic under Authentication, or one of the offered methods.")
		case s.Code >= 500:
			s.Problem = ProblemAuthFailed
			s.Text = msg.T("The server refused the sign-in for {{.User}}: {{.Reply}}", "User", p.acct.Username, "Reply", s.Reply)
			s.HintText = authHint(p.acct.Preset)
		case s.Code >= 400:
			s.Problem = ProblemRejected
			s.Text = msg.T("The server could not check the sign-in right now (a temporary problem): {{.Reply}}", "Reply", s.Reply)
			s.HintText = msg.T("Try again in a few minutes.")
		case errors.Is(err, smtp.ErrUnencrypted):
			s.Problem = ProblemAuthUnavailable
			s.Text = msg.T("Mailroom did not send the password because the connection is not encrypted.")
			s.HintText = msg.T("Choose STARTTLS or SSL/TLS under Security.")
		default:
			s.Problem, s.Text = p.explainIO(err, msg.T("signing in"))
		}
		return p.record(s, started)
	}
	return p.record(Step{Kind: StepAuth, OK: true,
		Text: msg.T("Signed in as {{.User}} ({{.Method}}).", "User", p.acct.Username, "Method", mechanismNames[mech])}, started)
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
			s.Problem, s.Text = ProblemRejected, msg.T("The server refused the test message ({{.Command}}): {{.Reply}}", "Command", doing, "Reply", s.Reply)
		} else {
			s.Problem, s.Text = p.explainIO(err, msg.T("sending the test message ({{.Command}})", "Command", doing))
		}
		return p.record(s, started)
	}
	m, err := testMessage(a)
	if err != nil {
		return fail(err, "—")
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
	if _, err := m.WriteTo(w); err != nil {
		return fail(err, "DATA")
	}
	p.deadline()
	if err := w.Close(); err != nil {
		return fail(err, "DATA .")
	}
	text := msg.T("The server accepted a test message to {{.Address}}.", "Address", a.FromAddress)
	if dc, ok := w.(*smtp.DataCloser); ok && dc.ServerResponse() != "" {
		text = msg.T("The server accepted a test message to {{.Address}}: {{.Reply}}", "Address", a.FromAddress, "Reply", dc.ServerResponse())
	}
	return p.record(Step{Kind: StepTestMessage, OK: true, Text: text}, started)
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
