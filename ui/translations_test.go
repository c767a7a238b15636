package ui

import (
	"os"
	"testing"

	"fyne.io/fyne/v2/lang"

	"mailroom/app/msg"
	"mailroom/assets"
)

// The catalogue's completeness (every key used in ui/ and app/ is in both
// languages) is checked once, in app/msg.

// inChinese switches the window's language to Simplified Chinese for the
// rest of the test.
func inChinese(t *testing.T) {
	t.Helper()
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
}

func TestChineseLocaleGetsChineseTexts(t *testing.T) {
	inChinese(t)
	if got := lang.L("Recipients"); got != "收件人" {
		t.Errorf(`lang.L("Recipients") = %q in zh_CN, want 收件人`, got)
	}
	got := lang.L("Row {{.Row}} ({{.Index}} of {{.Count}})", map[string]any{"Row": 12, "Index": 1, "Count": 3})
	if got != "第12行（1 / 3）" {
		t.Errorf("templated message = %q", got)
	}
}

func TestSayRendersAppTextsInTheWindowsLanguage(t *testing.T) {
	inChinese(t)
	text := msg.T("{{.Field}}: {{.What}}", "Field", msg.T("Recipients"), "What", msg.Raw("x"))
	if got := say(text); got != "收件人：x" {
		t.Errorf("say = %q, want 收件人：x", got)
	}
	if got := sayErr(msg.Errorf(nil, "Recipients")); got != "收件人" {
		t.Errorf("sayErr = %q, want 收件人", got)
	}
}
