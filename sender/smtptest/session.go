package smtptest

import (
	"bytes"
	"io"
	"strings"

	smtp "github.com/emersion/go-smtp"
)

type backend struct {
	s *Server
	g *generation
}

func (b backend) NewSession(sc *smtp.Conn) (smtp.Session, error) {
	c, ok := sc.Conn().(*conn)
	if !ok {
		return nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "unexpected connection type"}
	}
	c.sess = &session{s: b.s, c: c}
	return c.sess, nil
}

// session is go-smtp's per-connection state, extended with what the fault
// rules and the message log need.
type session struct {
	s     *Server
	c     *conn
	user  string
	token string // the XOAUTH2 token the session logged in with
	from  string
	rcpts []string
	msgNo int
}

var (
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errTLSRequired  = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
	errAuthInvalid  = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	errDropped      = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "connection dropped by test fault"}
	// Gmail's words for a refused XOAUTH2 token, and a session's token
	// that expired (WithTokenCheckPerMessage).
	errTokenRefused = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Username and Password not accepted"}
	errTokenExpired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required: the access token expired"}
)

func (s *session) Reset() { s.resetTransaction() }

func (s *session) resetTransaction() {
	s.from, s.rcpts, s.msgNo = "", s.rcpts[:0], 0
}

func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.s.cfg.requireTLS && !s.c.tls {
		return errTLSRequired
	}
	if s.s.cfg.user != "" && s.user == "" {
		return errAuthRequired
	}
	if s.s.cfg.tokenPerMessage && s.token != "" && !s.s.cfg.tokenValid(s.token) {
		return errTokenExpired
	}
	s.resetTransaction()
	s.from = from
	s.msgNo = s.s.beginMessage()
	return s.apply(StageMail, "")
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.apply(StageRcpt, to); err != nil {
		return err
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	if f, ok := s.fault(StageDataBody); ok {
		switch f.kind {
		case faultDrop:
			_, _ = io.CopyN(io.Discard, r, int64(f.AfterBytes))
			s.c.hardClose()
			return errDropped
		case faultStall:
			s.c.stallUntilStop()
			return errDropped
		}
	}
	var body []byte
	var size int64
	if s.s.cfg.keepBodies {
		var buf bytes.Buffer
		n, err := buf.ReadFrom(r)
		if err != nil {
			return err
		}
		body, size = buf.Bytes(), n
	} else {
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			return err
		}
		size = n
	}
	m := Message{
		Conn: s.c.info.ID, Number: s.msgNo, From: s.from, To: append([]string(nil), s.rcpts...),
		Data: body, Size: size, TLS: s.c.tls, User: s.user,
	}
	if f, ok := s.fault(StageDataEnd); ok {
		switch f.kind {
		case faultDrop:
			s.s.record(m, false)
			s.c.hardClose()
			return errDropped
		case faultStall:
			s.s.record(m, false)
			s.c.stallUntilStop()
			return errDropped
		case faultReplyClose:
			s.c.writeRaw(formatReply(f))
			s.c.hardClose()
			return errDropped
		default:
			return f.smtpError()
		}
	}
	s.s.record(m, true)
	return nil
}

// fault evaluates the rules for stage with the current transaction.
func (s *session) fault(stage Stage) (Fault, bool) {
	rcpt := ""
	if len(s.rcpts) > 0 {
		rcpt = s.rcpts[0]
	}
	return s.s.match(Event{Stage: stage, Conn: s.c.info.ID, Message: s.msgNo, From: s.from, Recipient: rcpt}, false)
}

// apply turns a matching fault at MAIL, RCPT or AUTH into go-smtp's
// behaviour: an error reply, or a dropped or stalled connection.
func (s *session) apply(stage Stage, rcpt string) error {
	e := Event{Stage: stage, Conn: s.c.info.ID, Message: s.msgNo, From: s.from, Recipient: rcpt}
	f, ok := s.s.match(e, stage == StageRcpt)
	if !ok {
		return nil
	}
	switch f.kind {
	case faultDrop:
		s.c.hardClose()
		return errDropped
	case faultStall:
		s.c.stallUntilStop()
		return errDropped
	case faultReplyClose:
		s.c.writeRaw(formatReply(f))
		s.c.hardClose()
		return errDropped
	}
	return f.smtpError()
}

func equalFoldASCII(a, b string) bool { return strings.EqualFold(a, b) }
