package msg

import (
	"encoding/json"
	"strings"
	"sync"

	"mailroom/assets/translations"
)

// Language is a catalogue language, written as a BCP 47 tag.
type Language string

// The languages Mailroom is complete in.
const (
	English           Language = "en"
	SimplifiedChinese Language = "zh-Hans"
)

// Languages lists every supported language, English first.
func Languages() []Language { return []Language{English, SimplifiedChinese} }

// ParseLanguage accepts en, zh, zh-Hans, zh_CN, zh-CN and similar (case
// insensitive); ok is false for anything else.
func ParseLanguage(s string) (Language, bool) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-"))
	if i := strings.IndexByte(s, '.'); i >= 0 { // zh_CN.UTF-8
		s = s[:i]
	}
	switch {
	case s == "en" || strings.HasPrefix(s, "en-"):
		return English, true
	case s == "zh" || s == "zh-hans" || s == "zh-cn" || s == "zh-sg" || strings.HasPrefix(s, "zh-hans-"):
		return SimplifiedChinese, true
	}
	return "", false
}

// fileOf names the catalogue file of a language.
func fileOf(l Language) string { return strings.ReplaceAll(string(l), "-", "_") + ".json" }

var (
	loadOnce sync.Once
	loaded   map[Language]map[string]string
)

// catalogue returns the texts of a language (empty when unknown).
func catalogue(l Language) map[string]string {
	loadOnce.Do(func() {
		loaded = map[Language]map[string]string{}
		for _, lang := range Languages() {
			m, err := Catalogue(lang)
			if err == nil {
				loaded[lang] = m
			}
		}
	})
	return loaded[l]
}

// Catalogue reads one language's file. A value may be a string or, as
// go-i18n allows, an object of plural forms; the "other" form is used.
func Catalogue(l Language) (map[string]string, error) {
	data, err := translations.FS.ReadFile(fileOf(l))
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			return nil, err
		}
		out[k] = forms["other"]
	}
	return out, nil
}
