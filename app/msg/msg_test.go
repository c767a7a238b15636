package msg

import (
	"errors"
	"io/fs"
	"testing"
)

func TestTextRendersInEachLanguageWithNestedTexts(t *testing.T) {
	// Keys taken from the catalogue, so the test follows its wording.
	inner := T("Recipients")
	if got := inner.In(SimplifiedChinese); got != "收件人" {
		t.Fatalf("Recipients in Chinese = %q", got)
	}
	outer := T("{{.Field}}: {{.What}}", "Field", inner, "What", Raw("550 5.1.1 no such user"))
	if got, want := outer.String(), "Recipients: 550 5.1.1 no such user"; got != want {
		t.Errorf("English = %q, want %q", got, want)
	}
	if got, want := outer.In(SimplifiedChinese), "收件人：550 5.1.1 no such user"; got != want {
		t.Errorf("Chinese = %q, want %q", got, want)
	}
}

func TestUnknownKeyFallsBackToItsEnglishTemplate(t *testing.T) {
	got := T("not in any catalogue {{.N}}", "N", 3).In(SimplifiedChinese)
	if got != "not in any catalogue 3" {
		t.Errorf("got %q", got)
	}
}

func TestErrorKeepsItsCause(t *testing.T) {
	err := Errorf(fs.ErrNotExist, "{{.Field}}: {{.What}}", "Field", "a", "What", "b")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("the cause is lost")
	}
	var e *Error
	if !errors.As(err, &e) || e.Text.In(English) != "a: b" {
		t.Errorf("err = %v", err)
	}
}

func TestParseLanguage(t *testing.T) {
	for in, want := range map[string]Language{"en": English, "EN_us": English, "zh": SimplifiedChinese, "zh_CN.UTF-8": SimplifiedChinese, "zh-Hans": SimplifiedChinese} {
		if got, ok := ParseLanguage(in); !ok || got != want {
			t.Errorf("ParseLanguage(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseLanguage("fr"); ok {
		t.Error("fr is not supported")
	}
}
