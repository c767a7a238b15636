// Package inbox reads what came back after a campaign: bounces (delivery
// status notifications, standard and not), replies, automatic replies and
// unsubscribe requests, from the account's INBOX and Junk folders over
// IMAP, strictly read-only; and it settles rows left unknown by looking
// for their Message-ID in the Sent folder. See docs/inbox.md.
//
// It is in three layers: Classify looks at one message (no network, no
// journal); Scan reads new messages from a mailbox session and classifies
// them, fetching only headers and the few parts a bounce needs, each
// capped; Fetch ties a pass to the journal and the do-not-send list.
package inbox

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"strings"
	"time"

	_ "github.com/emersion/go-message/charset" // GBK, GB18030, Big5… in Chinese bounces and subjects
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	gomessage "github.com/emersion/go-message"
)

// Caps on what is read of one message, so that a 20 MB message (or a
// hostile one) costs at most a few hundred kilobytes.
const (
	// maxHeader is how much of a message's (or an attached message's)
	// header is read.
	maxHeader = 64 << 10
	// maxReport is how much of a message/delivery-status part is read.
	maxReport = 32 << 10
	// maxText is how much of the human-readable part of a bounce is read.
	maxText = 32 << 10
	// maxDiagnostic is how long a diagnostic kept in the journal may be.
	maxDiagnostic = 500
)

// Notice is what is read of one message: its header, and for a possible
// bounce the machine-readable report, the returned message's header and
// the start of the human-readable text.
type Notice struct {
	Folder string
	// UID is the message's UID in Folder; Received its internal date.
	UID      uint32
	Received time.Time
	Header   mail.Header
	// Report is the message/delivery-status part (RFC 3464), if any.
	Report []byte
	// Original is the header of the returned message (message/rfc822 or
	// text/rfc822-headers part); nil when there is none.
	Original *mail.Header
	// Text is the human-readable part as plain text (HTML reduced to
	// text), at most maxText bytes.
	Text string
}

// ParseNotice reads a whole raw message into a Notice, walking its MIME
// parts with the same caps as Scan. Scan does not use it (it fetches only
// the parts it needs); tests and one-off checks do.
func ParseNotice(raw []byte) (Notice, error) {
	entity, err := gomessage.Read(bytes.NewReader(raw))
	if err != nil && entity == nil {
		return Notice{}, err
	}
	n := Notice{Header: mail.Header{Header: entity.Header}}
	collect(entity, &n, 0)
	return n, nil
}

// collect fills n from entity's parts, depth-first, taking the first of
// each kind it finds.
func collect(e *gomessage.Entity, n *Notice, depth int) {
	if depth > 4 {
		return
	}
	if mr := e.MultipartReader(); mr != nil {
		for {
			part, err := mr.NextPart()
			if err != nil {
				return
			}
			collect(part, n, depth+1)
		}
	}
	t, _, _ := e.Header.ContentType()
	switch {
	case t == "message/delivery-status" || t == "message/global-delivery-status":
		if n.Report == nil {
			n.Report, _ = io.ReadAll(io.LimitReader(e.Body, maxReport))
		}
	case t == "message/rfc822" || t == "text/rfc822-headers" || t == "message/global" || t == "message/global-headers":
		if n.Original == nil {
			if h, err := ReadHeader(io.LimitReader(e.Body, maxHeader)); err == nil {
				n.Original = &h
			}
		}
	case t == "text/plain" || t == "text/html" || (t == "" && depth == 0):
		if n.Text == "" {
			body, _ := io.ReadAll(io.LimitReader(e.Body, maxText))
			n.Text = bodyText(t, body)
		}
	}
}

// ReadHeader parses a header block, tolerating a missing blank line at
// the end (a header cut by a cap).
func ReadHeader(r io.Reader) (mail.Header, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return mail.Header{}, err
	}
	if !bytes.Contains(data, []byte("\n\n")) && !bytes.Contains(data, []byte("\r\n\r\n")) {
		// Drop a line cut in the middle, then end the block.
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			data = data[:i+1]
		}
		data = append(data, "\r\n"...)
	}
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return mail.Header{}, err
	}
	return mail.Header{Header: gomessage.Header{Header: h}}, nil
}

// bodyText turns a decoded text part into plain text.
func bodyText(contentType string, body []byte) string {
	if contentType == "text/html" {
		return htmlText(string(body))
	}
	return string(body)
}

// htmlText reduces HTML to its text: tags become spaces (line breaks for
// block elements), the common entities are decoded. Good enough to find
// an SMTP reply and an address in a bounce; nothing is rendered.
func htmlText(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		tag := strings.ToLower(s[i+1 : i+j])
		switch {
		case strings.HasPrefix(tag, "br"), strings.HasPrefix(tag, "p"), strings.HasPrefix(tag, "/p"),
			strings.HasPrefix(tag, "div"), strings.HasPrefix(tag, "/div"), strings.HasPrefix(tag, "tr"), strings.HasPrefix(tag, "li"):
			b.WriteByte('\n')
		default:
			b.WriteByte(' ')
		}
		s = s[i+j+1:]
		for _, skip := range []string{"style", "script"} {
			if strings.HasPrefix(tag, skip) {
				if end := strings.Index(strings.ToLower(s), "</"+skip); end >= 0 {
					s = s[end:]
				}
			}
		}
	}
	return strings.NewReplacer("&nbsp;", " ", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`, "&#39;", "'").Replace(b.String())
}

// decodeWords decodes RFC 2047 words in a header value that go-message
// left alone (a malformed charset name, say) as well as it can.
func decodeWords(s string) string {
	dec := mime.WordDecoder{CharsetReader: gomessage.CharsetReader}
	if out, err := dec.DecodeHeader(s); err == nil {
		return out
	}
	return s
}
