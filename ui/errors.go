package ui

import "fyne.io/fyne/v2/lang"

// inputError names the field the user has to correct.
type inputError struct {
	field, what string
}

func fieldError(field, what string) error { return inputError{field: field, what: what} }

func (e inputError) Error() string {
	return lang.L("{{.Field}}: {{.What}}", map[string]any{"Field": e.field, "What": e.what})
}
