package merge

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlToText produces the plain-text alternative of an HTML body: what a
// reader of a text-only mail client should see. Paragraphs and headings
// are separated by blank lines, list items get "- ", links keep their
// address in parentheses, images show their alt text, and head, style and
// script content is dropped.
func htmlToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var t textBuilder
	skip := 0 // depth inside <head>, <style>, <script>, <title>
	var hrefs []string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return t.String()
		case html.TextToken:
			if skip == 0 {
				t.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.DataAtom {
			case atom.Head, atom.Style, atom.Script, atom.Title:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Br:
				t.newline()
			case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Ul, atom.Ol, atom.Table, atom.Blockquote, atom.Pre, atom.Hr:
				t.paragraph()
			case atom.Tr:
				t.newline()
			case atom.Td, atom.Th:
				t.space = true
			case atom.Li:
				t.newline()
				t.raw("- ")
			case atom.Img:
				if alt := attr(tok, "alt"); alt != "" && skip == 0 {
					t.text(alt)
				}
			case atom.A:
				if tt == html.StartTagToken {
					hrefs = append(hrefs, attr(tok, "href"))
				}
			}
		case html.EndTagToken:
			tok := z.Token()
			switch tok.DataAtom {
			case atom.Head, atom.Style, atom.Script, atom.Title:
				skip = max(0, skip-1)
			case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Ul, atom.Ol, atom.Table, atom.Blockquote, atom.Pre:
				t.paragraph()
			case atom.A:
				if n := len(hrefs); n > 0 {
					href := hrefs[n-1]
					hrefs = hrefs[:n-1]
					if showHref(href, t.lastWords()) {
						t.text(" (" + href + ")")
					}
				}
			}
		}
	}
}

// showHref tells whether a link's address adds anything to its text.
func showHref(href, linkText string) bool {
	if href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "cid:") {
		return false
	}
	plain := strings.TrimPrefix(strings.TrimPrefix(href, "mailto:"), "https://")
	return !strings.Contains(linkText, plain) && !strings.Contains(linkText, href)
}

func attr(t html.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// textBuilder collapses HTML whitespace the way a browser does and tracks
// pending line breaks so blocks never produce more than one blank line.
type textBuilder struct {
	b        strings.Builder
	breaks   int  // pending newlines (max 2)
	space    bool // whitespace was seen since the last word
	lineHead bool // nothing written on the current line yet
	anything bool
}

func (t *textBuilder) text(s string) {
	if s == "" {
		return
	}
	if isHTMLSpace(rune(s[0])) {
		t.space = true
	}
	for i, word := range strings.FieldsFunc(s, isHTMLSpace) {
		if i > 0 {
			t.space = true
		}
		t.word(word)
	}
	if isHTMLSpace(rune(s[len(s)-1])) {
		t.space = true
	}
}

func (t *textBuilder) word(w string) {
	t.flush()
	if t.space && t.anything && !t.lineHead {
		t.b.WriteByte(' ')
	}
	t.b.WriteString(w)
	t.space, t.lineHead, t.anything = false, false, true
}

func (t *textBuilder) raw(s string) {
	t.flush()
	t.b.WriteString(s)
	t.space, t.lineHead, t.anything = false, true, true
}

func (t *textBuilder) flush() {
	if t.breaks > 0 && t.anything {
		t.b.WriteString(strings.Repeat("\n", t.breaks))
		t.lineHead = true
	}
	t.breaks = 0
}

func (t *textBuilder) newline()   { t.breaks = max(t.breaks, 1) }
func (t *textBuilder) paragraph() { t.breaks = 2 }

func (t *textBuilder) lastWords() string {
	s := t.b.String()
	return s[max(0, len(s)-200):]
}

func (t *textBuilder) String() string { return t.b.String() + "\n" }

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}
