package ui

import (
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlSegments lays out an HTML body as rich text, the way a mail client
// shows it: paragraphs, headings, bold, italic, links, lists, quotes,
// preformatted text, table rows and images named by their description.
// Styles, scripts and the head are left out. It is a reading view, not a
// browser: what it cannot show (colours, fonts, layout tables) falls back
// to plain paragraphs.
func htmlSegments(src string) []widget.RichTextSegment {
	r := &htmlRenderer{}
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		switch z.Next() {
		case html.ErrorToken:
			r.flush()
			return r.out
		case html.TextToken:
			if r.skip == 0 {
				r.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			r.start(atom.Lookup(name), attrs)
		case html.EndTagToken:
			name, _ := z.TagName()
			r.end(atom.Lookup(name))
		}
	}
}

type htmlRenderer struct {
	out           []widget.RichTextSegment
	line          []widget.RichTextSegment // the block being built
	bold, italic  int
	mono, pre     int
	skip          int    // inside head, style, script, title
	heading       int    // 1–6 while inside a heading
	link          string // href while inside a link
	lists         []int  // per open list: -1 bulleted, else the next number
	quote         int
	cellsInRow    int
	pendingPrefix string
	space         bool // white space ended the last text
}

func (r *htmlRenderer) start(a atom.Atom, attrs map[string]string) {
	switch a {
	case atom.Head, atom.Style, atom.Script, atom.Title:
		r.skip++
	case atom.B, atom.Strong:
		r.bold++
	case atom.I, atom.Em:
		r.italic++
	case atom.Code, atom.Tt, atom.Kbd:
		r.mono++
	case atom.Pre:
		r.flush()
		r.pre++
		r.mono++
	case atom.A:
		r.link = attrs["href"]
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		r.flush()
		r.heading = int(a.String()[1] - '0')
	case atom.Ul:
		r.flush()
		r.lists = append(r.lists, -1)
	case atom.Ol:
		r.flush()
		n := 1
		if s, err := strconv.Atoi(attrs["start"]); err == nil {
			n = s
		}
		r.lists = append(r.lists, n)
	case atom.Li:
		r.flush()
		indent := strings.Repeat("    ", max(len(r.lists)-1, 0))
		marker := "• "
		if k := len(r.lists) - 1; k >= 0 && r.lists[k] >= 0 {
			marker = strconv.Itoa(r.lists[k]) + ". "
			r.lists[k]++
		}
		r.pendingPrefix = indent + marker
	case atom.Blockquote:
		r.flush()
		r.quote++
	case atom.Br:
		r.flush()
	case atom.Hr:
		r.flush()
		r.out = append(r.out, &widget.SeparatorSegment{})
	case atom.Tr:
		r.flush()
		r.cellsInRow = 0
	case atom.Td, atom.Th:
		if r.cellsInRow > 0 {
			r.add(" | ", fyne.TextStyle{})
			r.space = false
		}
		r.cellsInRow++
		if a == atom.Th {
			r.bold++
		}
	case atom.Img:
		alt := strings.TrimSpace(attrs["alt"])
		if alt == "" {
			alt = "image"
		}
		r.add("["+alt+"]", fyne.TextStyle{Italic: true})
	case atom.P, atom.Div, atom.Table, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Center:
		r.flush()
	}
}

func (r *htmlRenderer) end(a atom.Atom) {
	switch a {
	case atom.Head, atom.Style, atom.Script, atom.Title:
		r.skip = max(r.skip-1, 0)
	case atom.B, atom.Strong:
		r.bold = max(r.bold-1, 0)
	case atom.I, atom.Em:
		r.italic = max(r.italic-1, 0)
	case atom.Code, atom.Tt, atom.Kbd:
		r.mono = max(r.mono-1, 0)
	case atom.Pre:
		r.flush()
		r.pre = max(r.pre-1, 0)
		r.mono = max(r.mono-1, 0)
	case atom.A:
		r.link = ""
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		r.flush()
		r.heading = 0
	case atom.Ul, atom.Ol:
		r.flush()
		if len(r.lists) > 0 {
			r.lists = r.lists[:len(r.lists)-1]
		}
	case atom.Blockquote:
		r.flush()
		r.quote = max(r.quote-1, 0)
	case atom.Th:
		r.bold = max(r.bold-1, 0)
	case atom.Li, atom.P, atom.Div, atom.Tr, atom.Table:
		r.flush()
	}
}

// text adds character data, collapsing white space as browsers do
// (except inside <pre>): a run of spaces, tabs and line breaks between
// words, or at an element's edge, is one space.
func (r *htmlRenderer) text(raw string) {
	style := fyne.TextStyle{Bold: r.bold > 0 || r.heading > 0, Italic: r.italic > 0 || r.quote > 0, Monospace: r.mono > 0}
	if r.pre > 0 {
		for i, line := range strings.Split(raw, "\n") {
			if i > 0 {
				r.flush()
			}
			r.add(line, style)
		}
		return
	}
	s := strings.Join(strings.Fields(raw), " ")
	lead := raw != "" && isSpace(raw[0])
	trail := raw != "" && isSpace(raw[len(raw)-1])
	if s == "" {
		if lead {
			r.space = true
		}
		return
	}
	if (lead || r.space) && len(r.line) > 0 {
		s = " " + s
	}
	r.space = trail
	r.add(s, style)
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' }

func (r *htmlRenderer) add(s string, style fyne.TextStyle) {
	if s == "" {
		return
	}
	if len(r.line) == 0 {
		s = strings.TrimLeft(s, " ")
		if r.quote > 0 {
			s = strings.Repeat("│ ", r.quote) + s
		}
		s = r.pendingPrefix + s
		r.pendingPrefix = ""
	}
	if r.link != "" {
		if u, err := url.Parse(r.link); err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto") {
			r.line = append(r.line, &widget.HyperlinkSegment{Text: s, URL: u})
			return
		}
	}
	seg := &widget.TextSegment{Text: s, Style: widget.RichTextStyle{Inline: true, TextStyle: style, ColorName: theme.ColorNameForeground}}
	switch r.heading {
	case 1:
		seg.Style.SizeName = theme.SizeNameHeadingText
	case 2:
		seg.Style.SizeName = theme.SizeNameSubHeadingText
	}
	r.line = append(r.line, seg)
}

// flush ends the current block.
func (r *htmlRenderer) flush() {
	r.pendingPrefix = ""
	if len(r.line) == 0 {
		return
	}
	last := r.line[len(r.line)-1]
	if t, ok := last.(*widget.TextSegment); ok {
		t.Style.Inline = false
		t.Text = strings.TrimRight(t.Text, " ")
	} else {
		r.line = append(r.line, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
	}
	r.out = append(r.out, r.line...)
	r.line = nil
	r.space = false
}
