package sender

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// smtpConn is one worker's connection. go-mail's Client dials (plain or
// implicit TLS) and greets; the engine then drives go-mail's smtp.Client
// itself, because classifying a failure as before or after the final "."
// needs to know which step failed, which Client.Send hides: its
// DataCloser.Close discards the error of writing the "." and only returns
// the reply's.
type smtpConn struct {
	cfg     *config
	tlsConf *tls.Config
	mc      *mail.Client
	sc      *smtp.Client
	reused  bool // a transaction completed on sc
	// accepted counts the messages sc accepted: a 421 after some is a
	// per-connection limit, before any a throttle (pacing.go).
	accepted int
	body     bodyWriter
	// secret is what the open session logged in with; stale is a secret
	// the server stopped accepting mid-session, renewed at the next login.
	secret, stale string
}

func newSMTPConn(cfg *config, tlsConf *tls.Config) (*smtpConn, error) {
	opts := []mail.Option{
		mail.WithPort(cfg.port),
		mail.WithTimeout(cfg.cmdTimeout),
		mail.WithHELO(cfg.helo),
		mail.WithTLSConfig(tlsConf),
		// STARTTLS is done below, so that its absence and its failures
		// are reported precisely; NOOP and RSET only cost round trips.
		mail.WithTLSPolicy(mail.NoTLS),
		mail.WithoutNoop(),
		mail.WithoutRset(),
	}
	if cfg.tlsMode == TLSImplicit {
		opts = append(opts, mail.WithSSL())
	}
	mc, err := mail.NewClient(cfg.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	return &smtpConn{cfg: cfg, tlsConf: tlsConf, mc: mc}, nil
}

// connectError is a failed connection attempt. fatal is a run-level
// sentinel when retrying cannot help, nil when it may. refused says the
// server refused the secret itself (535), which a renewed one may fix.
type connectError struct {
	fatal   error
	reply   string
	err     error
	refused bool
	// code and text are the server's reply, when there was one: a
	// throttle or quota can also come in the greeting, EHLO or AUTH
	// (Gmail's "421 4.7.0 Try again later", "454 4.7.0 Too many login
	// attempts").
	code int
	text string
}

// pacing classifies the refusal as classifyPacing does a reply on a
// fresh connection.
func (e *connectError) pacing() (pacing, Limit) {
	if e.code == 0 {
		return pacingNone, Limit{}
	}
	return classifyPacing(e.code, e.text, 0)
}

// renewals bounds how often one login renews a refused secret: the
// token another connection renewed may be refused too, a second fresh one
// should not be.
const renewals = 2

func (e *connectError) Error() string { return e.err.Error() }
func (e *connectError) Unwrap() error { return e.err }

// ensure connects, upgrades to TLS and logs in, unless already connected.
// A refused secret is renewed and tried on a new connection (go-mail
// closes the connection after a failed AUTH), at most renewals times.
func (c *smtpConn) ensure(ctx context.Context) *connectError {
	if c.sc != nil {
		return nil
	}
	var secret string
	if c.cfg.username != "" {
		// Before dialling, so that no connection idles while a token is
		// renewed.
		var cerr *connectError
		if secret, cerr = c.secretFor(ctx, c.stale); cerr != nil {
			return cerr
		}
	}
	c.stale = ""
	for renewal := 0; ; renewal++ {
		sc, cerr := c.open(ctx)
		if cerr != nil {
			return cerr
		}
		if c.cfg.username == "" {
			c.sc, c.reused, c.accepted = sc, false, 0
			return nil
		}
		if cerr = c.login(sc, secret); cerr == nil {
			c.sc, c.reused, c.secret, c.accepted = sc, false, secret, 0
			return nil
		}
		_ = sc.Close()
		if !cerr.refused || renewal == renewals {
			return cerr
		}
		next, nerr := c.secretFor(ctx, secret)
		if nerr != nil {
			return nerr
		}
		if next == secret {
			return cerr // it cannot renew: the refusal stands
		}
		secret = next
	}
}

// open connects and upgrades to TLS.
func (c *smtpConn) open(ctx context.Context) (*smtp.Client, *connectError) {
	sc, err := c.mc.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, classifyConnect(err, ErrUnreachable)
	}
	if c.cfg.tlsMode == TLSStartTLS {
		if ok, _ := sc.Extension("STARTTLS"); !ok {
			_ = sc.Close()
			return nil, &connectError{fatal: ErrTLS, err: fmt.Errorf("%s:%d does not offer STARTTLS; use implicit TLS (usually port 465) or check the port", c.cfg.host, c.cfg.port)}
		}
		if err := sc.StartTLS(c.tlsConf); err != nil {
			_ = sc.Close()
			return nil, classifyConnect(err, ErrTLS)
		}
	}
	return sc, nil
}

// classifyConnect sorts a connection failure: certificate problems and
// permanent refusals stop the run, anything else may be retried.
func classifyConnect(err error, permanent error) *connectError {
	var tpErr *textproto.Error
	switch {
	case isTLSError(err):
		return &connectError{fatal: ErrTLS, err: err}
	case errors.As(err, &tpErr) && tpErr.Code >= 500:
		return &connectError{fatal: permanent, reply: replyText(tpErr), err: err, code: tpErr.Code, text: tpErr.Msg}
	case errors.As(err, &tpErr):
		return &connectError{reply: replyText(tpErr), err: err, code: tpErr.Code, text: tpErr.Msg}
	}
	return &connectError{err: err}
}

// login authenticates with the configured or best offered mechanism.
func (c *smtpConn) login(sc *smtp.Client, secret string) *connectError {
	ok, offered := sc.Extension("AUTH")
	if !ok {
		return &connectError{fatal: ErrAuth, err: fmt.Errorf("%s does not offer AUTH on this connection", c.cfg.host)}
	}
	mechs := strings.Fields(strings.ToUpper(offered))
	mech := c.cfg.mechanism
	if mech == AuthAuto {
		for _, m := range []AuthMechanism{AuthPlain, AuthLogin, AuthCRAMMD5} {
			if containsFold(mechs, string(m)) {
				mech = m
				break
			}
		}
	}
	if mech == AuthAuto || !containsFold(mechs, string(mech)) {
		want := string(mech)
		if mech == AuthAuto {
			want = "PLAIN, LOGIN or CRAM-MD5"
		}
		return &connectError{fatal: ErrAuth, err: fmt.Errorf("%s offers AUTH %s, not %s", c.cfg.host, offered, want)}
	}
	// TLSNone with AUTH was only accepted for loopback hosts (validate).
	clear := c.cfg.tlsMode == TLSNone
	var auth smtp.Auth
	switch mech {
	case AuthPlain:
		auth = smtp.PlainAuth("", c.cfg.username, secret, c.cfg.host, clear)
	case AuthLogin:
		auth = smtp.LoginAuth(c.cfg.username, secret, c.cfg.host, clear)
	case AuthCRAMMD5:
		auth = smtp.CRAMMD5Auth(c.cfg.username, secret)
	default:
		auth = smtp.XOAuth2Auth(c.cfg.username, secret)
	}
	if err := sc.Auth(auth); err != nil {
		var tpErr *textproto.Error
		if errors.As(err, &tpErr) && tpErr.Code < 500 {
			return &connectError{reply: replyText(tpErr), err: err, code: tpErr.Code, text: tpErr.Msg} // 454: try again later
		}
		cerr := &connectError{fatal: ErrAuth, err: err}
		if tpErr != nil {
			cerr.reply, cerr.refused = replyText(tpErr), tpErr.Code == 535
		}
		return cerr
	}
	return nil
}

// attempt is the outcome of one transaction.
type attempt struct {
	verdict verdict
	limit   Limit // what a throttle or quota reply limits
	code    int
	reply   string
	// stale is set when a reused connection turned out to be dead at the
	// first command: the server most likely closed it while idle.
	stale bool
}

// send runs one transaction: MAIL, RCPT (one per envelope recipient),
// DATA, body and ".": four round trips for a single recipient. journaled
// blocks until the row is durably marked sending; DATA is only sent after
// it returned nil, because from DATA on the server may get the message.
func (c *smtpConn) send(msg *mail.Msg, env *envelope, journaled func() error) attempt {
	sc := c.sc
	if err := sc.UpdateDeadline(c.cfg.cmdTimeout); err != nil {
		return c.lost()
	}
	if err := sc.Mail(env.from); err != nil {
		a := c.failed(err, false)
		a.stale = a.code == 0 && c.reused
		return a
	}
	for _, rcpt := range env.rcpts {
		if err := sc.Rcpt(rcpt); err != nil {
			return c.failed(err, true)
		}
	}
	if err := journaled(); err != nil {
		// The run stops; leave the server without a half-open transaction.
		if sc.Reset() != nil {
			c.drop()
		}
		return attempt{verdict: verdictTemporary, reply: "not sent: the journal failed: " + err.Error()}
	}
	// The wait may have taken a while on a slow disk: DATA gets its full
	// command timeout.
	if err := sc.UpdateDeadline(c.cfg.cmdTimeout); err != nil {
		return c.lost()
	}
	w, err := sc.Data()
	if err != nil {
		return c.failed(err, true)
	}
	dc, ok := w.(*smtp.DataCloser)
	if !ok {
		// Never happens with go-mail v0.8.1; without the dot writer the
		// two halves of Close cannot be told apart, so play safe.
		c.drop()
		return attempt{verdict: verdictUnknown, reply: "unexpected go-mail data writer"}
	}
	c.body.reset(dc.WriteCloser, sc, c.cfg)
	if _, err := msg.WriteTo(&c.body); err != nil {
		// No "." was sent, so the server discards the partial message.
		c.drop()
		if c.body.err != nil {
			return attempt{verdict: verdictTemporary, reply: "connection lost while sending the message: " + c.body.err.Error()}
		}
		return attempt{verdict: verdictPermanent, reply: "could not build the message: " + err.Error()}
	}
	// Close of the dot writer writes the final "." and flushes: an error
	// here means the "." never fully left, so the server cannot have
	// accepted the message.
	if err := dc.WriteCloser.Close(); err != nil {
		c.drop()
		return attempt{verdict: verdictTemporary, reply: "connection lost before the end of the message: " + err.Error()}
	}
	// From here on the server may have the whole message.
	if err := sc.UpdateDeadline(c.cfg.dataTimeout); err != nil {
		c.drop()
		return attempt{verdict: verdictUnknown, reply: "connection lost after the end of the message"}
	}
	code, text, err := sc.Text.ReadResponse(2)
	c.reused = true
	if err != nil {
		var tpErr *textproto.Error
		if errors.As(err, &tpErr) {
			if tpErr.Code == 421 {
				c.drop()
			}
			v, lim := classifyReply(tpErr.Code, tpErr.Msg, c.accepted)
			return attempt{verdict: v, limit: lim, code: tpErr.Code, reply: replyText(tpErr)}
		}
		c.drop()
		return attempt{verdict: verdictUnknown, reply: "no reply after the end of the message (it may have been delivered): " + err.Error()}
	}
	c.accepted++
	return attempt{verdict: verdictSent, code: code, reply: fmt.Sprintf("%03d %s", code, text)}
}

// failed classifies an error before DATA's body. inTransaction says MAIL
// was accepted, so the server needs RSET before the next message.
func (c *smtpConn) failed(err error, inTransaction bool) attempt {
	var tpErr *textproto.Error
	if !errors.As(err, &tpErr) {
		return c.lost()
	}
	v, lim := classifyReply(tpErr.Code, tpErr.Msg, c.accepted)
	a := attempt{verdict: v, limit: lim, code: tpErr.Code, reply: replyText(tpErr)}
	switch {
	case tpErr.Code == 421:
		c.drop() // the server closes after 421
	case inTransaction:
		if c.sc.Reset() != nil {
			c.drop()
		}
	}
	return a
}

// lost handles a network failure before the final ".".
func (c *smtpConn) lost() attempt {
	c.drop()
	return attempt{verdict: verdictTemporary, reply: "connection lost before the message was sent"}
}

// drop abandons the connection without QUIT.
func (c *smtpConn) drop() {
	if c.sc != nil {
		_ = c.sc.Close()
		c.sc = nil
	}
}

// quit ends the connection politely.
func (c *smtpConn) quit() {
	if c.sc != nil {
		_ = c.sc.UpdateDeadline(c.cfg.cmdTimeout)
		_ = c.sc.Quit()
		c.drop()
	}
}

// bodyWriter feeds the dot writer, extending the connection deadline as
// a large message goes out, and remembers write errors so that they can
// be told apart from errors building the message.
type bodyWriter struct {
	w       io.Writer
	sc      *smtp.Client
	cfg     *config
	written int
	err     error
}

const deadlineEvery = 256 << 10

func (b *bodyWriter) reset(w io.Writer, sc *smtp.Client, cfg *config) {
	*b = bodyWriter{w: w, sc: sc, cfg: cfg}
}

func (b *bodyWriter) Write(p []byte) (int, error) {
	// go-mail may hand over a whole part in one call; writing it in slices
	// lets a slow but moving upload extend its deadline as it goes.
	total := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), deadlineEvery-b.written)]
		n, err := b.w.Write(chunk)
		total += n
		if err != nil {
			b.err = err
			return total, err
		}
		p = p[n:]
		b.written += n
		if b.written >= deadlineEvery {
			b.written = 0
			if err := b.sc.UpdateDeadline(b.cfg.cmdTimeout); err != nil {
				b.err = err
				return total, err
			}
		}
	}
	return total, nil
}
