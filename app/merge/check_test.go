package merge

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"mailroom/app/recipients"

	"mailroom/app/msg"
)

func TestCheckListsEmptyValuesPerColumn(t *testing.T) {
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("{{姓名}}的发票"),
		WithBody(FormatText, "{{姓名}} {{金额}} {{Note | \"无\"}}", ""), WithSource("客户.xlsx", ""))
	rows := []Row{
		{Number: 2, Values: []string{"a@x.cn", "", "", "1"}},
		{Number: 3, Values: []string{"b@x.cn", "乙", "", "2"}},
		{Number: 4, Values: []string{"c@x.cn", "", "", "3"}},
		{Number: 5, Values: []string{"d@x.cn", " ", "", ""}},
	}
	rep := c.Check(rows)
	var empties []recipients.Problem
	for _, p := range rep.Problems {
		if p.Code == "empty-field" {
			empties = append(empties, p)
		} else {
			t.Errorf("unexpected problem %v", p)
		}
	}
	if len(empties) != 2 {
		t.Fatalf("empty-field problems: %v", empties)
	}
	name, amount := empties[0], empties[1]
	if name.Severity != recipients.Warning || name.Column != "姓名" || !strings.Contains(name.Message, "rows 2, 4–5 (3 rows)") {
		t.Errorf("姓名 warning: %+v", name)
	}
	if amount.Column != "金额" || amount.Row != 5 || !strings.Contains(amount.Message, "row 5") {
		t.Errorf("金额 warning: %+v", amount)
	}
	if !strings.Contains(name.Hint, `{{姓名 | "…"}}`) {
		t.Errorf("hint should show the fallback syntax: %q", name.Hint)
	}
}

func TestCheckFlagsOversizedMessages(t *testing.T) {
	dir := t.TempDir()
	big := writeFile(t, filepath.Join(dir, "big.bin"), bytes.Repeat([]byte{0xAB}, 30_000))
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"),
		WithBody(FormatText, "b", ""), WithAttachments(big), WithSizeLimit(40_000))
	rep := c.Check([]Row{{Number: 2, Values: []string{"a@x.cn"}}})
	if len(rep.Problems) != 1 || rep.Problems[0].Code != "message-too-large" || rep.Problems[0].Row != 2 {
		t.Fatalf("problems: %v", rep.Problems)
	}
	// The estimate must be close to the real encoded size.
	raw, err := c.EML(Row{Number: 2, Values: []string{"a@x.cn"}}, []string{"a@x.cn"})
	if err != nil {
		t.Fatal(err)
	}
	est, real := rep.Rows[0].Size, int64(len(raw))
	if est < real || est > real+1024 {
		t.Errorf("estimated %d bytes, real %d", est, real)
	}
	p := c.Preview(Row{Number: 2, Values: []string{"a@x.cn"}}, []string{"a@x.cn"})
	if p.Size != real {
		t.Errorf("preview size %d, real %d", p.Size, real)
	}

	ok := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"),
		WithBody(FormatText, "b", ""), WithAttachments(big))
	if rep := ok.Check([]Row{{Number: 2, Values: []string{"a@x.cn"}}}); len(rep.Problems) != 0 || rep.SizeLimit != DefaultSizeLimit {
		t.Errorf("default limit: %v", rep.Problems)
	}
}

func TestCheckReportsTemplateProblemsOnce(t *testing.T) {
	dir := t.TempDir()
	body := writeFile(t, filepath.Join(dir, "正文.md"), []byte("Hi {{Nmae}}\n{{if VIP}}x"))
	c := newComposer(t, []string{"Email", "Name", "VIP"}, WithSubject("{{Nmae}}"), WithBodyFile(body))
	rep := c.Check([]Row{{Number: 2, Values: []string{"a@x.cn", "A", ""}}, {Number: 3, Values: []string{"b@x.cn", "B", ""}}})
	got := strings.Join(problemCodes(rep.Problems), ",")
	if got != "from-missing,template-syntax,unknown-field" {
		t.Errorf("codes %s: %v", got, rep.Problems)
	}
	for _, p := range rep.Problems {
		switch p.Code {
		case "template-syntax":
			if p.File != body || !strings.Contains(p.Error(), "正文.md, line 2, column 1: ") {
				t.Errorf("syntax problem %s", p.Error())
			}
			// The window names the part of the message, never the file
			// the body is kept in (issue 11).
			if got := p.Words().In(msg.SimplifiedChinese); !strings.HasPrefix(got, "正文第2行：") || strings.Contains(got, ".md") {
				t.Errorf("syntax problem in the window: %s", got)
			}
		case "unknown-field":
			if !strings.Contains(p.Error(), `the subject, line 1, column 1: there is no column "Nmae"`) || !strings.Contains(p.Hint, "did you mean {{Name}}?") {
				t.Errorf("unknown field problem %s", p.Error())
			}
			if got := p.Words().In(msg.SimplifiedChinese); !strings.HasPrefix(got, "主题第1行：没有“Nmae”这一列——你是想写 {{Name}} 吗？") {
				t.Errorf("unknown field in the window: %s", got)
			}
		}
	}
}

func TestGBKBodyFileIsDecoded(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("尊敬的{{姓名}}，您好！")
	if err != nil {
		t.Fatal(err)
	}
	body := writeFile(t, filepath.Join(t.TempDir(), "notepad.txt"), []byte(gbk))
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"), WithBodyFile(body))
	m := mustEML(t, c, Row{Number: 2, Values: []string{"a@x.cn", "王"}}, "a@x.cn")
	if got := string(m.part(t, "text/plain").Body); got != "尊敬的王，您好！" {
		t.Errorf("body %q", got)
	}
}

func TestUnreadableBodyFile(t *testing.T) {
	c := newComposer(t, customerCols, WithFrom("a@example.com"), WithSubject("s"),
		WithBodyFile(filepath.Join(t.TempDir(), "nope.html")))
	ps := c.Problems()
	if len(ps) != 1 || ps[0].Code != "body-unreadable" || !strings.Contains(ps[0].Error(), "nope.html") {
		t.Errorf("problems %v", ps)
	}
}
