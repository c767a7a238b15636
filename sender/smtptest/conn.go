package smtptest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"net"
	"sync"
	"time"
)

// conn sits between the socket (or its TLS layer) and go-smtp. It sees
// every command in plaintext, which go-smtp's hooks do not offer: it
// counts commands and round trips, performs STARTTLS itself so that the
// plaintext after the upgrade stays visible, and injects DATA-command
// faults.
type conn struct {
	net.Conn // current transport: the TCP socket or the TLS layer over it
	raw      net.Conn
	srv      *Server
	gen      *generation
	info     *ConnInfo
	r        *bufio.Reader

	// Fields below are only touched by go-smtp's goroutine for this
	// connection (Read and Write are never concurrent with each other).
	pending  []byte
	midLine  bool
	dataMode bool
	awaiting bool
	lastVerb string
	lastCode int
	tls      bool
	sess     *session
	replace  []byte // reply to write instead of go-smtp's next one
	closeOut bool   // close after writing replace

	closeOnce sync.Once
}

func newConn(s *Server, g *generation, raw net.Conn, info *ConnInfo) *conn {
	return &conn{Conn: raw, raw: raw, srv: s, gen: g, info: info, r: bufio.NewReaderSize(raw, 64<<10)}
}

func (c *conn) upgrade(tc *tls.Conn) {
	c.Conn = tc
	c.r = bufio.NewReaderSize(tc, 64<<10)
	c.tls = true
	c.srv.mu.Lock()
	c.info.TLS = true
	c.srv.mu.Unlock()
}

var (
	dotLine     = []byte(".\r\n")
	dotLineLF   = []byte(".\n")
	startTLSCap = []byte("250-STARTTLS\r\n")
	rsetLine    = []byte("RSET\r\n")
)

func (c *conn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	for {
		line, err := c.r.ReadSlice('\n')
		if len(line) == 0 {
			if err == bufio.ErrBufferFull {
				continue
			}
			return 0, err
		}
		atStart := !c.midLine
		c.midLine = err == bufio.ErrBufferFull
		if c.dataMode {
			if atStart && (bytes.Equal(line, dotLine) || bytes.Equal(line, dotLineLF)) {
				c.dataMode = false
				c.awaiting = true
			}
			return c.emit(p, line), nil
		}
		if !atStart {
			return c.emit(p, line), nil
		}
		if c.lastCode == 334 {
			c.awaiting = true // SASL continuation, not a command
			return c.emit(p, line), nil
		}
		verb := commandVerb(line)
		c.lastVerb = verb
		c.awaiting = true
		c.srv.countCommand(c.info, verb)
		switch {
		case verb == "STARTTLS" && c.srv.cfg.tlsMode == TLSStartTLS && !c.tls:
			if err := c.startTLS(); err != nil {
				c.hardClose()
				return 0, err
			}
			continue
		case verb == "DATA" && c.sess != nil:
			if f, ok := c.sess.fault(StageData); ok {
				switch f.kind {
				case faultDrop:
					c.hardClose()
					return 0, net.ErrClosed
				case faultStall:
					c.stallUntilStop()
					return 0, net.ErrClosed
				default:
					// go-smtp always answers DATA with 354 before asking the
					// session, so it is given RSET instead and its reply is
					// replaced by the fault's.
					c.replace = formatReply(f)
					c.closeOut = f.kind == faultReplyClose
					return c.emit(p, rsetLine), nil
				}
			}
		}
		return c.emit(p, line), nil
	}
}

// emit copies line into p, keeping what does not fit for the next Read.
// line may alias the bufio buffer, so the remainder is copied.
func (c *conn) emit(p, line []byte) int {
	n := copy(p, line)
	if n < len(line) {
		c.pending = append(c.pending[:0], line[n:]...)
	}
	return n
}

func (c *conn) startTLS() error {
	if _, err := c.Conn.Write([]byte("220 2.0.0 Ready to start TLS\r\n")); err != nil {
		return err
	}
	c.awaiting = false
	c.srv.countRoundTrip(c.info)
	tc := tls.Server(c.raw, c.srv.tlsConf)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		c.srv.recordTLSError(c.info, err)
		return err
	}
	_ = tc.SetDeadline(time.Time{})
	c.upgrade(tc)
	if c.sess != nil {
		c.sess.user = "" // RFC 3207: forget everything learnt before TLS
		c.sess.resetTransaction()
	}
	return nil
}

func (c *conn) Write(p []byte) (int, error) {
	if c.replace != nil {
		reply := c.replace
		c.replace = nil
		c.observeReply(reply)
		_, err := c.Conn.Write(reply)
		if c.closeOut {
			c.hardClose()
		}
		return len(p), err
	}
	if c.tls && bytes.Equal(p, startTLSCap) {
		return len(p), nil // not offered again once TLS is up
	}
	c.observeReply(p)
	return c.Conn.Write(p)
}

// observeReply tracks final reply lines ("250 ...", not "250-...").
func (c *conn) observeReply(p []byte) {
	if len(p) < 4 || p[3] != ' ' {
		return
	}
	code := int(p[0]-'0')*100 + int(p[1]-'0')*10 + int(p[2]-'0')
	c.lastCode = code
	if c.awaiting {
		c.awaiting = false
		c.srv.countRoundTrip(c.info)
	}
	if code == 354 && c.lastVerb == "DATA" {
		c.dataMode = true
	}
}

// writeRaw sends a reply bypassing go-smtp (used before closing).
func (c *conn) writeRaw(b []byte) {
	c.observeReply(b)
	_, _ = c.Conn.Write(b)
}

// hardClose resets the TCP connection without a TLS close_notify, the way
// a crashed server or a broken network looks to the client.
func (c *conn) hardClose() {
	c.closeOnce.Do(func() { resetConn(c.raw) })
}

// stallUntilStop answers nothing until the server closes or restarts, then
// resets the connection so that no late reply leaks out.
func (c *conn) stallUntilStop() {
	<-c.gen.stop
	c.hardClose()
}

// Close is go-smtp's orderly close.
func (c *conn) Close() error {
	var err error
	c.closeOnce.Do(func() { err = c.Conn.Close() })
	return err
}

func commandVerb(line []byte) string {
	end := bytes.IndexAny(line, " \r\n")
	if end < 0 {
		end = len(line)
	}
	verb := bytes.ToUpper(line[:end])
	switch string(verb) { // avoid allocating for the common verbs
	case "MAIL":
		return "MAIL"
	case "RCPT":
		return "RCPT"
	case "DATA":
		return "DATA"
	case "RSET":
		return "RSET"
	case "NOOP":
		return "NOOP"
	case "EHLO":
		return "EHLO"
	case "HELO":
		return "HELO"
	case "QUIT":
		return "QUIT"
	case "AUTH":
		return "AUTH"
	}
	return string(verb)
}

func formatReply(f Fault) []byte {
	var b bytes.Buffer
	b.WriteString(itoa3(f.code))
	b.WriteByte(' ')
	if f.enhanced != [3]int{} {
		b.WriteString(itoa(f.enhanced[0]) + "." + itoa(f.enhanced[1]) + "." + itoa(f.enhanced[2]) + " ")
	}
	b.WriteString(f.text)
	b.WriteString("\r\n")
	return b.Bytes()
}

// chanListener hands connections prepared by Server.admit to go-smtp.
type chanListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *chanListener) deliver(c net.Conn) bool {
	select {
	case l.conns <- c:
		return true
	case <-l.done:
		return false
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }
