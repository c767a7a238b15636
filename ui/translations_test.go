package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"mailroom/assets"
)

// usedKeys parses ui/*.go and returns every key passed to lang.L or
// lang.X, failing on a key that is not a literal (the test could not check it).
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	keys := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "L" && sel.Sel.Name != "X") {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: the key passed to lang.%s must be a string literal", fset.Position(call.Pos()), sel.Sel.Name)
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			keys[key] = fset.Position(call.Pos()).String()
			return true
		})
	}
	return keys
}

func readTranslations(t *testing.T, name string) map[string]string {
	t.Helper()
	data, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var placeholder = regexp.MustCompile(`\{\{\s*\.[A-Za-z]+\s*\}\}`)

func TestTranslationFilesHaveTheSameKeysAsTheCode(t *testing.T) {
	used := usedKeys(t)
	if len(used) < 50 {
		t.Fatalf("found only %d keys in ui/: the scan is broken", len(used))
	}
	en := readTranslations(t, "en.json")
	zh := readTranslations(t, "zh_Hans.json")
	if !slices.Equal(sortedKeys(en), sortedKeys(zh)) {
		for k := range en {
			if _, ok := zh[k]; !ok {
				t.Errorf("zh_Hans.json lacks %q", k)
			}
		}
		for k := range zh {
			if _, ok := en[k]; !ok {
				t.Errorf("en.json lacks %q", k)
			}
		}
	}
	for key, where := range used {
		if _, ok := en[key]; !ok {
			t.Errorf("%s: %q is not in en.json", where, key)
		}
	}
	for key := range en {
		if _, ok := used[key]; !ok {
			t.Errorf("en.json holds %q, which ui/ no longer uses", key)
		}
	}
	for key, want := range en {
		if want != key {
			t.Errorf("en.json: %q should translate to itself, not %q", key, want)
		}
		got := zh[key]
		if strings.TrimSpace(got) == "" {
			t.Errorf("zh_Hans.json: %q is empty", key)
			continue
		}
		a, b := placeholder.FindAllString(key, -1), placeholder.FindAllString(got, -1)
		sort.Strings(a)
		sort.Strings(b)
		if !slices.Equal(a, b) {
			t.Errorf("zh_Hans.json: %q has placeholders %v, want %v", key, b, a)
		}
	}
}

func TestChineseLocaleGetsChineseTexts(t *testing.T) {
	t.Cleanup(func() {
		os.Setenv("LC_ALL", "en_US.UTF-8")
		if err := assets.RegisterTranslations(); err != nil {
			t.Fatal(err)
		}
	})
	os.Setenv("LC_ALL", "zh_CN.UTF-8")
	if err := assets.RegisterTranslations(); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("Recipients"); got != "收件人" {
		t.Errorf(`lang.L("Recipients") = %q in zh_CN, want 收件人`, got)
	}
	got := lang.L("Row {{.Row}} ({{.Index}} of {{.Count}})", map[string]any{"Row": 12, "Index": 1, "Count": 3})
	if got != "第 12 行（1 / 3）" {
		t.Errorf("templated message = %q", got)
	}
}
