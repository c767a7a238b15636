// Package msg is how app/ speaks to users without choosing their language.
//
// Domain code returns a Text: a key, which is the English wording with
// {{.Name}} placeholders, plus named arguments. The key is also the entry in
// the catalogue (assets/translations/*.json), so one list of texts serves
// both the window, which renders a Text through Fyne's lang package
// (ui.say), and the headless command, which renders it here with --lang
// and never initialises Fyne.
//
//	return msg.T("row {{.Row}}: {{.Address}} is not a valid address", "Row", 12, "Address", "bob@@x")
package msg

import (
	"fmt"
	"strings"
	"text/template"
)

// Text is one user-facing text: the English template and its arguments.
// The zero Text is empty.
type Text struct {
	// Key is the English template; it is also the catalogue key, so it must
	// be a literal at the call site (a test checks every key is translated).
	Key string
	// Args are the template's named values. A value that is itself a Text is
	// rendered in the same language before it is substituted.
	Args map[string]any
}

// T builds a Text from a key and name/value pairs.
func T(key string, pairs ...any) Text {
	t := Text{Key: key}
	if len(pairs) > 0 {
		t.Args = make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			t.Args[fmt.Sprint(pairs[i])] = pairs[i+1]
		}
	}
	return t
}

// Raw wraps text that is not translated (a server's reply, a file name) so
// it can be passed where a Text is expected.
func Raw(s string) Text { return Text{Key: rawKey, Args: map[string]any{"Raw": s}} }

// List joins texts with "; " in whatever language they render in.
func List(texts []Text) Text { return Text{Key: listKey, Args: map[string]any{"List": texts}} }

// The keys of Raw and List, which no catalogue holds.
const (
	rawKey  = "{{.Raw}}"
	listKey = "{{.List}}"
)

// Untranslated reports whether t is Raw or List text, which a renderer
// fills in without looking anything up.
func (t Text) Untranslated() bool { return t.Key == rawKey || t.Key == listKey }

// IsZero reports whether t holds nothing.
func (t Text) IsZero() bool { return t.Key == "" }

// String renders t in English.
func (t Text) String() string { return t.In(English) }

// In renders t in the given language; unknown languages and missing
// entries fall back to English.
func (t Text) In(lang Language) string {
	if t.Key == "" {
		return ""
	}
	format := catalogue(lang)[t.Key]
	if format == "" {
		format = t.Key
	}
	return Execute(format, t.Args, func(n Text) string { return n.In(lang) })
}

// Execute fills a template with args, rendering nested Texts with nested.
// The window calls it with a nested renderer that goes through Fyne's lang.
func Execute(format string, args map[string]any, nested func(Text) string) string {
	if !strings.Contains(format, "{{") {
		return format
	}
	data := make(map[string]any, len(args))
	for k, v := range args {
		switch v := v.(type) {
		case Text:
			data[k] = nested(v)
		case []Text:
			parts := make([]string, len(v))
			for i, p := range v {
				parts[i] = nested(p)
			}
			data[k] = strings.Join(parts, "; ")
		default:
			data[k] = v
		}
	}
	tpl, err := template.New("").Option("missingkey=zero").Parse(format)
	if err != nil {
		return format
	}
	var b strings.Builder
	if err := tpl.Execute(&b, data); err != nil {
		return format
	}
	return strings.ReplaceAll(b.String(), "<no value>", "")
}

// Resolved returns t's arguments with nested Texts rendered by nested, for
// renderers (such as Fyne's lang.L) that take a plain map.
func (t Text) Resolved(nested func(Text) string) map[string]any {
	if len(t.Args) == 0 {
		return nil
	}
	out := make(map[string]any, len(t.Args))
	for k, v := range t.Args {
		switch v := v.(type) {
		case Text:
			out[k] = nested(v)
		case []Text:
			parts := make([]string, len(v))
			for i, p := range v {
				parts[i] = nested(p)
			}
			out[k] = strings.Join(parts, "; ")
		default:
			out[k] = v
		}
	}
	return out
}

// Error is an error that carries a Text, so the window can show it in the
// user's language while logs and the headless command keep English.
type Error struct {
	Text Text
	// Err is the underlying cause, kept for errors.Is/As; it is not shown.
	Err error
}

func (e *Error) Error() string { return e.Text.String() }
func (e *Error) Unwrap() error { return e.Err }

// Texter is implemented by typed errors that know their words for the
// user (a connection-test step, an IMAP login refused), so one renderer
// can show any of them in the user's language.
type Texter interface {
	UserText() Text
}

// TextOf returns the user text err carries: that of the first *Error or
// Texter in its chain. ok is false for an error that has none; show it as
// it reads.
func TextOf(err error) (t Text, ok bool) {
	for e := err; e != nil; {
		switch v := e.(type) {
		case *Error:
			return v.Text, true
		case Texter:
			return v.UserText(), true
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			e = u.Unwrap()
		case interface{ Unwrap() []error }:
			// A joined error (errors.Join): every part, in order, once
			// one of them has words of its own.
			var parts []Text
			found := false
			for _, inner := range u.Unwrap() {
				t, ok := TextOf(inner)
				if !ok {
					t = Raw(inner.Error())
				}
				found = found || ok
				parts = append(parts, t)
			}
			if !found {
				return Text{}, false
			}
			if len(parts) == 1 {
				return parts[0], true
			}
			return List(parts), true
		default:
			return Text{}, false
		}
	}
	return Text{}, false
}

// Errorf returns an *Error with the given text and cause (which may be nil).
func Errorf(cause error, key string, pairs ...any) error {
	return &Error{Text: T(key, pairs...), Err: cause}
}
