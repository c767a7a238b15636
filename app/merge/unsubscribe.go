package merge

import (
	"crypto/rand"
	"fmt"
	"html"
	"net/mail"
	"net/url"
	"strings"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/net/idna"

	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// UnsubscribeField is the merge field that inserts the message's
// unsubscribe link, {{unsubscribe}}. A column of that name in the list
// takes precedence, as any column does.
const UnsubscribeField = "unsubscribe"

// maxUnsubscribeURL keeps the List-Unsubscribe header well under the
// 998-character line limit of RFC 5322 (the header is not folded inside a
// URL).
const maxUnsubscribeURL = 800

// Unsubscribe asks for the List-Unsubscribe header (RFC 2369) that Gmail's
// and Yahoo's sender rules require of bulk mail, with one-click unsubscribe
// (RFC 8058) when there is a web address, and the {{unsubscribe}} field.
type Unsubscribe struct {
	// Mailto is the address unsubscribe requests are mailed to, normally
	// the account's own; the row's key goes into the subject so the reply
	// names the row. Empty for no mailto: link.
	Mailto string
	// URL is an https address template such as
	// "https://example.com/unsubscribe?id={{客户编号}}". Cell values are
	// percent-encoded, and the scheme and host must be written out, so a
	// cell can only change the path or query. Empty for no web link.
	URL string
}

// WithUnsubscribe adds unsubscribe links to every message.
func WithUnsubscribe(u Unsubscribe) Option {
	return func(c *config) error {
		u.Mailto, u.URL = strings.TrimSpace(u.Mailto), strings.TrimSpace(u.URL)
		if u.Mailto == "" && u.URL == "" {
			return optionError("an unsubscribe link needs a mailto address or a web address")
		}
		c.unsubscribe = &u
		return nil
	}
}

// unsubscribeSetup holds what New prepared for the links.
type unsubscribeSetup struct {
	on     bool
	col    int // the {{unsubscribe}} column among the Composer's columns; -1 when the list has its own
	mailto string
	url    *Template
	// token stands for the link while the body is rendered, so each body
	// format can insert it in its own form afterwards.
	token string
}

// withUnsubscribeColumn appends the virtual {{unsubscribe}} column unless
// the list has a column of that name.
func withUnsubscribeColumn(columns []string) ([]string, int) {
	if _, ok := NewColumns(columns).Index(UnsubscribeField); ok {
		return columns, -1
	}
	return append(columns[:len(columns):len(columns)], UnsubscribeField), len(columns)
}

// setupUnsubscribe checks the configured links; problems concern every
// message.
func (c *Composer) setupUnsubscribe() {
	u := &c.unsub
	u.token = "mailroomunsubscribe" + strings.ToLower(rand.Text())
	cfg := c.cfg.unsubscribe
	if cfg == nil {
		if c.usesColumn(u.col) {
			c.setup = append(c.setup, recipients.Problem{Code: "unsubscribe-off", Part: recipients.PartUnsubscribe}.Say(
				msg.T("the message uses {{.Field}}, but this campaign adds no unsubscribe link", "Field", "{{unsubscribe}}"),
				msg.T("turn the unsubscribe link on, or remove {{.Field}}", "Field", "{{unsubscribe}}")))
		}
		return
	}
	u.on = true
	if cfg.Mailto != "" {
		addr, err := mail.ParseAddress(cfg.Mailto)
		if err != nil || addr.Address != cfg.Mailto {
			c.blocking("unsubscribe-mailto", "", msg.T(`the unsubscribe address "{{.Address}}" is not a bare e-mail address`, "Address", cfg.Mailto),
				msg.T("check the account's From address"))
		} else if m, err := mailtoBase(addr.Address); err != nil {
			c.blocking("unsubscribe-mailto", "", msg.T(`the unsubscribe address "{{.Address}}" cannot be written as a mailto: link: {{.Reason}}`, "Address", cfg.Mailto, "Reason", msg.Raw(err.Error())),
				msg.T("check the account's From address"))
		} else {
			u.mailto = m
		}
	}
	if cfg.URL != "" {
		if !literalHTTPSOrigin(cfg.URL) {
			c.setup = append(c.setup, recipients.Problem{Code: "unsubscribe-url", Part: recipients.PartUnsubscribe}.Say(
				msg.T(`the unsubscribe web address "{{.URL}}" must start with https:// and a written-out server name`, "URL", cfg.URL),
				msg.T("write it like {{.Example}}; merge fields may only follow the server name", "Example", "https://example.com/unsubscribe?id={{ID}}")))
		} else {
			u.url = c.template(recipients.PartUnsubscribe, "unsubscribe web address", cfg.URL, "")
		}
	}
}

// usesColumn reports whether any message template refers to column col.
func (c *Composer) usesColumn(col int) bool {
	if col < 0 {
		return false
	}
	for _, t := range []*Template{c.subject, c.body, c.cc, c.bcc, c.replyTo, c.toName, c.attachTpl} {
		if t == nil {
			continue
		}
		for _, r := range t.refs {
			if r.col == col {
				return true
			}
		}
	}
	return false
}

// literalHTTPSOrigin reports whether a URL template starts with https://
// and a server name that contains no merge field.
func literalHTTPSOrigin(tpl string) bool {
	const scheme = "https://"
	if len(tpl) <= len(scheme) || !strings.EqualFold(tpl[:len(scheme)], scheme) {
		return false
	}
	rest := tpl[len(scheme):]
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	return host != "" && !strings.Contains(host, "{") && !strings.ContainsAny(host, " @\\")
}

// mailtoBase writes "mailto:local@domain" (RFC 6068) with the local part
// percent-encoded where needed and the domain in ASCII.
func mailtoBase(addr string) (string, error) {
	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	ascii, err := idna.Lookup.ToASCII(strings.ToLower(domain))
	if err != nil {
		return "", err
	}
	return "mailto:" + percentEncode(local, "+_.-") + "@" + ascii, nil
}

// percentEncode keeps ASCII letters, digits and the characters in keep,
// and percent-encodes every other byte. What is left can be put into a
// header, a Markdown autolink or an HTML attribute as it is.
func percentEncode(s, keep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9', strings.IndexByte(keep, ch) >= 0:
			b.WriteByte(ch)
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// escapeURLCell makes a cell value one inert piece of a URL.
func escapeURLCell(v string) string { return percentEncode(strings.TrimSpace(v), "-.") }

// unsubscribeLinks renders the row's links: the web address (checked once
// rendered) and the mailto: link with the row's key in the subject.
func (c *Composer) unsubscribeLinks(r *rendered, values []string) {
	u := &c.unsub
	if !u.on {
		return
	}
	if u.mailto != "" {
		key := r.row.Key
		if key == "" {
			key = fmt.Sprintf("row %d", r.row.Number)
		}
		r.unsubMailto = u.mailto + "?subject=" + percentEncode("unsubscribe "+key, "-._@")
	}
	if u.url != nil {
		raw, _ := u.url.Execute(values, escapeURLCell)
		link, err := checkUnsubscribeURL(raw)
		if err != nil {
			r.problems = append(r.problems, c.rowProblem(r.row, c.columnOf(u.url), "unsubscribe-url",
				msg.T(`the unsubscribe web address of this row, "{{.URL}}", {{.Reason}}`, "URL", raw, "Reason", textOf(err)),
				msg.T("check the cells the address uses")))
			return
		}
		r.unsubURL = link
	}
}

// checkUnsubscribeURL accepts an https URL with a host and only visible
// ASCII characters that are safe inside <…> in a header; commas are
// encoded because they separate the header's links.
func checkUnsubscribeURL(raw string) (string, error) {
	if strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune(`<>"\`+"`", r) }) {
		return "", msg.Errorf(nil, "contains spaces or characters a web address cannot hold")
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" || u.User != nil {
		return "", msg.Errorf(nil, "is not an https:// address")
	}
	link := strings.ReplaceAll(raw, ",", "%2C")
	if len(link) > maxUnsubscribeURL {
		return "", msg.Errorf(nil, "is longer than {{.Max}} characters", "Max", maxUnsubscribeURL)
	}
	return link, nil
}

// link is what {{unsubscribe}} stands for: the web address when there is
// one (one click), else the mailto: link.
func (r *rendered) unsubscribeLink() string {
	if r.unsubURL != "" {
		return r.unsubURL
	}
	return r.unsubMailto
}

// bodyLink writes the link for a body format: as it is in plain text,
// HTML-escaped in HTML (valid as text and in href="…"), and as an autolink
// in Markdown, which works on its own and as a link destination:
// [退订]({{unsubscribe}}).
func bodyLink(link string, f Format) string {
	switch f {
	case FormatHTML:
		return html.EscapeString(link)
	case FormatMarkdown:
		return "<" + link + ">"
	}
	return link
}

// setUnsubscribeHeaders writes List-Unsubscribe (web address first, as
// mail programs use the first they support) and, with a web address,
// List-Unsubscribe-Post for RFC 8058 one-click unsubscribe.
func (r *rendered) setUnsubscribeHeaders(m *gomail.Msg) {
	var links []string
	if r.unsubURL != "" {
		links = append(links, "<"+r.unsubURL+">")
	}
	if r.unsubMailto != "" {
		links = append(links, "<"+r.unsubMailto+">")
	}
	if len(links) == 0 {
		return
	}
	m.SetGenHeader(gomail.HeaderListUnsubscribe, strings.Join(links, ", "))
	if r.unsubURL != "" {
		m.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
}
