package msg

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
	"time"
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

func TestDurationReadsLikeAPerson(t *testing.T) {
	cases := []struct {
		d      time.Duration
		en, zh string
	}{
		{87 * time.Second, "1 min 27 s", "1分27秒"},
		{200 * time.Millisecond, "200 ms", "200毫秒"},
		{45 * time.Second, "45 s", "45秒"},
		{2 * time.Minute, "2 min", "2分钟"},
		{100*time.Minute + 20*time.Second, "1 h 40 min", "1小时40分"},
		{3 * time.Hour, "3 h", "3小时"},
	}
	for _, c := range cases {
		if got := Duration(c.d).String(); got != c.en {
			t.Errorf("%v in English = %q, want %q", c.d, got, c.en)
		}
		if got := Duration(c.d).In(SimplifiedChinese); got != c.zh {
			t.Errorf("%v in Chinese = %q, want %q", c.d, got, c.zh)
		}
	}
}

type stepFailed struct{ host string }

func (e *stepFailed) Error() string  { return "cannot reach " + e.host }
func (e *stepFailed) UserText() Text { return T("Recipients") }

func TestTextOfFindsTheWordsInAnyWrappedError(t *testing.T) {
	wrapped := fmt.Errorf("context: %w", &stepFailed{"smtp.qq.com"})
	if got, ok := TextOf(wrapped); !ok || got.In(SimplifiedChinese) != "收件人" {
		t.Errorf("Texter in a chain: %q, %v", got.Key, ok)
	}
	if _, ok := TextOf(errors.New("plain")); ok {
		t.Error("a plain error has no words of its own")
	}
	joined := errors.Join(Errorf(nil, "Recipients"), errors.New("plain"))
	if got, ok := TextOf(joined); !ok || got.In(SimplifiedChinese) != "收件人; plain" {
		t.Errorf("joined: %q, %v", got.In(SimplifiedChinese), ok)
	}
}

// A Text kept in a journal reads back in any language; plain English kept
// by older versions reads back as it is.
func TestStoredTextReadsBackInEveryLanguage(t *testing.T) {
	orig := T("{{.Field}}: {{.What}}", "Field", T("Recipients"), "What", Raw("550 5.1.1"), "N", 12)
	back := Stored(orig.Store())
	if back.In(SimplifiedChinese) != orig.In(SimplifiedChinese) || back.String() != orig.String() {
		t.Errorf("round trip: %q / %q", back.In(SimplifiedChinese), back.String())
	}
	if got := T("{{.N}} rows", "N", 12); Stored(got.Store()).String() != "12 rows" {
		t.Errorf("a number reads back as %q", Stored(got.Store()).String())
	}
	if got := Stored("invalid address").String(); got != "invalid address" {
		t.Errorf("an old plain reason reads %q", got)
	}
	if !Stored("").IsZero() || (Text{}).Store() != "" {
		t.Error("nothing must stay nothing")
	}
}
