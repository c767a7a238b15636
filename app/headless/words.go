package headless

import (
	"fmt"
	"io"

	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// speaker writes the command's lines in the language --lang chose. In
// English every line is the documented one, word for word (scripts parse
// them); in another language the same lines are said in it.
type speaker struct {
	lang msg.Language
}

func (s speaker) english() bool { return s.lang == "" || s.lang == msg.English }

// line writes english in English, text otherwise.
func (s speaker) line(w io.Writer, english string, text msg.Text) {
	if s.english() {
		fmt.Fprintln(w, english)
		return
	}
	fmt.Fprintln(w, text.In(s.lang))
}

// say renders a text in the chosen language; English, the documented
// language of the output, by default.
func (s speaker) say(t msg.Text) string {
	if s.english() {
		return t.String()
	}
	return t.In(s.lang)
}

// err is an error as the user reads it: its own words in their language,
// or its English.
func (s speaker) err(e error) string {
	if !s.english() {
		if t, ok := msg.TextOf(e); ok {
			return t.In(s.lang)
		}
	}
	return e.Error()
}

// problems prints every problem, blocking ones first.
func (s speaker) problems(w io.Writer, problems recipients.Problems) {
	for _, p := range problems.Blocking() {
		s.line(w, "blocking: "+p.Error(), msg.T("blocking: {{.Problem}}", "Problem", p.Located()))
	}
	for _, p := range problems.Warnings() {
		s.line(w, "warning: "+p.Error(), msg.T("warning: {{.Problem}}", "Problem", p.Located()))
	}
}

// parseLang reads --lang: en or zh-Hans (zh, zh_CN… also do).
func parseLang(s string) (msg.Language, error) {
	if s == "" {
		return msg.English, nil
	}
	l, ok := msg.ParseLanguage(s)
	if !ok {
		return "", fmt.Errorf("--lang %q: use en or zh-Hans", s)
	}
	return l, nil
}
