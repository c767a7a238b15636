package merge

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Format is the kind of body the user wrote.
type Format int

// The body formats. HTML and Markdown bodies are sent as
// multipart/alternative with a plain-text part generated from the HTML.
const (
	FormatText Format = iota + 1
	FormatHTML
	FormatMarkdown
)

func (f Format) String() string {
	switch f {
	case FormatText:
		return "plain text"
	case FormatHTML:
		return "HTML"
	case FormatMarkdown:
		return "Markdown"
	}
	return "unknown format"
}

// FormatOf tells the body format from a file name: .html/.htm, .md/.markdown,
// anything else is plain text.
func FormatOf(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return FormatHTML
	case ".md", ".markdown":
		return FormatMarkdown
	}
	return FormatText
}

// readBodyFile reads a body file as text. Files saved by older Chinese
// Windows editors are GBK/GB18030, not UTF-8: when the bytes are not valid
// UTF-8 they are decoded as GB18030 (a superset of GBK and GB2312).
func readBodyFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return string(data), nil
	}
	decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("%s is neither UTF-8 nor GBK text: %w", filepath.Base(path), err)
	}
	return string(decoded), nil
}

// escaperFor returns how cell values are inserted into a body format.
func escaperFor(f Format) Escaper {
	switch f {
	case FormatHTML:
		return escapeHTML
	case FormatMarkdown:
		return escapeMarkdown
	}
	return nil
}

// newMarkdown configures goldmark the way an office user expects email
// Markdown to behave: GitHub tables/strikethrough/autolinks, a line break
// where they pressed Enter, and the template author's own inline HTML kept
// (cell values cannot smuggle HTML in: escapeMarkdown turns "<" into
// an entity before goldmark sees it).
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(gmhtml.WithHardWraps(), gmhtml.WithUnsafe()),
	)
}

// markdownToHTML renders a Markdown body into a complete HTML document so
// mail clients pick a sensible default font and the right charset.
func markdownToHTML(md goldmark.Markdown, src string) (string, error) {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n")
	if err := md.Convert([]byte(src), &b); err != nil {
		return "", err
	}
	b.WriteString("</body></html>\n")
	return b.String(), nil
}

// cidPattern finds cid: references in src/background attributes and CSS
// url(); the name stops at quotes, whitespace, ">" or ")", and never
// includes control characters, so it is safe in a Content-ID header.
var cidPattern = regexp.MustCompile(`(?i)["'(=]\s*cid:([^"')\s>\x00-\x1f\x7f]+)`)

// inlineRef is one inline image the HTML refers to.
type inlineRef struct {
	// ContentID is the cid exactly as written in the HTML.
	ContentID string
	// File is the file name it refers to (URL-decoded).
	File string
}

// inlineRefs lists the distinct cid: references of an HTML body in order.
func inlineRefs(htmlBody string) []inlineRef {
	var refs []inlineRef
	seen := map[string]bool{}
	for _, m := range cidPattern.FindAllStringSubmatch(htmlBody, -1) {
		cid := m[1]
		if seen[cid] {
			continue
		}
		seen[cid] = true
		name, err := url.PathUnescape(cid)
		if err != nil {
			name = cid
		}
		refs = append(refs, inlineRef{ContentID: cid, File: name})
	}
	return refs
}
