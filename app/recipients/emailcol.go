package recipients

import (
	"strings"

	"mailroom/app/msg"
)

// chooseEmailColumn applies the user's choice, or detects the column: a
// header that names an address column wins (an exact name like "Email" or
// "邮箱" before one merely containing it), ties broken by how many preview
// cells hold valid addresses; without such a header, the column whose
// preview cells are mostly valid addresses.
func (r *Reader) chooseEmailColumn() error {
	if r.cfg.emailColumn != "" {
		c, ok := r.columns.Find(r.cfg.emailColumn)
		if !ok {
			return &FileError{Problem: Problem{Code: codeFor(ErrNoColumn), File: r.path, Sheet: r.sheet}.Say(
				msg.T(`there is no column named "{{.Column}}"`, "Column", r.cfg.emailColumn),
				msg.T("choose one of: {{.Columns}}", "Columns", strings.Join(r.columns.Names(), ", "))), Kind: ErrNoColumn}
		}
		r.email = c.Index
		return nil
	}
	bestHeader, bestContent, best := 0, -1.0, -1
	for _, c := range r.columns {
		hs := headerScore(c.Header)
		cs := r.addressShare(c.Index)
		if hs == 0 && cs < 0.5 {
			continue
		}
		if hs > bestHeader || (hs == bestHeader && cs > bestContent) {
			bestHeader, bestContent, best = hs, cs, c.Index
		}
	}
	r.email = best
	return nil
}

// addressShare is the fraction of non-empty preview cells of column col
// that hold valid addresses (or carry a mailto: link).
func (r *Reader) addressShare(col int) float64 {
	var filled, valid int
	for _, row := range r.pending {
		i := r.first + col
		v := ""
		if i < len(row.cells) {
			v = row.cells[i]
		}
		link := row.mailto[i]
		if v == "" && link == "" {
			continue
		}
		filled++
		if link != "" || looksLikeAddresses(v) {
			valid++
		}
	}
	if filled == 0 {
		return 0
	}
	return float64(valid) / float64(filled)
}

func looksLikeAddresses(cell string) bool {
	if !strings.Contains(cell, "@") {
		return false
	}
	parts := SplitCell(cell)
	if len(parts) == 0 {
		return false
	}
	_, err := ParseAddress(parts[0])
	return err == nil
}

// NoEmailColumn is the blocking problem for a table in which no column
// holds addresses, naming the columns the user can choose from.
func NoEmailColumn(file, sheet string, cols Columns) Problem {
	return Problem{Code: codeFor(ErrNoColumn), File: file, Sheet: sheet}.Say(msg.T("no column holds email addresses"),
		msg.T("choose the address column (one of: {{.Columns}})", "Columns", strings.Join(cols.Names(), ", ")))
}
