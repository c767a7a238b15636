package campaign

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/msg"
)

// TestEveryProblemIsSaid walks the code that produces problems (app/
// recipients, app/merge, app/campaign) and fails on any Problem made
// without Say: such a problem would reach the Chinese window in English.
// Say takes catalogue texts, and TestEveryTextIsTranslated (app/msg)
// checks each of those is in both languages, so together they hold every
// problem code to a translated text.
func TestEveryProblemIsSaid(t *testing.T) {
	fset := token.NewFileSet()
	literals, said := 0, 0
	for _, dir := range []string{"../recipients", "../merge", "."} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ok := map[*ast.CompositeLit]bool{}
			ast.Inspect(f, func(n ast.Node) bool {
				if call, isCall := n.(*ast.CallExpr); isCall {
					if sel, isSel := call.Fun.(*ast.SelectorExpr); isSel && sel.Sel.Name == "Say" {
						if lit, isLit := sel.X.(*ast.CompositeLit); isLit {
							ok[lit] = true
						}
					}
				}
				return true
			})
			ast.Inspect(f, func(n ast.Node) bool {
				lit, isLit := n.(*ast.CompositeLit)
				if !isLit || !isProblemType(lit.Type) {
					return true
				}
				literals++
				if !ok[lit] {
					t.Errorf("%s: a Problem made without Say(what, fix): its words would stay English", fset.Position(lit.Pos()))
				} else {
					said++
				}
				return true
			})
		}
	}
	if literals < 25 {
		t.Fatalf("found only %d Problem literals: the walk is broken", literals)
	}
	t.Logf("%d problems, all said", said)
}

func isProblemType(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "Problem"
	case *ast.SelectorExpr:
		return e.Sel.Name == "Problem"
	}
	return false
}

// The same at run time: a campaign full of mistakes reports each problem
// in Chinese in the window's words, with no file the user did not make.
func TestEveryProblemOfACampaignReadsInChinese(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "客户.csv")
	if err := os.WriteFile(list, []byte("姓名,邮箱\n张三,zhang@example.com\n李四,li@@example\n王五,\n赵六,zhao@gmial.com\n张三,zhang@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	body := filepath.Join(dir, "draft.body.md")
	if err := os.WriteFile(body, []byte("{{名字}}，您好\n{{if VIP}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &Campaign{Recipients: list, Body: body, Subject: "{{金额}}", SMTP: "smtp://127.0.0.1:2525", From: "财务部 <billing@example.com>",
		Attach: []string{filepath.Join(dir, "missing.pdf")}, Rate: "fast"}
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, p := range plan.Problems {
		codes[p.Code] = true
		if p.Text == nil {
			t.Errorf("%s: no words in the user's language: %s", p.Code, p.Error())
			continue
		}
		zh := p.Words().In(msg.SimplifiedChinese)
		if zh == p.Words().String() {
			t.Errorf("%s: not translated: %s", p.Code, zh)
		}
		if strings.Contains(zh, "draft.body.md") || strings.Contains(zh, " — ") {
			t.Errorf("%s: the window would read %q", p.Code, zh)
		}
	}
	for _, want := range []string{"invalid-address", "address-typo", "duplicate", "empty-address", "unknown-field", "template-syntax", "attachment-missing", "bad-rate"} {
		if !codes[want] {
			t.Errorf("the campaign did not report %s (got %v)", want, codes)
		}
	}
	// "Did you mean" only for a close name: {{名字}} and {{金额}} are
	// not 姓名.
	for _, p := range plan.Problems {
		if p.Code == "unknown-field" && strings.Contains(p.Hint, "did you mean") {
			t.Errorf("suggested a column that is not close: %s", p.Error())
		}
	}
}
