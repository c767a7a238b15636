package msg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// keyCall says which calls take a catalogue key, and at which argument.
// lang.L/lang.X are the window's own texts; msg.T/msg.Errorf are app/'s.
var keyCalls = map[string]map[string]int{
	"lang": {"L": 0, "X": 0},
	"msg":  {"T": 0, "Errorf": 1},
}

// usedKeys parses every non-test Go file under the repository's ui/ and
// app/ folders and returns each catalogue key with where it is used. A key
// that is not a string literal is an error: the test could not check it.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	keys := map[string]string{}
	for _, dir := range []string{"ui", "app", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var pkgName, funName string
				switch fun := call.Fun.(type) {
				case *ast.SelectorExpr:
					pkg, ok := fun.X.(*ast.Ident)
					if !ok {
						return true
					}
					pkgName, funName = pkg.Name, fun.Sel.Name
				case *ast.Ident:
					// Package msg calls its own T without a qualifier.
					if f.Name.Name != "msg" {
						return true
					}
					pkgName, funName = "msg", fun.Name
				default:
					return true
				}
				arg, ok := keyCalls[pkgName][funName]
				if !ok || len(call.Args) <= arg {
					return true
				}
				lit, ok := call.Args[arg].(*ast.BasicLit)
				if (!ok || lit.Kind != token.STRING) && f.Name.Name == "msg" {
					return true // package msg passing its callers' keys on
				}
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: the key passed to %s.%s must be a string literal", fset.Position(call.Pos()), pkgName, funName)
					return true
				}
				key, _ := strconv.Unquote(lit.Value)
				keys[key] = fset.Position(call.Pos()).String()
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

var placeholder = regexp.MustCompile(`\{\{\s*\.[A-Za-z]+\s*\}\}`)

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestEveryTextIsTranslated is the catalogue's contract: every key used in
// ui/, app/ or cmd/ is in both files, no file holds a key nobody uses, the
// English file maps each key to itself, and translations keep the
// placeholders.
func TestEveryTextIsTranslated(t *testing.T) {
	used := usedKeys(t)
	if len(used) < 50 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	en, err := Catalogue(English)
	if err != nil {
		t.Fatal(err)
	}
	zh, err := Catalogue(SimplifiedChinese)
	if err != nil {
		t.Fatal(err)
	}
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
			t.Errorf("en.json holds %q, which nothing uses any more", key)
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
