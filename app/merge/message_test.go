package merge

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

var customerCols = []string{"Email", "姓名", "客户编号", "金额", "VIP", "Note"}

func TestPlainMessageHeadersParseBack(t *testing.T) {
	c := newComposer(t, customerCols,
		WithFrom("财务部 <finance@公司.example>"),
		WithSubject("{{姓名}}，您的{{金额}}元发票 / invoice"),
		WithBody(FormatText, "尊敬的{{姓名}}：\n{{if VIP}}\n感谢您一直以来的支持。\n{{end}}\n金额：{{金额}}\n", ""),
		WithRecipientName("{{姓名}}"))
	row := Row{Number: 2, Values: []string{"li@example.cn", "李雷", "C001", "1,200", "是", ""}}
	m := mustEML(t, c, row, "li@example.cn")

	if got := m.decoded(t, "Subject"); got != "李雷，您的1,200元发票 / invoice" {
		t.Errorf("Subject = %q", got)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "财务部" || from[0].Address != "finance@公司.example" {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "李雷" || to[0].Address != "li@example.cn" {
		t.Errorf("To = %v, %v", to, err)
	}
	id := m.Header.Get("Message-ID")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@xn--55qx5d.example>") {
		t.Errorf("Message-ID %q is not on the sender's (punycoded) domain", id)
	}
	for _, h := range []string{"User-Agent", "X-Mailer"} {
		if v := m.Header.Get(h); v != "" {
			t.Errorf("%s: %q leaks the mail library", h, v)
		}
	}
	if _, err := m.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	body := string(m.part(t, "text/plain").Body)
	if body != "尊敬的李雷：\n感谢您一直以来的支持。\n金额：1,200\n" {
		t.Errorf("body = %q", body)
	}
	if len(m.Parts) != 1 {
		t.Errorf("plain body must be a single part, got %v", m.paths())
	}
}

func TestSenderMessageContract(t *testing.T) {
	dir := t.TempDir()
	shared := writeFile(t, dir+"/条款.pdf", []byte("%PDF terms"))
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"),
		WithBody(FormatText, "b", ""), WithCC("{{Note}}"), WithBCC("audit@example.com"),
		WithAttachments(shared))
	row := Row{Number: 3, Values: []string{"x@example.com", "", "", "", "", "boss@example.com; 副本 <cc2@example.com>"}}
	msg, err := c.Message("row-3", row, []string{"x@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if msg.Key != "row-3" || msg.Mail == nil || msg.Hash == "" {
		t.Errorf("message = %+v", msg)
	}
	if got := msg.Mail.GetToString(); len(got) != 1 {
		t.Errorf("To = %v, want exactly one", got)
	}
	if want := "<" + msg.MessageID + ">"; msg.Mail.GetMessageID() != want {
		t.Errorf("MessageID %q does not match the header %q", msg.MessageID, msg.Mail.GetMessageID())
	}
	wantCopies := []string{"boss@example.com", "cc2@example.com", "audit@example.com"}
	if strings.Join(msg.ExplicitCopies, ",") != strings.Join(wantCopies, ",") {
		t.Errorf("ExplicitCopies = %v, want %v", msg.ExplicitCopies, wantCopies)
	}
	if len(msg.Files) != 1 || msg.Files[0] != shared {
		t.Errorf("Files = %v", msg.Files)
	}
	var buf bytes.Buffer
	if _, err := msg.Mail.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	m := parseMessage(t, buf.Bytes())
	if m.Header.Get("Bcc") != "" {
		t.Error("Bcc must not appear in the written message")
	}
	if cc, _ := m.Header.AddressList("Cc"); len(cc) != 2 {
		t.Errorf("Cc = %v", cc)
	}

	// One message to all the addresses of a cell: the engine takes one
	// To, so the other addresses become Cc the row asked for.
	msg, err = c.Message("row-3", row, []string{"x@example.com", "y@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Mail.GetTo()) != 1 || msg.Mail.GetCc()[0].Address != "y@example.com" || msg.ExplicitCopies[0] != "y@example.com" {
		t.Errorf("together: To=%v Cc=%v copies=%v", msg.Mail.GetToString(), msg.Mail.GetCcString(), msg.ExplicitCopies)
	}
}

func TestHTMLBodyIsAlternativeAndEscaped(t *testing.T) {
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"),
		WithBody(FormatHTML, `<html><head><style>p{color:red}</style></head><body><h1>您好 {{姓名}}</h1><p>备注：{{Note}}</p><p><a href="https://example.com/pay">Pay</a></p></body></html>`, ""))
	row := Row{Number: 2, Values: []string{"x@example.com", "<b>王</b>", "", "", "", `<script>alert("x")</script><a href="http://evil">click</a>`}}
	m := mustEML(t, c, row, "x@example.com")
	if got := strings.Join(m.paths(), " "); got != "alternative/text/plain alternative/text/html" {
		t.Fatalf("structure = %s, want multipart/alternative with text then html", got)
	}
	html := string(m.part(t, "text/html").Body)
	for _, bad := range []string{"<script>", "<b>王", `<a href="http://evil"`} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML contains the cell's markup %q:\n%s", bad, html)
		}
	}
	if !strings.Contains(html, "&lt;script&gt;") || !strings.Contains(html, "&lt;b&gt;王&lt;/b&gt;") {
		t.Errorf("escaped cell text missing:\n%s", html)
	}
	text := string(m.part(t, "text/plain").Body)
	for _, want := range []string{"您好 <b>王</b>", `备注：<script>alert("x")</script><a href="http://evil">click</a>`, "Pay (https://example.com/pay)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "color:red") {
		t.Errorf("text part contains the style sheet:\n%s", text)
	}
}

func TestMarkdownBody(t *testing.T) {
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"),
		WithBody(FormatMarkdown, "# 发票\n\n尊敬的 **{{姓名}}**，\n金额 {{金额}}\n\n- 第一项\n- {{Note}}\n", ""))
	row := Row{Number: 2, Values: []string{"x@example.com", "<i>李</i>", "", "¥100", "", "*not emphasis* <img src=x onerror=alert(1)>"}}
	m := mustEML(t, c, row, "x@example.com")
	html := string(m.part(t, "text/html").Body)
	for _, want := range []string{"<h1>发票</h1>", "<strong>&lt;i&gt;李&lt;/i&gt;</strong>", "<br", "<li>第一项</li>", "*not emphasis* &lt;img"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<img") || strings.Contains(html, "<em>") {
		t.Errorf("a cell turned into markup:\n%s", html)
	}
	text := string(m.part(t, "text/plain").Body)
	if !strings.Contains(text, "发票\n\n尊敬的 <i>李</i>，\n金额 ¥100") || !strings.Contains(text, "- 第一项") {
		t.Errorf("text part:\n%s", text)
	}
}

func TestInlineImagesAreEmbedded(t *testing.T) {
	dir := t.TempDir()
	logo := []byte("\x89PNG fake logo")
	writeFile(t, dir+"/logo.png", logo)
	body := writeFile(t, dir+"/letter.html", []byte(`<p>Hi {{姓名}}</p><img src="cid:logo.png" alt="公司标志">`))
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"), WithBodyFile(body))
	m := mustEML(t, c, Row{Number: 2, Values: []string{"x@example.com", "王"}}, "x@example.com")
	var img *parsedPart
	for i, p := range m.Parts {
		if p.ContentType == "image/png" {
			img = &m.Parts[i]
		}
	}
	if img == nil {
		t.Fatalf("no image part: %v", m.paths())
	}
	if img.ContentID != "<logo.png>" || img.Disposition != "inline" || !bytes.Equal(img.Body, logo) {
		t.Errorf("image part: cid=%q disposition=%q body=%q", img.ContentID, img.Disposition, img.Body)
	}
	if !strings.HasPrefix(img.Path, "related/") {
		t.Errorf("image not inside multipart/related: %v", m.paths())
	}
	if !strings.Contains(string(m.part(t, "text/plain").Body), "公司标志") {
		t.Error("text part lacks the image's alt text")
	}

	missing := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"),
		WithBody(FormatHTML, `<img src="cid:nothere.png">`, dir))
	_, err := missing.EML(Row{Number: 4, Values: []string{"x@example.com"}}, []string{"x@example.com"})
	var re *RowError
	if !errors.As(err, &re) || re.Problems[0].Code != "inline-image-missing" || re.Problems[0].Row != 4 {
		t.Errorf("missing inline image: %v", err)
	}
}

func TestChineseAttachmentNamesParseBack(t *testing.T) {
	dir := t.TempDir()
	content := bytes.Repeat([]byte("发票内容 0123456789\n"), 500)
	long := "2024年第三季度客户对账单与增值税专用发票汇总（最终版本，请妥善保存）.pdf"
	a := writeFile(t, dir+"/发票.pdf", content)
	b := writeFile(t, dir+"/"+long, []byte("x"))
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"),
		WithBody(FormatText, "b", ""), WithAttachments(a, b))
	m := mustEML(t, c, Row{Number: 2, Values: []string{"x@example.com"}}, "x@example.com")
	atts := m.attachments()
	if len(atts) != 2 {
		t.Fatalf("attachments: %v", m.paths())
	}
	if atts[0].FileName != "发票.pdf" || !bytes.Equal(atts[0].Body, content) {
		t.Errorf("first attachment: name %q, %d bytes", atts[0].FileName, len(atts[0].Body))
	}
	if atts[1].FileName != long {
		t.Errorf("long name came back as %q", atts[1].FileName)
	}
}

func TestTestMessageIsMarkedAndRedirected(t *testing.T) {
	c := newComposer(t, customerCols, WithFrom("Me <me@example.com>"), WithSubject("Invoice {{客户编号}}"),
		WithBody(FormatText, "b", ""), WithCC("{{Note}}"))
	row := Row{Number: 7, Values: []string{"cust@example.com", "", "C7", "", "", "boss@example.com"}}
	msg, err := c.TestMessage(row, "me@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(msg.Key, "test:7:") {
		t.Errorf("key %q could be confused with the row's", msg.Key)
	}
	if to := msg.Mail.GetToString(); len(to) != 1 || to[0] != "<me@example.com>" {
		t.Errorf("To = %v", to)
	}
	if len(msg.Mail.GetCc()) != 0 || len(msg.ExplicitCopies) != 0 {
		t.Error("a test send must not copy the row's Cc")
	}
	var buf bytes.Buffer
	if _, err := msg.Mail.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if got := parseMessage(t, buf.Bytes()).decoded(t, "Subject"); got != "[TEST] Invoice C7" {
		t.Errorf("subject %q", got)
	}
}

func TestNotReadyWithBlockingSetupProblems(t *testing.T) {
	c := newComposer(t, customerCols, WithSubject("{{Nmae}}"), WithBody(FormatText, "x", ""))
	codes := map[string]bool{}
	for _, p := range c.Problems() {
		codes[p.Code] = true
	}
	if !codes["from-missing"] || !codes["unknown-field"] {
		t.Errorf("problems = %v", c.Problems())
	}
	if _, err := c.Message("k", Row{Number: 2, Values: []string{"a@b.c"}}, []string{"a@b.c"}); !errors.Is(err, ErrNotReady) {
		t.Errorf("Message with blocking problems: %v", err)
	}
	bad := newComposer(t, customerCols, WithFrom("not an address"), WithSubject("s"), WithBody(FormatText, "x", ""))
	if p := bad.Problems(); len(p) != 1 || p[0].Code != "from-invalid" {
		t.Errorf("invalid From: %v", p)
	}
	if _, err := New(nil, WithSizeLimit(0)); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("WithSizeLimit(0): %v", err)
	}
}
