package recipients

import (
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"mailroom/app/msg"
)

// Address is one recipient address found in a cell.
type Address struct {
	// Name is the display name when the cell reads "Bob <bob@x.com>".
	Name string
	// Addr is the address as written, trimmed: local@domain. Unicode local
	// parts and domains are kept (they need SMTPUTF8 or IDNA on the wire).
	Addr string
}

// Key is the address normalised for duplicate detection and the journal:
// lower-cased, with the domain in its ASCII (IDNA) form, so "Bob@QQ.com"
// and "bob@qq.com " are the same recipient.
func (a Address) Key() string { return addressKey(a.Addr) }

func addressKey(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr
	}
	if ascii, err := idna.Lookup.ToASCII(addr[at+1:]); err == nil {
		return addr[:at+1] + ascii
	}
	return addr
}

// AddressError says why a piece of a cell is not a usable address, in
// words for the user, with what to do about it.
type AddressError struct {
	Input string
	// What and Fix say why and what to do, in the user's language.
	What, Fix msg.Text
}

func (e *AddressError) Error() string { return e.What.String() }

// UserText is Error in the user's language.
func (e *AddressError) UserText() msg.Text { return e.What }

// splitSeparators separate several addresses in one cell: Western and
// full-width (Chinese input method) punctuation and line breaks.
const splitSeparators = ";,；，、\n\r"

// SplitCell splits a cell holding one or more addresses. Separators inside
// quotes or angle brackets do not split, and a display name containing a
// comma ("Doe, John <j@x.com>") stays with its address.
func SplitCell(cell string) []string {
	var parts []string
	var cur strings.Builder
	quoted, angle := false, false
	for _, r := range cell {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '<' && !quoted:
			angle = true
		case r == '>' && !quoted:
			angle = false
		case !quoted && !angle && strings.ContainsRune(splitSeparators, r):
			parts = append(parts, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	parts = append(parts, cur.String())
	var out []string
	for i := 0; i < len(parts); i++ {
		p := strings.TrimSpace(parts[i])
		if p == "" {
			continue
		}
		if !strings.Contains(p, "@") && i+1 < len(parts) && strings.Contains(parts[i+1], "<") {
			parts[i+1] = p + "," + parts[i+1]
			continue
		}
		if fields := strings.Fields(p); len(fields) > 1 && !strings.ContainsAny(p, `<"`) && allHaveAt(fields) {
			out = append(out, fields...)
			continue
		}
		out = append(out, p)
	}
	return out
}

func allHaveAt(fields []string) bool {
	for _, f := range fields {
		if !strings.Contains(f, "@") {
			return false
		}
	}
	return true
}

// ParseAddress validates one address as written in a cell ("bob@x.com",
// "Bob <bob@x.com>"). It accepts what SMTPUTF8 and IDNA allow (用户@例子.中国)
// and refuses what mail servers reject, with a reason the user can act on.
func ParseAddress(s string) (Address, error) {
	s = strings.TrimSpace(s)
	in, shown := s, shorten(s)
	correct := msg.T("correct it or exclude the row")
	fail := func(what, fix msg.Text) (Address, error) {
		return Address{}, &AddressError{Input: in, What: what, Fix: fix}
	}
	if s == "" {
		return fail(msg.T("the address is empty"), msg.T("fill it in or exclude the row"))
	}
	if strings.ContainsAny(s, "＠。．") {
		return fail(msg.T(`"{{.Address}}" contains a full-width character (＠ 。 ．)`, "Address", shown),
			msg.T("type it again with the ordinary @ and . (switch the input method to English)"))
	}
	var name string
	if open := strings.LastIndexByte(s, '<'); open >= 0 && strings.HasSuffix(s, ">") {
		name = strings.Trim(strings.TrimSpace(s[:open]), `"`)
		s = strings.TrimSpace(s[open+1 : len(s)-1])
	}
	if strings.HasPrefix(strings.ToLower(s), "mailto:") {
		s = s[len("mailto:"):]
	}
	if !strings.Contains(s, "@") {
		return fail(msg.T(`"{{.Address}}" has no @`, "Address", shown), correct)
	}
	parsed, err := mail.ParseAddress(s)
	if err != nil || parsed.Name != "" {
		return fail(msg.T(`"{{.Address}}" is not a valid address`, "Address", shown), correct)
	}
	addr := parsed.Address
	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	if reason := checkDomain(domain); !reason.IsZero() {
		return fail(msg.T(`"{{.Address}}": {{.Reason}}`, "Address", shown, "Reason", reason), correct)
	}
	if len(local) > 64 || len(addr) > 254 {
		return fail(msg.T(`"{{.Address}}" is longer than mail servers accept`, "Address", shown), correct)
	}
	return Address{Name: name, Addr: addr}, nil
}

func checkDomain(domain string) msg.Text {
	if strings.HasPrefix(domain, "[") {
		return msg.T("the domain is an IP address, which mail providers do not accept")
	}
	if !strings.Contains(domain, ".") {
		return msg.T(`the domain "{{.Domain}}" has no dot (like example.com)`, "Domain", domain)
	}
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return msg.T(`the domain "{{.Domain}}" is not valid`, "Domain", domain)
	}
	labels := strings.Split(ascii, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || !isLDH(l) {
			return msg.T(`the domain "{{.Domain}}" is not valid`, "Domain", domain)
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || strings.Trim(tld, "0123456789") == "" {
		return msg.T(`the domain "{{.Domain}}" does not end in a real top-level domain (like .com or .cn)`, "Domain", domain)
	}
	return msg.Text{}
}

func isLDH(label string) bool {
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// quote puts a value from the user's file in quotes for a message.
func quote(s string) string { return `"` + shorten(s) + `"` }

// shorten cuts a long value from the user's file for a message, keeping
// its start: a problem line must stay readable, and a crafted cell of a
// megabyte must not be copied into every message.
func shorten(s string) string {
	const keep = 60
	if len(s) <= keep+20 || utf8.RuneCountInString(s) <= keep+20 {
		return s
	}
	cut := 0
	for range keep {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	return s[:cut] + "…"
}

// mailtoAddress extracts the address of a mailto: hyperlink target.
func mailtoAddress(target string) (string, bool) {
	if len(target) < 7 || !strings.EqualFold(target[:7], "mailto:") {
		return "", false
	}
	rest, _, _ := strings.Cut(target[7:], "?")
	if un, err := url.PathUnescape(rest); err == nil {
		rest = un
	}
	first, _, _ := strings.Cut(rest, ",")
	first = strings.TrimSpace(first)
	return first, first != ""
}
