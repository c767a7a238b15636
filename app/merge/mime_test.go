package merge

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parsedPart is one leaf of a parsed MIME message.
type parsedPart struct {
	Path        string // e.g. "mixed/related/alternative/text/html"
	ContentType string
	FileName    string // decoded, from Content-Disposition
	ContentID   string
	Disposition string
	Body        []byte // transfer-decoded
}

type parsedMessage struct {
	Header mail.Header
	Parts  []parsedPart
}

var wordDecoder = new(mime.WordDecoder)

// parseMessage reads raw RFC 5322 bytes the way a receiving client does.
func parseMessage(t *testing.T, raw []byte) *parsedMessage {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v\n%s", err, raw)
	}
	pm := &parsedMessage{Header: m.Header}
	walkPart(t, pm, "", textproto.MIMEHeader(m.Header), m.Body)
	return pm
}

func walkPart(t *testing.T, pm *parsedMessage, path string, h textproto.MIMEHeader, body io.Reader) {
	t.Helper()
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("bad Content-Type %q: %v", ct, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("multipart %s: %v", mt, err)
			}
			walkPart(t, pm, path+strings.TrimPrefix(mt, "multipart/")+"/", p.Header, p)
		}
	}
	var data []byte
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		data, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, body))
	case "quoted-printable":
		data, err = io.ReadAll(quotedprintable.NewReader(body))
	default:
		data, err = io.ReadAll(body)
	}
	if err != nil {
		t.Fatalf("decoding %s: %v", mt, err)
	}
	part := parsedPart{Path: path + mt, ContentType: mt, Body: data, ContentID: h.Get("Content-ID")}
	if cd := h.Get("Content-Disposition"); cd != "" {
		disp, dparams, err := mime.ParseMediaType(cd)
		if err != nil {
			t.Fatalf("bad Content-Disposition %q: %v", cd, err)
		}
		part.Disposition = disp
		name, err := wordDecoder.DecodeHeader(dparams["filename"])
		if err != nil {
			t.Fatalf("filename %q: %v", dparams["filename"], err)
		}
		part.FileName = name
	}
	pm.Parts = append(pm.Parts, part)
}

func (pm *parsedMessage) decoded(t *testing.T, key string) string {
	t.Helper()
	v, err := wordDecoder.DecodeHeader(pm.Header.Get(key))
	if err != nil {
		t.Fatalf("header %s: %v", key, err)
	}
	return v
}

func (pm *parsedMessage) part(t *testing.T, contentType string) parsedPart {
	t.Helper()
	for _, p := range pm.Parts {
		if p.ContentType == contentType && p.Disposition == "" {
			return p
		}
	}
	t.Fatalf("no %s part among %v", contentType, pm.paths())
	return parsedPart{}
}

func (pm *parsedMessage) attachments() []parsedPart {
	var out []parsedPart
	for _, p := range pm.Parts {
		if p.Disposition == "attachment" {
			out = append(out, p)
		}
	}
	return out
}

func (pm *parsedMessage) paths() []string {
	out := make([]string, len(pm.Parts))
	for i, p := range pm.Parts {
		out[i] = p.Path
	}
	return out
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func newComposer(t *testing.T, cols []string, opts ...Option) *Composer {
	t.Helper()
	c, err := New(cols, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func mustEML(t *testing.T, c *Composer, row Row, to ...string) *parsedMessage {
	t.Helper()
	raw, err := c.EML(row, to)
	if err != nil {
		t.Fatalf("EML(row %d): %v", row.Number, err)
	}
	return parseMessage(t, raw)
}
