package merge

import (
	"errors"
	"strings"
	"testing"
)

var testColumns = NewColumns([]string{"Email", "姓名", "First Name", "VIP", "Country", "Amount", "Company"})

func render(t *testing.T, src string, values []string, esc Escaper) (string, []int) {
	t.Helper()
	tpl, err := Parse("test", src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	if unknown := tpl.Bind(testColumns); len(unknown) > 0 {
		t.Fatalf("Bind(%q): unknown fields %+v", src, unknown)
	}
	return tpl.Execute(values, esc)
}

func TestTemplateRendering(t *testing.T) {
	row := []string{"li@example.cn", "李雷", "Lei", "是", "China", "1,200.50", ""}
	tests := []struct {
		name, src, want string
	}{
		{"plain text", "Hello", "Hello"},
		{"chinese column", "尊敬的{{姓名}}：", "尊敬的李雷："},
		{"spaces in header and tag", "Hi {{ First Name }}!", "Hi Lei!"},
		{"case and spacing forgiven", "{{first   name}}", "Lei"},
		{"full-width letters", "{{ＶＩＰ}}", "是"},
		{"bracketed name", "{{[First Name]}}", "Lei"},
		{"fallback used", `Dear {{Company | "customer"}}`, "Dear customer"},
		{"fallback with chinese quotes", `{{Company | “客户”}}`, "客户"},
		{"fallback unused", `{{姓名 | "客户"}}`, "李雷"},
		{"if truthy chinese yes", "{{if VIP}}VIP{{end}}", "VIP"},
		{"if empty", "{{if Company}}x{{else}}none{{end}}", "none"},
		{"if not", "{{if not Company}}no company{{end}}", "no company"},
		{"comparison ignores case", `{{if Country = "china"}}你好{{else}}Hello{{end}}`, "你好"},
		{"comparison double equals", `{{if Country == "China"}}y{{end}}`, "y"},
		{"not equal", `{{if Country != "China"}}abroad{{else}}home{{end}}`, "home"},
		{"unquoted comparison", `{{if Country = China}}y{{end}}`, "y"},
		{"else if", `{{if Country = "US"}}us{{else if Country = "China"}}cn{{else}}other{{end}}`, "cn"},
		{"literal braces", `{{"{{"}}Name}}`, "{{Name}}"},
		{"fallback containing braces", `{{Company | "}}"}}`, "}}"},
		{"nested", "{{if VIP}}{{if Company}}a{{else}}b{{end}}{{end}}", "b"},
		{"standalone tags leave no blank lines",
			"Dear {{姓名}},\n{{if VIP}}\nThanks for being VIP.\n{{else}}\nWelcome.\n{{end}}\nBye\n",
			"Dear 李雷,\nThanks for being VIP.\nBye\n"},
		{"standalone at start and end", "{{if VIP}}\nyes\n{{end}}", "yes\n"},
		{"inline tags keep the line", "a {{if VIP}}b{{end}} c\n", "a b c\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := render(t, tc.src, row, nil)
			if got != tc.want {
				t.Errorf("render(%q) = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestTruthiness(t *testing.T) {
	for v, want := range map[string]bool{
		"": false, "  ": false, "0": false, "no": false, "NO": false, "false": false, "False": false, "否": false,
		"1": true, "yes": true, "是": true, "x": true, "00": true,
	} {
		got, _ := render(t, "{{if VIP}}T{{else}}F{{end}}", []string{"", "", "", v}, nil)
		if (got == "T") != want {
			t.Errorf("VIP=%q: got %s, want truthy=%v", v, got, want)
		}
	}
}

func TestEmptyValuesAreReported(t *testing.T) {
	row := []string{"a@b.c", "", "Lei", "", "", "", ""}
	_, empty := render(t, `{{姓名}} {{Company | "x"}} {{if VIP}}{{Country}}{{end}} {{First Name}}`, row, nil)
	// 姓名 is empty and has no fallback; Company has a fallback; Country
	// is in a branch not taken.
	if len(empty) != 1 || empty[0] != 1 {
		t.Fatalf("empty columns = %v, want [1] (姓名)", empty)
	}
}

func TestEscapersApplyToValuesOnly(t *testing.T) {
	row := []string{"", "<script>alert(1)</script>", "a & b", "", "", "", `"><img src=x>`}
	got, _ := render(t, `<p title="{{Company}}"><b>{{姓名}}</b> {{First Name}}</p>`, row, escapeHTML)
	want := `<p title="&#34;&gt;&lt;img src=x&gt;"><b>&lt;script&gt;alert(1)&lt;/script&gt;</b> a &amp; b</p>`
	if got != want {
		t.Errorf("html escape:\n got %s\nwant %s", got, want)
	}
	got, _ = render(t, "Hi {{姓名}}", []string{"", "*[x](javascript:y)*\n# h", "", "", "", "", ""}, escapeMarkdown)
	if strings.ContainsAny(strings.ReplaceAll(got, `\`, ""), "<") || !strings.Contains(got, `\*\[x\]\(javascript\:y\)\*`) {
		t.Errorf("markdown escape: %q", got)
	}
}

func TestSyntaxErrorsHavePositions(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		contains  string
	}{
		{"Hello {{Name", 1, 7, "never closed"},
		{"a\nb {{if VIP}}\nc", 2, 3, `no matching "{{end}}"`},
		{"x\n  {{end}}", 2, 3, `without a matching "{{if}}"`},
		{"{{if VIP}}a{{else}}b{{else}}c{{end}}", 1, 21, "second"},
		{"{{}}", 1, 1, "empty"},
		{"{{if }}x{{end}}", 1, 1, "needs a column"},
		{`{{Name | "oops}}`, 1, 1, "never closed"},
		{`{{Name | "a" b}}`, 1, 1, "after the closing quote"},
		{"{{if VIP}}中文{{else x}}{{end}}", 1, 13, "else if"},
	}
	for _, tc := range tests {
		_, err := Parse("subject", tc.src)
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tc.src, err)
			continue
		}
		if se.Pos.Line != tc.line || se.Pos.Col != tc.col || !strings.Contains(se.Msg, tc.contains) {
			t.Errorf("Parse(%q) = %v (at %d:%d), want %d:%d containing %q", tc.src, err, se.Pos.Line, se.Pos.Col, tc.line, tc.col, tc.contains)
		}
	}
}

func TestUnknownFieldsSuggestClosestColumn(t *testing.T) {
	tpl, err := Parse("body.md", "Hi {{Frist Name}},\n{{姓明}} {{Amount}} {{Zzzzzzzzzz}} {{email}}")
	if err != nil {
		t.Fatal(err)
	}
	unknown := tpl.Bind(testColumns)
	if len(unknown) != 3 {
		t.Fatalf("unknown = %+v, want 3", unknown)
	}
	want := []struct{ name, suggestion string }{{"Frist Name", "First Name"}, {"姓明", "姓名"}, {"Zzzzzzzzzz", ""}}
	for i, w := range want {
		if unknown[i].Name != w.name || unknown[i].Suggestion != w.suggestion {
			t.Errorf("unknown[%d] = %+v, want %s → %q", i, unknown[i], w.name, w.suggestion)
		}
	}
	if unknown[1].Pos != (Pos{2, 1}) {
		t.Errorf("position of 姓明 = %+v, want 2:1", unknown[1].Pos)
	}
}

// "Did you mean …?" only for a real typo: a swapped pair of letters, one
// wrong character of a short name, one in three of a long one; never for
// a different name that happens to be as short (金额 is not 姓名).
func TestSuggestOnlyCloseNames(t *testing.T) {
	cols := NewColumns([]string{"姓名", "Email", "First Name", "Amount", "城市名称"})
	for name, want := range map[string]string{
		"Nmae": "", "Emial": "Email", "Frist Name": "First Name", "Amout": "Amount", "姓明": "姓名",
		"金额": "", "城市": "", "名字": "", "Phone": "", "Name": "", "Amounts": "Amount", "城市名": "城市名称",
	} {
		if got := cols.Suggest(name); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestAmbiguousCaseNeedsExactHeader(t *testing.T) {
	cols := NewColumns([]string{"name", "Name"})
	if i, ok := cols.Index("Name"); !ok || i != 1 {
		t.Errorf("exact match: %d %v", i, ok)
	}
	if _, ok := cols.Index("NAME"); ok {
		t.Error("NAME matched although name and Name are both columns")
	}
}

func TestParseOnceRenderMany(t *testing.T) {
	tpl, err := Parse("s", "{{姓名}}-{{Amount}}")
	if err != nil {
		t.Fatal(err)
	}
	tpl.Bind(testColumns)
	for _, v := range []string{"甲", "乙", "丙"} {
		if got, _ := tpl.Execute([]string{"", v, "", "", "", "9"}, nil); got != v+"-9" {
			t.Errorf("got %q", got)
		}
	}
}

// FuzzParse checks that no template text, however broken, panics the
// parser or renderer, and that errors always carry a position.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"{{Name}}", `{{if VIP}}a{{else if Country = "中国"}}b{{else}}c{{end}}`,
		`{{姓名 | “客户”}}`, "{{", "}}{{if}}", "{{[a|b]}}", "x\n{{end}}\n", `{{"{{"}}`, "{{if a != }}{{end}}"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := Parse("fuzz", src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos.Line < 1 || se.Pos.Col < 1 {
				t.Fatalf("Parse(%q) = %v without a position", src, err)
			}
			return
		}
		tpl.Bind(testColumns)
		tpl.Execute([]string{"a", "<b>", "", "yes"}, escapeMarkdown)
	})
}
