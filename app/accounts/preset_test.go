package accounts

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestEveryPresetMakesAValidAccount(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Presets() {
		if seen[p.ID] {
			t.Errorf("preset ID %q used twice", p.ID)
		}
		seen[p.ID] = true
		if p.Name == "" || p.NameZH == "" || p.Note == "" || p.NoteZH == "" {
			t.Errorf("preset %q lacks a name or note in English or Chinese", p.ID)
		}
		if p.ID != "custom" && (p.AuthHint == "" || p.AuthHintZH == "") {
			t.Errorf("preset %q lacks a login-failure hint", p.ID)
		}
		a := p.Apply(Account{DisplayName: p.Name, FromAddress: "someone@example.com"})
		if a.Host == "" {
			a.Host = "relay.example.com"
		}
		if a.Username == "" {
			a.Username = "smtp-user"
		}
		if err := a.Validate(); err != nil {
			t.Errorf("preset %q gives an invalid account: %v", p.ID, err)
		}
		if a.Preset != p.ID {
			t.Errorf("preset %q not recorded on the account", p.ID)
		}
	}
	for _, id := range []string{"gmail", "google-workspace", "outlook", "microsoft365", "qq", "exmail", "163", "126", "yeah", "aliyun", "yahoo", "icloud", "zoho", "ses", "relay", "custom"} {
		if !seen[id] {
			t.Errorf("preset %q missing", id)
		}
	}
}

func TestPresetFigures(t *testing.T) {
	want := map[string]Limits{
		"gmail":            {PerDay: 500, MaxMessageBytes: 25 << 20},
		"google-workspace": {PerDay: 2000, MaxMessageBytes: 25 << 20},
		"microsoft365":     {PerMinute: 30, PerDay: 10000, MaxMessageBytes: 35 << 20},
		"icloud":           {PerDay: 1000, MaxMessageBytes: 20 << 20},
	}
	for id, limits := range want {
		p, _ := PresetByID(id)
		if p.Limits != limits {
			t.Errorf("%s limits = %+v, want %+v", id, p.Limits, limits)
		}
	}
	if p, _ := PresetByID("outlook"); p.Auth != AuthXOAUTH2 {
		t.Errorf("Outlook.com must default to XOAUTH2, got %s", p.Auth)
	}
	if p, _ := PresetByID("qq"); !strings.Contains(p.AuthHint, "authorisation code") || !strings.Contains(p.AuthHintZH, "授权码") {
		t.Errorf("QQ hint must mention the authorisation code: %q / %q", p.AuthHint, p.AuthHintZH)
	}
}

func TestGuessPresetFromAddress(t *testing.T) {
	cases := map[string]string{
		"12345@qq.com":         "qq",
		"Someone@QQ.COM":       "qq",
		"a@foxmail.com":        "qq",
		"wang@163.com":         "163",
		"li@126.com":           "126",
		"x@yeah.net":           "yeah",
		"me@gmail.com":         "gmail",
		"me@hotmail.com":       "outlook",
		"me@icloud.com":        "icloud",
		"me@aliyun.com":        "aliyun-personal",
		"Name <me@yahoo.com>":  "yahoo",
		"boss@company.example": "",
		"not an address":       "",
	}
	for addr, want := range cases {
		p, ok := GuessPreset(addr)
		if got := p.ID; got != want || ok != (want != "") {
			t.Errorf("GuessPreset(%q) = %q, %v; want %q", addr, got, ok, want)
		}
	}
}

func TestPresetRegion(t *testing.T) {
	ses, _ := PresetByID("ses")
	eu, err := ses.WithRegion("eu-west-1")
	if err != nil || eu.Host != "email-smtp.eu-west-1.amazonaws.com" {
		t.Fatalf("WithRegion = %q, %v", eu.Host, err)
	}
	if _, err := ses.WithRegion("eu west/1"); err == nil {
		t.Error("a malformed region was accepted")
	}
	qq, _ := PresetByID("qq")
	if _, err := qq.WithRegion("eu-west-1"); err == nil {
		t.Error("QQ Mail accepted a region")
	}
}

func TestPresetApplyKeepsIdentityAndFillsUsername(t *testing.T) {
	qq, _ := PresetByID("qq")
	a := qq.Apply(Account{DisplayName: "Mine", FromName: "王", FromAddress: "1@qq.com", ReplyTo: "r@qq.com"})
	if a.Host != "smtp.qq.com" || a.Port != 465 || a.Security != SecurityTLS || a.Username != "1@qq.com" {
		t.Fatalf("QQ preset applied wrongly: %+v", a)
	}
	if a.DisplayName != "Mine" || a.FromName != "王" || a.ReplyTo != "r@qq.com" {
		t.Fatalf("identity lost: %+v", a)
	}
	ses, _ := PresetByID("ses")
	if s := ses.Apply(Account{FromAddress: "me@example.com"}); s.Username != "" {
		t.Errorf("SES must not guess the SMTP username, got %q", s.Username)
	}
}

// TestPresetFiguresCiteSources parses presets.go and checks that every
// preset entry with a server or a limit carries a comment naming a source,
// so an update cannot add a figure without saying where it comes from.
func TestPresetFiguresCiteSources(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "presets.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var entries []*ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.CompositeLit); ok {
			if id, ok := lit.Type.(*ast.Ident); ok && id.Name == "Preset" {
				entries = append(entries, lit)
			}
			if arr, ok := lit.Type.(*ast.ArrayType); ok {
				if id, ok := arr.Elt.(*ast.Ident); ok && id.Name == "Preset" {
					for _, e := range lit.Elts {
						if c, ok := e.(*ast.CompositeLit); ok {
							entries = append(entries, c)
						}
					}
				}
			}
		}
		return true
	})
	if len(entries) < 10 {
		t.Fatalf("found only %d preset literals; did presets.go change shape?", len(entries))
	}
	for _, e := range entries {
		var cited bool
		for _, cg := range f.Comments {
			if cg.Pos() < e.Pos() || cg.End() > e.End() {
				continue
			}
			text := cg.Text()
			if strings.Contains(text, "https://") || strings.Contains(text, "RFC") || strings.Contains(text, "help") {
				cited = true
			}
		}
		if !cited {
			t.Errorf("preset at %s has no source comment", fset.Position(e.Pos()))
		}
	}
}
