package accounts

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail/smtp"

	"mailroom/app/msg"
)

// probe runs the connection test on its own net.Conn, one observable step
// at a time, with go-mail's net/smtp fork for the protocol.
type probe struct {
	ctx     context.Context
	acct    Account
	secret  string
	cfg     checkConfig
	tlsConf *tls.Config
	report  Report

	raw    net.Conn // the TCP connection; deadlines are set here
	conn   net.Conn // raw, or the TLS connection over it
	client *smtp.Client

	mu        sync.Mutex // guards canceled against deadline updates
	canceled  bool
	stopWatch func() bool
}

func newProbe(ctx context.Context, a Account, secret string, cfg checkConfig) (*probe, error) {
	tlsConf, err := a.TLSConfig()
	if err != nil {
		return nil, err
	}
	return &probe{ctx: ctx, acct: a, secret: secret, cfg: cfg, tlsConf: tlsConf, report: Report{Account: a.Label()}}, nil
}

// run performs the steps in order and stops at the first failure. With
// certificateOnly it stops once the certificate has been seen.
func (p *probe) run(certificateOnly bool) {
	defer p.close()
	ips, ok := p.resolve()
	if !ok || !p.connect(ips) {
		return
	}
	if p.acct.Security == SecurityTLS {
		if !p.implicitTLS() || certificateOnly {
			return
		}
	}
	if !p.greeting() || !p.hello() {
		return
	}
	if p.acct.Security == SecuritySTARTTLS {
		if !p.startTLS() || certificateOnly {
			return
		}
	}
	if p.acct.NeedsSecret() && !p.login() {
		return
	}
	if p.cfg.testMessage && !p.sendTestMessage() {
		return
	}
	p.deadline()
	_ = p.client.Quit()
}

func (p *probe) close() {
	if p.stopWatch != nil {
		p.stopWatch()
	}
	if p.client != nil {
		_ = p.client.Close()
	} else if p.conn != nil {
		_ = p.conn.Close()
	}
}

// record adds a finished step to the report and tells the caller.
func (p *probe) record(s Step, started time.Time) bool {
	s.Elapsed = time.Since(started)
	if !s.OK && p.ctx.Err() != nil {
		s.Problem, s.HintText = ProblemCanceled, msg.Text{}
		s.Text = msg.T("The test was cancelled.")
	}
	// The English words are kept for logs and the headless command.
	s.Summary, s.Hint = s.Text.String(), s.HintText.String()
	p.report.Steps = append(p.report.Steps, s)
	if p.cfg.progress != nil {
		p.cfg.progress(s)
	}
	return s.OK
}

// deadline gives the next step its own time limit; after cancellation it
// makes every read and write fail at once.
func (p *probe) deadline() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.raw == nil {
		return
	}
	if p.canceled {
		_ = p.raw.SetDeadline(time.Unix(1, 0))
		return
	}
	_ = p.raw.SetDeadline(time.Now().Add(p.cfg.stepTimeout))
}

func (p *probe) resolve() ([]string, bool) {
	started := time.Now()
	ctx, cancel := context.WithTimeout(p.ctx, p.cfg.stepTimeout)
	defer cancel()
	ips, err := net.DefaultResolver.LookupHost(ctx, p.acct.Host)
	if err == nil && len(ips) == 0 {
		err = errors.New("no addresses")
	}
	if err != nil {
		s := Step{Kind: StepDNS, Problem: ProblemDNS, Err: err}
		var dnsErr *net.DNSError
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			s.Problem = ProblemTimeout
			s.Text = msg.T("Looking up the server name {{.Host}} took longer than {{.Time}}.", "Host", p.acct.Host, "Time", msg.Duration(p.cfg.stepTimeout))
			s.HintText = msg.T("Check your internet connection.")
		case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
			s.Text = msg.T("The server name {{.Host}} does not exist.", "Host", p.acct.Host)
			s.HintText = msg.T("Check the spelling of the server name, e.g. smtp.qq.com.")
		default:
			s.Text = msg.T("Could not look up the server name {{.Host}} ({{.Reason}}).", "Host", p.acct.Host, "Reason", msg.Raw(err.Error()))
			s.HintText = msg.T("Check your internet connection and the server name.")
		}
		return nil, p.record(s, started)
	}
	text := msg.T("Found {{.Host}} at {{.Addresses}}.", "Host", p.acct.Host, "Addresses", strings.Join(ips, ", "))
	if net.ParseIP(p.acct.Host) != nil {
		text = msg.T("{{.Host}} is an IP address; no lookup needed.", "Host", p.acct.Host)
	}
	return ips, p.record(Step{Kind: StepDNS, OK: true, Text: text}, started)
}

func (p *probe) connect(ips []string) bool {
	started := time.Now()
	ctx, cancel := context.WithTimeout(p.ctx, p.cfg.stepTimeout)
	defer cancel()
	port := strconv.Itoa(p.acct.Port)
	var dialer net.Dialer
	var err error
	for _, ip := range ips {
		var c net.Conn
		if c, err = dialer.DialContext(ctx, "tcp", net.JoinHostPort(ip, port)); err == nil {
			p.raw, p.conn = c, c
			break
		}
	}
	if err != nil {
		problem, text, hint := explainDial(err, p.acct, p.cfg.stepTimeout)
		return p.record(Step{Kind: StepConnect, Problem: problem, Text: text, HintText: hint, Err: err}, started)
	}
	p.stopWatch = context.AfterFunc(p.ctx, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.canceled = true
		_ = p.raw.SetDeadline(time.Unix(1, 0))
	})
	return p.record(Step{Kind: StepConnect, OK: true,
		Text: msg.T("Connected to {{.Address}}.", "Address", p.raw.RemoteAddr().String())}, started)
}

func (p *probe) implicitTLS() bool {
	started := time.Now()
	p.deadline()
	tc := tls.Client(p.raw, p.tlsConf)
	err := tc.HandshakeContext(p.ctx)
	p.conn = tc
	return p.recordTLS(tc.ConnectionState(), err, started)
}

func (p *probe) greeting() bool {
	started := time.Now()
	p.deadline()
	c, err := smtp.NewClient(p.conn, p.acct.Host)
	if err != nil {
		s := Step{Kind: StepGreeting, Err: err}
		s.Code, s.Reply = serverReply(err)
		var protoErr textproto.ProtocolError
		switch {
		case s.Code != 0:
			s.Problem = ProblemRejected
			s.Text = msg.T("The server refused the session: {{.Reply}}", "Reply", s.Reply)
		case errors.As(err, &protoErr):
			s.Problem = ProblemNotSMTP
			s.Text = msg.T("Something answered on port {{.Port}}, but it does not speak SMTP.", "Port", p.acct.Port)
			s.HintText = portHint()
		default:
			s.Problem, s.Text = p.explainIO(err, msg.T("waiting for the server's greeting"))
			if s.Problem == ProblemTimeout {
				s.Text = msg.T("Connected, but the server sent no greeting within {{.Time}}.", "Time", msg.Duration(p.cfg.stepTimeout))
				s.HintText = greetingHint(p.acct)
			}
		}
		return p.record(s, started)
	}
	p.client = c
	return p.record(Step{Kind: StepGreeting, OK: true, Text: msg.T("The server answered with an SMTP greeting.")}, started)
}

func (p *probe) hello() bool {
	started := time.Now()
	p.deadline()
	if err := p.client.Hello(heloName(p.raw)); err != nil {
		s := Step{Kind: StepHello, Err: err}
		s.Code, s.Reply = serverReply(err)
		if s.Code != 0 {
			s.Problem, s.Text = ProblemRejected, msg.T("The server refused EHLO: {{.Reply}}", "Reply", s.Reply)
		} else {
			s.Problem, s.Text = p.explainIO(err, msg.T("introducing Mailroom (EHLO)"))
		}
		return p.record(s, started)
	}
	text := msg.T("The server ({{.Server}}) offers: {{.Extensions}}.", "Server", p.client.HelloResponse(), "Extensions", p.extensions())
	return p.record(Step{Kind: StepHello, OK: true, Text: text}, started)
}

// extensions lists what the server offers that matters to the user.
func (p *probe) extensions() string {
	var out []string
	for _, ext := range []string{"STARTTLS", "AUTH", "SIZE", "SMTPUTF8", "8BITMIME"} {
		if ok, params := p.client.Extension(ext); ok {
			out = append(out, strings.TrimSpace(ext+" "+params))
		}
	}
	if len(out) == 0 {
		return "–"
	}
	return strings.Join(out, ", ")
}

func (p *probe) startTLS() bool {
	started := time.Now()
	if ok, _ := p.client.Extension("STARTTLS"); !ok {
		return p.record(Step{Kind: StepSTARTTLS, Problem: ProblemNoSTARTTLS,
			Text:     msg.T("The server does not offer STARTTLS, so this connection cannot be encrypted. Mailroom does not send passwords or messages unencrypted."),
			HintText: msg.T("Choose SSL/TLS under Security (usually port 465) if the server supports it, or ask its administrator to enable STARTTLS.")}, started)
	}
	p.deadline()
	err := p.client.StartTLS(p.tlsConf)
	state, encrypted := p.client.TLSConnectionState()
	if err != nil && !encrypted {
		s := Step{Kind: StepSTARTTLS, Err: err}
		s.Code, s.Reply = serverReply(err)
		if s.Code != 0 {
			s.Problem, s.Text = ProblemRejected, msg.T("The server refused to start encryption: {{.Reply}}", "Reply", s.Reply)
		} else {
			s.Problem, s.Text = p.explainIO(err, msg.T("asking for STARTTLS"))
		}
		return p.record(s, started)
	}
	p.record(Step{Kind: StepSTARTTLS, OK: true, Text: msg.T("The server offers STARTTLS and agreed to start encryption.")}, started)
	if !state.HandshakeComplete {
		return p.recordTLS(state, err, started)
	}
	if !p.recordTLS(state, nil, started) {
		return false
	}
	if err != nil { // handshake done, but EHLO over TLS failed
		s := Step{Kind: StepHello, Err: err}
		s.Code, s.Reply = serverReply(err)
		s.Problem, s.Text = p.explainIO(err, msg.T("repeating EHLO over the encrypted connection"))
		if s.Code != 0 {
			s.Problem, s.Text = ProblemRejected, msg.T("The server refused EHLO after STARTTLS: {{.Reply}}", "Reply", s.Reply)
		}
		return p.record(s, started)
	}
	return true
}

// recordTLS records the TLS and certificate steps from a finished or failed
// handshake.
func (p *probe) recordTLS(state tls.ConnectionState, err error, started time.Time) bool {
	var verifyErr *tls.CertificateVerificationError
	if err != nil && !errors.As(err, &verifyErr) {
		s := Step{Kind: StepTLS, Err: err, Certificates: describeChain(state.PeerCertificates)}
		s.Problem, s.Text, s.HintText = explainTLS(err, p.acct)
		if s.Problem == ProblemNone {
			s.Problem, s.Text = p.explainIO(err, msg.T("negotiating encryption (TLS)"))
			s.HintText = tlsHint(p.acct)
		}
		return p.record(s, started)
	}
	if verifyErr != nil {
		chain := describeChain(verifyErr.UnverifiedCertificates)
		p.record(Step{Kind: StepTLS, OK: true, Text: msg.T("The server speaks TLS and sent its certificate."), Certificates: chain}, started)
		s := Step{Kind: StepCertificate, Problem: ProblemCertificate, Err: err, Certificates: chain}
		s.Text, s.HintText = explainCertificate(verifyErr, p.acct.Host)
		return p.record(s, started)
	}
	chain := describeChain(state.PeerCertificates)
	p.record(Step{Kind: StepTLS, OK: true, Certificates: chain,
		Text: msg.T("Encrypted with {{.Version}}.", "Version", tls.VersionName(state.Version))}, started)
	text := msg.T("The server's certificate is valid.")
	if len(chain) > 0 {
		text = msg.T("The server's certificate is valid: {{.Certificate}}.", "Certificate", chain[0].Describe())
	}
	return p.record(Step{Kind: StepCertificate, OK: true, Text: text, Certificates: chain}, started)
}

// explainIO words a network error met while waitingFor something.
func (p *probe) explainIO(err error, waitingFor msg.Text) (Problem, msg.Text) {
	if isTimeout(err) {
		return ProblemTimeout, msg.T("The server did not answer within {{.Time}} while {{.Doing}}.", "Time", msg.Duration(p.cfg.stepTimeout), "Doing", waitingFor)
	}
	if isClosed(err) {
		return ProblemConnectionLost, msg.T("The server closed the connection while {{.Doing}}.", "Doing", waitingFor)
	}
	return ProblemConnectionLost, msg.T("The connection failed while {{.Doing}} ({{.Reason}}).", "Doing", waitingFor, "Reason", msg.Raw(err.Error()))
}

// heloName is the address literal of our end of the connection, the EHLO
// argument RFC 5321 section 4.1.3 allows for a client without a domain.
func heloName(c net.Conn) string {
	addr, ok := c.LocalAddr().(*net.TCPAddr)
	switch {
	case !ok:
		return "localhost"
	case addr.IP.To4() != nil:
		return "[" + addr.IP.String() + "]"
	}
	return "[IPv6:" + addr.IP.String() + "]"
}

// serverReply returns the SMTP reply code and text carried by err, if any.
func serverReply(err error) (int, string) {
	var tpErr *textproto.Error
	if errors.As(err, &tpErr) {
		return tpErr.Code, fmt.Sprintf("%d %s", tpErr.Code, strings.ReplaceAll(tpErr.Msg, "\n", " "))
	}
	return 0, ""
}
