package ui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// readablePreview turns the exact message into what the preview pane
// shows: decoded headers, the plain-text body and the attachment names.
// It reads the real MIME output, so the preview cannot drift from what is
// sent.
func readablePreview(eml []byte) (Preview, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(eml))
	if err != nil {
		return Preview{}, fmt.Errorf("read rendered message: %w", err)
	}
	dec := new(mime.WordDecoder)
	header := func(name string) string {
		v := msg.Header.Get(name)
		if d, err := dec.DecodeHeader(v); err == nil {
			return d
		}
		return v
	}
	p := Preview{
		From: header("From"), To: header("To"), CC: header("Cc"), BCC: header("Bcc"),
		ReplyTo: header("Reply-To"), Subject: header("Subject"), Size: int64(len(eml)), EML: eml,
	}
	err = walkParts(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body, &p, dec)
	return p, err
}

// walkParts fills p.Text from the first text/plain part (or an HTML part
// when there is none) and p.Attachments from every named part.
func walkParts(contentType, encoding, disposition string, body io.Reader, p *Preview, dec *mime.WordDecoder) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read rendered message: %w", err)
			}
			if err := walkParts(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part.Header.Get("Content-Disposition"), part, p, dec); err != nil {
				return err
			}
		}
	}
	if name := partName(disposition, params, dec); name != "" {
		p.Attachments = append(p.Attachments, name)
		return nil
	}
	if p.Text != "" || (mediaType != "text/plain" && mediaType != "text/html") {
		return nil
	}
	data, err := io.ReadAll(decodeTransfer(encoding, body))
	if err != nil {
		return fmt.Errorf("read rendered message: %w", err)
	}
	p.Text = string(data)
	return nil
}

func partName(disposition string, typeParams map[string]string, dec *mime.WordDecoder) string {
	name := ""
	if _, params, err := mime.ParseMediaType(disposition); err == nil {
		name = params["filename"]
	}
	if name == "" {
		name = typeParams["name"]
	}
	if d, err := dec.DecodeHeader(name); err == nil {
		return d
	}
	return name
}

func decodeTransfer(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &lineJoiner{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// lineJoiner drops CR and LF so base64 decodes wrapped lines.
type lineJoiner struct{ r io.Reader }

func (l *lineJoiner) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	out := p[:0]
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' {
			out = append(out, b)
		}
	}
	return len(out), err
}
