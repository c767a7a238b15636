package accounts

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"

	"mailroom/app/msg"
)

// halfWidthInChinese finds a half-width comma, colon, semicolon or
// parenthesis next to a Chinese character.
var halfWidthInChinese = regexp.MustCompile(`\p{Han}[,:;()]|[,:;()]\p{Han}`)

func TestEveryPresetMakesAValidAccount(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Presets() {
		if seen[p.ID] {
			t.Errorf("preset ID %q used twice", p.ID)
		}
		seen[p.ID] = true
		if p.Name == "" || p.NameZH == "" || p.Note.IsZero() {
			t.Errorf("preset %q lacks a name or note", p.ID)
		}
		if p.ID != "custom" && p.AuthHint.IsZero() {
			t.Errorf("preset %q lacks a login-failure hint", p.ID)
		}
		// The notes are catalogue texts (TestEveryTextIsTranslated checks
		// they are translated); here, that the Chinese reads as Chinese:
		// full-width punctuation, never a half-width comma or colon
		// between Chinese words.
		for _, text := range []msg.Text{p.Note, p.AuthHint, p.SecretHelp} {
			zh := text.In(msg.SimplifiedChinese)
			if !text.IsZero() && zh == text.String() {
				t.Errorf("preset %q: %q is not translated", p.ID, text.Key)
			}
			if bad := halfWidthInChinese.FindString(zh); bad != "" {
				t.Errorf("preset %q: %q has half-width punctuation %q in Chinese", p.ID, zh, bad)
			}
		}
		if strings.ContainsAny(p.NameZH, "(),") {
			t.Errorf("preset %q: Chinese name %q has half-width punctuation", p.ID, p.NameZH)
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
		"microsoft365":     {PerMinute: 30, PerDay: 10000, MaxMessageBytes: 35 << 20, MaxConnections: 3},
		"qq":               {Delay: "30-120"},
		"163":              {Delay: "30-120"},
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
	if p, _ := PresetByID("qq"); !strings.Contains(p.AuthHint.String(), "authorisation code") || !strings.Contains(p.AuthHint.In(msg.SimplifiedChinese), "授权码") {
		t.Errorf("QQ hint must mention the authorisation code: %q", p.AuthHint.Key)
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

// Switching provider withdraws what the old preset filled: 163's servers,
// its IMAP side and its copy to Sent do not stay behind a custom server
// or another provider, while what the user typed stays.
func TestApplyPresetWithdrawsWhatThePreviousPresetFilled(t *testing.T) {
	a := ApplyPreset(Account{DisplayName: "Mine", FromName: "王", FromAddress: "wang@163.com"}, "163")
	if a.Host != "smtp.163.com" || a.IMAP.Host != "imap.163.com" || !a.IMAP.CopyToSent || a.Username != "wang@163.com" {
		t.Fatalf("163 preset: %+v", a)
	}
	custom := ApplyPreset(a, "")
	if custom.Host != "" || custom.Port != 587 || custom.Security != SecuritySTARTTLS || custom.Auth != AuthAuto {
		t.Errorf("custom server keeps 163's server: %s:%d %s %s", custom.Host, custom.Port, custom.Security, custom.Auth)
	}
	if custom.IMAP != (IMAP{}) {
		t.Errorf("custom server keeps 163's IMAP side: %+v", custom.IMAP)
	}
	if custom.Limits != (Limits{}) || custom.Preset != "custom" {
		t.Errorf("custom server: limits %+v, preset %q", custom.Limits, custom.Preset)
	}
	if custom.DisplayName != "Mine" || custom.FromName != "王" || custom.FromAddress != "wang@163.com" || custom.Username != "wang@163.com" {
		t.Errorf("identity lost: %+v", custom)
	}

	// Another provider replaces the servers and the mailbox side.
	qq := ApplyPreset(a, "qq")
	if qq.Host != "smtp.qq.com" || qq.IMAP.Host != "imap.qq.com" {
		t.Errorf("163 → QQ: %s, IMAP %s", qq.Host, qq.IMAP.Host)
	}

	// What the user typed by hand is not the preset's to withdraw.
	typed := a
	typed.Host, typed.IMAP.Host, typed.Username = "mail.example.com", "imap.example.com", "wang"
	kept := ApplyPreset(typed, "")
	if kept.Host != "mail.example.com" || kept.IMAP.Host != "imap.example.com" || kept.Username != "wang" {
		t.Errorf("typed settings lost: %s, IMAP %s, user %s", kept.Host, kept.IMAP.Host, kept.Username)
	}

	// Amazon SES: a regional host is the preset's too; the From address is
	// no SES user name, in either direction.
	ses := ApplyPreset(a, "ses")
	if ses.Username != "" || ses.IMAP != (IMAP{}) {
		t.Errorf("163 → SES keeps the address as user name or the IMAP side: %q, %+v", ses.Username, ses.IMAP)
	}
	ses.Host, ses.Username = "email-smtp.eu-west-1.amazonaws.com", "AKIAEXAMPLE"
	back := ApplyPreset(ses, "")
	if back.Host != "" || back.Username != "AKIAEXAMPLE" {
		t.Errorf("SES → custom: host %q, user %q", back.Host, back.Username)
	}
}

// WithDefaults is the rule saving follows: the From address is the user
// name where the provider expects it, never for Amazon SES or a relay.
func TestWithDefaultsFollowsThePreset(t *testing.T) {
	cases := []struct {
		preset string
		auth   AuthMethod
		want   string
	}{
		{"qq", AuthAuto, "me@example.com"},
		{"", AuthAuto, "me@example.com"},
		{"ses", AuthAuto, ""},
		{"relay", AuthAuto, ""},
		{"", AuthNone, ""},
	}
	for _, c := range cases {
		got := WithDefaults(Account{Preset: c.preset, Auth: c.auth, FromAddress: "me@example.com"}).Username
		if got != c.want {
			t.Errorf("%q/%s: user name %q, want %q", c.preset, c.auth, got, c.want)
		}
	}
	if got := WithDefaults(Account{Preset: "qq", Username: "mine", FromAddress: "me@qq.com"}).Username; got != "mine" {
		t.Errorf("a typed user name was replaced by %q", got)
	}
}

// QQ and NetEase call the secret an authorisation code (授权码), and say
// where to get one.
func TestPresetsNameTheirSecret(t *testing.T) {
	for id, want := range map[string]string{"qq": "授权码", "163": "授权码", "126": "授权码", "gmail": "应用专用密码", "ses": "SMTP 密码", "custom": "密码"} {
		p, _ := PresetByID(id)
		if got := p.Secret.Label().In(msg.SimplifiedChinese); got != want {
			t.Errorf("%s: secret labelled %q, want %q", id, got, want)
		}
		if p.Secret == SecretAuthCode && !strings.Contains(p.SecretHelp.In(msg.SimplifiedChinese), "授权码") {
			t.Errorf("%s: no help on getting the authorisation code: %q", id, p.SecretHelp.Key)
		}
	}
}
