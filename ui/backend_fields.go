package ui

import (
	"mailroom/app/merge"
)

// fieldIssue is a merge field the list has no column for, where it is in
// the text and the column the user probably meant.
type fieldIssue struct {
	Name       string
	Line, Col  int // from 1; Col counts characters
	Suggestion string
}

// unknownFields finds the {{fields}} of src that name no column; text
// that does not parse yet (the user is still typing) has none.
func unknownFields(src string, columns []string) []fieldIssue {
	t, err := merge.Parse("body", src)
	if err != nil {
		return nil
	}
	var out []fieldIssue
	for _, u := range t.Bind(merge.NewColumns(columns)) {
		out = append(out, fieldIssue{Name: u.Name, Line: u.Pos.Line, Col: u.Pos.Col, Suggestion: u.Suggestion})
	}
	return out
}
