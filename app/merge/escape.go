package merge

import (
	"html"
	"strings"
	"unicode"
)

// escapeHTML makes a cell value inert in an HTML body: markup shows as
// text, and line breaks inside the cell stay line breaks.
func escapeHTML(v string) string {
	v = html.EscapeString(v)
	if strings.ContainsAny(v, "\r\n") {
		v = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\n", "<br>\n")
	}
	return v
}

// escapeMarkdown makes a cell value inert in a Markdown body: HTML
// characters become entities (so no tag survives into the rendered HTML)
// and every other ASCII punctuation is backslash-escaped, so a cell cannot
// start a list, a heading, emphasis or a link.
func escapeMarkdown(v string) string {
	var b strings.Builder
	b.Grow(len(v) + 8)
	for _, r := range v {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\r':
		default:
			if r < 0x80 && unicode.IsPunct(r) || r < 0x80 && unicode.IsSymbol(r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// HeaderText is headerText for other packages that put a cell's text into
// a header (a display name read from the address cell).
func HeaderText(s string) string { return headerText(s) }

// headerText makes text safe for a header: every control character (CR,
// LF, tab, NUL…) and Unicode line separator becomes a space, so a cell can
// never end the header line and start another header or recipient.
func headerText(s string) string {
	if strings.IndexFunc(s, isHeaderUnsafe) < 0 {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return isHeaderUnsafe(r) || r == ' '
	}), " "))
}

func isHeaderUnsafe(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\u0085'
}
