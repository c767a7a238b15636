package merge

import (
	"net/url"
	"strings"
	"testing"
)

func unsubComposer(t *testing.T, format Format, body string, u Unsubscribe) *Composer {
	t.Helper()
	return newComposer(t, customerCols, WithFrom("财务部 <finance@example.com>"), WithSubject("通知"),
		WithBody(format, body, ""), WithUnsubscribe(u))
}

var unsubRow = Row{Number: 2, Key: "li@example.cn", Values: []string{"li@example.cn", "李雷", "C 001/é", "", "", ""}}

// List-Unsubscribe carries the web address first and the mailto: link with
// the row's key; List-Unsubscribe-Post asks for RFC 8058 one-click.
func TestUnsubscribeHeaders(t *testing.T) {
	c := unsubComposer(t, FormatText, "您好", Unsubscribe{Mailto: "finance@example.com", URL: "https://example.com/u?id={{客户编号}}&n={{姓名}}"})
	m := mustEML(t, c, unsubRow, "li@example.cn")
	want := "<https://example.com/u?id=C%20001%2F%C3%A9&n=%E6%9D%8E%E9%9B%B7>, <mailto:finance@example.com?subject=unsubscribe%20li@example.cn>"
	if got := m.Header.Get("List-Unsubscribe"); got != want {
		t.Errorf("List-Unsubscribe = %q\nwant %q", got, want)
	}
	if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
	// Without a web address there is no one-click header.
	c = unsubComposer(t, FormatText, "您好", Unsubscribe{Mailto: "finance@example.com"})
	m = mustEML(t, c, unsubRow, "li@example.cn")
	if m.Header.Get("List-Unsubscribe") == "" || m.Header.Get("List-Unsubscribe-Post") != "" {
		t.Errorf("mailto only: List-Unsubscribe %q, Post %q", m.Header.Get("List-Unsubscribe"), m.Header.Get("List-Unsubscribe-Post"))
	}
	// Off: neither.
	c = newComposer(t, customerCols, WithFrom("finance@example.com"), WithSubject("s"), WithBody(FormatText, "b", ""))
	m = mustEML(t, c, unsubRow, "li@example.cn")
	if m.Header.Get("List-Unsubscribe") != "" {
		t.Errorf("unsubscribe off, but List-Unsubscribe %q", m.Header.Get("List-Unsubscribe"))
	}
}

// {{unsubscribe}} puts the same link into every body format, usable bare
// and as a link target.
func TestUnsubscribeFieldInEveryBodyFormat(t *testing.T) {
	u := Unsubscribe{Mailto: "finance@example.com", URL: "https://example.com/u?id={{客户编号}}&x=1"}
	link := "https://example.com/u?id=C%20001%2F%C3%A9&x=1"

	c := unsubComposer(t, FormatText, "退订：{{unsubscribe}}", u)
	if body := string(mustEML(t, c, unsubRow, "li@example.cn").part(t, "text/plain").Body); body != "退订："+link {
		t.Errorf("text body %q", body)
	}
	c = unsubComposer(t, FormatHTML, `<p><a href="{{unsubscribe}}">退订</a> {{unsubscribe}}</p>`, u)
	html := string(mustEML(t, c, unsubRow, "li@example.cn").part(t, "text/html").Body)
	escaped := strings.ReplaceAll(link, "&", "&amp;")
	if !strings.Contains(html, `<a href="`+escaped+`">退订</a> `+escaped) {
		t.Errorf("HTML body %q", html)
	}
	c = unsubComposer(t, FormatMarkdown, "[退订]({{unsubscribe}})\n\n或者：{{unsubscribe}}", u)
	html = string(mustEML(t, c, unsubRow, "li@example.cn").part(t, "text/html").Body)
	if strings.Count(html, `href="`+escaped+`"`) != 2 {
		t.Errorf("Markdown: want two links to %s in %q", link, html)
	}
	// Mailto only: the field is the mailto: link.
	c = unsubComposer(t, FormatMarkdown, "{{unsubscribe}}", Unsubscribe{Mailto: "finance@example.com"})
	html = string(mustEML(t, c, unsubRow, "li@example.cn").part(t, "text/html").Body)
	if !strings.Contains(html, `href="mailto:finance@example.com?subject=unsubscribe%20li@example.cn"`) {
		t.Errorf("mailto link in %q", html)
	}
}

// A cell can neither break the header nor leave the address's path and
// query; the server name must be written in the template.
func TestUnsubscribeCellsCannotInject(t *testing.T) {
	c := unsubComposer(t, FormatText, "x", Unsubscribe{URL: "https://example.com/u/{{Note}}"})
	row := Row{Number: 3, Key: "x@example.com", Values: []string{"x@example.com", "", "", "", "", "a>,\r\nBcc: evil@example.com <https://evil.example/>"}}
	m := mustEML(t, c, row, "x@example.com")
	got := m.Header.Get("List-Unsubscribe")
	if m.Header.Get("Bcc") != "" || strings.Count(got, "<") != 1 || strings.ContainsAny(strings.Trim(got, "<>"), "<>, \r\n") {
		t.Fatalf("List-Unsubscribe %q (Bcc %q)", got, m.Header.Get("Bcc"))
	}
	u, err := url.Parse(strings.Trim(got, "<>"))
	if err != nil || u.Host != "example.com" || !strings.HasPrefix(u.Path, "/u/") {
		t.Errorf("the cell changed the address: %q (%v)", got, err)
	}
	for _, bad := range []string{"http://example.com/u", "https://{{Note}}/u", "https://{{Note}}.example.com/u", "example.com/{{ID}}", "https://user@evil.example/"} {
		c, err := New(customerCols, WithFrom("a@example.com"), WithSubject("s"), WithBody(FormatText, "b", ""), WithUnsubscribe(Unsubscribe{URL: bad}))
		if err != nil {
			t.Fatal(err)
		}
		if b := c.Problems().Blocking(); len(b) == 0 || b[0].Code != "unsubscribe-url" {
			t.Errorf("%q accepted as an unsubscribe address: %v", bad, b)
		}
	}
}

// Using {{unsubscribe}} without links is a blocking problem that says so;
// a list with its own "unsubscribe" column keeps it.
func TestUnsubscribeFieldWithoutLinks(t *testing.T) {
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"), WithBody(FormatText, "退订 {{unsubscribe}}", ""))
	b := c.Problems().Blocking()
	if len(b) != 1 || b[0].Code != "unsubscribe-off" || b[0].Text == nil {
		t.Fatalf("problems %v", b)
	}
	cols := append(append([]string(nil), customerCols...), "Unsubscribe")
	c = newComposer(t, cols, WithFrom("a@example.com"), WithSubject("s"), WithBody(FormatText, "{{unsubscribe}}", ""))
	row := Row{Number: 2, Values: []string{"x@example.com", "", "", "", "", "", "own link"}}
	if body := string(mustEML(t, c, row, "x@example.com").part(t, "text/plain").Body); body != "own link" || len(c.Problems().Blocking()) != 0 {
		t.Errorf("the list's own column: body %q, problems %v", body, c.Problems())
	}
}
